"""Reporting pages and API lists served from a cache instead of recomputed for every reader.

A cached part is keyed by everything it depends on: the programme and its data version (changed
in the same transaction as every write, programme.services.programme_touch), the reader's access
scope (roles, their officer countries, superuser), the language, today's date (deadline states
change at midnight) and the request's own parameters (as-of date, filters, page). So an entry is
never invalidated, only no longer asked for; a per-process cache is therefore correct with several
worker processes and app servers, and a shared one (settings CACHE_BACKEND) only saves work.

Two levels: the page's body (the expensive part, shared by every reader of the same scope), and
the whole page for one reader and address under the site version (which changes with everything
the header shows), stored with stand-ins where the reader's name and the CSRF token of the logout
and language forms go; both are put in for each request (render_page). Pages showing messages are
never stored.

The whole page is kept as bytes, cut after the last stand-in: a short head searched and filled in
per request, and the rest, as sent or deflated (each form under its own key), so that a browser
accepting gzip gets the page compressed at the cost of deflating the head only
(reporting/compression.py).
"""

import hashlib
import hmac
import os

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.html import escape

from . import compression

# Entries are never stale (the key changes instead); the timeout only frees memory.
TIMEOUT_SECONDS = 3600


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def access_scope(access):
    """What of the reader's access can change a page: their roles, countries and superuser flag."""
    return (
        ",".join(sorted(str(role) for role in access.roles)),
        ",".join(str(pk) for pk in sorted(access.officer_country_ids)),
        access.is_superuser,
    )


def normalised_query(query_dict, ignore=()):
    """The query string's parameters in a fixed order (``?b=1&a=2`` and ``?a=2&b=1`` share an entry)."""
    return tuple(sorted((key, value) for key, values in query_dict.lists() if key not in ignore for value in values))


def page_key(kind, programmes, scope, *parts):
    """``programmes``: (id, data version) pairs the entry depends on."""
    material = repr((
        kind,
        tuple(sorted(programmes)),
        scope,
        translation.get_language(),
        timezone.localdate().isoformat(),
        settings.TIME_ZONE,
        parts,
    ))
    return f"page:{kind}:" + hashlib.sha256(material.encode()).hexdigest()


def cached(key, compute):
    """The value stored under ``key``, or ``compute()`` stored there and returned."""
    cache = _cache()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT_SECONDS)
    return value


def _placeholders():
    """Stand-ins for the CSRF token and the reader's name in a cached page, put back for each request.
    Derived from the secret key: the same on every server, and no text stored by anyone contains them."""
    digest = hmac.new(settings.SECRET_KEY.encode(), b"reporting.page_cache", hashlib.sha256).hexdigest()
    return f"csrf{digest[:28]}", f"reader{digest[28:56]}"


class _ReaderStandIn:
    """What base.html reads of ``user`` while a page is rendered for the cache: no name of anyone."""

    is_authenticated = True

    def __init__(self, name):
        self.username = name

    def get_full_name(self):
        return self.username


_CHAR_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}
# The largest multiple of the alphabet's length a byte can reach: bytes above it are not used, so
# that every character of the mask is equally likely.
_UNBIASED_BELOW = 256 - 256 % len(CSRF_ALLOWED_CHARS)


def csrf_token(request):
    """``django.middleware.csrf.get_token(request)``: the same token, masked afresh for each response
    as Django does (against BREACH), from one read of the system's random source instead of one per
    character (get_random_string), a tenth of the time.

    Unlike get_token, a browser that has the cookie is not sent it again: that would only renew its
    year-long expiry (CSRF_COOKIE_AGE), and signing in, at least every SESSION_COOKIE_AGE, gives a
    new one anyway."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None or len(secret) != CSRF_SECRET_LENGTH or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return get_token(request)  # a new secret, or one to be sent anyway: Django's own way
    mask = []
    while len(mask) < CSRF_SECRET_LENGTH:
        mask.extend(byte % len(CSRF_ALLOWED_CHARS) for byte in os.urandom(2 * CSRF_SECRET_LENGTH) if byte < _UNBIASED_BELOW)
    mask = mask[:CSRF_SECRET_LENGTH]
    chars = CSRF_ALLOWED_CHARS
    cipher = "".join(chars[(_CHAR_INDEX[x] + y) % len(chars)] for x, y in zip(secret, mask))
    return "".join(chars[y] for y in mask) + cipher


def render_page(request, template, body_key_parts, build_context):
    """The whole page from the cache, with this request's CSRF token and the reader's name put in.

    ``body_key_parts``: page_key's arguments for the page's body (kind, programme versions, access
    scope, parameters). The page's key adds what the header shows and the address (the language
    form returns to it): the reader and the site version, which changes with everything the
    header's links, counts and home programme show (reporting/navigation.py), so a page served
    from the cache needs none of them worked out. Pages with messages to show, and reads without a
    site version, are rendered afresh (and not stored)."""
    user = request.user
    name = user.get_full_name() or user.get_username()
    site_version = getattr(request.session, "site_version", None)
    if site_version is None or len(messages.get_messages(request)):
        return render(request, template, build_context())
    kind, programmes, scope, *parts = body_key_parts
    shell = (scope, user.pk, site_version, get_script_prefix(), request.get_full_path())
    key = page_key("page", programmes, shell, kind, *parts)
    csrf_placeholder, name_placeholder = _placeholders()

    stand_ins = (csrf_placeholder.encode(), name_placeholder.encode())
    wants_gzip = compression.accepts_gzip(request)
    # Kept as sent or deflated, each under its own key and only once asked for (a reader's browser
    # asks for the same form every time): a request copies out only what it sends.
    key = f"{key}:gzip" if wants_gzip else key

    def compute():
        context = build_context()
        context.update(user=_ReaderStandIn(name_placeholder), csrf_token=csrf_placeholder)
        # Stored encoded (a hit is a copy of bytes, nothing to decode or encode again) and cut after
        # the last stand-in, all of them in the header: only that short head is searched per request.
        html = render_to_string(template, context, request=request).encode()
        cut = max((html.rfind(stand_in) + len(stand_in) for stand_in in stand_ins if stand_in in html), default=0)
        return html[:cut], compression.DeflatedRest.of(html[cut:]) if wants_gzip else html[cut:]

    head, rest = cached(key, compute)
    head = head.replace(stand_ins[0], csrf_token(request).encode()).replace(stand_ins[1], escape(name).encode())
    if wants_gzip:
        # A tenth of the size for readers on slow connections; only the short head is deflated now.
        response = HttpResponse(compression.gzip_join(head, rest))
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(head + rest)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response
