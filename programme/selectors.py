"""Reads of the programme structure shared by pages, exports and the API."""

from django.contrib.auth.models import User
from django.db.models import Model, QuerySet

from .models import Country, Outcome, Programme, Region


def programme_by_slug(slug: str) -> Programme | None:
    """The programme at this URL key, or None."""
    return Programme.objects.filter(slug=slug).first()


def programme_component(programme: Programme, slug: str) -> Country | None:
    """The country component of the programme at this URL key (``mw``, ``global``), or None."""
    return Country.objects.filter(slug=slug, outcomes__programme=programme).distinct().first()


def programme_countries(programme: Programme) -> list[Country]:
    """The programme's components in display order: countries by name, the Global component last."""
    countries = Country.objects.filter(outcomes__programme=programme).distinct().select_related("region")
    return sorted(countries, key=lambda country: (country.is_global, country.name))


def programmes_showing(row: Model) -> QuerySet[Programme]:
    """The programmes whose pages show this row of the structure, or name this person (the admin
    gives them a new data version when it changes the row: programme.admin.TouchesProgrammes)."""
    if isinstance(row, Programme):
        return Programme.objects.filter(pk=row.pk)
    if isinstance(row, Outcome):
        return Programme.objects.filter(pk=row.programme_id)
    # Countries and regions are shared: a renamed country changes every programme that has it.
    if isinstance(row, Country):
        return Programme.objects.filter(outcomes__country=row.pk)
    if isinstance(row, Region):
        return Programme.objects.filter(outcomes__country__region=row.pk)
    if isinstance(row, User):
        return Programme.objects.filter(access_grants__user=row.pk)
    raise TypeError(f"No programme shows a {type(row).__name__}.")
