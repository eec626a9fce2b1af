from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(sender: AppConfig, using: str = "default", verbosity: int = 1, **kwargs: object) -> None:
    """The database cache's table (settings.CACHES), made wherever the schema is migrated: make run,
    make serve, a deployment's migrate step, the test database. Nothing when the cache is elsewhere."""
    call_command("createcachetable", database=using, verbosity=verbosity)


class CoreConfig(AppConfig):
    """Request infrastructure shared by every app: middleware, health checks, the audit log, sign-in
    lockout, the reader's language, error pages and backups. It imports none of the domain apps."""

    name = "core"

    def ready(self) -> None:
        # Receivers: sign-in audit lines, the session's start stamp, a sign-in clearing its failures,
        # API tokens ended with their owner's password or account, the account's language applied at sign-in.
        from . import audit, languages, lockout, middleware, tokens  # noqa: F401

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="core.create_cache_table")
