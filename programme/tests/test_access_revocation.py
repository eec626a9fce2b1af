"""Access is checked against the database on every request: a deactivated account, a changed
password, a deleted account or token and a withdrawn grant take effect at the next request."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.authtoken.models import Token

from programme.models import AccessGrant, Programme, Role

PAGE = "/programmes/glo-22-31-irl/"
API = "/api/outputs/?programme=glo-22-31-irl"


def signed_out(response):
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_deactivated_account_is_signed_out_at_the_next_request(users, client_for):
    client = client_for(users.coordinator)
    assert client.get(PAGE).status_code == 200
    get_user_model().objects.filter(pk=users.coordinator.pk).update(is_active=False)
    assert signed_out(client.get(PAGE))


def test_a_changed_password_ends_other_sessions_at_once(users, client_for):
    client = client_for(users.coordinator)
    assert client.get(PAGE).status_code == 200
    user = get_user_model().objects.get(pk=users.coordinator.pk)
    user.set_password("another long password 42")
    user.save()
    assert signed_out(client.get(PAGE))


def test_a_deleted_account_is_signed_out_at_once(users, client_for):
    client = client_for(users.nogrant)
    assert client.get("/").wsgi_request.user == users.nogrant
    get_user_model().objects.filter(pk=users.nogrant.pk).delete()
    assert signed_out(client.get(PAGE))


def test_a_withdrawn_grant_hides_the_programme_at_the_next_request(users, client_for):
    client = client_for(users.donor)
    assert client.get(PAGE).status_code == 200
    AccessGrant.objects.filter(user=users.donor).delete()
    assert client.get(PAGE).status_code == 404


def test_a_new_grant_opens_the_programme_at_the_next_request(users, client_for):
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
    assert signed_out(other.get(PAGE))


@pytest.fixture
def token(users):
    return Token.objects.create(user=users.coordinator)


def test_an_api_token_of_a_deactivated_account_is_refused_at_once(token, users):
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(API).status_code == 200
    get_user_model().objects.filter(pk=users.coordinator.pk).update(is_active=False)
    assert client.get(API).status_code == 401


def test_a_deleted_api_token_is_refused_at_once(token):
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(API).status_code == 200
    Token.objects.filter(pk=token.pk).delete()
    assert client.get(API).status_code == 401
