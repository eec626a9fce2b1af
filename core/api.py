"""The API's site-wide pieces: DRF's error answers (refusals written to the audit log as the pages'
are), the documentation page, and the schema's documented errors."""

import logging
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.http.response import HttpResponseBase
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .audit import audit
from .errors import AccessRefused

REFUSALS = (exceptions.PermissionDenied, exceptions.AuthenticationFailed, AccessRefused, PermissionDenied)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    request = context.get("request")
    # Written before DRF answers, as its answer marks the request's transaction for rollback and
    # reading the user may still query: DRF refuses an unknown format suffix before it authenticates.
    if request is not None and isinstance(exc, REFUSALS):
        # AccessRefused is a Http404 and Django's PermissionDenied a 403, neither with a status_code.
        status = getattr(exc, "status_code", 404 if isinstance(exc, AccessRefused) else 403)
        audit("access_refused", request, user=_reader(request), status=status, reason=str(exc),
              level=logging.WARNING)
    elif request is not None and isinstance(exc, Http404) and context.get("kwargs"):
        # An object outside the user's grants is answered as missing: record who asked for what.
        audit("not_found", request, user=_reader(request), status=404, level=logging.INFO)
    return drf_exception_handler(exc, context)


def _reader(request: Request) -> AbstractBaseUser | AnonymousUser | None:
    """The request's user, or None when the credentials it sent are refused."""
    try:
        return request.user
    except exceptions.APIException:
        return None


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI for signed-in people (SERVE_PERMISSIONS). A browser without credentials is sent to
    the login page and back, as the pages do, rather than shown DRF's 401."""

    def handle_exception(self, exc: Exception) -> HttpResponseBase:  # type: ignore[override]  # DRF takes any response
        if isinstance(exc, NotAuthenticated):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)


ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ERRORS = {
    "400": "Invalid input: the body says which fields and why.",
    "401": "Not authenticated.",
    "403": "Authenticated, but your role does not allow this.",
    "404": "Not found, or not in a programme you hold a grant for.",
    "405": "Method not allowed.",
}


def document_error_responses(result: dict[str, Any], generator: SchemaGenerator, request: Request | None,
                             public: bool) -> dict[str, Any]:
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in ERRORS.items():
                if code == "400" and method == "get" and not operation.get("parameters"):
                    continue
                operation["responses"].setdefault(
                    code,
                    {"description": description, "content": {"application/json": {"schema": ERROR_SCHEMA}}},
                )
    return result
