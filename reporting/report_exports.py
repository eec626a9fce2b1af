"""The report pages' downloads (a country's PDF, "What changed" as XLSX and PDF) and the reporting
workbook as exporters (``reporting.exports.Exporter``); ``EXPORTERS``, the programme's exports."""

from typing import IO, Any

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

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


class CountryPdf(Exporter):
    """A country's page as a PDF report (the country is its address's)."""

    identifier, name, content_type, file_suffix = "report.pdf", "report", "application/pdf", "pdf"

    def render(self) -> bytes:
        assert self.request is not None and self.components.held  # the address names the country
        context = country_context(self.request, self.programme, self.access, self.moment, self.components.held[0])
        # An officer's report says, as their other exports do, that it holds a country they report for.
        context["export_scope"] = self.components.scope
        return render_pdf(self.request, "reporting/country_page.html", context)


class WhatChanged(Exporter):
    """"What changed" between ``?from=`` and ``?to=`` (both, or neither for the last full quarter), for
    the countries the reader may read: the page every reader sees, and its files (``ChangesXlsx``, ``ChangesPdf``)."""

    name = "changes"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        window = changes.change_window(self.query.get("from"), self.query.get("to"), self.programme,
                                       timezone.localdate())
        self.report = changes.changes_report(self.programme, window, self.components.held)

    def require(self) -> None:
        pass  # the page is every reader's; its files are exports

    @classmethod
    def way_back(cls, programme: Programme, query: QueryDict) -> dict:
        """The window form, at the last full quarter."""
        today = timezone.localdate()
        return {"ask_again": "reporting/_window_form.html", "window": changes.last_full_quarter(today),
                "today": today, "earliest": programme_earliest_date(programme)}

    def period(self) -> str:
        return f"{self.report.window.start.isoformat()}-{self.report.window.end.isoformat()}"

    def context(self) -> dict:
        """What the page shows, and the PDF prints."""
        country = (self.query.get("country") or "").strip().lower()
        report, allowed = self.report, self.components.allowed
        return {
            "programme": self.programme,
            "access": self.access,
            "report": report,
            "window": report.window,
            "totals": report.totals,
            "scope": self.components.scope,
            "country": country,
            "country_choices": programme_countries(self.programme) if allowed is None else allowed,
            # The report's query for its links and downloads: the window and the country asked for.
            "query": report.window.query() + (f"&country={country}" if country else ""),
            "breadcrumbs": programme_breadcrumbs(self.programme, _("What changed")),
            "today": timezone.localdate(),
            "earliest": programme_earliest_date(self.programme),
            "generated_at": timezone.now(),
        }


class ChangesXlsx(WhatChanged):
    identifier, content_type, file_suffix = "changes.xlsx", XLSX_CONTENT_TYPE, "xlsx"
    require = Exporter.require

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


class ChangesPdf(WhatChanged):
    identifier, content_type, file_suffix = "changes.pdf", "application/pdf", "pdf"
    require = Exporter.require

    def render(self) -> bytes:
        assert self.request is not None
        return render_pdf(self.request, "reporting/changes.html", self.context())


class ReportingWorkbook(Exporter):
    """The workbook to fill in offline, in the reader's language: an officer's countries, or those a
    coordinator asks for (``?country=``, else every one). Its upload is outputs.workbook_views."""

    identifier, name = "reporting-workbook.xlsx", "reporting-workbook"
    content_type, file_suffix = XLSX_CONTENT_TYPE, "xlsx"
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
