"""Spine Coach: a voice-first home exercise coach for recovery after spine surgery.

The package is transport-free: the Alexa skill (``skill.factory.build_skill``), the pure
workout state machine and the content catalog know nothing of Flask or Lambda. The web
service (``skill.web``) and the Lambda entry point (``lambda/``) wrap the same factory.
Importing this package has no side effects.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
