"""The coach itself: the content catalog, the workout state machine, coaching plans, stages,
safety, pain and progress, and the neutral ``Output`` they answer with.

Pure: nothing here imports the ASK SDK, the web service, the store or the developer tools
(the import-linter contract in ``.importlinter`` fails the build if one does). The only I/O
is reading the packaged content (``catalog.load_catalog``)."""
