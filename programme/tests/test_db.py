"""The plain statements every request makes (programme/db.py): prepared once per connection on
PostgreSQL, plain elsewhere, and the same row either way."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programme.db import row_with_site_version
from programme.models import SiteVersion

pytestmark = pytest.mark.django_db


def read_session(session_key):
    with CaptureQueriesContext(connection) as queries:
        row = row_with_site_version(Session, ["session_data"], [("session_key", "=")], [session_key])
    return row, [q["sql"] for q in queries.captured_queries]


def prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


@pytest.fixture
def session_key(users, client_for):
    client_for(users.donor)  # signs in: one session row
    return Session.objects.get().session_key


def test_the_row_and_the_site_version_come_back_together(session_key):
    row, _statements = read_session(session_key)
    assert row == (Session.objects.get().session_data, SiteVersion.objects.get(pk=SiteVersion.ROW_ID).value)
    assert read_session("no-such-session")[0] is None


@pytest.mark.django_db(transaction=True)  # closes the connection, which a test's transaction forbids
def test_postgresql_prepares_the_statement_once_per_connection(session_key, settings):
    settings.DB_PREPARED_STATEMENTS = True
    first_row, first = read_session(session_key)
    second_row, second = read_session(session_key)
    assert first_row == second_row
    if connection.vendor != "postgresql":
        assert len(first) == len(second) == 1 and first[0].startswith("SELECT")
        return
    # The first read on this connection may prepare (unless an earlier test on it did); the second only executes.
    assert [s.split()[0] for s in second] == ["EXECUTE"]
    assert any('"django_session"' in statement for statement in prepared_statements())

    # A new connection (after a restart of the database, say) has none: it prepares again.
    connection.close()
    third_row, third = read_session(session_key)
    assert third_row == first_row
    assert [s.split()[0] for s in third] == ["PREPARE", "EXECUTE"]


def test_prepared_statements_can_be_switched_off_for_a_pooler(session_key, settings):
    settings.DB_PREPARED_STATEMENTS = False
    row, statements = read_session(session_key)
    assert row[0] == Session.objects.get().session_data
    assert len(statements) == 1 and statements[0].startswith("SELECT")
