"""The reader's account and grants are remembered between reads (programme.request_user), and any
change to them takes effect at the next request, as when they were read every time."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from programme.models import AccessGrant, Programme, Role, SiteVersion
from programme.services import programme_touch, site_version_bump

PAGE = "/programmes/glo-22-31-irl/"
API = "/api/outputs/?programme=glo-22-31-irl"


def account_queries(client, path, **extra):
    """The response, and the statements it read the account, grants or token with."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    tables = ('"auth_user"', '"programme_accessgrant"', '"authtoken_token"')
    return response, [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in tables)]


def site_version():
    return SiteVersion.objects.get(pk=1).value


def test_a_second_read_takes_the_account_and_grants_from_memory(users, client_for):
    client = client_for(users.coordinator)
    response, first = account_queries(client, PAGE)
    assert response.status_code == 200 and first  # read from the database once
    response, second = account_queries(client, PAGE)
    assert response.status_code == 200 and "Ireland" in response.content.decode()
    assert second == []


def test_writes_read_the_account_from_the_database(users, client_for):
    client = client_for(users.coordinator)
    client.get(PAGE)
    with CaptureQueriesContext(connection) as queries:
        client.post("/i18n/setlang/", {"language": "fr", "next": PAGE})
    assert any('FROM "auth_user"' in q["sql"] for q in queries.captured_queries)


def test_a_deactivated_account_is_signed_out_at_the_next_read(users, client_for):
    client = client_for(users.coordinator)
    assert client.get(PAGE).status_code == 200
    user = get_user_model().objects.get(pk=users.coordinator.pk)
    user.is_active = False
    user.save()
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_changed_password_ends_other_sessions_at_once(users, client_for):
    client = client_for(users.coordinator)
    assert client.get(PAGE).status_code == 200
    user = get_user_model().objects.get(pk=users.coordinator.pk)
    user.set_password("another long password 42")
    user.save()
    assert client.get(PAGE).status_code == 302


def test_a_deleted_account_without_grants_is_signed_out_at_once(users, client_for):
    nogrant = users.nogrant
    client = client_for(nogrant)
    assert client.get("/").wsgi_request.user == nogrant
    before = site_version()
    get_user_model().objects.filter(pk=nogrant.pk).delete()
    assert site_version() != before
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_withdrawn_grant_hides_the_programme_at_the_next_read(users, client_for):
    client = client_for(users.donor)
    assert client.get(PAGE).status_code == 200
    AccessGrant.objects.filter(user=users.donor).delete()
    assert client.get(PAGE).status_code == 404


def test_a_new_grant_opens_the_programme_at_the_next_read(users, client_for):
    client = client_for(users.nogrant)
    assert client.get(PAGE).status_code == 404
    AccessGrant.objects.create(user=users.nogrant, programme=Programme.objects.get(slug="glo-22-31-irl"),
                               role=Role.DONOR)
    assert client.get(PAGE).status_code == 200


def test_signing_out_ends_the_session_at_once(users, client_for):
    client = client_for(users.coordinator)
    cookie = client.cookies["sessionid"].value
    assert client.get(PAGE).status_code == 200
    client.post("/accounts/logout/")
    other = Client()
    other.cookies["sessionid"] = cookie  # the same session, from another tab or a copied cookie
    assert other.get(PAGE).status_code == 302


def test_every_data_change_gives_a_new_site_version(seed_programme):
    before = site_version()
    programme_touch(Programme.objects.get(slug="glo-22-31-irl").pk)
    touched = site_version()
    assert touched != before
    programme_touch()  # nothing touched, nothing changed
    assert site_version() == touched


def test_the_site_version_row_is_made_again_when_missing(db):
    SiteVersion.objects.all().delete()
    site_version_bump()
    assert SiteVersion.objects.filter(pk=1).exists()


def test_without_the_site_version_row_accounts_are_read_every_time(users, client_for):
    SiteVersion.objects.all().delete()
    client = client_for(users.coordinator)
    client.get(PAGE)
    response, queries = account_queries(client, PAGE)
    assert response.status_code == 200 and queries


@pytest.fixture
def token(users):
    return Token.objects.create(user=users.coordinator)


def test_api_token_reads_take_the_account_from_memory(token):
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    response, first = account_queries(client, API)
    assert response.status_code == 200 and first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(API)
    assert response.status_code == 200 and response.json()["count"] == 63
    # The token's statement only (with the site version; on PostgreSQL a prepared one): no account,
    # no grants, and the list from the page cache.
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 1 and '"auth_user"' not in statements[0]


def test_api_token_of_a_deactivated_account_is_refused_at_once(token, users):
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(API).status_code == 200
    user = get_user_model().objects.get(pk=users.coordinator.pk)
    user.is_active = False
    user.save()
    assert client.get(API).status_code == 401


def test_a_deleted_api_token_is_refused_at_once(token):
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(API).status_code == 200
    Token.objects.filter(pk=token.pk).delete()
    assert client.get(API).status_code == 401


def test_remembered_accounts_are_copies(users, client_for):
    """One request changing its user object must not change what the next request gets."""
    client = client_for(users.coordinator)
    first = client.get(PAGE).wsgi_request.user
    first.first_name = "Changed in memory"
    second = client.get(PAGE).wsgi_request.user
    assert second.first_name != "Changed in memory"
