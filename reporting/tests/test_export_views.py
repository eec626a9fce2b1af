"""Donor exports read back from the real files: types, filters, as-of, formula escaping, IATI schema, PDF."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from lxml import etree

from outputs.services.updates import status_update_approve, status_update_save
from testing.exports import ENGLISH_PDF, IATI_SCHEMA, download
from testing.headers import assert_secure_headers
from testing.workflow import seed_output

BASE = "/programmes/glo-22-31-irl"


def read_csv(data):
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: Excel opens it as UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
def hostile(users, reported):
    """Text a spreadsheet would run as a formula, in an output's text and in an approved narrative."""
    output = seed_output("VN", "1.1")
    output.title = '=HYPERLINK("http://evil.example","click")'
    output.save()
    update = status_update_save(
        output=output, user=users.officer_vn, base_revision=output.revision, status="on_track",
        progress=25, narrative="+cmd|' /C calc'!A0", submit=True,
    )
    output.refresh_from_db()
    status_update_approve(update=update, user=users.coordinator, base_revision=output.revision)
    return output


def test_csv_columns_filters_and_types(users, client_for, reported):
    rows = read_csv(download(client_for(users.donor), f"{BASE}/exports/outputs.csv", country="mw"))
    assert len(rows) == 12
    assert list(rows[0]) == [
        "Programme code", "Country", "ISO code", "Outcome", "Output code", "Output text", "Deadline", "Status",
        "Progress %", "Status date", "Latest approved narrative", "Overdue", "Days to deadline",
        "Evidence count", "Last updated",
    ]
    row = next(r for r in rows if r["Output code"] == "1.3")
    assert row["Status"] == "On track" and row["Progress %"] == "60" and row["Status date"] == "2025-09-01"
    assert row["Latest approved narrative"] == "Budget released."
    assert row["Deadline"] == "2025-12-31" and row["Days to deadline"] == "30" and row["Overdue"] == "no"
    assert row["Last updated"] == "2025-09-01 15:00"
    zambia = read_csv(download(client_for(users.donor), f"{BASE}/exports/outputs.csv", overdue="on"))
    assert [(r["Country"], r["Output code"], r["Overdue"]) for r in zambia] == [("Zambia", "1.1", "yes")]


def test_csv_as_of(users, client_for, reported):
    rows = read_csv(download(client_for(users.donor), f"{BASE}/exports/outputs.csv", country="mw", as_of="2025-06-30"))
    row = next(r for r in rows if r["Output code"] == "1.3")
    assert row["Status"] == "At risk" and row["Latest approved narrative"] == "Budget delayed."
    assert next(r for r in rows if r["Output code"] == "1.1")["Status"] == "Not reported"


def test_xlsx_types_layout_and_sheets(users, client_for, reported):
    data = download(client_for(users.donor), f"{BASE}/exports/outputs.xlsx", country="mw", status="on_track")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Outputs", "History", "About"]
    sheet = workbook["Outputs"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O2"
    assert sheet["A1"].font.b and sheet["F1"].value == "Output text"
    assert sheet.column_dimensions["F"].width >= 60
    values = [cell.value for cell in sheet[2]]
    assert values[4] == "1.3"
    assert values[6] == datetime.datetime(2025, 12, 31)  # a real date, not text
    assert sheet.cell(2, 7).is_date
    assert values[8] == 60 and isinstance(values[8], int)  # progress is a number
    assert values[12] == 30  # days to deadline
    history = workbook["History"]
    rows = list(history.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[3], r[4]) for r in rows] == [("1.3", "At risk", 40), ("1.3", "On track", 60)]
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True)}
    assert about["Programme"].startswith("GLO/22/31/IRL")
    assert about["Filters"] == "Country: Malawi; Status: On track"
    assert about["Countries"] == "Malawi"  # the country asked for: a donor's downloads are not limited
    assert about["As of"].startswith("2025-12-01")


