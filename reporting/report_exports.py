"""The report pages' downloads (a country's PDF, "What changed" as XLSX and PDF) and the reporting
workbook as exporters (``reporting.exports.Exporter``); ``EXPORTERS``, the programme's exports."""

from functools import cached_property
from typing import IO, Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from outputs.models import Output
from outputs.services.workbook import reporting_workbook_write
from outputs.spreadsheets import XLSX_CONTENT_TYPE
from programme.models import Programme, programme_earliest_date
from programme.selectors import programme_countries
from programme.views import programme_breadcrumbs

from . import changes
from .exporters.changes_xlsx import write_changes_workbook
from .exporters.pdf import render_pdf
from .exports import Exporter, HistoryCsv, IatiXml, OutputsCsv, OutputsJson, OutputsXlsx
from .views import country_context

# What the report pages' PDFs hold at most, and what "What changed" lists: WeasyPrint's time and
# memory grow with the document, so the document is bounded (the spreadsheets hold everything).
PDF_COUNTRY_OUTPUTS = 200  # a country's outputs in its PDF
PDF_STATUS_CHANGES = 150  # What changed's status changes in its PDF
STATUS_CHANGES_PER_PAGE = 100  # What changed's status changes, a page at a time
LISTED_AT_MOST = 25  # What changed's outputs achieved or become overdue, and its edited texts


class CountryPdf(Exporter):
    """A country's page as a PDF report (the country is its address's): its first
    PDF_COUNTRY_OUTPUTS outputs; built by the task worker above PDF_BACKGROUND_ROWS."""

    identifier, name, content_type, file_suffix = "report.pdf", "report", "application/pdf", "pdf"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.components.held:
            raise Http404("No such component in this programme.")  # the address names it
        self.country = self.components.held[0]

    @classmethod
    def address(cls, programme: Programme, country: str | None = None) -> str:
        return reverse("reporting:country_pdf", args=[programme.slug, country])

    @cached_property
    def outputs(self) -> int:
        return Output.objects.filter(outcome__programme=self.programme, outcome__country=self.country).count()

    def in_background(self) -> bool:
        return min(self.outputs, PDF_COUNTRY_OUTPUTS) > settings.PDF_BACKGROUND_ROWS

    def render(self) -> bytes:
        context = country_context(None, self.programme, self.access, self.moment, self.country,
                                  printed=PDF_COUNTRY_OUTPUTS)
        # An officer's report says, as their other exports do, that it holds a country they report for.
        context["export_scope"] = self.components.scope
        return render_pdf("reporting/country_page.html", {**context, "user": self.user}, self.base_url)


class WhatChanged(Exporter):
    """"What changed" between ``?from=`` and ``?to=`` (both, or neither for the last full quarter), for
    the countries the reader may read: the page every reader sees, and its files (``ChangesXlsx``, ``ChangesPdf``)."""

    name = "changes"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.window = changes.change_window(self.query.get("from"), self.query.get("to"), self.programme,
                                            timezone.localdate())

    @cached_property
    def report(self) -> changes.ChangesReport:
        return changes.changes_report(self.programme, self.window, self.components.held)

    def require(self) -> None:
        pass  # the page is every reader's; its files are exports

    @classmethod
    def way_back(cls, programme: Programme, query: QueryDict) -> dict:
        """The window form, at the last full quarter."""
        today = timezone.localdate()
        return {"ask_again": "reporting/_window_form.html", "window": changes.last_full_quarter(today),
                "today": today, "earliest": programme_earliest_date(programme)}

    def period(self) -> str:
        return f"{self.window.start.isoformat()}-{self.window.end.isoformat()}"

    def shown(self) -> tuple[Page | None, list[changes.OutputChange]]:
        """The page of status changes asked for (``?page=``), and those rows."""
        page = Paginator(self.report.status_changes, STATUS_CHANGES_PER_PAGE).get_page(self.query.get("page"))
        return page, list(page.object_list)

    def context(self) -> dict:
        """What the page shows, and the PDF prints: the counts, a page of the status changes and the
        first outputs achieved or become overdue and edited, with what their rows show."""
        country = (self.query.get("country") or "").strip().lower()
        report, allowed = self.report, self.components.allowed
        page, status_changes = self.shown()
        listed, edited = report.achieved_or_overdue, report.text_changes
        report.details([*status_changes, *listed[:LISTED_AT_MOST], *edited[:LISTED_AT_MOST]])
        query = report.window.query() + (f"&country={country}" if country else "")
        return {
            "programme": self.programme,
            "access": self.access,
            "report": report,
            "several": len(report.countries) > 1,  # rows name their country
            "window": report.window,
            "totals": report.totals,
            "page": page,
            "status_changes": status_changes,
            "listed": listed[:LISTED_AT_MOST], "listed_total": len(listed),
            "edited": edited[:LISTED_AT_MOST], "edited_total": len(edited),
            "scope": self.components.scope,
            "country": country,
            "country_choices": programme_countries(self.programme) if allowed is None else allowed,
            # The report's query for its links and downloads: the window and the country asked for.
            "query": query,
            "breadcrumbs": programme_breadcrumbs(self.programme, _("What changed")),
            "today": timezone.localdate(),
            "earliest": programme_earliest_date(self.programme),
            "generated_at": timezone.now(),
        }


class ChangesXlsx(WhatChanged):
    identifier, content_type, file_suffix = "changes.xlsx", XLSX_CONTENT_TYPE, "xlsx"
    require = Exporter.require

    def in_background(self) -> bool:
        # Its largest sheet lists every update approved in the window.
        return self.report.totals.approved > settings.EXPORT_BACKGROUND_ROWS

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
        return write_changes_workbook(self.report, self.about_rows(), self.rows_through)


class ChangesPdf(WhatChanged):
    """The page as a PDF: every count, and the first PDF_STATUS_CHANGES status changes."""

    identifier, content_type, file_suffix = "changes.pdf", "application/pdf", "pdf"
    require = Exporter.require

    def shown(self) -> tuple[Page | None, list[changes.OutputChange]]:
        return None, self.report.status_changes[:PDF_STATUS_CHANGES]

    def in_background(self) -> bool:
        report = self.report
        rows = (min(len(report.status_changes), PDF_STATUS_CHANGES) + min(len(report.achieved_or_overdue), LISTED_AT_MOST)
                + min(len(report.text_changes), LISTED_AT_MOST))
        return rows > settings.PDF_BACKGROUND_ROWS

    def render(self) -> bytes:
        return render_pdf("reporting/changes.html", {**self.context(), "user": self.user}, self.base_url)


class ReportingWorkbook(Exporter):
    """The workbook to fill in offline, in the reader's language: an officer's countries, or those a
    coordinator asks for (``?country=``, else every one). Its upload is outputs.workbook_views."""

    identifier, name = "reporting-workbook.xlsx", "reporting-workbook"
    content_type, file_suffix = XLSX_CONTENT_TYPE, "xlsx"
    reporting = True

    def require(self) -> None:
        self.access.require_reporting_workbook()

    @classmethod
    def address(cls, programme: Programme, country: str | None = None) -> str:
        return reverse("reporting:reporting_workbook_download", args=[programme.slug])

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
# Every export, those at addresses of their own too: what the task worker may build.
ALL_EXPORTERS: dict[str, type[Exporter]] = {
    **EXPORTERS, **{exporter.identifier: exporter for exporter in (CountryPdf, ReportingWorkbook)}}
