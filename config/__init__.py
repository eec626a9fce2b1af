"""The project package: settings, URLs and the WSGI and ASGI entry points."""
