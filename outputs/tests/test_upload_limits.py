"""Uploads: oversized requests refused unread (413), zip bombs refused before anything opens them,
spreadsheets parsed with defusedxml; in every case nothing is written."""

import io
import zipfile

import openpyxl.xml
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from outputs.models import Evidence, Output, StatusUpdate
from testing.admin_spreadsheets import IMPORT_URL, preview
from testing.files import post_update, stored_files

BOMB_SIZE = 200 * 1024 * 1024  # what the sheet unpacks to
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Outputs" sheetId="1" r:id="rId1"/></sheets></workbook>'
)


def zip_bomb_xlsx():
    """A workbook whose one sheet is 200 MB of whitespace, deflated to a few hundred KB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            chunk = b" " * (1024 * 1024)
            for _ in range(BOMB_SIZE // len(chunk)):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb():
    data = zip_bomb_xlsx()
    assert len(data) < 1024 * 1024  # small on the wire
    return data


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def test_zip_bomb_evidence_is_refused_and_nothing_is_written(users, malawi_output, client_for, tmp_media, bomb):
    response = post_update(client_for(users.officer_mw), malawi_output,
                           [SimpleUploadedFile("results.xlsx", bomb)])
    assert response.status_code == 200
    page = response.content.decode()
    assert "would unpack to 200.0\xa0MB" in page and "refused as unsafe" in page
    assert not Evidence.objects.exists() and not StatusUpdate.objects.exists()
    assert stored_files(tmp_media) == []


def test_zip_bomb_admin_import_is_refused_and_nothing_is_written(admin_client, seed_programme, bomb, tmp_media):
    before = Output.objects.count()
    page = preview(admin_client, bomb, name="outputs.xlsx", fmt="1")
    assert "refused as unsafe" in page and "Confirm import" not in page
    assert stored_files(tmp_media) == []  # never copied to the import's storage, never opened
    assert Output.objects.count() == before


def test_an_ordinary_xlsx_still_passes_the_zip_check(users, malawi_output, client_for, tmp_media):
    workbook = openpyxl.Workbook()
    workbook.active.append(["A rather ordinary sheet"] * 5)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = post_update(client_for(users.officer_mw), malawi_output,
                           [SimpleUploadedFile("results.xlsx", buffer.getvalue())])
    assert response.status_code == 302
    assert Evidence.objects.count() == 1


@pytest.mark.parametrize("url", ["update", IMPORT_URL])
def test_oversized_request_is_refused_unread_with_413(users, malawi_output, client_for, admin_client, tmp_media,
                                                      settings, monkeypatch, url):
    settings.UPLOAD_MAX_REQUEST_BYTES = 64 * 1024
    read = []
    monkeypatch.setattr("django.http.multipartparser.MultiPartParser.parse", lambda self: read.append(1))
    big = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n" + b"0" * (100 * 1024))
    if url == "update":
        response = post_update(client_for(users.officer_mw), malawi_output, [big])
    else:
        response = admin_client.post(url, {"format": "0", "import_file": big})
    assert response.status_code == 413
    page = response.content.decode()
    assert "This upload is too large" in page and "64.0\xa0KB" in page
    assert 'class="site-header"' in page
    assert read == []  # the body was never parsed
    assert not Evidence.objects.exists() and stored_files(tmp_media) == []


def test_oversized_api_request_gets_json_413(users, malawi_output, client_for, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 1024
    response = client_for(users.officer_mw).post(
        f"/api/outputs/{malawi_output.pk}/updates/", {"narrative": "x" * 4096}, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "The upload is larger than 1.0\xa0KB."
