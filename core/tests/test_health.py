"""/healthz checks the database; /healthz/live only that the app answers. Both for anyone, uncached."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, connections

from core import health


def assert_uncached(response):
    cache_control = response["Cache-Control"]
    assert "no-cache" in cache_control and "no-store" in cache_control
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_health_reports_the_database_ok_to_anyone(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert_uncached(response)
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_health_answers_signed_in_people_too(users, client_for):
    response = client_for(users.donor).get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_health_reports_an_unreachable_database_as_503(client, monkeypatch, tmp_path, settings):
    settings.DATABASE_RETRY_AFTER_SECONDS = 17
    # A real connection that cannot open: a database that does not exist on this server.
    settings_dict = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "db.sqlite3")
    else:
        settings_dict["NAME"] = "no_such_database_for_health"
    broken = type(connections["default"])(settings_dict, alias="broken")
    monkeypatch.setattr(health, "connection", broken)
    try:
        response = client.get("/healthz")
    finally:
        broken.close()
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
    # As the pages answer while the database is away: when to try again.
    assert response["Retry-After"] == "17"
    assert_uncached(response)


@pytest.mark.django_db
def test_health_refuses_writes(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


def test_live_answers_without_touching_the_database(client, django_assert_num_queries):
    # No django_db mark: any query would fail the test.
    response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert_uncached(response)
