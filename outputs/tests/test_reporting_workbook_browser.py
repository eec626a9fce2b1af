"""The offline reporting workbook in a real browser at 375 px: an officer goes from My outputs to the
workbook page, downloads Malawi's workbook with the browser, fills it in as a spreadsheet program would,
uploads it, reads the preview (an error, then the rows that will change) and submits them for review;
the page again in French, Portuguese and Vietnamese. Each page photographed and checked by axe-core."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from outputs.models import ReviewState, StatusUpdate
from testing.browser import PHONE
from testing.seed import DEMO_PASSWORD
from testing.workbook import as_file, fill

pytestmark = pytest.mark.browser

# The page's heading and upload button, as each language writes them.
WORDS = {
    "fr": ("Classeur de rapport", "Prévisualiser les modifications"),
    "pt": ("Pasta de trabalho de relatório", "Pré-visualizar as alterações"),
    "vi": ("Sổ tính báo cáo", "Xem trước các thay đổi"),
}


def filled(downloaded: bytes, progress: int) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(downloaded))
    fill(workbook["Malawi"], "1.1", Status="On track", Progress=progress,
         Narrative="Validation workshop held with the ministry.")
    return as_file(workbook).getvalue()


def test_an_officer_reports_offline_through_the_workbook_on_a_phone(users, journeys, tmp_media):
    journey = journeys("workbook", PHONE)
    page = journey.new_page()
    journey.login(page, "officer-mw", DEMO_PASSWORD)
    page.get_by_role("link", name="Report offline in a workbook").click()
    expect(page.get_by_role("heading", name="Reporting workbook", exact=True)).to_be_visible()
    journey.look(page, "workbook page")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Workbook for Malawi").click()
    downloaded = downloading.value.path().read_bytes()

    page.get_by_label("Filled-in workbook (.xlsx)").set_input_files(
        files=[{"name": "malawi.xlsx", "mimeType": "application/octet-stream", "buffer": filled(downloaded, 150)}])
    page.get_by_role("button", name="Preview the changes").click()
    expect(page.locator(".workbook-errors")).to_contain_text("row 2")
    expect(page.locator(".workbook-errors")).to_contain_text("Progress")
    expect(page.get_by_role("button", name="Submit for review")).to_have_count(0)
    journey.look(page, "preview with an error")

    page.get_by_label("Filled-in workbook (.xlsx)").set_input_files(
        files=[{"name": "malawi.xlsx", "mimeType": "application/octet-stream", "buffer": filled(downloaded, 60)}])
    page.get_by_role("button", name="Preview the changes").click()
    expect(page.locator(".workbook-preview table")).to_contain_text("Validation workshop held with the ministry.")
    journey.look(page, "preview ready")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messages")).to_be_visible()
    journey.look(page, "submitted")
    update = StatusUpdate.objects.get(output__outcome__country__code="MW", output__code="1.1")
    assert (update.review_state, update.progress) == (ReviewState.SUBMITTED, 60)

    for language, (heading, upload) in WORDS.items():
        page.context.add_cookies([{"name": "django_language", "value": language, "url": journey.base_url}])
        page.goto("/programmes/glo-22-31-irl/reporting-workbook/")
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        expect(page.get_by_role("button", name=upload)).to_be_visible()
        journey.look(page, f"workbook page {language}")
