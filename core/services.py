"""Writes of the site-wide data: people's own choices."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import UserPreference


def user_language_set(*, user: AbstractBaseUser, language: str) -> None:
    """Remember the person's language for every device they log in from ("" forgets it)."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("This language is not offered.")})
    UserPreference.objects.update_or_create(user=user, defaults={"language": language})
