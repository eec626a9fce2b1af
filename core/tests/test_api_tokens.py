"""API tokens: they expire, end with their owner's password or account, and people manage their own."""

import datetime
import getpass
import io
import re
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from testing.seed import DEMO_PASSWORD

PAGE = "/accounts/token/"


def token_aged(user, days):
    token = Token.objects.create(user=user)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - datetime.timedelta(days=days))
    return token


def api_get(token):
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}").get("/api/outputs/")


def test_a_token_works_for_90_days(users):
    assert api_get(token_aged(users.officer_mw, 89)).status_code == 200
    # At the boundary: a minute short of 90 days it works; at 90 days it has expired.
    for age, status in ((datetime.timedelta(days=90, minutes=-1), 200), (datetime.timedelta(days=90), 401)):
        Token.objects.filter(user=users.officer_mw).delete()
        token = Token.objects.create(user=users.officer_mw)
        Token.objects.filter(pk=token.pk).update(created=timezone.now() - age)
        assert api_get(token).status_code == status, age


def test_a_token_created_91_days_ago_is_refused(users):
    response = api_get(token_aged(users.officer_mw, 91))
    assert response.status_code == 401
    assert "expired on" in response.json()["detail"] and "/accounts/token/" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Token"


def test_the_lifetime_is_a_setting(users, settings):
    settings.API_TOKEN_DAYS = 10
    assert api_get(token_aged(users.officer_mw, 11)).status_code == 401


def test_a_new_password_deletes_the_tokens(users):
    token_aged(users.officer_mw, 1)
    users.officer_mw.set_password("a-new-password-2026")
    users.officer_mw.save()
    assert not Token.objects.filter(user=users.officer_mw).exists()


def test_a_password_set_in_the_admin_deletes_the_tokens(users):
    token = token_aged(users.officer_mw, 1)
    admin = Client()
    admin.force_login(users.admin)
    response = admin.post(f"/admin/auth/user/{users.officer_mw.pk}/password/",
                          {"password1": "Another-pass-2026", "password2": "Another-pass-2026", "usable_password": "true"})
    assert response.status_code == 302
    assert not Token.objects.filter(pk=token.pk).exists()


def test_changepassword_deletes_the_tokens(users, monkeypatch):
    token_aged(users.officer_mw, 1)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": "Changed-by-command-2026")
    call_command("changepassword", "officer-mw", stdout=io.StringIO())
    assert not Token.objects.filter(user=users.officer_mw).exists()


def test_deactivation_deletes_the_tokens(users):
    token_aged(users.officer_mw, 1)
    users.officer_mw.is_active = False
    users.officer_mw.save()
    assert not Token.objects.filter(user=users.officer_mw).exists()


def test_signing_in_or_renaming_keeps_the_tokens(users):
    token = token_aged(users.officer_mw, 1)
    Client().post("/accounts/login/", {"username": "officer-mw", "password": DEMO_PASSWORD})
    users.officer_mw.refresh_from_db()
    users.officer_mw.first_name = "Chikondi"
    users.officer_mw.save()
    assert Token.objects.filter(pk=token.pk).exists()


# --- The page -------------------------------------------------------------------------------------


def test_the_page_needs_a_sign_in(db):
    response = Client().get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_create_see_once_and_revoke(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.officer_mw)
    page = client.get(PAGE)
    assert "You have no API token." in page.content.decode()
    assert f'href="{PAGE}"' in page.content.decode()  # linked from the header's user menu
    csrf = page.cookies["csrftoken"].value

    created = client.post(PAGE, {"action": "create", "csrfmiddlewaretoken": csrf})
    token = Token.objects.get(user=users.officer_mw)
    body = created.content.decode()
    assert created.status_code == 200 and token.key in body
    assert timezone.localdate(token.created + datetime.timedelta(days=90)).strftime("%-d %B %Y") in body
    assert created["Cache-Control"] == "private, no-store"
    assert api_get(token).status_code == 200

    again = client.get(PAGE).content.decode()
    assert token.key not in again and "Expires" in again  # shown once only

    replaced = client.post(PAGE, {"action": "create", "csrfmiddlewaretoken": csrf})
    new_token = Token.objects.get(user=users.officer_mw)
    assert new_token.key != token.key and new_token.key in replaced.content.decode()
    assert api_get(token).status_code == 401

    revoked = client.post(PAGE, {"action": "revoke", "csrfmiddlewaretoken": csrf}, follow=True)
    assert "Your API token is revoked" in revoked.content.decode()
    assert not Token.objects.filter(user=users.officer_mw).exists()


def test_an_unknown_action_is_a_bad_request(users, client_for):
    response = client_for(users.officer_mw).post(PAGE, {"action": "steal"})
    assert response.status_code == 400 and 'class="site-header"' in response.content.decode()
    assert not Token.objects.filter(user=users.officer_mw).exists()


def test_posting_without_the_csrf_token_is_refused(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.officer_mw)
    assert client.post(PAGE, {"action": "create"}).status_code == 403
    assert not Token.objects.filter(user=users.officer_mw).exists()


def test_an_expired_token_is_shown_as_such(users, client_for):
    token_aged(users.officer_mw, 95)
    body = client_for(users.officer_mw).get(PAGE).content.decode()
    assert "Expired" in body and "This token has expired" in body


def test_the_page_in_french(users, client_for):
    client = client_for(users.officer_mw)
    client.cookies["django_language"] = "fr"
    body = client.get(PAGE).content.decode()
    assert re.search(r"<h1>Jeton d’API</h1>", body)


def test_a_password_changed_on_its_page_deletes_the_token_and_keeps_this_session(users, client_for):
    token_aged(users.officer_mw, 1)
    client = client_for(users.officer_mw)
    page = client.get(PAGE).content.decode()
    assert 'href="/accounts/password_change/"' in page
    form = client.get("/accounts/password_change/").content.decode()
    assert 'class="site-header"' in form and 'autocomplete="current-password"' in form
    done = client.post("/accounts/password_change/", {
        "old_password": DEMO_PASSWORD, "new_password1": "Lilongwe-rains-2031", "new_password2": "Lilongwe-rains-2031",
    }, follow=True)
    assert "Your password is set" in done.content.decode()
    assert not Token.objects.filter(user=users.officer_mw).exists()
    assert client.get(PAGE).status_code == 200  # still signed in here


def clicked_together(tabs: list[Client]) -> list[int]:
    """Each tab posts "Create a token" in its own thread (and database connection), released together."""
    barrier = threading.Barrier(len(tabs))
    answers, errors = [], []

    def click(tab: Client) -> None:
        try:
            barrier.wait(timeout=10)
            answers.append(tab.post(PAGE, {"action": "create"}).status_code)
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return answers


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time: see test_simultaneous_people")
@pytest.mark.django_db(transaction=True)
def test_create_clicked_twice_at_once_leaves_one_token(users):
    """Both requests read "no token" at the same moment on PostgreSQL: without a lock both insert,
    and the second fails on the one-token-per-person constraint."""
    tabs = [Client(), Client()]  # two tabs of the same person, or a double click
    for tab in tabs:
        tab.force_login(users.officer_zm)
    for _attempt in range(10):
        assert clicked_together(tabs) == [200, 200]
        assert Token.objects.filter(user=users.officer_zm).count() == 1
