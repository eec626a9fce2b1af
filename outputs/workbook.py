"""The offline reporting workbook: written for an officer to fill in a spreadsheet program, and read
back when they upload it. Only the file is handled here; what its rows change is decided by
``outputs.services.workbook`` with the services' rules.

One sheet per country, one row per output: the columns of ``columns()``, of which the officer fills
Status, Progress, Narrative, As of and Links. Two hidden columns carry the output's id and its
revision at download, and a very hidden sheet names the programme, so that an upload is matched to
its outputs whatever the officer renames or sorts, and a row whose output changed since is found.
"""

import dataclasses
import datetime
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from core.dates import not_a_date

from .evidence import links_from_text
from .models import Status
from .spreadsheets import neutralise
from .vocabulary import narrative_required_statuses

# The marks of the hidden columns and the hidden sheet: never translated, the upload looks for them.
OUTPUT_ID_MARK = "output_id"
REVISION_MARK = "revision"
INFO_SHEET = "reporting-workbook"
FILLED = ("status", "progress", "narrative", "as_of", "links")
DATE_FORMAT = "yyyy-mm-dd"
# Column widths in characters: together about 200, so that a landscape page fitted to the width
# still prints the text at about 8 points.
WIDTHS = [8, 44, 11, 22, 22, 14, 9, 42, 11, 28]
# Narrower than a portrait page, even where Calibri is replaced by a wider font: LibreOffice cuts a
# single column wider than the page rather than scale it down (one column counts as one page wide).
INSTRUCTIONS_WIDTH = 75
LINE_POINTS = 15  # the height of one line of 11-point text, the default row's
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
IN_MEMORY_BYTES = 4 * 1024 * 1024


def columns() -> list[tuple[str, str]]:
    """(key, header in the active language) of the visible columns, in order."""
    return [
        ("code", _("Code")),
        ("title", _("Title")),
        ("deadline", _("Deadline")),
        ("reported", _("Reported status")),
        ("pending", _("Pending")),
        ("status", _("Status")),
        ("progress", _("Progress")),
        ("narrative", _("Narrative")),
        ("as_of", _("As of")),
        ("links", _("Links")),
    ]


KEYS = [key for key, _label in columns()]


def column_label(key: str) -> str:
    return dict(columns())[key]


@dataclasses.dataclass
class OutputLine:
    """What the workbook shows of one output."""

    output_id: int
    revision: int
    code: str
    title: str
    deadline: datetime.date
    reported: str
    pending: str


@dataclasses.dataclass
class CountrySheet:
    name: str
    lines: list[OutputLine]


def _sheet_title(name: str, taken: set[str]) -> str:
    """A country's name as a sheet name: at most 31 characters, none that sheet names refuse."""
    title = SHEET_NAME_FORBIDDEN.sub(" ", name)[:31].strip() or "-"
    while title in taken:
        title = title[:28] + f" {len(taken)}"
    taken.add(title)
    return title


def _instructions(start: datetime.date | None) -> list[str]:
    status_labels = ", ".join(str(label) for label in Status.labels)
    lines = [
        _("How to report with this workbook"),
        "",
        _("Each country has its own sheet, with one row per output. Fill in the columns Status, "
          "Progress, Narrative, As of and Links of the outputs you report on, offline if need be; "
          "leave the other rows empty: they are skipped."),
        _("Status: choose one from the list (%(statuses)s).") % {"statuses": status_labels},
        _("Progress: a whole number from 0 to 100."),
        _("Narrative: what was done, what is next, what is in the way. Required for %(statuses)s.")
        % {"statuses": narrative_required_statuses()},
        _("As of: the date the status describes, not in the future. Left empty, it is the day you upload the workbook."),
        _("Links: http or https links to evidence, one per line."),
        "",
        _("Then upload the workbook on the site's Reporting workbook page. You will see every change "
          "and every error before anything is saved, and choose to save drafts or to submit them for review."),
        _("Do not change the other columns or the rows' order across sheets: the hidden columns tell "
          "the site which output each row is and whether it changed since you downloaded the workbook."),
    ]
    if start is not None:
        lines.append(_("The programme started on %(date)s: no 'as of' date may be earlier.") % {"date": start.isoformat()})
    return lines


def _validations(sheet: Worksheet, rows: int, start: datetime.date | None) -> None:
    """Drop-down on Status, whole numbers 0-100 on Progress, dates on As of, for the data rows."""
    if rows == 0:
        return
    letters = {key: get_column_letter(index) for index, key in enumerate(KEYS, start=1)}

    def cells(key: str) -> str:
        return f"{letters[key]}2:{letters[key]}{rows + 1}"

    labels = [str(label) for label in Status.labels]
    status = DataValidation(
        type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True, showErrorMessage=True,
        errorTitle=column_label("status"), error=_("Choose a status from the list."),
    )
    progress = DataValidation(
        type="whole", operator="between", formula1="0", formula2="100", allow_blank=True, showErrorMessage=True,
        errorTitle=column_label("progress"), error=_("Progress is a percentage from 0 to 100."),
    )
    first = start or datetime.date(2000, 1, 1)
    as_of = DataValidation(
        type="date", operator="between", formula1=f"DATE({first.year},{first.month},{first.day})",
        formula2="TODAY()", allow_blank=True, showErrorMessage=True,
        errorTitle=column_label("as_of"), error=_("A date, not in the future (YYYY-MM-DD)."),
    )
    for validation, key in ((status, "status"), (progress, "progress"), (as_of, "as_of")):
        sheet.add_data_validation(validation)
        validation.add(cells(key))


