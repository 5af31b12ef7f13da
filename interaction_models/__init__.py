"""The generated Alexa interaction models and their source, as data: installed as the
package ``skill.interaction_models``.

Nothing to import here; ``skill.resources.models_dir()`` finds these files.
"""
