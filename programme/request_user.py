"""The signed-in reader of a request, without reading their account and grants on every page.

Reading pages is most of what people do here, and most pages are served from the page cache; what
was left was the account and access-grant queries every signed-in request made. Each process now
remembers a reader's account and grants under the site version (programme.models.SiteVersion),
which the session store reads with the session itself (programme.sessions). Any change that could
alter them (an account saved or deleted, a grant, a programme or a country changed) gives the site
a new version in the same transaction, so the next request reads them afresh: a deactivated
account, a changed password or a withdrawn grant takes effect at once, as before.

Only reads (GET, HEAD, OPTIONS) use what is remembered; writes read the account and grants from
the database, as Django does. The session itself is still read on every request, so signing out
ends it at once.
"""

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.auth import middleware as auth_middleware
from django.core.cache import caches
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from rest_framework import authentication
from rest_framework.authtoken.models import Token

from . import access
from .db import row_with_site_version

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Entries of old versions are never read again; the timeout only frees memory.
TIMEOUT_SECONDS = 600


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _key(user_id, site_version):
    return f"reader:{user_id}:{site_version}"


def remember(user, site_version):
    """Keep the account with its grants (read now, so not older than ``site_version``)."""
    access.user_grants(user)  # fetched onto the user object, and kept with it
    _cache().set(_key(user.pk, site_version), user, TIMEOUT_SECONDS)


def remembered(user_id, site_version):
    """The account as remembered under this site version (a fresh copy), or None."""
    if site_version is None:
        return None
    return _cache().get(_key(user_id, site_version))


def session_user(request):
    """Django's get_user(request), answered from memory for reads while the site version holds."""
    session = request.session
    if request.method not in SAFE_METHODS:
        return auth.get_user(request)
    try:
        user_id = get_user_model()._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except (KeyError, ValueError):
        return auth.get_user(request)  # anonymous, or Django's own handling of a damaged session
    site_version = getattr(session, "site_version", None)
    user = remembered(user_id, site_version) if backend_path in settings.AUTHENTICATION_BACKENDS else None
    if user is not None:
        session_hash = session.get(HASH_SESSION_KEY)
        if session_hash and constant_time_compare(session_hash, user.get_session_auth_hash()):
            return user
        # Not verified with the current secret key: Django decides (fallback keys, or sign-out).
        return auth.get_user(request)
    user = auth.get_user(request)
    if user.is_authenticated and site_version is not None:
        remember(user, site_version)
    return user


def _request_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = session_user(request)
    return request._cached_user


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """django.contrib.auth's middleware, with ``request.user`` from session_user."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _request_user(request))


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication; reads take the account from memory like session_user."""

    def authenticate(self, request):
        self.method = request.method
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        if getattr(self, "method", None) not in SAFE_METHODS:
            return super().authenticate_credentials(key)
        row = row_with_site_version(Token, ["user_id"], [("key", "=")], [key])
        if row is None:
            return super().authenticate_credentials(key)  # DRF's own refusal
        user_id, site_version = row
        user = remembered(user_id, site_version)
        if user is None:
            user, token = super().authenticate_credentials(key)
            if site_version is not None:
                remember(user, site_version)
            return user, token
        return user, Token(key=key, user=user)
