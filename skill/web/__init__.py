"""The self-hosted HTTPS web service: the Flask app (``app``), Alexa's request verification,
the server command's runner and the OpenSSL 3 compatibility fix. Not shipped to Lambda."""
