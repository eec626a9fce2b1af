"""Plain statements for the reads every request makes (its session or API token, the health check).

They bypass the ORM (compiling a query costs more than running it here) and run as a request's
first statement, so they also take over what CONN_HEALTH_CHECKS did, without its extra round trip.
On PostgreSQL the per-request ones are prepared once per connection (settings.DB_PREPARED_STATEMENTS):
parsing and planning was about 40% of the database's work for each.
"""

import datetime
import functools
import hashlib
import weakref

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections, router

# The names prepared on each driver connection: a new connection (after a restart of the database,
# say) has none, and one shared between threads (Django's live-server tests) is known to both.
_prepared = weakref.WeakKeyDictionary()


def _prepared_names(connection):
    raw = connection.connection
    names = _prepared.get(raw)
    if names is None:
        names = _prepared[raw] = set()
    return names


@functools.lru_cache(maxsize=16)
def _prepared_form(sql):
    """(name, PREPARE statement, EXECUTE statement) for a statement with %s parameters."""
    name = "tracker_" + hashlib.sha256(sql.encode()).hexdigest()[:16]
    pieces = sql.split("%s")
    numbered = "".join(f"{piece}${i}" for i, piece in enumerate(pieces[:-1], start=1)) + pieces[-1]
    arguments = f"({', '.join(['%s'] * (len(pieces) - 1))})" if len(pieces) > 1 else ""
    return name, f"PREPARE {name} AS {numbered}", f"EXECUTE {name}{arguments}"


def _execute(cursor, connection, sql, params, prepare):
    if not (prepare and connection.vendor == "postgresql" and settings.DB_PREPARED_STATEMENTS):
        cursor.execute(sql, params)
        return
    name, prepare_sql, execute_sql = _prepared_form(sql)
    names = _prepared_names(connection)
    if name not in names:
        # Kept for the connection's life, also when the transaction around it is rolled back.
        cursor.execute(prepare_sql)
        names.add(name)
    cursor.execute(execute_sql, params)


def first_row(connection, sql, params, *, prepare=False):
    """The statement's first row. On a connection kept from an earlier request (CONN_MAX_AGE) that
    died meanwhile (the database restarted), the connection is opened again and the statement run
    once more. ``prepare``: for statements run on most requests (PostgreSQL only)."""
    for attempt in (1, 2):
        try:
            with connection.cursor() as cursor:
                _execute(cursor, connection, sql, params, prepare)
                return cursor.fetchone()
        except (OperationalError, InterfaceError):
            if attempt == 2 or connection.in_atomic_block or connection.is_usable():
                raise  # the database is away, or the statement failed for another reason
            connection.close()


@functools.lru_cache(maxsize=16)
def _with_site_version_sql(alias, table, columns, conditions):
    from .models import SiteVersion

    connection = connections[alias]
    quote = connection.ops.quote_name
    selected = ", ".join(f"t.{quote(column)}" for column in columns)
    where = " AND ".join(f"t.{quote(column)} {operator} %s" for column, operator in conditions)
    return f"SELECT {selected}, {SiteVersion.subquery_sql(connection)} FROM {quote(table)} t WHERE {where}"


def row_with_site_version(model, columns, conditions, params):
    """``columns`` of the row of ``model`` that meets ``conditions`` ((column, operator) pairs, one
    parameter each), followed by the current site version (programme.models.SiteVersion); None
    when no row does. One round trip, of a prepared statement on PostgreSQL."""
    connection = connections[router.db_for_read(model)]
    sql = _with_site_version_sql(connection.alias, model._meta.db_table, tuple(columns), tuple(conditions))
    # Plain statements get no field adaptation: datetimes are put in the database's form here.
    adapt = connection.ops.adapt_datetimefield_value
    params = [adapt(p) if isinstance(p, datetime.datetime) else p for p in params]
    return first_row(connection, sql, params, prepare=True)
