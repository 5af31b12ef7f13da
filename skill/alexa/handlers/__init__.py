"""ASK SDK request handlers: thin adapters from requests to domain functions.

Each handler's ``can_handle`` composes predicates; ``handle`` reads resolved slots,
calls a domain function that returns a neutral ``Output``, and lets the ``Turn``
render it. The order they are registered in lives in ``skill.alexa.factory``.
"""
