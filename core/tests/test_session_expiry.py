"""Sessions end after an hour without a request (idle) and 12 hours after login (absolute)."""

import datetime
import logging

import pytest
import time_machine

START = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
PAGE = "/programmes/glo-22-31-irl/"


@pytest.fixture
def clock(users):
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def logged_in_client(users, client_for):
    client = client_for(users.coordinator)
    assert client.get(PAGE).status_code == 200
    return client


def test_settings_document_both_limits(settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    assert settings.SESSION_IDLE_TIMEOUT == 3600


def test_active_session_lasts_the_working_day(users, client_for, clock):
    client = logged_in_client(users, client_for)
    for _ in range(11):  # a request every 55 minutes for 10 hours
        clock.shift(datetime.timedelta(minutes=55))
        assert client.get(PAGE).status_code == 200


def test_idle_session_ends_after_an_hour(users, client_for, clock, caplog):
    client = logged_in_client(users, client_for)
    clock.shift(datetime.timedelta(minutes=61))
    with caplog.at_level(logging.INFO, logger="audit"):
        response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert client.get(PAGE).status_code == 302  # still logged out afterwards
    assert any("event=session_expired" in r.getMessage() and "reason=idle" in r.getMessage() for r in caplog.records)


def test_session_ends_12_hours_after_login_however_active(users, client_for, clock):
    client = logged_in_client(users, client_for)
    for _ in range(23):  # every 30 minutes: never idle
        clock.shift(datetime.timedelta(minutes=30))
        assert client.get(PAGE).status_code == 200
    clock.shift(datetime.timedelta(minutes=31))
    response = client.get(PAGE)
    assert response.status_code == 302  # 12 h 1 min since login
    assert response["Location"].startswith("/accounts/login/")


def test_api_session_expiry_answers_as_anonymous(users, client_for, clock):
    client = logged_in_client(users, client_for)
    clock.shift(datetime.timedelta(hours=2))
    assert client.get("/api/outputs/").status_code in (401, 403)
