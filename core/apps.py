from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Request infrastructure shared by every app: middleware, health checks, the audit log, sign-in
    lockout, the reader's language, error pages and backups. It imports none of the domain apps."""

    name = "core"

    def ready(self):
        from . import audit, middleware  # noqa: F401  (sign-in audit receivers; session start stamp)
