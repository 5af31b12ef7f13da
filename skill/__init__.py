"""Spine Coach: a voice-first home exercise coach for recovery after spine surgery.

The folders are the layers (imports only point down this list; ``./dev test`` checks it
with the import-linter contracts in ``.importlinter``):

- ``skill.devtools`` - developer tools: console, simulator, NLU stand-in, model builder,
  package, bench, the ``spine-coach`` command. Never shipped to Lambda.
- ``skill.web`` - the self-hosted HTTPS service (Flask, request verification, server).
- ``skill.alexa`` - the ASK SDK side: the factory, the turn, handlers, slots, speech and
  screen rendering, prompts, the Reminders client.
- ``skill.store`` - persistence (SQLite, DynamoDB).
- ``skill.domain`` - the coach itself: catalog, workout state machine, coaching, stages,
  safety, pain, progress. Pure: no SDK, no transport, no store.

The Lambda zip carries ``domain``, ``alexa`` and ``store`` only. Importing this package has
no side effects.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
