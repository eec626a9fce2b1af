"""Logging filters named in settings.LOGGING (kept free of Django imports: logging is configured
before the apps are loaded)."""

import logging
from http import HTTPStatus


class RefusalsInAuditLog(logging.Filter):
    """Drops Django's own record of a 403 answer (django.request, django.security.csrf): a refused
    access is expected, and the audit log already holds it as one line, without a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) != HTTPStatus.FORBIDDEN
