"""Login throttling with django-axes: a username and address pair, and an address across usernames.

django-axes counts failures per lockout parameter (settings.AXES_LOCKOUT_PARAMETERS: the pair, and
the address alone) and locks when the highest count reaches one limit. An address's count is never
below the count of any pair at it, so the limit given here decides which rule applies: the pair's
(LOGIN_FAILURE_LIMIT) once that pair has reached it, else the address's (LOGIN_IP_FAILURE_LIMIT),
which stops one address trying a few passwords on each of many accounts (password spraying).
"""

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .audit import client_ip


def pair_failures(request: HttpRequest, credentials: dict | None) -> int:
    """Failures of this username from this address within the cool-off time."""
    attempts = AccessAttempt.objects.filter(
        username=get_client_username(request, credentials),
        ip_address=getattr(request, "axes_ip_address", None),  # set by django-axes before it calls here
        attempt_time__gte=get_cool_off_threshold(request),
    )
    return attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0


def failure_limit(request: HttpRequest, credentials: dict | None) -> int:
    """settings.AXES_FAILURE_LIMIT: the limit of the rule that applies to this sign-in."""
    if pair_failures(request, credentials) >= settings.LOGIN_FAILURE_LIMIT:
        return settings.LOGIN_FAILURE_LIMIT
    return settings.LOGIN_IP_FAILURE_LIMIT


@receiver(user_logged_in, dispatch_uid="core.lockout.forget_pair_failures")
def forget_pair_failures(sender: type, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any) -> None:
    """A sign-in clears the failures of that username at that address only (AXES_RESET_ON_SUCCESS
    would clear the whole address's, letting a sprayer with one account of their own start again)."""
    if request is not None:
        reset(ip=client_ip(request), username=user.get_username())


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """The answer to a sign-in while its username and address, or its address, are locked out."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    status = settings.AXES_HTTP_RESPONSE_CODE
    whole_address = failure_limit(request, credentials) == settings.LOGIN_IP_FAILURE_LIMIT
    if request.path.startswith("/api/") or request.headers.get("x-requested-with") == "XMLHttpRequest":
        detail = _("Too many failed logins. Try again in %(minutes)s minutes.") % {"minutes": minutes}
        response: HttpResponse = JsonResponse({"detail": detail}, status=status)
    else:
        context = {
            "whole_address": whole_address,
            "failure_limit": settings.LOGIN_IP_FAILURE_LIMIT if whole_address else settings.LOGIN_FAILURE_LIMIT,
            "cooloff_minutes": minutes,
        }
        response = render(request, "registration/lockout.html", context, status=status)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
