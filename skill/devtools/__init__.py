"""Developer tools: the ``spine-coach`` command (``cli``), the voice console and simulator,
the NLU and built-in slot stand-ins, request envelopes, the Reminders stand-in, the
interaction-model builder, evaluation, review, packaging, benchmarks. Nothing at runtime
imports them, and the Lambda zip leaves them out."""
