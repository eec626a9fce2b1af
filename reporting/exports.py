"""Writers for the donor exports: CSV (streamed), XLSX (openpyxl write-only), JSON (streamed).

Text that a spreadsheet would run as a formula is neutralised (``outputs.spreadsheets``) and control
characters are dropped; numbers and dates are written as numbers and dates, never as text.
"""

import csv
import datetime
import io
import json
import re
import tempfile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from outputs.spreadsheets import FORMULA_TRIGGERS, neutralise, strip_control_characters

from .selectors import EXPORT_COLUMNS, EXPORT_KEYS
from .xlsx import SheetRows

# XLSX column widths (characters), by column key
WIDTHS = {
    "programme": 16, "country": 16, "iso": 8, "outcome": 9, "code": 10, "text": 70, "deadline": 12,
    "status": 13, "progress": 11, "status_date": 12, "narrative": 60, "overdue": 9,
    "days_to_deadline": 10, "evidence": 10, "last_updated": 18,
}
NUMBER_FORMATS = {"deadline": "yyyy-mm-dd", "status_date": "yyyy-mm-dd", "last_updated": "yyyy-mm-dd hh:mm"}


# Text whose first character is one of these needs the full treatment (a control character may
# hide a formula trigger behind it); the XLSX rows drop control characters further in.
_SUSPECT_FIRST = frozenset(FORMULA_TRIGGERS).union(chr(code) for code in range(32) if chr(code) not in "\t\n\r")


def _formula_safe(value):
    """Text with formula triggers neutralised (for XLSX rows, which drop control characters in bulk)."""
    if not value:
        return ""
    return neutralise(value) if value[0] in _SUSPECT_FIRST else value


OUTPUT_KINDS = {
    "deadline": "date", "status_date": "date", "last_updated": "datetime",
    "outcome": "number", "progress": "number", "days_to_deadline": "number", "evidence": "number",
}
OUTPUT_COLUMN_KINDS = [OUTPUT_KINDS.get(key, "text") for key in EXPORT_KEYS]
CSV_BATCH = 1000  # rows per streamed chunk: small enough to start at once, large enough to be cheap


# A formula trigger or control character at the start of any line of a column's joined values:
# one search per column and chunk finds the (rare) chunks whose values need looking at one by one.
# In a column's values joined by newlines (and after a leading one): a formula trigger or a control
# character at the start of a line. One search per column and chunk, fast thanks to the literal
# newline, finds the (rare) columns whose values need the full treatment one by one.
_NEEDS_NEUTRALISING = re.compile("\n[" + re.escape("".join(sorted(_SUSPECT_FIRST))) + "]")
# Control characters as UTF-8 bytes (never part of a multi-byte character): bytes.translate finds
# them several times faster than a regular expression does in text.
_CONTROL_BYTES = bytes(ord(character) for character in _SUSPECT_FIRST if character not in FORMULA_TRIGGERS)


def _csv_stream(header, column_chunks, kinds):
    """UTF-8 CSV with a byte-order mark (so Excel opens it as UTF-8), streamed a chunk at a time,
    as bytes.

    csv.writer already writes None as empty, numbers as numbers and dates as ISO dates; only text
    (formula triggers) and times (to the minute, without the offset) need touching, and they are
    handled a column at a time: this is most of an export's cost above the query's.
    """
    text_columns = [index for index, kind in enumerate(kinds) if kind == "text"]
    time_columns = [index for index, kind in enumerate(kinds) if kind == "datetime"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    for columns in column_chunks:
        for index in text_columns:
            if _NEEDS_NEUTRALISING.search("\n" + "\n".join(map(str, columns[index]))):
                columns[index] = [neutralise(value) for value in columns[index]]
        for index in time_columns:
            # isoformat and a cut: half the cost of strftime
            columns[index] = [value and value.isoformat(" ", "minutes")[:16] for value in columns[index]]
        writer.writerows(zip(*columns))
        yield _utf8_without_control_characters(buffer.getvalue())
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield _utf8_without_control_characters(buffer.getvalue())


def _utf8_without_control_characters(text):
    data = text.encode("utf-8")
    if len(data.translate(None, _CONTROL_BYTES)) != len(data):
        data = strip_control_characters(text).encode("utf-8")
    return data


def csv_chunks(column_chunks):
    """``column_chunks``: reporting.selectors.export_columns."""
    return _csv_stream([label for _key, label in EXPORT_COLUMNS], column_chunks, OUTPUT_COLUMN_KINDS)


HISTORY_COLUMNS = ["Country", "Output code", "As of", "Status", "Progress %", "Narrative", "Reported by",
                   "Approved by", "Approved at"]
HISTORY_KINDS = ["text", "text", "date", "text", "number", "text", "text", "text", "datetime"]


def history_csv_chunks(column_chunks):
    """Every approved update as CSV (UTF-8 with BOM), streamed. ``column_chunks``: selectors.history_columns."""
    return _csv_stream(HISTORY_COLUMNS, column_chunks, HISTORY_KINDS)


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


def _sheet(workbook, title, labels, widths):
    """A write-only sheet with its column widths and a frozen bold header row."""
    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(_header(sheet, labels))
    return sheet


def write_xlsx(rows, history, about):
    """The workbook as a temporary file: Outputs and History (frozen bold header, autofilter), About.

    Local times are written as they read (spreadsheets know no time zones). ``rows``: selectors.export_rows; ``history``: selectors.history_records.
    """
    workbook = Workbook(write_only=True)
    outputs = _sheet(workbook, "Outputs", [label for _key, label in EXPORT_COLUMNS],
                     [WIDTHS[key] for key in EXPORT_KEYS])
    outputs_rows = SheetRows(outputs, [NUMBER_FORMATS.get(key) for key in EXPORT_KEYS])
    text_columns = [index for index, kind in enumerate(OUTPUT_COLUMN_KINDS) if kind == "text"]
    for row in rows:
        row = list(row)
        for index in text_columns:
            row[index] = _formula_safe(row[index])
        outputs_rows.append(row)
    outputs.auto_filter.ref = f"A1:{get_column_letter(len(EXPORT_COLUMNS))}{outputs_rows.count + 1}"
    outputs_rows.close()

    history_sheet = _sheet(workbook, "History", HISTORY_COLUMNS, [16, 10, 12, 13, 11, 70, 16, 16, 18])
    history_rows = SheetRows(history_sheet, [None, None, NUMBER_FORMATS["deadline"], None, None, None, None,
                                             None, NUMBER_FORMATS["last_updated"]])
    for country, code, as_of, status, progress, narrative, author, reviewer, approved_at in history:
        history_rows.append((
            _formula_safe(country), _formula_safe(code), as_of, status, progress, _formula_safe(narrative),
            _formula_safe(author), _formula_safe(reviewer), approved_at,
        ))
    history_sheet.auto_filter.ref = f"A1:I{history_rows.count + 1}"
    history_rows.close()

    about_sheet = workbook.create_sheet("About")
    about_sheet.column_dimensions["A"].width = 22
    about_sheet.column_dimensions["B"].width = 90
    for label, value in about:
        about_sheet.append([_header(about_sheet, [label])[0], neutralise(value)])

    handle = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    workbook.save(handle)
    handle.seek(0)
    return handle, outputs_rows.count
