"""The report pages' downloads (a country's PDF, "What changed" as XLSX and PDF) and the reporting
workbook as exporters (``reporting.exports.Exporter``); ``EXPORTERS``, the programme's exports."""

from typing import IO, Any

from django.http import HttpRequest, QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from outputs.services.workbook import reporting_workbook_write
from outputs.spreadsheets import XLSX_CONTENT_TYPE
from programme.access import Components, ProgrammeAccess
from programme.models import Programme, programme_earliest_date
from programme.selectors import programme_countries
from programme.views import programme_breadcrumbs

from . import changes
from .exporters.changes_xlsx import write_changes_workbook
from .exporters.pdf import render_pdf
from .exports import Exporter, HistoryCsv, IatiXml, OutputsCsv, OutputsJson, OutputsXlsx
from .views import country_context


class CountryPdf(Exporter):
    """A country's page as a PDF report (the country is the address's, or ``?country=``)."""

    identifier, name, content_type, file_suffix = "report.pdf", "report", "application/pdf", "pdf"

    def render(self) -> bytes:
        assert self.request is not None and self.components.held  # the address names the country
        context = country_context(self.request, self.programme, self.access, self.moment, self.components.held[0])
        # An officer's report says, as their other exports do, that it holds a country they report for.
        context.update(for_pdf=True, export_scope=self.components.scope)
        html = render_to_string("reporting/country_page.html", context, request=self.request)
        return render_pdf(html, base_url=self.request.build_absolute_uri("/"))


def window_form(programme: Programme) -> dict:
    """What the 400 page of "What changed" offers: the window form, at the last full quarter."""
    today = timezone.localdate()
    return {"ask_again": "reporting/_window_form.html", "window": changes.last_full_quarter(today), "today": today,
            "earliest": programme_earliest_date(programme)}


def changes_asked(programme: Programme, query: QueryDict, components: Components) -> changes.ChangesReport:
    """The report of ``?from=`` and ``?to=`` (both, or neither for the last full quarter)."""
    window = changes.change_window(query.get("from"), query.get("to"), programme, timezone.localdate())
    return changes.changes_report(programme, window, components.held)


def changes_context(request: HttpRequest, programme: Programme, access: ProgrammeAccess, components: Components,
                    report: changes.ChangesReport) -> dict:
    """What the page shows, and the PDF prints."""
    country = (request.GET.get("country") or "").strip().lower()
    return {
        "programme": programme,
        "access": access,
        "report": report,
        "window": report.window,
        "totals": report.totals,
        "scope": components.scope,
        "country": country,
        "country_choices": programme_countries(programme) if components.allowed is None else components.allowed,
        # The report's query for its links and downloads: the window and the country asked for.
        "query": report.window.query() + (f"&country={country}" if country else ""),
        "breadcrumbs": programme_breadcrumbs(programme, _("What changed")),
        "today": timezone.localdate(),
        "earliest": programme_earliest_date(programme),
        "generated_at": timezone.now(),
    }


class ChangesExport(Exporter):
    """"What changed" between two days, for the countries the reader may read."""

    name = "changes"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report = changes_asked(self.programme, self.query, self.components)

    @classmethod
    def way_back(cls, programme: Programme, query: QueryDict) -> dict:
        return window_form(programme)

    def period(self) -> str:
        return f"{self.report.window.start.isoformat()}-{self.report.window.end.isoformat()}"


class ChangesXlsx(ChangesExport):
    identifier, content_type, file_suffix = "changes.xlsx", XLSX_CONTENT_TYPE, "xlsx"

    def described(self) -> list[tuple[str, str]]:
        return [
            (_("From"), self.report.window.start.isoformat()),
            (_("To"), self.report.window.end.isoformat()),
            (_("What it holds"), _(
                "The changes between the report as of the end of the first day and the report as of the end of "
                "the last day, and the updates approved in between. Approved data only."
            )),
        ]

    def render(self) -> IO[bytes]:
        return write_changes_workbook(self.report, self.about_rows())


class ChangesPdf(ChangesExport):
    identifier, content_type, file_suffix = "changes.pdf", "application/pdf", "pdf"

    def render(self) -> bytes:
        assert self.request is not None
        context = changes_context(self.request, self.programme, self.access, self.components, self.report)
        html = render_to_string("reporting/changes.html", {**context, "for_pdf": True}, request=self.request)
        return render_pdf(html, base_url=self.request.build_absolute_uri("/"))


class ReportingWorkbook(Exporter):
    """The workbook to fill in offline, in the reader's language: an officer's countries, or those a
    coordinator asks for (``?country=``, else every one). Its upload is outputs.workbook_views."""

    identifier, name, content_type, file_suffix = "reporting-workbook.xlsx", "reporting-workbook", XLSX_CONTENT_TYPE, "xlsx"
    reporting = True

    def require(self) -> None:
        self.access.require_reporting_workbook()

    @classmethod
    def way_back(cls, programme: Programme, query: QueryDict) -> dict:
        return {"ask_again": None, "back_url": reverse("outputs:reporting_workbook", args=[programme.slug]),
                "back_label": _("Reporting workbook")}

    def period(self) -> str:
        return timezone.localdate().isoformat()  # it holds what is reported today, whatever ?as_of= says

    def render(self) -> IO[bytes]:
        countries = self.components.held or programme_countries(self.programme)
        return reporting_workbook_write(programme=self.programme, access=self.access, countries=countries)


# The programme's exports, at exports/<identifier>.
EXPORTERS: dict[str, type[Exporter]] = {
    exporter.identifier: exporter
    for exporter in (OutputsCsv, OutputsXlsx, OutputsJson, HistoryCsv, IatiXml, ChangesXlsx, ChangesPdf)
}
