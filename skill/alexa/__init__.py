"""The Alexa side: the skill factory and its handler order, the per-request ``Turn``,
handlers, slot reading, speech (SSML) and APL screen rendering, prompts, logging
interceptors, the Reminders API client. Imports the domain and the store, never the web
service or the developer tools."""
