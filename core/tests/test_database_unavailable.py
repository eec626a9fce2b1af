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


# --- A busy database is not an outage ------------------------------------------------------------


def locked(*args, **kwargs):
    raise OperationalError("database is locked")


def test_a_lock_past_the_busy_timeout_sends_the_browser_to_repeat_the_request(users, client_for, monkeypatch):
    client = client_for(users.coordinator)
    client.get(PAGE)
    monkeypatch.setattr(programme.access, "user_grants", locked)
    response = client.get(PAGE + "?as_of=2025-06-30")
    assert response.status_code == 307 and response["Location"] == PAGE + "?as_of=2025-06-30"
    assert "The tracker is briefly unavailable" not in response.content.decode()


def test_a_form_meeting_the_lock_is_sent_again_with_what_was_typed(users, client_for, monkeypatch):
    from outputs.services import updates
    from testing.workflow import seed_output

    output = seed_output("MW", "1.1")
    client = client_for(users.officer_mw)
    monkeypatch.setattr(updates, "status_update_save", locked)
    path = f"/outputs/{output.pk}/update/"
    response = client.post(path, {"status": "on_track", "progress": "40", "narrative": "Typed.", "links": "",
                                  "as_of": "2025-06-30", "base_revision": str(output.revision), "save": "1"})
    # 307, not 302 or 303: the browser sends the same method and body again, so nothing typed is lost.
    assert response.status_code == 307 and response["Location"] == path


def test_a_lock_saving_the_session_after_the_view_is_not_an_outage(users, client_for, monkeypatch):
    client = client_for(users.coordinator)
    client.raise_request_exception = False
    client.get(PAGE)
    monkeypatch.setattr(SessionStore, "save", locked)
    response = client.post("/i18n/setlang/", {"language": "fr", "next": PAGE})
    assert response.status_code == 307 and response["Location"] == "/i18n/setlang/"


def test_the_api_answers_a_lock_with_503_busy_and_nothing_written(users, monkeypatch):
    monkeypatch.setattr(TokenAuthentication, "authenticate_credentials", locked)
    response = Client(HTTP_AUTHORIZATION="Token abc").get("/api/outputs/")
    assert response.status_code == 503 and response["Retry-After"] == "1"
    assert response.json() == {
        "detail": "The service is busy saving other changes; nothing was written. Send the request again."}
