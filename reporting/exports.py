"""Writers for the donor exports: CSV (streamed), XLSX (openpyxl write-only), JSON (streamed).

Every text value goes through ``outputs.spreadsheets.neutralise`` (formula injection); numbers and
dates are written as numbers and dates, never as text.
"""

import csv
import datetime
import io
import json
import tempfile

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from outputs.models import Status
from outputs.spreadsheets import neutralise

from .selectors import EXPORT_COLUMNS, EXPORT_KEYS

# XLSX column widths (characters), by column key
WIDTHS = {
    "programme": 16, "country": 16, "iso": 8, "outcome": 9, "code": 10, "text": 70, "deadline": 12,
    "status": 13, "progress": 11, "status_date": 12, "narrative": 60, "overdue": 9,
    "days_to_deadline": 10, "evidence": 10, "last_updated": 18,
}
NUMBER_FORMATS = {"deadline": "yyyy-mm-dd", "status_date": "yyyy-mm-dd", "last_updated": "yyyy-mm-dd hh:mm"}


def _plain(value):
    """A value as CSV carries it: ISO dates, local times to the minute, neutralised text."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(value)


CSV_BATCH = 1000  # rows per streamed chunk: small enough to start at once, large enough to be cheap


def _csv_stream(header, rows):
    """UTF-8 CSV with a byte-order mark (so Excel opens it as UTF-8), in chunks of CSV_BATCH rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([_plain(value) for value in row])
        count += 1
        if count % CSV_BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_chunks(rows):
    return _csv_stream([label for _key, label in EXPORT_COLUMNS], rows)


HISTORY_COLUMNS = ["Country", "Output code", "As of", "Status", "Progress %", "Narrative", "Reported by",
                   "Approved by", "Approved at"]


def history_rows(history):
    """Approved updates with status labels and local approval times."""
    labels = {key: str(label) for key, label in Status.choices}
    localtime = timezone.localtime
    for country, code, as_of, status, progress, narrative, author, reviewer, approved_at in history:
        yield (country, code, as_of, labels.get(status, status), progress, narrative, author, reviewer,
               localtime(approved_at) if approved_at else None)


def history_csv_chunks(history):
    """Every approved update as CSV (UTF-8 with BOM), streamed."""
    return _csv_stream(HISTORY_COLUMNS, history_rows(history))


def json_chunks(rows, meta):
    """A JSON object ``{"meta": ..., "outputs": [...]}`` streamed row by row."""
    yield '{"meta": ' + json.dumps(meta, default=str) + ', "outputs": ['
    first = True
    for row in rows:
        item = {
            key: value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else neutralise(value)
            for key, value in zip(EXPORT_KEYS, row)
        }
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


class _StyledCells:
    """One formatted cell per date column, reused row after row.

    A write-only sheet serialises each row as it is appended, so a cell object can carry the next
    row's value; creating and styling a new cell for every date made the History sheet of 200,000
    updates take 40 s instead of a few.
    """

    def __init__(self, sheet):
        self.sheet = sheet
        self.cells = {}

    def value(self, key, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        if key not in NUMBER_FORMATS or value is None:
            return neutralise(value)
        cell = self.cells.get(key)
        if cell is None:
            cell = self.cells[key] = WriteOnlyCell(self.sheet)
            cell.number_format = NUMBER_FORMATS[key]
        cell.value = value
        return cell


def write_xlsx(rows, history, about):
    """The workbook as a temporary file: Outputs (frozen bold header, autofilter), History, About."""
    workbook = Workbook(write_only=True)
    outputs = workbook.create_sheet("Outputs")
    for index, (key, _label) in enumerate(EXPORT_COLUMNS, start=1):
        outputs.column_dimensions[get_column_letter(index)].width = WIDTHS[key]
    outputs.freeze_panes = "A2"
    outputs.append(_header(outputs, [label for _key, label in EXPORT_COLUMNS]))
    count = 0
    cells = _StyledCells(outputs)
    for row in rows:
        outputs.append([cells.value(key, value) for key, value in zip(EXPORT_KEYS, row)])
        count += 1
    outputs.auto_filter.ref = f"A1:{get_column_letter(len(EXPORT_COLUMNS))}{count + 1}"

    history_sheet = workbook.create_sheet("History")
    history_columns = HISTORY_COLUMNS
    for index, width in enumerate([16, 10, 12, 13, 11, 70, 16, 16, 18], start=1):
        history_sheet.column_dimensions[get_column_letter(index)].width = width
    history_sheet.freeze_panes = "A2"
    history_sheet.append(_header(history_sheet, history_columns))
    history_count = 0
    cells = _StyledCells(history_sheet)
    for country, code, as_of, status, progress, narrative, author, reviewer, approved_at in history_rows(history):
        history_sheet.append([
            neutralise(country), neutralise(code), cells.value("deadline", as_of),
            status, progress, neutralise(narrative), neutralise(author), neutralise(reviewer),
            cells.value("last_updated", approved_at),
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
