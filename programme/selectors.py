"""Reads of the programme structure shared by pages, exports and the API."""

from .models import Country, Programme


def programme_by_slug(slug):
    """The programme at this URL key, or None."""
    return Programme.objects.filter(slug=slug).first()


def programme_component(programme, slug):
    """The country component of the programme at this URL key (``mw``, ``global``), or None."""
    return Country.objects.filter(slug=slug, outcomes__programme=programme).distinct().first()
