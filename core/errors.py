"""Error pages in the site's layout, and JSON errors for the API (never an HTML page there)."""

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from .audit import audit
from .middleware import DATABASE_ERRORS, database_busy_response, database_unavailable_response, is_database_locked


class AccessRefused(Http404):
    """A 404 that hides a programme from someone without a grant (the audit log records it)."""


class BadQuery(Exception):
    """Input in a page's or a download's address that cannot be answered (a date that is none, an
    unknown country, filters that do not validate): a 400 saying why, in the site's layout (JSON
    under /api/), from BadQueryMiddleware. ``page``: what else the page shows, e.g. ``programme``
    (its header) and ``ask_again`` (a partial with a form to ask again) or ``back_url``/``back_label``."""

    def __init__(self, message: str, **page: object) -> None:
        super().__init__(message)
        self.page = page


@contextmanager
def bad_query_page(**page: object) -> Iterator[None]:
    """A BadQuery raised inside shows ``page`` too, except what the code raising it said itself."""
    try:
        yield
    except BadQuery as error:
        error.page = {**page, **error.page}
        raise


class BadQueryMiddleware:
    """One answer to BadQuery for every page, download and API call: a page, not a traceback, and not
    Django's SuspiciousOperation path (which logs each one as a security event)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, BadQuery):
            return None
        if _wants_json(request):
            return JsonResponse({"detail": str(exception)}, status=400)
        return render(request, "400.html", {**exception.page, "reason": str(exception)}, status=400)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 400s (a bad Host header, a malformed upload): their technical reasons stay in the log."""
    if _wants_json(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    audit("access_refused", request, status=403, reason=str(exception or ""), level=logging.WARNING)
    if _wants_json(request):
        return JsonResponse({"detail": _("You do not have permission to perform this action.")}, status=403)
    message = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"reason": message}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its valid CSRF token (settings.CSRF_FAILURE_VIEW): one audit line, and a
    page saying how to go on instead of Django's technical one."""
    audit("csrf_failure", request, status=403, reason=reason, level=logging.WARNING)
    message = _("The form could not be verified, perhaps because it was open for a long time. "
                "Go back, reload the page and try again.")
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=403)
    return render(request, "403.html", {"reason": message}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, AccessRefused):
        audit("access_refused", request, status=404, reason=str(exception), level=logging.WARNING)
    if _wants_json(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_database_locked(sys.exc_info()[1]):  # e.g. saving the session after the view
        return database_busy_response(request)
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):  # raised outside a view, e.g. saving the session
        return database_unavailable_response(request)
    if _wants_json(request):
        return JsonResponse({"detail": _("Server error. It has been logged.")}, status=500)
    try:
        return render(request, "500.html", status=500)
    except Exception:  # the error may lie in what the layout needs (e.g. the database)
        return defaults.server_error(request)
