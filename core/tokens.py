"""API tokens that expire, are deleted when their owner's password changes or the account is
deactivated, and that people create and revoke themselves on /accounts/token/.

A token (DRF's ``authtoken``) lives ``API_TOKEN_DAYS`` days from its creation. Its key is shown
once, in the answer that creates it.
"""

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import BadRequest
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from .audit import audit
from .services import api_token_create, api_token_revoke


def token_expiry(token: Token) -> datetime.datetime:
    return token.created + datetime.timedelta(days=settings.API_TOKEN_DAYS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, refused with 401 once the token is older than API_TOKEN_DAYS."""

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        user, token = super().authenticate_credentials(key)
        if token_expiry(token) <= timezone.now():
            raise AuthenticationFailed(
                _("This token expired on %(date)s. Sign in to the tracker and create a new one on %(page)s.")
                % {"date": date_format(timezone.localtime(token_expiry(token)), "DATE_FORMAT"),
                   "page": settings.SITE_URL + reverse("api_token")}
            )
        return user, token


@receiver(pre_save, sender=get_user_model(), dispatch_uid="core.tokens.delete_on_password_or_deactivation")
def delete_tokens_on_password_change_or_deactivation(
        sender: type[User], instance: User, update_fields: frozenset[str] | None = None, **kwargs: Any) -> None:
    """A new password (set anywhere: the reset page, the admin, ``changepassword``) or a deactivated
    account ends the API tokens too, as it ends the other sessions."""
    if instance.pk is None or (update_fields is not None and not {"password", "is_active"} & set(update_fields)):
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before and (before["password"] != instance.password or (before["is_active"] and not instance.is_active)):
        Token.objects.filter(user_id=instance.pk).delete()


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    """The person's own API token: create (the key is shown in this answer only), or revoke."""
    user = request.user
    assert user.is_authenticated  # login_required
    token = Token.objects.filter(user=user).first()
    new_key = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ("create", "revoke"):
            raise BadRequest("Unknown action.")
        if action == "revoke":
            if api_token_revoke(user=user):
                audit("api_token_revoked", request)
                messages.success(request, _("Your API token is revoked: programs using it are refused from now on."))
            return redirect("api_token")
        token = api_token_create(user=user)
        new_key = token.key
        audit("api_token_created", request)
    context = {
        "token": token,
        "new_key": new_key,
        "expires": token_expiry(token) if token else None,
        "expired": token is not None and token_expiry(token) <= timezone.now(),
        "token_days": settings.API_TOKEN_DAYS,
    }
    return render(request, "registration/api_token.html", context)
