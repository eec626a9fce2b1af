from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Request infrastructure shared by every app: middleware, health checks, the audit log, sign-in
    lockout, the reader's language, error pages and backups. It imports none of the domain apps."""

    name = "core"

    def ready(self):
        # Receivers: sign-in audit lines, the session's start stamp, a sign-in clearing its failures,
        # API tokens ended with their owner's password or account, the account's language applied at sign-in.
        from . import audit, languages, lockout, middleware, tokens  # noqa: F401
