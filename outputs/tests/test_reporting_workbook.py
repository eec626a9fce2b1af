"""The offline reporting workbook on real files: downloaded through the view, filled in with openpyxl
as an officer's spreadsheet program would, uploaded through the page, previewed and confirmed."""

import io

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from outputs.models import ReviewEvent, ReviewState, StatusUpdate
from outputs.workbook import INFO_SHEET
from testing.workbook import (
    COLUMN,
    DOWNLOADED,
    HEADERS,
    as_file,
    confirm,
    download_workbook,
    fill,
    row_of,
    upload,
    yesterday,
)
from testing.workflow import seed_output

SLUG = "glo-22-31-irl"


pytestmark = pytest.mark.usefixtures("tmp_media")  # uploads wait in a throwaway media folder


@pytest.fixture
def programme(seed_programme):
    return seed_programme


@pytest.fixture
def malawi_workbook(users, client_for):
    """The Malawi officer's workbook, as downloaded, in English (opened afresh for each test)."""
    if "en" not in DOWNLOADED:
        DOWNLOADED["en"] = download_workbook(client_for(users.officer_mw))
    return openpyxl.load_workbook(io.BytesIO(DOWNLOADED["en"]))


def for_this_programme(workbook):
    """The workbook with its programme put back (a test above changed it)."""
    workbook[INFO_SHEET]["B1"] = SLUG
    return workbook


# --- Download ------------------------------------------------------------------------------------


def test_download_holds_the_officers_country_with_its_columns_validation_and_instructions(malawi_workbook, programme):
    assert malawi_workbook.sheetnames == ["Malawi", "Instructions", INFO_SHEET]
    assert malawi_workbook[INFO_SHEET].sheet_state == "veryHidden"
    assert malawi_workbook[INFO_SHEET]["B1"].value == SLUG
    sheet = malawi_workbook["Malawi"]
    header = [cell.value for cell in sheet[1]]
    assert header[:10] == HEADERS
    assert sheet.column_dimensions["K"].hidden and sheet.column_dimensions["L"].hidden

    output = seed_output("MW", "1.1")
    number = row_of(sheet, "1.1")
    row = [cell.value for cell in sheet[number]]
    assert row[1] == output.title and row[2].date() == output.deadline and row[3] == "Not reported"
    assert row[10:12] == [output.pk, output.revision]
    malawi_rows = sheet.max_row - 1
    assert malawi_rows == output.outcome.programme.outcomes.filter(country__code="MW").values("outputs").count()
    filled = [cell.value for line in sheet.iter_rows(min_row=2, min_col=6, max_col=10) for cell in line]
    assert set(filled) == {None}

    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    last = sheet.max_row
    status = validations[f"F2:F{last}"]
    assert status.type == "list" and status.formula1 == '"Not started,On track,At risk,Off track,Achieved,Cancelled"'
    progress = validations[f"G2:G{last}"]
    assert (progress.type, progress.formula1, progress.formula2) == ("whole", "0", "100")
    assert validations[f"I2:I{last}"].type == "date"
    assert "How to report" in malawi_workbook["Instructions"]["A1"].value


def test_download_speaks_the_readers_language(users, client_for):
    workbook = openpyxl.load_workbook(io.BytesIO(download_workbook(client_for(users.officer_mw), "fr")))
    sheet = workbook["Malawi"]
    assert [cell.value for cell in sheet[1]][:10] == [
        "Code", "Titre", "Échéance", "Statut déclaré", "En attente", "Statut", "Avancement", "Commentaire",
        "Situation au", "Liens"]
    status = next(v for v in sheet.data_validations.dataValidation if str(v.sqref).startswith("F"))
    assert "En bonne voie" in status.formula1 and "On track" not in status.formula1
    assert workbook.sheetnames[1] == "Mode d'emploi"
    assert workbook["Mode d'emploi"]["A1"].value.startswith("Comment")


def test_download_access(users, client_for):
    url = reverse("reporting:reporting_workbook_download", args=[SLUG])
    coordinator = client_for(users.coordinator)
    zambia = openpyxl.load_workbook(io.BytesIO(download_workbook(coordinator, country="zm")))
    assert zambia.sheetnames[0] == "Zambia"
    assert coordinator.get(url + "?country=xx").status_code == 400
    assert client_for(users.officer_mw).get(url + "?country=zm").status_code == 403
    assert client_for(users.donor).get(url).status_code == 403
    assert client_for(users.nogrant).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


# --- Upload: preview -----------------------------------------------------------------------------


def test_preview_lists_every_error_at_once_by_row_and_column_and_saves_nothing(users, client_for, malawi_workbook):
    sheet = malawi_workbook["Malawi"]
    bad_status = fill(sheet, "1.1", Status="Maybe", Progress=10, **{"As of": yesterday()})
    too_much = fill(sheet, "1.2", Status="On track", Progress=150, **{"As of": "2099-01-01"})
    unexplained = fill(sheet, "1.3", Status="At risk", Progress="lots", Links="ftp://example.org/file")
    before = StatusUpdate.objects.count()

    response = upload(client_for(users.officer_mw), as_file(malawi_workbook))

    assert response.status_code == 400
    errors = {(e.row, e.column): e.message for e in response.context["preview"].errors}
    assert errors[(bad_status, "Status")] == "'Maybe' is not a status: choose one from the list."
    assert errors[(too_much, "Progress")] == "Progress is a percentage from 0 to 100."
    assert errors[(too_much, "As of")] == "The 'as of' date cannot be in the future."
    assert errors[(unexplained, "Progress")] == "'lots' is not a whole number from 0 to 100."
    assert errors[(unexplained, "Narrative")] == "Explain the status: a narrative is required for At risk."
    assert errors[(unexplained, "Links")] == "ftp://example.org/file is not a valid http or https link."
    assert len(errors) == 6
    page = response.content.decode()
    assert f"Malawi, row {too_much}, Progress: Progress is a percentage from 0 to 100." in page
    assert "Nothing was saved." in page and response.context["token"] is None
    assert StatusUpdate.objects.count() == before


