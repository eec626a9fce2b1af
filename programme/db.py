"""Plain statements for the reads every request makes (its session or API token, the health check).

They bypass the ORM (compiling a query costs more than running it here) and run as a request's
first statement, so they also take over what CONN_HEALTH_CHECKS did, without its extra round trip.
"""

import datetime
import functools

from django.db import InterfaceError, OperationalError, connections, router


def first_row(connection, sql, params):
    """The statement's first row. On a connection kept from an earlier request (CONN_MAX_AGE) that
    died meanwhile (the database restarted), the connection is opened again and the statement run
    once more."""
    for attempt in (1, 2):
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
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
    when no row does. One round trip."""
    connection = connections[router.db_for_read(model)]
    sql = _with_site_version_sql(connection.alias, model._meta.db_table, tuple(columns), tuple(conditions))
    # Plain statements get no field adaptation: datetimes are put in the database's form here.
    adapt = connection.ops.adapt_datetimefield_value
    return first_row(connection, sql, [adapt(p) if isinstance(p, datetime.datetime) else p for p in params])
