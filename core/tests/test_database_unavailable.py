"""A database error answers 503 (page or JSON, with Retry-After), wherever it is raised. The real
outage, with the server stopped and restarted, is test_database_outage.py (PostgreSQL)."""

from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client
from rest_framework.authentication import TokenAuthentication

import programme.access

PAGE = "/programmes/glo-22-31-irl/"


def fail(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def assert_503_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "The tracker is briefly unavailable" in page and 'class="site-header"' in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_in_a_view(users, client_for, monkeypatch):
    client = client_for(users.coordinator)
    client.get(PAGE)  # modules loaded and the account remembered before the patch: the view fails first
    monkeypatch.setattr(programme.access, "user_grants", fail)
    assert_503_page(client.get(PAGE))


def test_before_the_view_loading_the_session(users, client_for, monkeypatch):
    client = client_for(users.coordinator)
    client.raise_request_exception = False
    monkeypatch.setattr(SessionStore, "load", fail)
    assert_503_page(client.get(PAGE))


def test_in_the_api(users, monkeypatch):
    def lost(*args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(TokenAuthentication, "authenticate_credentials", lost)
    response = Client(HTTP_AUTHORIZATION="Token abc").get("/api/outputs/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json() == {"detail": "The service is briefly unavailable. Please try again in a minute."}


def test_other_errors_are_still_500(users, client_for, monkeypatch):
    client = client_for(users.coordinator)
    client.raise_request_exception = False
    client.get(PAGE)  # the app's modules loaded (and bound to the real function) before the patch
    monkeypatch.setattr(programme.access, "user_grants", lambda user: 1 / 0)
    assert client.get(PAGE).status_code == 500