# --- Upload: confirm -----------------------------------------------------------------------------


def test_confirm_saves_drafts_once_and_skips_empty_rows(users, client_for, malawi_workbook):
    sheet = malawi_workbook["Malawi"]
    fill(sheet, "1.1", Status="Achieved", Progress=100, Narrative="Plan adopted.", **{"As of": yesterday()})
    fill(sheet, "1.2", Status="on track", Progress="40%", Links="https://example.org/report\nhttps://example.org/photo")
    client = client_for(users.officer_mw)
    events = ReviewEvent.objects.count()

    preview = upload(client, as_file(malawi_workbook))
    assert preview.status_code == 200
    assert [change.output.code for change in preview.context["preview"].changes] == ["1.1", "1.2"]
    assert preview.context["preview"].skipped == sheet.max_row - 3
    assert "Plan adopted." in preview.content.decode()
    assert StatusUpdate.objects.filter(output__code__in=["1.1", "1.2"], output__outcome__country__code="MW").count() == 0

    saved = confirm(client, preview, "draft")
    assert saved.status_code == 302 and saved.url == reverse("outputs:my_outputs")
    first = seed_output("MW", "1.1").pending_update
    second = seed_output("MW", "1.2").pending_update
    assert (first.status, first.progress, first.review_state, first.as_of) == ("achieved", 100, ReviewState.DRAFT, yesterday())
    assert (second.status, second.progress, second.as_of) == ("on_track", 40, timezone.localdate())
    assert sorted(second.evidence.values_list("url", flat=True)) == ["https://example.org/photo", "https://example.org/report"]
    assert ReviewEvent.objects.count() == events + 2

    downloaded_again = openpyxl.load_workbook(io.BytesIO(download_workbook(client)))["Malawi"]
    row = [cell.value for cell in downloaded_again[row_of(downloaded_again, "1.1")]]
    assert row[COLUMN["Pending"]] == "Draft: Achieved, 100%"
    assert row[11] == seed_output("MW", "1.1").revision  # the new revision, for the next upload

    again = confirm(client, preview, "draft")
    assert again.status_code == 409
    assert "already saved" in again.content.decode()
    cache.clear()  # without the claim (a server with its own cache), the revisions refuse it: nothing twice
    assert confirm(client, preview, "submit").status_code == 409
    assert ReviewEvent.objects.count() == events + 2


def test_confirm_submits_for_review(users, client_for, malawi_workbook):
    fill(malawi_workbook["Malawi"], "1.1", Status="On track", Progress=30, **{"As of": yesterday()})
    client = client_for(users.officer_mw)
    saved = confirm(client, upload(client, as_file(malawi_workbook)), "submit")
    assert saved.status_code == 302
    assert seed_output("MW", "1.1").pending_update.review_state == ReviewState.SUBMITTED


# --- Upload: refused files -----------------------------------------------------------------------


def test_refused_files_get_a_clear_message(users, client_for, malawi_workbook, settings, caplog):
    client = client_for(users.officer_mw)
    text = io.BytesIO(b"Code,Status\n1.1,On track\n")
    text.name = "outputs.xlsx"
    response = upload(client, text)
    assert response.status_code == 400 and "is not an XLSX workbook" in response.context["refusal"]
    assert any("event=upload_refused" in line and "file=outputs.xlsx" in line for line in caplog.messages)

    malawi_workbook[INFO_SHEET]["B1"] = "another-programme"
    response = upload(client, as_file(malawi_workbook))
    assert response.status_code == 400 and "for another programme (another-programme)" in response.context["refusal"]

    plain = openpyxl.Workbook()
    response = upload(client, as_file(plain))
    assert response.status_code == 400 and "not a reporting workbook" in response.context["refusal"]

    settings.IMPORT_MAX_ROWS = 5
    response = upload(client, as_file(for_this_programme(malawi_workbook)))
    assert response.status_code == 400 and "more than 5 rows" in response.context["refusal"]

    settings.IMPORT_MAX_BYTES = 1000
    response = upload(client, as_file(malawi_workbook))
    assert response.status_code == 413 and "at most 1000" in response.context["refusal"]


def test_an_officer_cannot_upload_another_countrys_workbook(users, client_for, malawi_workbook):
    fill(malawi_workbook["Malawi"], "1.1", Status="On track", Progress=30)
    response = upload(client_for(users.officer_mz), as_file(malawi_workbook))
    assert response.status_code == 403
    assert "Malawi, which you do not report for" in response.context["refusal"]
    assert seed_output("MW", "1.1").pending_update is None


def test_the_page_and_its_links(users, client_for):
    officer = client_for(users.officer_mw)
    page_url = reverse("outputs:reporting_workbook", args=[SLUG])
    assert page_url in officer.get(reverse("outputs:my_outputs")).content.decode()
    assert page_url in officer.get(reverse("reporting:country", args=[SLUG, "mw"])).content.decode()
    assert page_url not in officer.get(reverse("reporting:country", args=[SLUG, "zm"])).content.decode()
    page = officer.get(page_url)
    assert page.status_code == 200 and 'type="file"' in page.content.decode()
    coordinator_page = client_for(users.coordinator).get(page_url)
    assert coordinator_page.status_code == 200 and 'type="file"' not in coordinator_page.content.decode()
    assert client_for(users.donor).get(page_url).status_code == 403
