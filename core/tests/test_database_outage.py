"""The database going away mid-service: pages answer a 503 page (the API a JSON 503), never a
traceback, and the app serves again once the database is back, without a restart.

This test stops and restarts the throwaway PostgreSQL cluster of scripts/with-postgres.sh, so it
runs on its own: `make test-postgres` runs it after the suite (`pytest -m db_outage`).
"""

import json
from io import BytesIO

import pytest
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.test import Client

from testing.servers import start_database, stop_database

pytestmark = [pytest.mark.db_outage, pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

PAGE = "/programmes/glo-22-31-irl/"


class Wsgi:
    """Requests through the WSGI application in this thread, as a gunicorn worker makes them: the
    connection is opened and kept (CONN_MAX_AGE) as in production."""

    def __init__(self, cookie):
        self.app = get_wsgi_application()
        self.cookie = cookie

    def get(self, path):
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1", "HTTP_COOKIE": self.cookie, "wsgi.input": BytesIO(), "wsgi.errors": BytesIO(),
            "wsgi.url_scheme": "http", "wsgi.version": (1, 0), "wsgi.multithread": False,
            "wsgi.multiprocess": True, "wsgi.run_once": False,
        }
        captured = {}

        def start_response(status, headers, exc_info=None):
            captured["status"], captured["headers"] = int(status.split()[0]), dict(headers)

        result = self.app(environ, start_response)
        try:
            body = b"".join(result).decode()
        finally:
            getattr(result, "close", lambda: None)()
        return captured["status"], captured["headers"], body


@pytest.fixture
def persistent_connections():
    """Connections kept between requests, as production keeps them (DB_CONN_MAX_AGE 60)."""
    connection.close()
    previous = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 60
    yield
    connection.settings_dict["CONN_MAX_AGE"] = previous
    connection.close()


@pytest.fixture
def browser(users, persistent_connections):
    client = Client()
    client.force_login(users.coordinator)
    return Wsgi(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")


def test_503_while_the_database_is_away_then_recovery(browser):
    status, _headers, body = browser.get(PAGE)
    assert status == 200 and "Malawi" in body

    stop_database()
    try:
        status, headers, body = browser.get(PAGE)
        assert status == 503
        assert headers["Retry-After"] == str(settings.DATABASE_RETRY_AFTER_SECONDS)
        assert "The tracker is briefly unavailable" in body and 'class="site-header"' in body
        assert "Traceback" not in body and "OperationalError" not in body
        status, headers, body = browser.get("/api/outputs/")
        assert status == 503 and headers["Content-Type"] == "application/json"
        assert json.loads(body)["detail"].startswith("The service is briefly unavailable")
    finally:
        start_database()

    status, _headers, body = browser.get(PAGE)
    assert status == 200 and "Malawi" in body

    # Restarted between two requests: the kept connection is dead; the session read opens a new one.
    stop_database()
    start_database()
    status, _headers, body = browser.get(PAGE)
    assert status == 200 and "Malawi" in body
    connection.close()  # the test's own teardown needs a live connection too
