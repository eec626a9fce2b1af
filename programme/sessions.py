"""Database sessions read with the site version in the same round trip (SESSION_ENGINE).

Every signed-in request reads its session row; this store reads it with one plain statement, not
through the ORM, and brings the site version along (programme.models.SiteVersion), which tells
programme.request_user whether the account and grants it remembers are still current. Writing,
creating and deleting sessions are Django's own.
"""

import functools
from types import SimpleNamespace

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import InterfaceError, OperationalError, connections, router
from django.utils import timezone


def first_row(connection, sql, params):
    """The statement's first row. Run as a request's first statement, on a connection kept from an
    earlier request (CONN_MAX_AGE): if that connection died meanwhile (the database restarted),
    it is opened again and the statement run once more. This replaces CONN_HEALTH_CHECKS, which
    would spend a round trip on every request to find the same out."""
    for attempt in (1, 2):
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone()
        except (OperationalError, InterfaceError):
            if attempt == 2 or connection.in_atomic_block or connection.is_usable():
                raise  # the database is away, or the statement failed for another reason
            connection.close()


@functools.lru_cache(maxsize=8)
def _session_sql(alias, table):
    from .models import SiteVersion

    connection = connections[alias]
    quote = connection.ops.quote_name
    return (
        f"SELECT s.{quote('session_data')}, {SiteVersion.subquery_sql(connection)} "
        f"FROM {quote(table)} s WHERE s.{quote('session_key')} = %s AND s.{quote('expire_date')} > %s"
    )


class SessionStore(DatabaseSessionStore):
    # None until loaded, and when the site version row is missing: then nothing remembered is used.
    site_version = None

    def _get_session_from_db(self):
        connection = connections[router.db_for_read(self.model)]
        sql = _session_sql(connection.alias, self.model._meta.db_table)
        row = first_row(connection, sql, [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())])
        if row is None:
            self._session_key = None
            return None
        self.site_version = row[1]
        return SimpleNamespace(session_data=row[0])
