"""Writes to the programme structure. Every caller (importer, admin, commands) goes through here."""

import datetime
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .countries import ILO_REGIONS, member_states, normalise_name, recognise_country
from .models import (
    GLOBAL_COMPONENT_NAME,
    Country,
    Outcome,
    Programme,
    Region,
    programme_slug,
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
                    country, False, _("'%(name)s' is not a recognised country name.") % {"name": name}
                )
        country = Country.objects.create(name=name, code=None, region=None)
        return CountryResolution(
            country,
            True,
            _("'%(name)s' is not a recognised country name: created without an ISO code or region.") % {"name": name},
        )

    existing = Country.objects.filter(code=recognised.code).first()
    if existing is not None:
        return CountryResolution(existing, False)
    region = None
    if recognised.region:
        region, _created = Region.objects.get_or_create(
            name=recognised.region, defaults={"position": ILO_REGIONS.index(recognised.region)}
        )
    country = Country.objects.create(name=recognised.name, code=recognised.code, region=region)
    warning = "" if region else _("'%(name)s' (%(code)s) is not an ILO member State: no region.") % {
        "name": name, "code": recognised.code}
    return CountryResolution(country, True, warning)


def programme_code_check(code: str, *, exclude_pk: int | None = None) -> None:
    """The code gives the programme's web address (its slug), which must be unique and not empty."""
    slug = programme_slug(code)
    if not slug:
        raise ValidationError(_("A programme's code needs letters or digits, such as GLO/22/31/IRL."))
    others = Programme.objects.filter(slug=slug)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError(
            _("Another programme's code gives the same web address (%(slug)s): choose another code.") % {"slug": slug}
        )


def _programme_check(programme: Programme) -> None:
    """What the database would refuse with an error of its own: too long a title or partner, dates
    in the wrong order."""
    errors: dict[str, list[str]] = {}
    try:
        programme.clean_fields(exclude=[f.name for f in Programme._meta.fields if f.name not in ("code", "title", "funding_partner")])
    except ValidationError as error:
        errors = error.message_dict
    if programme.start_date and programme.end_date and programme.end_date < programme.start_date:
        errors["end_date"] = [_("The end date cannot be before the start date.")]
    if errors:
        raise ValidationError(errors)


PROGRAMME_IMPORTED_FIELDS = ("title", "funding_partner", "start_date", "end_date")


def programme_get_or_create(
    *, code: str, title: str, funding_partner: str | None = None,
    start_date: datetime.date | None = None, end_date: datetime.date | None = None,
) -> tuple[Programme, bool, dict[str, tuple]]:
    """The programme with this code, created or brought up to date (a value of None leaves the
    stored one). Returns (programme, created, {field: (before, after)} of what changed); raises
    ValidationError before writing anything the database would refuse."""
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        try:
            programme_code_check(code)
        except ValidationError as error:
            raise ValidationError({"code": error.messages}) from None
        programme = Programme(
            code=code, title=title, funding_partner=funding_partner or "", start_date=start_date, end_date=end_date
        )
        _programme_check(programme)
        programme.save()
        return programme, True, {}
    wanted = {"title": title or None, "funding_partner": funding_partner, "start_date": start_date, "end_date": end_date}
    changes = {
        name: (getattr(programme, name), value)
        for name, value in wanted.items()
        if value is not None and getattr(programme, name) != value
    }
    if changes:
        for name, (_before, after) in changes.items():
            setattr(programme, name, after)
        _programme_check(programme)
        programme.save(update_fields=list(changes))
    return programme, False, changes


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
    """programme_touch for every programme of a queryset (e.g. those using a renamed country): the
    admin's edits of the structure and of people's names (programme.admin.TouchesProgrammes)."""
    Programme.objects.filter(pk__in=queryset.values("pk")).update(data_version=_new_data_version())


def programme_demo_mark(*, programme: Programme) -> None:
    """Record that the programme holds made-up demonstration activity (its pages say so)."""
    with transaction.atomic():
        programme_touch(programme.pk)
        Programme.objects.filter(pk=programme.pk).update(demo=True)
        programme.demo = True
