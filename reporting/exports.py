"""Writers for the donor exports: CSV (streamed), XLSX (openpyxl write-only), JSON (streamed).

Every text cell goes through ``neutralise``: spreadsheet programs run a cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return as a formula (OWASP "CSV injection"), so such
text is prefixed with a quote. Numbers and dates are written as numbers and dates, never as text.
"""

import csv
import datetime
import json
import tempfile

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from outputs.models import Status

from .selectors import EXPORT_COLUMNS

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# XLSX column widths (characters), by column key
WIDTHS = {
    "programme": 16, "country": 16, "iso": 8, "outcome": 9, "code": 10, "text": 70, "deadline": 12,
    "status": 13, "progress": 11, "status_date": 12, "narrative": 60, "overdue": 9,
    "days_to_deadline": 10, "evidence": 10, "last_updated": 18,
}
NUMBER_FORMATS = {"deadline": "yyyy-mm-dd", "status_date": "yyyy-mm-dd", "last_updated": "yyyy-mm-dd hh:mm"}


def neutralise(value):
    """Text that a spreadsheet would run as a formula gets a leading quote; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _plain(value):
    """A value as CSV and JSON carry it: ISO dates, naive local times, neutralised text."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is None:
        return ""
    return neutralise(value)


class _Echo:
    def write(self, value):
        return value


def csv_chunks(rows):
    """UTF-8 CSV with a byte-order mark (so Excel opens it as UTF-8), one chunk per row."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([label for _key, label in EXPORT_COLUMNS])
    for row in rows:
        yield writer.writerow([_plain(row[key]) for key, _label in EXPORT_COLUMNS])


def json_chunks(rows, meta):
    """A JSON object ``{"meta": ..., "outputs": [...]}`` streamed row by row."""
    yield '{"meta": ' + json.dumps(meta, default=str) + ', "outputs": ['
    first = True
    for row in rows:
        item = {key: (value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else value)
                for key, value in row.items()}
        yield ("" if first else ",") + "\n" + json.dumps(item, ensure_ascii=False)
        first = False
    yield "\n]}\n"


def _header(sheet, labels):
    cells = []
    for label in labels:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    return cells


def _xlsx_value(sheet, key, value):
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if key in NUMBER_FORMATS and value is not None:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = NUMBER_FORMATS[key]
        return cell
    return neutralise(value)


def write_xlsx(rows, history, about):
    """The workbook as a temporary file: Outputs (frozen bold header, autofilter), History, About."""
    workbook = Workbook(write_only=True)
    outputs = workbook.create_sheet("Outputs")
    for index, (key, _label) in enumerate(EXPORT_COLUMNS, start=1):
        outputs.column_dimensions[get_column_letter(index)].width = WIDTHS[key]
    outputs.freeze_panes = "A2"
    outputs.append(_header(outputs, [label for _key, label in EXPORT_COLUMNS]))
    count = 0
    for row in rows:
        outputs.append([_xlsx_value(outputs, key, row[key]) for key, _label in EXPORT_COLUMNS])
        count += 1
    outputs.auto_filter.ref = f"A1:{get_column_letter(len(EXPORT_COLUMNS))}{count + 1}"

    history_sheet = workbook.create_sheet("History")
    history_columns = ["Country", "Output code", "As of", "Status", "Progress %", "Narrative",
                       "Reported by", "Approved by", "Approved at"]
    for index, width in enumerate([16, 10, 12, 13, 11, 70, 16, 16, 18], start=1):
        history_sheet.column_dimensions[get_column_letter(index)].width = width
    history_sheet.freeze_panes = "A2"
    history_sheet.append(_header(history_sheet, history_columns))
    history_count = 0
    labels = dict(Status.choices)
    for country, code, as_of, status, progress, narrative, author, reviewer, approved_at in history:
        history_sheet.append([
            neutralise(country), neutralise(code), _xlsx_value(history_sheet, "deadline", as_of),
            str(labels.get(status, status)), progress, neutralise(narrative), neutralise(author), neutralise(reviewer),
            _xlsx_value(history_sheet, "last_updated", approved_at),
        ])
        history_count += 1
    history_sheet.auto_filter.ref = f"A1:I{history_count + 1}"

    about_sheet = workbook.create_sheet("About")
    about_sheet.column_dimensions["A"].width = 22
    about_sheet.column_dimensions["B"].width = 90
    for label, value in about:
        about_sheet.append([_header(about_sheet, [label])[0], neutralise(value)])

    handle = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    workbook.save(handle)
    handle.seek(0)
    return handle, count
