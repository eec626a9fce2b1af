
""""What changed" as XLSX: a Summary sheet with the counts by country, one sheet per kind of change
and an About sheet, in the active language. Written as the outputs export is (``exporters.xlsx``):
bold frozen headers with an autofilter, dates as dates, numbers as numbers, text neutralised.
"""

from dataclasses import astuple
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from outputs.vocabulary import display_name, status_labels

from ..changes import ChangesReport
from .xlsx import saved_with_about, write_sheet


def write_changes_workbook(report: ChangesReport, about: list[tuple[str, str]]) -> IO[bytes]:
    """The report's sheets as a file object at its start."""
    labels = status_labels()
    workbook = Workbook(write_only=True)
    country, code, text = (_("Country"), 16), (_("Output code"), 10), (_("Output text"), 60)
    summary_rows = [(part.country.name, *astuple(report.counts([part]))) for part in report.countries]
    write_sheet(workbook, _("Summary"), [
        country, (_("Status changes"), 12), (_("Achieved"), 11), (_("Became overdue"), 12),
        (_("Updates approved"), 12), (_("Evidence items"), 11), (_("Titles and deadlines changed"), 14),
    ], [*summary_rows, (_("All countries"), *astuple(report.totals))])
    write_sheet(workbook, _("Status changes"), [
        country, code, text, (_("Status at start"), 14), (_("Status at end"), 14),
        (_("Progress % at start"), 11), (_("Progress % at end"), 11),
    ], (
        (part.country.name, change.output.code, change.after.title, labels[change.before.status],
         labels[change.after.status], change.before.progress, change.after.progress)
        for part in report.countries for change in part.status_changes
    ))
    write_sheet(workbook, _("Approved updates"), [
        country, code, (_("As of"), 12), (_("Status"), 14), (_("Progress %"), 10), (_("Narrative"), 70),
        (_("Evidence"), 40), (_("Reported by"), 18), (_("Approved at"), 18),
    ], (
        (part.country.name, update.output.code, update.as_of, labels[update.status], update.progress,
         update.narrative, "\n".join(item.url or item.original_name for item in update.evidence.all()),
         display_name(update.author), timezone.localtime(update.reviewed_at))
        for part in report.countries for update in part.approved
    ))
    write_sheet(workbook, _("Overdue and achieved"), [
        country, code, text, (_("Deadline"), 12), (_("Status at end"), 14), (pgettext("column heading", "Change"), 16),
    ], (
        (part.country.name, change.output.code, change.after.title, change.after.deadline,
         labels[change.after.status], _("Achieved") if change.achieved else _("Became overdue"))
        for part in report.countries for change in part.changes if change.achieved or change.became_overdue
    ))
    write_sheet(workbook, _("Titles and deadlines"), [
        country, code, (_("Text at start"), 50), (_("Text at end"), 50),
        (_("Deadline at start"), 12), (_("Deadline at end"), 12),
    ], (
        (part.country.name, change.output.code, change.before.title, change.after.title,
         change.before.deadline, change.after.deadline)
        for part in report.countries for change in part.text_changes
    ))
    return saved_with_about(workbook, about)
