"""Password reset by e-mail, in the person's language, through the task worker.

The page answers every address alike: it queues the same task whether the address belongs to an
account or not, and the worker looks it up and sends the mail (Django's PasswordResetForm), so
neither the answer nor its time tells which addresses exist. Requests are counted per address and
per client address in the cache, which every process and server shares (PASSWORD_RESET_LIMIT_PER_ADDRESS,
PASSWORD_RESET_LIMIT_PER_IP within any PASSWORD_RESET_WINDOW_SECONDS); beyond either the page answers
429. While a shared cache (CACHE_URL) does not answer, requests cannot be counted and none is sent
(503): the limit fails closed.
"""

import hashlib
import logging
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django_tasks import task

from core.audit import audit, client_ip
from core.cache_backend import CacheUnavailable

from .selectors import user_language

EMAIL_TEMPLATE = "registration/password_reset_email.txt"
SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"


class LocalisedPasswordResetForm(PasswordResetForm):
    """Each mail in the language its recipient chose, else the one the request was made in."""

    fallback_language = settings.LANGUAGE_CODE

    def send_mail(self, subject_template_name: str, email_template_name: str, context: dict[str, Any],
                  from_email: str | None, to_email: str, html_email_template_name: str | None = None) -> None:
        with translation.override(user_language(context["user"]) or self.fallback_language):
            super().send_mail(subject_template_name, email_template_name, context, from_email, to_email,
                              html_email_template_name)


@task
def send_password_reset(*, email: str, language: str) -> None:
    """Mail a reset link to each active account with this address (none: nothing is sent)."""
    form = LocalisedPasswordResetForm({"email": email})
    if not form.is_valid():
        return
    form.fallback_language = language
    site = urlsplit(settings.SITE_URL)
    form.save(
        domain_override=site.netloc, use_https=site.scheme == "https", subject_template_name=SUBJECT_TEMPLATE,
        email_template_name=EMAIL_TEMPLATE, extra_email_context={"site_url": settings.SITE_URL,
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600},  # type: ignore[dict-item]  # counted; stubs: str only
    )


def _over_limit(kind: str, value: str, limit: int) -> bool:
    """Count one more request for ``value`` unless ``limit`` were counted within the window; whether
    it was refused. Each request counted is an entry of its own, kept for the window and added only
    where none is (``cache.add`` is atomic in Redis, the database cache and the memory cache): of
    requests counted at the same moment on several processes or servers, no two take one place.
    Raises CacheUnavailable when the shared cache does not answer."""
    prefix = f"password-reset:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"
    places = [f"{prefix}:{number}" for number in range(limit)]
    taken = cache.get_many(places)
    return not any(
        place not in taken and cache.add(place, 1, timeout=settings.PASSWORD_RESET_WINDOW_SECONDS) for place in places
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, which queues the mail instead of sending it in the request."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        request: HttpRequest = self.request
        email = form.cleaned_data["email"].strip().lower()
        try:
            refused = _over_limit("ip", client_ip(request), settings.PASSWORD_RESET_LIMIT_PER_IP) or _over_limit(
                "address", email, settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
            )
        except CacheUnavailable:
            # Uncounted requests could flood an address with mail: none is sent until the count is back.
            audit("password_reset_uncounted", request, level=logging.WARNING)
            response = self.render_to_response(self.get_context_data(form=form, uncounted=True), status=503)
            response["Retry-After"] = "60"
            return response
        if refused:
            audit("password_reset_throttled", request, level=logging.WARNING)
            minutes = settings.PASSWORD_RESET_WINDOW_SECONDS // 60
            response = render(request, "registration/password_reset_throttled.html", {"minutes": minutes},
                              status=429)
            response["Retry-After"] = str(settings.PASSWORD_RESET_WINDOW_SECONDS)
            return response
        send_password_reset.enqueue(email=email, language=translation.get_language() or settings.LANGUAGE_CODE)
        audit("password_reset_requested", request)
        return HttpResponseRedirect(self.get_success_url())
