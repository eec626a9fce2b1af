"""Writes to the programme structure. Every caller (importer, admin, commands) goes through here."""

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from .countries import ILO_REGIONS, member_states, normalise_name, recognise_country
from .models import (
    GLOBAL_COMPONENT_NAME,
    Country,
    Outcome,
    Programme,
    Region,
)


@dataclass
class CountryResolution:
    country: Country
    created: bool
    warning: str = ""


def region_table_load() -> int:
    """Create or refresh the five ILO regions and every ILO member State. Returns the count of countries."""
    with transaction.atomic():
        regions = {}
        for position, name in enumerate(ILO_REGIONS):
            regions[name], _ = Region.objects.update_or_create(
                name=name, defaults={"position": position}
            )
        for state in member_states().values():
            Country.objects.update_or_create(
                code=state.code,
                defaults={"name": state.name, "region": regions[state.region]},
            )
        Country.objects.get_or_create(
            name=GLOBAL_COMPONENT_NAME, defaults={"code": None, "region": None}
        )
    return len(member_states())


def country_resolve(name: str) -> CountryResolution:
    """The country a component heading names, created if the database does not have it yet.

    "Global" is the programme-wide component. ISO names and common variants map to one row
    (Vietnam and Viet Nam are VN). An unrecognised name is created without a code, with a warning.
    """
    name = " ".join(name.split())
    if normalise_name(name) == normalise_name(GLOBAL_COMPONENT_NAME):
        country, created = Country.objects.get_or_create(
            name=GLOBAL_COMPONENT_NAME, defaults={"code": None, "region": None}
        )
        return CountryResolution(country, created)

    recognised = recognise_country(name)
    if recognised is None:
        for country in Country.objects.filter(code__isnull=True):
            if normalise_name(country.name) == normalise_name(name):
                return CountryResolution(
                    country, False, f"'{name}' is not a recognised country name."
                )
        country = Country.objects.create(name=name, code=None, region=None)
        return CountryResolution(
            country,
            True,
            f"'{name}' is not a recognised country name: created without an ISO code or region.",
        )

    existing = Country.objects.filter(code=recognised.code).first()
    if existing is not None:
        return CountryResolution(existing, False)
    region = None
    if recognised.region:
        region, _ = Region.objects.get_or_create(
            name=recognised.region, defaults={"position": ILO_REGIONS.index(recognised.region)}
        )
    country = Country.objects.create(name=recognised.name, code=recognised.code, region=region)
    warning = "" if region else f"'{name}' ({recognised.code}) is not an ILO member State: no region."
    return CountryResolution(country, True, warning)


def programme_get_or_create(
    *, code: str, title: str, funding_partner: str | None = None
) -> tuple[Programme, bool, bool]:
    """The programme with this code, created or brought up to date. Returns (programme, created, changed)."""
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        programme = Programme.objects.create(
            code=code, title=title, funding_partner=funding_partner or ""
        )
        return programme, True, False
    changed = False
    if title and programme.title != title:
        programme.title = title
        changed = True
    if funding_partner is not None and programme.funding_partner != funding_partner:
        programme.funding_partner = funding_partner
        changed = True
    if changed:
        programme.save()
    return programme, False, changed


def outcome_get_or_create(*, programme: Programme, country: Country, number: int) -> tuple[Outcome, bool]:
    return Outcome.objects.get_or_create(programme=programme, country=country, number=number)


def _new_data_version() -> int:
    # Random rather than +1: a rolled-back transaction may have rendered (and cached) a fragment
    # under the number it wrote, and +1 would hand that number out again to the next write.
    return secrets.randbits(62) + 1


def programme_touch(*programme_ids: int | None) -> None:
    """Give the programmes a new data version: cached fragments of their pages are no longer used.

    Services call it first inside the transaction that writes, so that readers see the new data and
    the new version together, and every writer locks the programme's row before the rows it changes
    (one lock order: writes to one programme queue briefly, writes to others never wait)."""
    ids = {pk for pk in programme_ids if pk is not None}
    if ids:
        Programme.objects.filter(pk__in=ids).update(data_version=_new_data_version())


def programmes_touch(queryset: "QuerySet[Programme]") -> None:
    """programme_touch for every programme of a queryset (e.g. those using a renamed country)."""
    Programme.objects.filter(pk__in=queryset.values("pk")).update(data_version=_new_data_version())


def programme_demo_mark(*, programme: Programme) -> None:
    """Record that the programme holds made-up demonstration activity (its pages say so)."""
    with transaction.atomic():
        programme_touch(programme.pk)
        Programme.objects.filter(pk=programme.pk).update(demo=True)
        programme.demo = True
