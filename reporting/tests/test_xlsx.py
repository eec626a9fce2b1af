"""reporting.exporters.xlsx: the workbook read back with openpyxl, as a spreadsheet program reads it."""

import datetime
import zoneinfo

from openpyxl import load_workbook

from reporting.exporters import history_header, output_header
from reporting.exporters.xlsx import write_workbook

MAPUTO = zoneinfo.ZoneInfo("Africa/Maputo")


def output(code="1.1", text="Output text", deadline=datetime.date(2025, 12, 31), narrative="",
           last_updated=datetime.datetime(2025, 6, 30, 14, 45, tzinfo=MAPUTO)):
    return ("GLO/1", "Malawi", "MW", 1, code, text, deadline, "On track", 60, datetime.date(2025, 6, 1),
            narrative, "no", 30, 2, last_updated)


def history(narrative="Budget released.", approved_at=datetime.datetime(2025, 9, 1, 15, 0, tzinfo=MAPUTO)):
    return ("Malawi", "1.1", datetime.date(2025, 9, 1), "On track", 60, narrative, "officer", "coordinator",
            approved_at)


def build(outputs=(), updates=(), about=()):
    return load_workbook(write_workbook(outputs, updates, list(about)))


def test_sheets_headers_widths_and_filters():
    workbook = build([output(), output("1.2")], [history()], [("Programme", "GLO/1 – Example")])
    assert workbook.sheetnames == ["Outputs", "History", "About"]
    for sheet, header, rows in [(workbook["Outputs"], output_header(), 2), (workbook["History"], history_header(), 1)]:
        assert [cell.value for cell in sheet[1]] == header
        assert all(cell.font.b for cell in sheet[1])
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{rows + 1}"
    assert workbook["Outputs"].column_dimensions["F"].width >= 60
    about = workbook["About"]
    assert about["A1"].value == "Programme" and about["A1"].font.b and about["B1"].value == "GLO/1 – Example"


def test_values_keep_their_types_and_times_read_as_the_wall_clock():
    workbook = build([output()], [history()])
    sheet = workbook["Outputs"]
    values = [cell.value for cell in sheet[2]]
    assert values[6] == datetime.datetime(2025, 12, 31) and sheet["G2"].is_date
    assert sheet["G2"].number_format == "yyyy-mm-dd"
    assert values[8] == 60 and sheet["I2"].data_type == "n"
    assert values[14] == datetime.datetime(2025, 6, 30, 14, 45)  # Maputo's time, not UTC's
    assert sheet["O2"].number_format == "yyyy-mm-dd hh:mm"
    history_sheet = workbook["History"]
    assert history_sheet["C2"].is_date and history_sheet["I2"].value == datetime.datetime(2025, 9, 1, 15, 0)


def test_formulas_are_neutralised_and_control_characters_dropped():
    workbook = build([output(text='=HYPERLINK("http://evil.example")', narrative="bell\x07 and\x00 nul")],
                     [history(narrative="@SUM(A1)")], [("Filters", "+cmd")])
    sheet = workbook["Outputs"]
    assert sheet["F2"].value == "'=HYPERLINK(\"http://evil.example\")" and sheet["F2"].data_type == "s"
    assert sheet["K2"].value == "bell and nul"
    assert workbook["History"]["F2"].value == "'@SUM(A1)"
    assert workbook["About"]["B1"].value == "'+cmd"


def test_empty_sheets_keep_their_header():
    workbook = build()
    for name, header in [("Outputs", output_header()), ("History", history_header())]:
        assert [cell.value for cell in workbook[name][1]] == header
        assert workbook[name].max_row == 1
