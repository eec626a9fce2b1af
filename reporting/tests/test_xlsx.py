"""reporting.xlsx.SheetRows: the data rows it splices into openpyxl's sheets read back as openpyxl wrote them."""

import datetime
import io
import zoneinfo

from openpyxl import Workbook, load_workbook

from reporting.xlsx import SheetRows


def build(rows, formats):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    sheet.freeze_panes = "A2"
    sheet.append([f"Column {index}" for index in range(1, len(formats) + 1)])
    data = SheetRows(sheet, formats)
    for row in rows:
        data.append(row)
    sheet.auto_filter.ref = f"A1:E{data.count + 1}"
    data.close()
    handle = io.BytesIO()
    workbook.save(handle)
    handle.seek(0)
    return handle


FORMATS = [None, "yyyy-mm-dd", "yyyy-mm-dd hh:mm", None, None]


def test_values_keep_their_types_and_formats():
    rows = [
        ("Malawi & <Zambia>", datetime.date(2025, 12, 31), datetime.datetime(2025, 6, 30, 14, 45, 30), 40, 2.5),
        ("line one\r\nline two", None, None, 0, True),
        ("  padded  ", datetime.date(1900, 3, 1), datetime.datetime(2026, 1, 1), -3, ""),
    ]
    sheet = load_workbook(build(rows, FORMATS))["Data"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert values == [
        ["Malawi & <Zambia>", datetime.datetime(2025, 12, 31), datetime.datetime(2025, 6, 30, 14, 45, 30), 40, 2.5],
        ["line one\r\nline two", None, None, 0, True],
        ["  padded  ", datetime.datetime(1900, 3, 1), datetime.datetime(2026, 1, 1), -3, None],
    ]
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["B2"].is_date and sheet["D2"].data_type == "n"
    assert sheet["A1"].value == "Column 1"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E4"


def test_dimension_covers_the_rows_so_read_only_readers_see_them_all():
    rows = [(f"row {index}", None, None, index, None) for index in range(250)]
    workbook = load_workbook(build(rows, FORMATS), read_only=True)
    sheet = workbook["Data"]
    assert sheet.calculate_dimension() == "A1:E251"
    assert sum(1 for _row in sheet.iter_rows(min_row=2)) == 250


def test_control_characters_are_dropped_not_fatal():
    rows = [("bell\x07 and\x00 nul", None, None, 1, None)]
    sheet = load_workbook(build(rows, FORMATS))["Data"]
    assert sheet["A2"].value == "bell and nul"


def test_aware_datetimes_are_written_as_their_wall_clock_time():
    maputo = zoneinfo.ZoneInfo("Africa/Maputo")
    rows = [("x", None, datetime.datetime(2025, 6, 30, 9, 0, tzinfo=maputo), 1, None)]
    sheet = load_workbook(build(rows, FORMATS))["Data"]
    assert sheet["C2"].value == datetime.datetime(2025, 6, 30, 9, 0)


def test_an_empty_sheet_keeps_its_header():
    sheet = load_workbook(build([], FORMATS))["Data"]
    assert [cell.value for cell in sheet[1]] == [f"Column {index}" for index in range(1, 6)]
    assert sheet.max_row == 1
