"""DRF's error answers, with refused accesses written to the audit log as the pages' are."""

import logging

from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from programme.access import AccessRefused
from programme.audit import audit


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    request = context.get("request")
    if response is None or request is None:
        return response
    # Only a user already authenticated: authenticating now would query inside a transaction the
    # handler has just marked for rollback.
    user = request.__dict__.get("_user")
    if isinstance(exc, (exceptions.PermissionDenied, exceptions.AuthenticationFailed, AccessRefused)):
        audit("access_refused", request, user=user, status=response.status_code, reason=str(exc),
              level=logging.WARNING)
    elif isinstance(exc, Http404) and context.get("kwargs"):
        # An object outside the user's grants is answered as missing: record who asked for what.
        audit("not_found", request, user=user, status=404, level=logging.INFO)
    return response
