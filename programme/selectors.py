"""Reads of the programme structure shared by pages, exports and the API."""

from collections.abc import Iterable

from django.contrib.auth.models import User

from .models import Country, Programme, UserPreference


def programme_by_slug(slug: str) -> Programme | None:
    """The programme at this URL key, or None."""
    return Programme.objects.filter(slug=slug).first()


def programme_component(programme: Programme, slug: str) -> Country | None:
    """The country component of the programme at this URL key (``mw``, ``global``), or None."""
    return Country.objects.filter(slug=slug, outcomes__programme=programme).distinct().first()


def user_language(user: User) -> str:
    """The language the person chose ("" when they never did)."""
    return UserPreference.objects.filter(user=user).values_list("language", flat=True).first() or ""


def user_languages(user_ids: Iterable[int]) -> dict[int, str]:
    """{user id: chosen language} for those of these people who chose one."""
    return dict(
        UserPreference.objects.filter(user_id__in=list(user_ids)).exclude(language="").values_list("user_id", "language")
    )
