"""Clients of the API: with a person's token, or logged in as a browser is."""

from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def token_key(user: User) -> str:
    """The person's API token, made the first time it is asked for."""
    return Token.objects.get_or_create(user=user)[0].key


def token_header(user: User) -> dict[str, str]:
    """The Authorization header of a request made with the person's token."""
    return {"Authorization": f"Token {token_key(user)}"}


def api_client(user: User | None, token: bool = True) -> APIClient:
    """A fresh API client for the user: with their token, or logged in with ``token=False``
    (anonymous for None)."""
    client = APIClient()
    if user is not None:
        if token:
            client.credentials(HTTP_AUTHORIZATION=f"Token {token_key(user)}")
        else:
            client.force_login(user)
    return client
