"""DRF's error answers, with refused accesses written to the audit log as the pages' are."""

import logging

from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from core.audit import audit
from core.errors import AccessRefused

REFUSALS = (exceptions.PermissionDenied, exceptions.AuthenticationFailed, AccessRefused)


def exception_handler(exc, context):
    request = context.get("request")
    # Written before DRF answers, as its answer marks the request's transaction for rollback and
    # reading the user may still query: DRF refuses an unknown format suffix before it authenticates.
    if request is not None and isinstance(exc, REFUSALS):
        status = getattr(exc, "status_code", 404)  # AccessRefused is a Http404, without one
        audit("access_refused", request, user=_reader(request), status=status, reason=str(exc),
              level=logging.WARNING)
    elif request is not None and isinstance(exc, Http404) and context.get("kwargs"):
        # An object outside the user's grants is answered as missing: record who asked for what.
        audit("not_found", request, user=_reader(request), status=404, level=logging.INFO)
    return drf_exception_handler(exc, context)


def _reader(request):
    """The request's user, or None when the credentials it sent are refused."""
    try:
        return request.user
    except exceptions.APIException:
        return None
