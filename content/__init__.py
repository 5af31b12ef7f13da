"""The exercise catalog, as data: installed as the package ``skill.content``.

Nothing to import here; ``skill.resources.content_dir()`` finds these files.
"""
