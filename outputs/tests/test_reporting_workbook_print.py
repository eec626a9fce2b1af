"""The reporting workbook printed, or saved as PDF by Excel or LibreOffice: landscape, as wide as the
page, the header row on every page, and each row as tall as its wrapped text (LibreOffice keeps a
row's default height otherwise, and long titles overlap the next rows)."""

import io
import math

import openpyxl
import pytest

from outputs.workbook import INSTRUCTIONS_WIDTH, LINE_POINTS, WIDTHS
from testing.workbook import DOWNLOADED, download_workbook
from testing.workflow import seed_output

pytestmark = [pytest.mark.usefixtures("tmp_media"), pytest.mark.any_database]


@pytest.fixture
def malawi_workbook(users, client_for):
    if "en" not in DOWNLOADED:
        DOWNLOADED["en"] = download_workbook(client_for(users.officer_mw))
    return openpyxl.load_workbook(io.BytesIO(DOWNLOADED["en"]))


def test_each_sheet_prints_across_one_page_wide_with_its_header_row_on_every_page(malawi_workbook):
    sheet = malawi_workbook["Malawi"]
    setup = sheet.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.print_options.gridLines
    instructions = malawi_workbook["Instructions"]
    assert instructions.page_setup.fitToWidth == 1 and instructions.sheet_properties.pageSetUpPr.fitToPage
    # A single column wider than a portrait page would be cut by LibreOffice, not scaled.
    assert instructions.column_dimensions["A"].width == INSTRUCTIONS_WIDTH <= 80


def test_rows_are_as_tall_as_their_wrapped_text(malawi_workbook, seed_programme):
    sheet = malawi_workbook["Malawi"]
    title_width = WIDTHS[1]
    checked = 0
    for row in sheet.iter_rows(min_row=2):
        title = row[1].value
        assert title == seed_output("MW", row[0].value).title
        lines = math.ceil(len(title) / title_width)
        height = sheet.row_dimensions[row[0].row].height
        if lines > 1:
            assert height >= lines * LINE_POINTS, (row[0].value, title, height)
            checked += 1
        else:
            assert height is None  # the default height
    assert checked >= 10
    # The instructions' long lines too.
    instructions = malawi_workbook["Instructions"]
    long_line = next(row[0] for row in instructions.iter_rows(min_row=2) if len(row[0].value or "") > 2 * INSTRUCTIONS_WIDTH)
    assert instructions.row_dimensions[long_line.row].height >= 3 * LINE_POINTS
