"""Writes of the site-wide data: people's own choices."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from .models import UserPreference


def user_language_set(*, user: User, language: str) -> None:
    """Remember the person's language for every device they log in from ("" forgets it)."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("This language is not offered.")})
    UserPreference.objects.update_or_create(user=user, defaults={"language": language})


def api_token_create(*, user: User) -> Token:
    """A new API token for the person, in place of the one they had. Their account's row is locked
    first, so two creations at once (a double click) take turns: one token, never a duplicate."""
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
        Token.objects.filter(user_id=user.pk).delete()
        return Token.objects.create(user_id=user.pk)


def api_token_revoke(*, user: User) -> bool:
    """Delete the person's API token; whether they had one."""
    deleted, _kinds = Token.objects.filter(user_id=user.pk).delete()
    return bool(deleted)
