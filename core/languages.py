"""The person's language: chosen with the header's switcher, kept on their account, applied at login.

The language cookie carries the choice between requests (LocaleMiddleware reads it). For someone
logged in, the choice is also stored on their account; logging in on another device puts it in
the session, and the middleware below applies it and writes the cookie for that device.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from .selectors import user_language
from .services import user_language_set

SESSION_KEY = "user_language"


def apply_in_session(request: HttpRequest | None, language: str) -> None:
    """Use ``language`` for this request and keep it in the session (at sign-in, from the account)."""
    if request is None or not hasattr(request, "session") or not language:
        return
    request.session[SESSION_KEY] = language
    translation.activate(language)
    request.LANGUAGE_CODE = language


def remember_in_session(request: HttpRequest, language: str) -> None:
    """After the switcher: the new choice wins over what was applied at login."""
    if hasattr(request, "session"):
        if language:
            request.session[SESSION_KEY] = language
        else:
            request.session.pop(SESSION_KEY, None)


class UserLanguageMiddleware:
    """Apply the language stored at login (after LocaleMiddleware, which only knows the cookie)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        language = session.get(SESSION_KEY) if session is not None else None
        if language and language in dict(settings.LANGUAGES) and language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # Read again: the login view stores the account's language while it handles the request.
        language = session.get(SESSION_KEY) if session is not None else None
        if language and language in dict(settings.LANGUAGES) and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The header's switcher: Django's set_language, plus the choice kept on the person's account."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES):
        remember_in_session(request, language)
        if request.user.is_authenticated:
            user_language_set(user=request.user, language=language)
    return response


def apply_language_at_login(sender: type, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """The language chosen on the account follows the person to every device they sign in from."""
    apply_in_session(request, user_language(user))


user_logged_in.connect(apply_language_at_login, dispatch_uid="core.apply_language_at_login")