def test_formula_injection_is_neutralised_everywhere(users, client_for, hostile):
    client = client_for(users.donor)
    rows = read_csv(download(client, f"{BASE}/exports/outputs.csv", country="vn"))
    row = next(r for r in rows if r["Output code"] == "1.1")
    assert row["Output text"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert row["Latest approved narrative"] == "'+cmd|' /C calc'!A0"
    assert row["Progress %"] == "25"  # numbers are not prefixed
    workbook = openpyxl.load_workbook(io.BytesIO(download(client, f"{BASE}/exports/outputs.xlsx", country="vn")))
    sheet = workbook["Outputs"]
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            assert cell.data_type != "f", cell.coordinate  # no cell is a formula
    text = [c.value for c in sheet[2] if c.value and str(c.value).startswith("'=")]
    assert text == ["'=HYPERLINK(\"http://evil.example\",\"click\")"]
    assert isinstance(sheet.cell(2, 9).value, int) and sheet.cell(2, 7).is_date
    exported = json.loads(download(client, f"{BASE}/exports/outputs.json", country="vn"))
    assert exported["outputs"][0]["text"].startswith("'=")


def test_django_import_export_escaping_alone_is_not_enough(settings):
    """Its ESCAPE_FORMULAE setting drops a leading "=" only (and turns numbers into text): "+", "-"
    and "@" formulas get through. Every export here quotes all triggers and keeps numbers."""
    from import_export.formats.base_formats import CSV
    from tablib import Dataset

    from outputs.spreadsheets import neutralise

    settings.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
    dataset = Dataset(headers=["text", "number"])
    dataset.append(["+cmd|' /C calc'!A0", 7])
    dataset.append(["@SUM(A1)", 8])
    exported = CSV().export_data(dataset)
    assert "+cmd|' /C calc'!A0" in exported and "@SUM(A1)" in exported  # still live formulas
    assert neutralise("+cmd") == "'+cmd" and neutralise(-5) == -5
    for trigger in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralise(trigger + "x") == "'" + trigger + "x"


def test_json_export(users, client_for, reported):
    exported = json.loads(download(client_for(users.donor), f"{BASE}/exports/outputs.json", country="zm"))
    assert exported["meta"]["programme"] == "GLO/22/31/IRL"
    assert len(exported["outputs"]) == 15
    first = next(o for o in exported["outputs"] if o["code"] == "1.1")
    assert first["deadline"] == "2025-04-25" and first["overdue"] == "yes" and first["progress"] == 10


def test_iati_validates_against_the_schema(users, client_for, reported):
    data = download(client_for(users.donor), f"{BASE}/exports/iati.xml")
    document = etree.fromstring(data)
    schema = etree.XMLSchema(etree.parse(str(IATI_SCHEMA)))
    schema.assertValid(document)
    assert document.get("version") == "2.03"
    results = document.findall(".//result")
    assert len(results) == 63 and all(r.get("type") == "1" for r in results)
    assert all(r.find("indicator").get("measure") == "5" for r in results)
    malawi_13 = next(r for r in results if "Malawi – Output 1.3" in r.findtext("title/narrative"))
    comment = malawi_13.findtext("indicator/period/actual/comment/narrative")
    assert "Status: On track; progress 60%" in comment and "Budget released." in comment
    assert sorted(c.get("code") for c in document.findall(".//recipient-country")) == ["MW", "MZ", "VN", "ZM"]


def test_iati_as_of_validates_too(users, client_for, reported):
    data = download(client_for(users.donor), f"{BASE}/exports/iati.xml", as_of="2025-06-30")
    etree.XMLSchema(etree.parse(str(IATI_SCHEMA))).assertValid(etree.fromstring(data))
    assert b"Status: At risk; progress 40%" in data


def test_pdf_report_renders_the_outputs(users, client_for, reported):
    response = client_for(users.donor).get(f"{BASE}/countries/mw/report.pdf", {"as_of": "2025-06-30"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="glo-22-31-irl-mw-report-2025-06-30.pdf"'
    assert_secure_headers(response)
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Malawi: progress report" in text
    assert "As of 30 June 2025" in text
    for code in ["1.1", "1.6", "2.2", "3.4"]:
        assert f"Output {code}" in text
    assert "Budget delayed." in text
    assert "Download PDF report" not in text and "Log out" not in text  # no buttons or navigation
    assert "you report for" not in text  # a donor's report is limited to no one's countries
    assert [phrase for phrase in ENGLISH_PDF if phrase not in text] == []  # which a French report must not hold


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("anon", "/exports/outputs.csv", 302),
        ("nogrant", "/exports/outputs.csv", 404),
        ("nogrant", "/countries/mw/report.pdf", 404),
        ("donor", "/exports/outputs.xlsx", 200),
        ("coordinator", "/exports/iati.xml", 200),
        ("officer_mw", "/countries/zm/report.pdf", 403),
    ],
)
def test_access(users, client_for, who, url, status):
    assert client_for(getattr(users, who)).get(BASE + url).status_code == status


def test_officers_export_their_countries_only(users, client_for):
    rows = read_csv(download(client_for(users.officer_mw), f"{BASE}/exports/outputs.csv"))
    assert {row["Country"] for row in rows} == {"Malawi"}
    assert client_for(users.officer_mw).get(f"{BASE}/exports/outputs.csv", {"country": "zm"}).status_code == 403


def test_history_csv(users, client_for, reported):
    rows = read_csv(download(client_for(users.donor), f"{BASE}/exports/history.csv", country="mw"))
    assert [(r["Output code"], r["Status"], r["Progress %"], r["As of"]) for r in rows] == [
        ("1.1", "Achieved", "100", "2025-07-10"),
        ("1.3", "At risk", "40", "2025-06-15"),
        ("1.3", "On track", "60", "2025-09-01"),
    ]
    assert rows[0]["Approved by"] == "Claire Coordinator" and rows[0]["Approved at"] == "2025-07-10 15:00"
    as_of = read_csv(download(client_for(users.donor), f"{BASE}/exports/history.csv", as_of="2025-06-30"))
    assert len(as_of) == 1
