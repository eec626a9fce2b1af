""""What changed" as XLSX: a Summary sheet with the counts by country, one sheet per kind of change
and an About sheet, in the active language. Written as the outputs export is (``exporters.xlsx``):
bold frozen headers with an autofilter, dates as dates, numbers as numbers, text neutralised. Every
row is written, a chunk at a time: the page lists some, the spreadsheet all.
"""

from collections.abc import Callable, Iterator
from dataclasses import astuple
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from outputs.vocabulary import name_from, status_labels

from ..changes import ChangesReport, OutputChange, approved_updates
from ..selectors import EXPORT_CHUNK_SIZE
from .xlsx import saved_with_about, write_sheet

Rows = Callable[[Iterator[tuple]], Iterator[tuple]]


def _detailed(report: ChangesReport, changes: list[OutputChange]) -> Iterator[OutputChange]:
    """``changes`` with what their rows show (ChangesReport.details), read a chunk at a time."""
    for start in range(0, len(changes), EXPORT_CHUNK_SIZE):
        chunk = changes[start:start + EXPORT_CHUNK_SIZE]
        report.details(chunk)
        yield from chunk


def write_changes_workbook(report: ChangesReport, about: list[tuple[str, str]], rows_through: Rows = iter) -> IO[bytes]:
    """The report's sheets as a file object at its start; every row passes through ``rows_through``."""
    labels = status_labels()
    zone = timezone.get_current_timezone()
    workbook = Workbook(write_only=True)
    country, code, text = (_("Country"), 16), (_("Output code"), 10), (_("Output text"), 60)
    summary_rows = [(part.country.name, *astuple(part.counts)) for part in report.countries]
    write_sheet(workbook, _("Summary"), [
        country, (_("Status changes"), 12), (_("Achieved"), 11), (_("Became overdue"), 12),
        (_("Updates approved"), 12), (_("Evidence items"), 11), (_("Titles and deadlines changed"), 14),
    ], [*summary_rows, (_("All countries"), *astuple(report.totals))])
    write_sheet(workbook, _("Status changes"), [
        country, code, text, (_("Status at start"), 14), (_("Status at end"), 14),
        (_("Progress % at start"), 11), (_("Progress % at end"), 11), (_("Latest narrative approved"), 70),
        (_("Updates approved"), 12),
    ], rows_through(
        (change.country.name, change.code, change.after.title, labels[change.before.status],
         labels[change.after.status], change.before.progress, change.after.progress,
         change.details.narrative if change.details else "", change.details.approved if change.details else 0)
        for change in _detailed(report, report.status_changes)
    ))
    write_sheet(workbook, _("Approved updates"), [
        country, code, (_("As of"), 12), (_("Status"), 14), (_("Progress %"), 10), (_("Narrative"), 70),
        (_("Evidence"), 40), (_("Reported by"), 18), (_("Approved at"), 18),
    ], rows_through(
        (country_name, output_code, as_of, labels[status], progress, narrative, "\n".join(evidence),
         name_from(first, last, username), reviewed_at.astimezone(zone))
        for (country_name, output_code, as_of, status, progress, narrative, first, last, username, reviewed_at,
             evidence) in approved_updates(report)
    ))
    write_sheet(workbook, _("Overdue and achieved"), [
        country, code, text, (_("Deadline"), 12), (_("Status at end"), 14), (pgettext("column heading", "Change"), 16),
    ], rows_through(
        (change.country.name, change.code, change.after.title, change.after.deadline,
         labels[change.after.status], _("Achieved") if change.achieved else _("Became overdue"))
        for change in _detailed(report, report.achieved_or_overdue)
    ))
    write_sheet(workbook, _("Titles and deadlines"), [
        country, code, (_("Text at start"), 50), (_("Text at end"), 50),
        (_("Deadline at start"), 12), (_("Deadline at end"), 12),
    ], rows_through(
        (change.country.name, change.code, change.before.title, change.after.title,
         change.before.deadline, change.after.deadline)
        for change in _detailed(report, report.text_changes)
    ))
    return saved_with_about(workbook, about)
