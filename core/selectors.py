"""Reads of the site-wide data: people's own choices."""

from collections.abc import Iterable

from django.contrib.auth.models import User

from .models import UserPreference


def user_language(user: User) -> str:
    """The language the person chose ("" when they never did)."""
    return UserPreference.objects.filter(user=user).values_list("language", flat=True).first() or ""


def user_languages(user_ids: Iterable[int]) -> dict[int, str]:
    """{user id: chosen language} for those of these people who chose one."""
    return dict(
        UserPreference.objects.filter(user_id__in=list(user_ids)).exclude(language="").values_list("user_id", "language")
    )
