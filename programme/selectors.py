"""Reads of the programme structure shared by pages, exports and the API."""

from .models import Country, Programme


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