def _lines(text: object, width: float) -> int:
    """How many lines a wrapped cell of ``width`` characters takes: each paragraph's length over the
    width, rounded up (an average letter is narrower than the digit the width counts, so rather one
    line too many than text overlapping the next row)."""
    if not isinstance(text, str):
        return 1  # a number or a date: one line
    per_line = max(1, int(width))
    return max(1, sum(max(1, -(-len(paragraph) // per_line)) for paragraph in text.splitlines()))


def _size_rows(sheet: Worksheet, widths: Sequence[float]) -> None:
    """Each row as tall as its longest wrapped text: spreadsheet programs do not grow a row for
    wrapped text on their own when they print or open a file (LibreOffice keeps the default height)."""
    for row in sheet.iter_rows():
        lines = max(_lines(cell.value, width) for cell, width in zip(row, widths, strict=False))
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = lines * LINE_POINTS


def _print_setup(sheet: Worksheet, *, landscape: bool, title_row: bool) -> None:
    """Printed or saved as PDF: as wide as the page, as many pages long as needed, the header row
    repeated on each, the sheet's name on top and the page number below."""
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    sheet.print_options.gridLines = True
    sheet.oddHeader.center.text = "&A"
    sheet.oddFooter.right.text = "&P / &N"
    if title_row:
        sheet.print_title_rows = "1:1"


def write_reporting_workbook(
    *, programme_slug: str, start: datetime.date | None, sheets: Iterable[CountrySheet]
) -> IO[bytes]:
    """The workbook as a file object at its start, in the active language."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for country in sheets:
        sheet = workbook.create_sheet(_sheet_title(country.name, taken))
        sheet.append([label for _key, label in columns()] + [OUTPUT_ID_MARK, REVISION_MARK])
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = wrap
        for line in country.lines:
            sheet.append([
                neutralise(line.code), neutralise(line.title), line.deadline, neutralise(line.reported),
                neutralise(line.pending) or None, None, None, None, None, None, line.output_id, line.revision,
            ])
        for index, width in enumerate(WIDTHS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        id_column = len(WIDTHS) + 1
        for hidden in (id_column, id_column + 1):
            sheet.column_dimensions[get_column_letter(hidden)].hidden = True
        last = len(country.lines) + 1
        for row in sheet.iter_rows(min_row=2, max_row=last):
            for cell in row:
                cell.alignment = wrap
            row[KEYS.index("deadline")].number_format = DATE_FORMAT
            row[KEYS.index("as_of")].number_format = DATE_FORMAT
            row[KEYS.index("progress")].number_format = "0"
        sheet.freeze_panes = "C2"
        _validations(sheet, len(country.lines), start)
        _size_rows(sheet, WIDTHS)
        _print_setup(sheet, landscape=True, title_row=True)

    instructions = workbook.create_sheet(_("Instructions"))
    instructions.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    for text in _instructions(start):
        instructions.append([text])
        instructions.cell(instructions.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    instructions["A1"].font = Font(bold=True, size=14)
    _size_rows(instructions, [INSTRUCTIONS_WIDTH])
    instructions.row_dimensions[1].height = 20  # the 14-point title
    _print_setup(instructions, landscape=False, title_row=False)

    info = workbook.create_sheet(INFO_SHEET)
    info.append(["programme", programme_slug])
    info.append(["language", translation.get_language()])
    info.sheet_state = "veryHidden"

    workbook.active = 0
    handle = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115 (the response streams and closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle


# --- Reading an upload ---------------------------------------------------------------------------


class WorkbookRefused(ValueError):
    """The file as a whole cannot be read as a reporting workbook; the message says why."""


@dataclasses.dataclass
class FilledRow:
    """One row the officer filled in, parsed; ``errors``: {column key: reasons} of cells that do
    not parse (the rules on the parsed values are the services')."""

    sheet: str
    number: int  # the spreadsheet's row number
    output_id: int | None
    revision: int | None
    status: str | None
    progress: int | None
    narrative: str
    as_of: datetime.date | None
    links: list[str]
    errors: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    typed: dict[str, str] = dataclasses.field(default_factory=dict)  # each filled column's text as typed


@dataclasses.dataclass
class WorkbookContent:
    programme_slug: str
    rows: list[FilledRow]
    skipped: int  # rows without anything filled in


def _status_values() -> dict[str, str]:
    """Every way a status may be written: its value and its label in each of the site's languages
    (the officer may upload in another language than they downloaded in), folded."""
    known = {value.casefold(): value for value in Status.values}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            known.update({str(label).casefold(): value for value, label in Status.choices})
    return known


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _whole_number(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):  # TRUE is no number
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError
    text = _text(value).removesuffix("%").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdecimal() and len(text) <= 6):
        raise ValueError
    return int(text)


def _date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    return datetime.date.fromisoformat(text[:10])  # ValueError when it is no date


def _parse_row(sheet: str, number: int, cells: tuple, statuses: dict[str, str]) -> FilledRow | None:
    """The row's filled columns parsed, or None when none is filled."""
    cells = tuple(cells) + (None,) * (len(KEYS) + 2 - len(cells))
    by_key = dict(zip(KEYS, cells, strict=False))
    if all(_text(by_key[key]) == "" for key in FILLED):
        return None
    errors: dict[str, list[str]] = {}
    status_text = _text(by_key["status"])
    status = statuses.get(status_text.casefold()) if status_text else None
    if status_text and status is None:
        errors["status"] = [_("'%(value)s' is not a status: choose one from the list.") % {"value": status_text[:40]}]
    try:
        progress = _whole_number(by_key["progress"])
    except ValueError:
        progress = None
        errors["progress"] = [_("'%(value)s' is not a whole number from 0 to 100.") % {"value": _text(by_key["progress"])[:20]}]
    try:
        as_of = _date(by_key["as_of"])
    except ValueError:
        as_of = None
        errors["as_of"] = [not_a_date(_text(by_key["as_of"]))]
    identity = cells[len(KEYS):len(KEYS) + 2]
    try:
        output_id, revision = (_whole_number(value) for value in identity)
    except ValueError:
        output_id = revision = None
    return FilledRow(
        sheet=sheet, number=number, output_id=output_id, revision=revision, status=status, progress=progress,
        narrative=_text(by_key["narrative"]), as_of=as_of,
        links=links_from_text(_text(by_key["links"])), errors=errors,
        typed={key: _text(by_key[key]) for key in FILLED},
    )


# What openpyxl raises for a file that is no workbook, or one whose parts are damaged (an XML
# ParseError is a SyntaxError); checked while the sheets are read too, since read-only mode parses lazily.
UNREADABLE = (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError, IndexError,
              SyntaxError)


def _not_a_workbook() -> WorkbookRefused:
    return WorkbookRefused(_("This file is not an XLSX workbook. Upload the reporting workbook downloaded "
                             "from this page, filled in and saved as .xlsx."))


def _not_a_reporting_workbook() -> WorkbookRefused:
    return WorkbookRefused(_("This workbook is not a reporting workbook of this site: download the "
                             "reporting workbook from this page, fill it in and upload it."))


def read_reporting_workbook(source: IO[bytes], *, max_rows: int) -> WorkbookContent:
    """The filled rows of an uploaded workbook (checked for zip bombs by the caller). Raises
    WorkbookRefused for a file that is not a reporting workbook of this site or holds more than
    ``max_rows`` rows."""
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except UNREADABLE:
        raise _not_a_workbook() from None
    try:
        return _read_rows(workbook, max_rows)
    except WorkbookRefused:
        raise
    except UNREADABLE:
        raise _not_a_workbook() from None
    finally:
        workbook.close()


def _read_rows(workbook: Workbook, max_rows: int) -> WorkbookContent:
    if INFO_SHEET not in workbook.sheetnames:
        raise _not_a_reporting_workbook()
    info = {
        _text(row[0]): _text(row[1])
        for row in workbook[INFO_SHEET].iter_rows(max_row=20, max_col=2, values_only=True) if len(row) >= 2
    }
    statuses = _status_values()
    rows: list[FilledRow] = []
    skipped = data_sheets = 0
    for sheet in workbook.worksheets:
        if sheet.title == INFO_SHEET:
            continue
        lines = sheet.iter_rows(values_only=True, max_col=len(KEYS) + 2)
        header = next(lines, ())
        if tuple(header[len(KEYS):len(KEYS) + 2]) != (OUTPUT_ID_MARK, REVISION_MARK):
            continue  # the instructions, or a sheet the officer added
        data_sheets += 1
        for number, cells in enumerate(lines, start=2):
            # Empty rows count too: a sheet of a million blank rows is refused, not read through.
            if len(rows) + skipped >= max_rows:
                raise WorkbookRefused(
                    _("This workbook has more than %(limit)s rows: upload at most %(limit)s at a time.")
                    % {"limit": max_rows}
                )
            row = _parse_row(sheet.title, number, cells, statuses)
            if row is None:
                skipped += 1
            else:
                rows.append(row)
    if not data_sheets:
        raise _not_a_reporting_workbook()
    return WorkbookContent(programme_slug=info.get("programme", ""), rows=rows, skipped=skipped)
