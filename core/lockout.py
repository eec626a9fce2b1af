"""The answer to a sign-in while the username and address are locked out (django-axes)."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/") or request.headers.get("x-requested-with") == "XMLHttpRequest":
        detail = _("Too many failed logins. Try again in %(minutes)s minutes.") % {"minutes": minutes}
        response = JsonResponse({"detail": detail}, status=status)
    else:
        context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
        response = render(request, "registration/lockout.html", context, status=status)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
