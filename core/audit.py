"""The audit log: who did what, when and from where, for sign-ins and refused accesses.

Every line goes to the ``audit`` logger as ``event=... user=... ip=... method=... path=...``
key=value pairs (settings.LOGGING sends it to stderr), so that a log collector can filter on them.
"""

import logging
from enum import Enum
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.dispatch import receiver
from django.http import HttpRequest

logger = logging.getLogger("audit")


def client_ip(request: HttpRequest | None) -> str:
    """The client's address: REMOTE_ADDR, or behind ``TRUSTED_PROXY_COUNT`` reverse proxies the
    address the outermost of them saw (X-Forwarded-For read from the right, so a client cannot
    choose its own address by sending the header itself)."""
    if request is None:
        return ""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _quote(value: object) -> str:
    # A value may hold undecodable bytes as surrogates (an upload's name): written as escapes, since
    # a log line must encode as UTF-8.
    text = str(value).replace("\n", " ").replace("\r", " ").encode("utf-8", "backslashreplace").decode("utf-8")
    if not text or any(char in text for char in ' "='):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


class _Default(Enum):
    FROM_REQUEST = "the request's user"


FROM_REQUEST = _Default.FROM_REQUEST


def audit(event: str, request: HttpRequest | None = None, *,
          user: AbstractBaseUser | AnonymousUser | None | _Default = FROM_REQUEST, username: str | None = None,
          level: int = logging.INFO, **details: object) -> None:
    """Log one audit event; ``user`` defaults to the request's user (None: nobody known)."""
    if user is FROM_REQUEST:
        user = getattr(request, "user", None) if request is not None else None
    if user is not None and getattr(user, "is_authenticated", False):
        user_id, username = user.pk, username or user.get_username()
    else:
        user_id = ""
    fields = {
        "event": event,
        "user_id": user_id,
        "username": username or "",
        "ip": client_ip(request),
        "method": getattr(request, "method", "") or "",
        "path": request.get_full_path() if request is not None else "",
        **details,
    }
    logger.log(level, " ".join(f"{key}={_quote(value)}" for key, value in fields.items()), extra={"audit": fields})


@receiver(user_logged_in)
def _logged_in(sender: type, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> None:
    audit("login", request, user=user)


@receiver(user_logged_out)
def _logged_out(sender: type, request: HttpRequest, user: AbstractBaseUser | None, **kwargs: Any) -> None:
    if user is not None:
        audit("logout", request, user=user)


@receiver(user_login_failed)
def _login_failed(sender: str, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    locked = bool(request is not None and getattr(request, "axes_locked_out", False))
    audit("login_failed", request, user=None, username=credentials.get("username", ""), level=logging.WARNING,
          locked_out="yes" if locked else "no")


def _locked_out(sender: str, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any) -> None:
    audit("lockout", request, user=None, username=username or "", level=logging.WARNING)


try:  # django-axes tells when it locks a username and address out
    from axes.signals import user_locked_out
except ImportError:  # pragma: no cover - axes is a pinned requirement
    pass
else:
    user_locked_out.connect(_locked_out, dispatch_uid="audit-lockout")
