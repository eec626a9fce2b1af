"""'What changed' as XLSX and PDF: the real files opened with openpyxl and pypdf, the same report as
the page for the same query, the reader's countries only, in the reader's language."""

import io

import openpyxl
import pypdf

from testing.workflow import seed_output

XLSX = "/programmes/glo-22-31-irl/exports/changes.xlsx"
PDF = "/programmes/glo-22-31-irl/exports/changes.pdf"


def workbook(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows(sheet):
    return [tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)]


def pdf_text(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_xlsx_holds_the_report(users, client_for, q3):
    response = client_for(users.donor).get(XLSX, q3)
    assert response["Content-Disposition"] == 'attachment; filename="glo-22-31-irl-changes-2026-07-01-2026-09-30.xlsx"'
    book = workbook(response)
    assert book.sheetnames == ["Summary", "Status changes", "Approved updates", "Overdue and achieved",
                               "Titles and deadlines", "About"]
    summary = rows(book["Summary"])
    assert summary[0] == ("Country", "Status changes", "Achieved", "Became overdue", "Updates approved",
                          "Evidence items", "Titles and deadlines changed")
    assert ("Malawi", 2, 1, 1, 2, 1, 1) in summary
    assert ("Zambia", 1, 0, 0, 1, 0, 1) in summary
    assert summary[-1] == ("All countries", 3, 1, 1, 3, 1, 2)
    plan_title = seed_output("MW", "1.1").title
    assert rows(book["Status changes"])[0][-2:] == ("Latest narrative approved", "Updates approved")
    assert ("Malawi", "1.1", plan_title, "At risk", "Achieved", 30, 100, "Plan adopted by cabinet.", 1) == \
        rows(book["Status changes"])[1]
    approved = rows(book["Approved updates"])
    plan = next(row for row in approved if row[1] == "1.1")
    assert plan[0] == "Malawi" and plan[3] == "Achieved" and plan[5] == "Plan adopted by cabinet."
    assert plan[6] == "https://example.org/plan.pdf"
    assert plan[8].isoformat() == "2026-08-14T15:00:00"  # a time, as read in the site's time zone
    assert [row[1] for row in rows(book["Overdue and achieved"])[1:]] == ["1.1", "1.4"]
    titles = rows(book["Titles and deadlines"])
    assert titles[1][1] == "1.6" and titles[1][3] == "Social protection financing strategy costed and validated"
    assert titles[2][:2] == ("Zambia", "1.3") and titles[2][2] == titles[2][3]
    assert [day.date().isoformat() for day in titles[2][4:]] == ["2025-12-31", "2027-03-31"]
    everything = str([rows(sheet) for sheet in book.worksheets])
    for text in ("Cabinet memo delayed.", "After the window.", "Submitted, not yet approved.",
                 "Returned narrative.", "A draft narrative."):
        assert text not in everything
    about = dict(rows(book["About"]))
    assert about["From"] == "2026-07-01" and about["To"] == "2026-09-30"


def test_officer_files_hold_their_countries_and_say_so(users, client_for, q3):
    client = client_for(users.officer_zm)
    response = client.get(XLSX, q3)
    assert response["Content-Disposition"].endswith('filename="glo-22-31-irl-zm-changes-2026-07-01-2026-09-30.xlsx"')
    book = workbook(response)
    assert [row[0] for row in rows(book["Summary"])[1:]] == ["Zambia", "All countries"]
    assert dict(rows(book["About"]))["Countries"] == "Zambia only: the country you report for"
    assert client.get(XLSX, {**q3, "country": "mw"}).status_code == 403
    assert client.get(PDF, {**q3, "country": "mw"}).status_code == 403
    text = pdf_text(client.get(PDF, q3))
    assert "Zambia registry live." in text and "Plan adopted by cabinet." not in text


def test_pdf_holds_the_report(users, client_for, q3):
    response = client_for(users.coordinator).get(PDF, {**q3, "country": "mw"})
    assert response["Content-Disposition"] == 'attachment; filename="glo-22-31-irl-mw-changes-2026-07-01-2026-09-30.pdf"'
    text = pdf_text(response)
    assert "What changed" in text
    assert "Plan adopted by cabinet." in text and "Registry pilots running." in text
    assert "Zambia registry live." not in text
    assert "Social protection financing strategy costed and validated" in text
    assert "Submitted, not yet approved." not in text and "A draft narrative." not in text
    assert "Download PDF report" not in text  # no form and no links in the file


def test_files_in_the_readers_language(users, client_for, q3):
    client = client_for(users.donor)
    book = workbook(client.get(XLSX, q3, headers={"accept-language": "pt"}))
    assert book.sheetnames[0] == "Resumo"
    assert rows(book["Resumo"])[0][0] == "País"
    assert "O que mudou" in pdf_text(client.get(PDF, q3, headers={"accept-language": "pt"}))
