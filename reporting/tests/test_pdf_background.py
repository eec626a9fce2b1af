"""PDF reports stay within what a request and a worker can hold: above PDF_BACKGROUND_ROWS the task worker
builds them (as it builds large spreadsheets), and the documents themselves are bounded, saying so."""

import io

import pypdf
import pytest

from reporting import report_exports
from reporting.report_exports import ChangesPdf
from testing.workers import run_worker

BASE = "/programmes/glo-22-31-irl"


def pdf_text(content: bytes) -> tuple[str, pypdf.PdfReader]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split()), reader


def links(reader: pypdf.PdfReader) -> list[str]:
    return [annotation.get_object()["/A"]["/URI"] for page in reader.pages for annotation in page.get("/Annots", [])
            if "/URI" in annotation.get_object().get("/A", {})]


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_large_reports_are_built_by_the_worker_and_offered_when_ready(users, client_for, q3, settings, tmp_path):
    settings.PDF_BACKGROUND_ROWS = 2  # Malawi's 12 outputs, What changed's 3 status changes and 2 other rows
    settings.EXPORT_BACKGROUND_ROWS = 2  # the 3 updates approved in the quarter
    settings.MEDIA_ROOT = tmp_path
    client = client_for(users.donor)
    asked = {url: client.get(url, query) for url, query in (
        (f"{BASE}/countries/mw/report.pdf", {}), (f"{BASE}/exports/changes.pdf", q3), (f"{BASE}/exports/changes.xlsx", q3))}
    assert [response.status_code for response in asked.values()] == [302, 302, 302]  # queued, not built
    jobs = [response["Location"] for response in asked.values()]
    waiting = client.get(jobs[0]).content.decode()
    assert "<h1>Your PDF report</h1>" in waiting and 'http-equiv="refresh"' in waiting
    assert "<h1>Your spreadsheet</h1>" in client.get(jobs[2]).content.decode()

    run_worker()
    country = client.get(jobs[0], {"download": "1"})
    assert country["Content-Type"] == "application/pdf"
    assert 'filename="glo-22-31-irl-mw-report-2026-12-01.pdf"' in country["Content-Disposition"]
    text, reader = pdf_text(b"".join(country.streaming_content))
    assert "Malawi: progress report" in text and "Plan adopted by cabinet." in text
    # Its links lead to the site as the reader reached it, as those of a PDF built during the request.
    assert links(reader) and all(link.startswith("http://testserver/") for link in links(reader))
    text, _reader = pdf_text(b"".join(client.get(jobs[1], {"download": "1"}).streaming_content))
    assert "What changed" in text and "Plan adopted by cabinet." in text and "Zambia registry live." in text
    workbook = client.get(jobs[2], {"download": "1"})
    assert workbook["Content-Disposition"].endswith('filename="glo-22-31-irl-changes-2026-07-01-2026-09-30.xlsx"')


def test_a_report_no_worker_took_is_asked_for_again_at_its_own_address(users, client_for, today, settings, tmp_path):
    settings.PDF_BACKGROUND_ROWS = 2
    settings.MEDIA_ROOT = tmp_path
    client = client_for(users.donor)
    job = client.get(f"{BASE}/countries/zm/report.pdf", {"as_of": "2026-06-30"})["Location"]
    today.shift(settings.EXPORT_JOB_LIMIT_SECONDS + 60)
    stalled = client.get(job).content.decode()
    assert "none is running, or all are busy" in stalled
    assert f'href="{BASE}/countries/zm/report.pdf?as_of=2026-06-30"' in stalled
    assert ChangesPdf.address(users.donor.access_grants.get().programme) == f"{BASE}/exports/changes.pdf"


def test_the_documents_are_bounded_and_say_so(users, client_for, q3, monkeypatch):
    monkeypatch.setattr(report_exports, "PDF_STATUS_CHANGES", 2)
    monkeypatch.setattr(report_exports, "PDF_COUNTRY_OUTPUTS", 5)
    client = client_for(users.coordinator)
    changes = client.get(f"{BASE}/exports/changes.pdf", q3)
    assert changes.status_code == 200  # 4 rows: built during the request
    text, _reader = pdf_text(changes.content)
    assert "The first 2 of 3 outputs whose reported status changed" in text
    assert "Plan adopted by cabinet." in text and "Zambia registry live." not in text  # Malawi's two only
    assert "status changes" in text and "Zambia" in text  # every count, every country

    country, _reader = pdf_text(client.get(f"{BASE}/countries/mw/report.pdf").content)
    assert "The first 5 of its 12 outputs are printed here" in country
    assert "Output 1.1" in country and "Output 3.4" not in country
    page = client.get(f"{BASE}/countries/mw/").content.decode()
    assert "are printed here" not in page and "Output 3.4" in page  # the page shows them all
