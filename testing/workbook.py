"""The offline reporting workbook filled in as an officer's spreadsheet program would: a row's cells
written by column heading, the workbook saved as the file the upload form takes."""

import datetime
import io
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from .exports import download
from .seed import SEED_SLUG

# A country sheet's headings, typed out here rather than read from the code under test.
HEADERS = ["Code", "Title", "Deadline", "Reported status", "Pending", "Status", "Progress", "Narrative",
           "As of", "Links"]
COLUMN = {name: index for index, name in enumerate(HEADERS)}  # 0-based, as a row's list of values


def row_of(sheet: Worksheet, code: str) -> int:
    """The sheet's row number of the output ``code``."""
    return next(row[0].row for row in sheet.iter_rows(min_row=2) if row[0].value == code)


def fill(sheet: Worksheet, code: str, **values: Any) -> int:
    """Write the output's cells by heading (``Status="On track", **{"As of": day}``); its row number."""
    number = row_of(sheet, code)
    for name, value in values.items():
        sheet.cell(number, COLUMN[name] + 1, value)
    return number


def as_file(workbook: Workbook, name: str = "malawi.xlsx") -> io.BytesIO:
    """The workbook saved, as an uploaded file named ``name``."""
    handle = io.BytesIO()
    workbook.save(handle)
    handle.seek(0)
    handle.name = name
    return handle


# Workbooks as downloaded, by language: the seed's revisions are the same in every test of a session.
DOWNLOADED: dict[str, bytes] = {}


def download_workbook(client: Client, language: str = "en", country: str = "mw") -> bytes:
    """The seed programme's workbook as ``client`` downloads it, in ``language``, for ``country``."""
    return download(client, reverse("reporting:reporting_workbook_download", args=[SEED_SLUG]),
                    headers={"Accept-Language": language}, country=country)


def upload(client: Client, handle: io.BytesIO) -> Any:  # the test client's response, with its context
    return client.post(reverse("outputs:reporting_workbook", args=[SEED_SLUG]), {"workbook": handle})


def confirm(client: Client, response: Any, action: str) -> Any:
    """The preview ``response`` confirmed: ``action`` "draft" or "submit"."""
    return client.post(reverse("outputs:reporting_workbook", args=[SEED_SLUG]),
                       {"confirm": response.context["token"], "action": action})


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)
