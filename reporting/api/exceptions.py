"""DRF's error answers, with refused accesses written to the audit log as the pages' are."""

import logging

from django.db import transaction
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from programme.access import AccessRefused
from programme.audit import audit


def _drf_answer(exc, context):
    """DRF's answer. DRF also marks the request's transaction for rollback; a view whose route runs
    without one (``runs_without_transaction``, whatever method was asked for) keeps an enclosing
    transaction (a test's) as it was."""
    view = context.get("view")
    runs_without_transaction = getattr(view, "runs_without_transaction", None)
    if runs_without_transaction is None or not runs_without_transaction(getattr(view, "action_map", None)):
        return drf_exception_handler(exc, context)
    connection = transaction.get_connection()
    needs_rollback = connection.needs_rollback
    response = drf_exception_handler(exc, context)
    if connection.in_atomic_block:
        connection.set_rollback(needs_rollback)
    return response


def exception_handler(exc, context):
    response = _drf_answer(exc, context)
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
