"""Request guards: session expiry, upload size, and a 503 page while the database is away (a busy
database is not away: see database_busy_response)."""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user, logout
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseRedirectBase
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .audit import audit

logger = logging.getLogger("core.middleware")

DATABASE_ERRORS = (OperationalError, InterfaceError)
SESSION_STARTED = "_session_started"
SESSION_SEEN = "_session_seen"
# Last-seen is written at most this often, so that reading pages does not write the session each time.
SEEN_RESOLUTION_SECONDS = 60


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


@receiver(user_logged_in, dispatch_uid="core.middleware.stamp_session")
def stamp_session(sender: type, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any) -> None:
    """The absolute session limit counts from login."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_STARTED] = now
        request.session[SESSION_SEEN] = now


class SessionExpiryMiddleware:
    """Signs a browser session out after SESSION_IDLE_TIMEOUT seconds without a request, and
    SESSION_COOKIE_AGE seconds after sign-in whatever happens (the cookie's own expiry is renewed
    whenever the session is written, so the absolute limit is kept here)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            started = request.session.get(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, now)
            reason = None
            if now - started > settings.SESSION_COOKIE_AGE:
                reason = "absolute"
            elif now - seen > settings.SESSION_IDLE_TIMEOUT:
                reason = "idle"
            if reason:
                audit("session_expired", request, reason=reason)
                logout(request)
                if _is_api(request):
                    return self.get_response(request)  # as anonymous: the API answers 401/403
                return redirect_to_login(request.get_full_path())
            if SESSION_STARTED not in request.session:
                request.session[SESSION_STARTED] = now
            if now - seen >= SEEN_RESOLUTION_SECONDS or SESSION_SEEN not in request.session:
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """The browser features no page here uses are switched off (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class PrivateNoStoreMiddleware:
    """What a signed-in person reads (pages, evidence files, exports) and every API answer is theirs
    alone: ``Cache-Control: private, no-store`` keeps it out of shared caches and off the disk of
    the browser it was read on. Static files (served before this) and anonymous pages keep theirs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)  # set by the API's token authentication too
        if "no-store" in response.get("Cache-Control", ""):
            return response  # already kept from every cache (never_cache: /healthz, the login page)
        if _is_api(request) or (user is not None and user.is_authenticated):
            response.headers["Cache-Control"] = "private, no-store"
        return response


def too_large_response(request: HttpRequest, limit: int) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"detail": _("The upload is larger than %(limit)s.") % {"limit": filesizeformat(limit)}}, status=413
        )
    html = render_to_string("413.html", {"limit": limit}, request=None)
    return HttpResponse(html, status=413)


class UploadSizeLimitMiddleware:
    """Refuses a request body above UPLOAD_MAX_REQUEST_BYTES from its Content-Length, before any of
    it is read (the WSGI server never hands on more than Content-Length bytes)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.UPLOAD_MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            # Before AuthenticationMiddleware: the signed-in person is read from the session here.
            audit("upload_refused", request, user=get_user(request), reason="too_large", length=length, limit=limit,
                  level=logging.WARNING)
            return too_large_response(request, limit)
        return self.get_response(request)


def is_database_locked(error: BaseException | None) -> bool:
    """SQLite's "database is locked" (or "database table is locked"): another request held the write
    lock longer than SQLITE_BUSY_TIMEOUT_SECONDS. The database is there; it was busy."""
    return isinstance(error, OperationalError) and "is locked" in str(error)


class TemporaryRedirect(HttpResponseRedirectBase):
    status_code = 307


def database_busy_response(request: HttpRequest) -> HttpResponse:
    """The answer when the database stayed locked past the busy timeout, most often as the request's
    transaction began: nothing was written. A browser is sent back to the same address with 307,
    which repeats the request with its method and body: the form is sent again with everything typed
    and attached, and saves once the lock is free. (Met after the view, saving the session, the
    view's work stands; the form sent again is then refused as a conflict by the revision it carries,
    the text kept.) A program gets 503 with Retry-After, saying that nothing was written."""
    if _is_api(request):
        busy = JsonResponse(
            {"detail": _("The service is busy saving other changes; nothing was written. Send the request again.")},
            status=503,
        )
        busy["Retry-After"] = "1"
        return busy
    again = TemporaryRedirect(request.get_full_path())
    again["Cache-Control"] = "no-store"
    return again


def database_unavailable_response(request: HttpRequest | None) -> HttpResponse:
    """503 with Retry-After; rendered without the request, whose user and menus need the database."""
    retry = str(settings.DATABASE_RETRY_AFTER_SECONDS)
    if request is not None and _is_api(request):
        response: HttpResponse = JsonResponse(
            {"detail": _("The service is briefly unavailable. Please try again in a minute.")}, status=503
        )
    else:
        response = HttpResponse(render_to_string("503.html", {"retry_after": retry}), status=503)
    response["Retry-After"] = retry
    return response


class DatabaseUnavailableMiddleware:
    """A lost database connection answers 503 instead of a traceback. The connection is dropped
    (and checked at the start of the next request, CONN_HEALTH_CHECKS), so service resumes as soon
    as the database is back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_locked(exception):
            logger.warning("Database busy beyond the %s s timeout: %s %s", settings.SQLITE_BUSY_TIMEOUT_SECONDS,
                           request.method, request.path)
            return database_busy_response(request)
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("Database unavailable (%s): %s %s", type(exception).__name__, request.method, request.path)
            return database_unavailable_response(request)
        return None
