"""What each export holds, shared by the download views and the background export task: the
outputs the reader may export (the outputs list's filters, as of a day), their rows and history as
the exporters show them, and the whole workbook.

Officers (without a wider role) export the countries they report for only. Their exports say so
(``export_scope``), and a filter asking for another country is refused rather than answered with
an empty file.
"""

from collections.abc import Callable, Iterator
from typing import IO

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outputs.models import Output
from outputs.vocabulary import display_name
from programme.access import ProgrammeAccess
from programme.models import Country, Programme
from programme.selectors import programme_countries

from . import selectors
from .exporters import history_rows, output_rows
from .exporters.xlsx import write_workbook
from .filters import OutputListFilter, outputs_filtered


class BadFilters(ValueError):
    """The filters of an export do not validate; ``form`` is the filter form, with its errors."""

    def __init__(self, form):
        super().__init__(form.errors)
        self.form = form


def export_countries(programme: Programme, access: ProgrammeAccess) -> list[Country] | None:
    """The components the reader's exports are limited to, in display order; None: all of them."""
    allowed = access.export_country_ids
    if allowed is None:
        return None
    return [country for country in programme_countries(programme) if country.pk in allowed]


def country_names(countries: list[Country]) -> str:
    return ", ".join(country.name for country in countries) or "—"


def export_scope(countries: list[Country] | None) -> str | None:
    """``export_countries`` in words, for what the exports say of themselves; None: not limited."""
    if countries is None:
        return None
    return ngettext(
        "%(countries)s only: the country you report for",
        "%(countries)s only: the countries you report for",
        len(countries),
    ) % {"countries": country_names(countries)}


def iati_allowed(access: ProgrammeAccess) -> bool:
    """The IATI file describes the whole programme: only for readers who export every country."""
    return access.can_export and access.export_country_ids is None


def export_offer(programme: Programme, access: ProgrammeAccess, listed: QuerySet[Output]) -> dict | None:
    """What the outputs list offers to download with its filters (``listed``: the outputs it lists);
    None when the reader's role includes no exports. For an officer: how many of the listed outputs
    the downloads hold and why (their countries only); the IATI file, which describes the whole
    programme, is offered only to readers who export every country."""
    if not access.can_export:
        return None
    countries = export_countries(programme, access)
    if countries is None:
        return {"limited": False, "iati": iati_allowed(access)}
    return {
        "limited": True,
        "iati": iati_allowed(access),
        "count": listed.filter(outcome__country__in=countries).count(),
        "scope": export_scope(countries),
        "countries": country_names(countries),
    }


def exported_filtered(
    query: QueryDict, programme: Programme, access: ProgrammeAccess, moment: selectors.ReportMoment
) -> tuple[OutputListFilter, QuerySet[Output]]:
    """The outputs list's (filtered by ``query``, as-of) outputs the reader may export, with the filter
    set. Raises BadFilters for filters that do not validate and PermissionDenied for a reader
    without exports or an officer asking for another country than theirs."""
    if not access.can_export:
        raise PermissionDenied(_("Your role does not include exports."))
    filterset, queryset = outputs_filtered(query, programme, moment)
    if filterset.form.errors:
        raise BadFilters(filterset.form)
    countries = export_countries(programme, access)
    if countries is None:
        return filterset, queryset
    asked = filterset.form.cleaned_data.get("country") if filterset.is_bound else None
    if asked and asked not in {country.slug for country in countries}:
        raise PermissionDenied(
            _("Your downloads hold the countries you report for (%(countries)s), not %(country)s.") % {
                "countries": country_names(countries),
                "country": dict(filterset.filters["country"].extra["choices"])[asked],
            }
        )
    return filterset, queryset.filter(outcome__country__in=countries)


def exported_outputs(
    query: QueryDict, programme: Programme, access: ProgrammeAccess, moment: selectors.ReportMoment
) -> QuerySet[Output]:
    """The outputs of ``exported_filtered``."""
    return exported_filtered(query, programme, access, moment)[1]


def shown_rows(outputs: QuerySet[Output], moment: selectors.ReportMoment) -> Iterator[tuple]:
    return output_rows(selectors.export_rows(outputs, moment), moment.today)


def shown_history(programme: Programme, outputs: QuerySet[Output], moment: selectors.ReportMoment) -> Iterator[tuple]:
    return history_rows(selectors.approved_history(programme, moment, output_ids=outputs.order_by().values("pk")))


def filters_text(filterset: OutputListFilter) -> str:
    """The filters applied, as the outputs list's form names them: "Country: Malawi; Status: On track"."""
    form = filterset.form
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name) if form.is_bound else None
        if value in (None, "", [], False):
            continue
        choices = {str(key): str(label) for key, label in getattr(field, "choices", ())}
        if value is True:
            parts.append(str(field.label))
            continue
        values = value if isinstance(value, list) else [value]
        shown = ", ".join(choices.get(str(item), item.isoformat() if hasattr(item, "isoformat") else str(item))
                          for item in values)
        parts.append(f"{field.label}: {shown}")
    return "; ".join(parts) or _("none")


def _as_they_come(rows: Iterator[tuple]) -> Iterator[tuple]:
    return rows


def outputs_workbook(query: QueryDict, programme: Programme, access: ProgrammeAccess, moment: selectors.ReportMoment,
                     user: AbstractBaseUser, *,
                     rows_through: Callable[[Iterator[tuple]], Iterator[tuple]] = _as_they_come) -> IO[bytes]:
    """The outputs XLSX as ``user`` asked for it: the filtered outputs, their approved history and an
    About sheet that says what it holds. Every row passes through ``rows_through`` on its way to the
    file (the background task counts them)."""
    filterset, outputs = exported_filtered(query, programme, access, moment)
    scope = export_scope(export_countries(programme, access))
    about = [
        (_("Programme"), f"{programme.code} – {programme.title}"),
        (_("Funding partner"), programme.funding_partner or "—"),
        *([(_("Countries"), scope)] if scope else []),
        (_("As of"), moment.today.isoformat() + ("" if moment.is_past else " " + _("(today)"))),
        (_("Filters"), filters_text(filterset)),
        (_("Generated"), timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")),
        (_("Generated by"), display_name(user)),
        (_("Statuses"), _("Reported status = the latest update approved by a coordinator.")),
    ]
    return write_workbook(rows_through(shown_rows(outputs, moment)),
                          rows_through(shown_history(programme, outputs, moment)), about)
