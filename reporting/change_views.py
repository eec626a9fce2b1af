""""What changed" between two dates (``?from=YYYY-MM-DD&to=YYYY-MM-DD``, optionally ``&country=<code>``):
the page, and the same report as XLSX and PDF (reads in ``reporting.changes``).

Every reader sees approved data only, as the as-of reports do. Officers (without a wider role) see
the countries they report for, as in their exports, and are refused another country.
"""

from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from outputs.vocabulary import display_name
from programme.access import ProgrammeAccess
from programme.models import Country, Programme
from programme.selectors import programme_component, programme_countries

from . import changes
from .exporters.changes_xlsx import write_changes_workbook
from .exporters.pdf import render_pdf
from .exporters.xlsx import CONTENT_TYPE as XLSX_TYPE
from .exports import country_names, export_countries, export_scope
from .views import report_page


class BadCountry(ValueError):
    """``?country=`` names no component of the programme."""


def _countries(
    asked: str, programme: Programme, access: ProgrammeAccess
) -> tuple[list[Country] | None, list[Country] | None]:
    """(the components the report holds, None for all; those the reader may read, None for all),
    for ``asked``, the ``?country=`` of the request ("" for none). Raises BadCountry for an unknown
    component and PermissionDenied for an officer asking for a country they do not report for."""
    allowed = export_countries(programme, access)
    if not asked:
        return allowed, allowed
    component = programme_component(programme, asked)
    if component is None:
        raise BadCountry(
            _("This programme has no country component '%(code)s'. Use a country's ISO code, e.g. mw, or global.")
            % {"code": asked[:20]}
        )
    if allowed is not None and component not in allowed:
        raise PermissionDenied(
            _("This report holds the countries you report for (%(countries)s), not %(country)s.")
            % {"countries": country_names(allowed), "country": component.name}
        )
    return [component], allowed


@dataclass
class ChangesRequest:
    """What a request for the report asked for and may read."""

    programme: Programme
    access: ProgrammeAccess
    report: changes.ChangesReport
    countries: list[Country] | None  # the components asked for (None: all the reader may read)
    allowed: list[Country] | None  # the components the reader may read (None: all)
    country: str  # ?country= as asked, "" for none

    @property
    def scope(self) -> str | None:
        return export_scope(self.allowed)

    @property
    def query(self) -> str:
        """The report's query for its links and downloads: the window and the country asked for."""
        return self.report.window.query() + (f"&country={self.country}" if self.country else "")

    def filename(self, suffix: str) -> str:
        """``<programme>-[<countries>-]changes-<from>-<to>.<suffix>``: a file limited to some countries names them."""
        scope = "".join(f"{country.slug}-" for country in self.countries or ())
        window = self.report.window
        return f"{self.programme.slug}-{scope}changes-{window.start.isoformat()}-{window.end.isoformat()}.{suffix}"


def changes_view(view):
    """Resolve the programme, the reader's access, the window and the countries; dates or a country
    that do not make a report get a 400 page saying why. The views only read: they are declared
    outside the request transaction (transaction.non_atomic_requests), as the country page is."""

    @report_page
    @wraps(view)
    def wrapper(request, programme, access, moment):
        today = timezone.localdate()
        asked_country = (request.GET.get("country") or "").strip().lower()
        try:
            window = changes.change_window(request.GET.get("from"), request.GET.get("to"), programme, today)
            countries, allowed = _countries(asked_country, programme, access)
        except (changes.BadWindow, BadCountry) as error:
            return render(request, "reporting/changes_bad_request.html", {
                "programme": programme,
                "error": str(error),
                "default_window": changes.last_full_quarter(today),
                "today": today,
                "breadcrumbs": _breadcrumbs(programme),
            }, status=400)
        asked = ChangesRequest(
            programme=programme, access=access, report=changes.changes_report(programme, window, countries),
            countries=countries, allowed=allowed, country=asked_country,
        )
        return view(request, asked)

    return wrapper


def _breadcrumbs(programme):
    return [
        {"label": programme.code, "url": reverse("reporting:programme_overview", args=[programme.slug])},
        {"label": _("What changed"), "url": ""},
    ]


def _context(asked: ChangesRequest) -> dict:
    programme = asked.programme
    return {
        "programme": programme,
        "access": asked.access,
        "report": asked.report,
        "window": asked.report.window,
        "totals": asked.report.totals,
        "scope": asked.scope,
        "country": asked.country,
        "country_choices": programme_countries(programme) if asked.allowed is None else asked.allowed,
        "query": asked.query,
        "today": timezone.localdate(),
        "breadcrumbs": _breadcrumbs(programme),
        "generated_at": timezone.now(),
    }


def _exporting(asked: ChangesRequest) -> None:
    if not asked.access.can_export:
        raise PermissionDenied(_("Your role does not include exports."))


@transaction.non_atomic_requests
@changes_view
def changes_page(request, asked):
    return render(request, "reporting/changes.html", _context(asked))


@transaction.non_atomic_requests
@changes_view
def changes_xlsx(request, asked):
    _exporting(asked)
    programme, window = asked.programme, asked.report.window
    countries = asked.countries or [country.country for country in asked.report.countries]
    about = [
        (_("Programme"), f"{programme.code} – {programme.title}"),
        (_("Funding partner"), programme.funding_partner or "—"),
        (_("Countries"), asked.scope or country_names(countries)),
        (_("From"), window.start.isoformat()),
        (_("To"), window.end.isoformat()),
        (_("What it holds"), _(
            "The changes between the report as of the end of the first day and the report as of the end of "
            "the last day, and the updates approved in between. Approved data only."
        )),
        (_("Generated"), timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")),
        (_("Generated by"), display_name(request.user)),
    ]
    workbook = write_changes_workbook(asked.report, about)
    return FileResponse(workbook, as_attachment=True, filename=asked.filename("xlsx"), content_type=XLSX_TYPE)


@transaction.non_atomic_requests
@changes_view
def changes_pdf(request, asked):
    _exporting(asked)
    context = _context(asked)
    context["for_pdf"] = True
    html = render_to_string("reporting/changes.html", context, request=request)
    response = HttpResponse(render_pdf(html, base_url=request.build_absolute_uri("/")), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{asked.filename("pdf")}"'
    return response
