"""XLSX: an openpyxl write-only workbook, a row at a time (``ws.append``). Every data sheet has a
bold, frozen header row and an autofilter; dates are dates and numbers are numbers; text that a
spreadsheet would run as a formula is neutralised and control characters (which XML cannot carry)
are dropped. Times are written as they read in the site's time zone: spreadsheets know no zones.
Sheet names and headings are in the active language, as the rows are.
"""

import datetime
import tempfile
from collections.abc import Iterable
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from outputs.spreadsheets import neutralise

from . import history_header, output_header

OUTPUT_WIDTHS = [16, 16, 8, 9, 10, 70, 12, 13, 11, 12, 60, 9, 10, 10, 18]
HISTORY_WIDTHS = [16, 10, 12, 13, 11, 70, 16, 16, 18]
TIME_FORMAT = "yyyy-mm-dd hh:mm"
IN_MEMORY_BYTES = 16 * 1024 * 1024  # a larger workbook is kept in a temporary file


def header_cell(sheet: WriteOnlyWorksheet, label: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=label)
    cell.font = Font(bold=True)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def write_sheet(workbook: Workbook, title: str, columns: list[tuple[str, int]], rows: Iterable[tuple]) -> None:
    """A data sheet: a bold frozen header of ``columns`` (heading, width) with an autofilter, then ``rows``
    (times as their wall clock reads: convert them to the zone wanted first)."""
    sheet = workbook.create_sheet(title)
    for index, (_heading, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([header_cell(sheet, heading) for heading, _width in columns])

    def time(value: datetime.datetime) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = TIME_FORMAT
        return cell

    count = 0
    for row in rows:
        # Empty text is no cell at all, as in a spreadsheet typed by hand.
        sheet.append([
            neutralise(value) or None if isinstance(value, str)
            else time(value) if isinstance(value, datetime.datetime)
            else value
            for value in row
        ])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"


def write_workbook(outputs: Iterable[tuple], history: Iterable[tuple], about: list[tuple[str, str]]) -> IO[bytes]:
    """The Outputs, History and About sheets as a file object at its start. ``outputs`` and
    ``history``: rows of ``exporters.output_rows`` and ``exporters.history_rows``."""
    workbook = Workbook(write_only=True)
    write_sheet(workbook, _("Outputs"), list(zip(output_header(), OUTPUT_WIDTHS, strict=True)), outputs)
    write_sheet(workbook, _("History"), list(zip(history_header(), HISTORY_WIDTHS, strict=True)), history)
    return saved_with_about(workbook, about)


def saved_with_about(workbook: Workbook, about: list[tuple[str, str]]) -> IO[bytes]:
    """``workbook`` with an About sheet of (label, value) rows, saved to a file object at its start."""
    about_sheet = workbook.create_sheet(_("About"))
    about_sheet.column_dimensions["A"].width = 22
    about_sheet.column_dimensions["B"].width = 90
    for label, value in about:
        about_sheet.append([header_cell(about_sheet, label), neutralise(value)])
    handle = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115 (the caller streams and closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle


PORTFOLIO_WIDTHS = {"programme": 16, "title": 60, "partner": 16, "countries": 30, "last_approved": 14}


def write_portfolio_workbook(columns: list[tuple[str, str]], rows: Iterable[tuple],
                             about: list[tuple[str, str]]) -> IO[bytes]:
    """The Programmes and About sheets as a file object at its start. ``columns``: (key, heading) of
    ``exporters.portfolio_columns``; ``rows``: of ``exporters.portfolio_rows``."""
    workbook = Workbook(write_only=True)
    write_sheet(workbook, _("Programmes"), [(heading, PORTFOLIO_WIDTHS.get(key, 10)) for key, heading in columns], rows)
    return saved_with_about(workbook, about)
