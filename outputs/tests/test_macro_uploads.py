"""Office files with macros (code that runs when they are opened) are refused wherever a file is
uploaded, saying why, by what their package holds as well as by their name: evidence, the reporting
workbook and the admin's import. Real packages: made by openpyxl or as Word writes them, then given
a VBA project and a macro-enabled main part as Excel and Word save .xlsm and .docm files."""

import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outputs.models import Evidence, Output, StatusUpdate
from testing.files import docx_bytes, post_update, xlsx_bytes

MAIN_PARTS = {  # the plain main part's content type -> the macro-enabled one
    "spreadsheetml.sheet.main+xml": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "wordprocessingml.document.main+xml": "application/vnd.ms-word.document.macroEnabled.main+xml",
}
VBA_TYPE = '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'


def with_macros(package: bytes, *, declared: bool = True) -> bytes:
    """The package with a VBA project part; ``declared``: and its content types saying so (as Office
    saves .xlsm and .docm), otherwise the part alone, its types left as a plain .xlsx or .docx."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        folder = "xl" if "xl/workbook.xml" in source.namelist() else "word"
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml" and declared:
                text = data.decode()
                for plain, macro in MAIN_PARTS.items():
                    text = re.sub(r'ContentType="[^"]*' + re.escape(plain) + '"', f'ContentType="{macro}"', text)
                data = text.replace("<Default ", VBA_TYPE + "<Default ", 1).encode()
            archive.writestr(item, data)
        archive.writestr(f"{folder}/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return buffer.getvalue()


MACRO_MESSAGE = ("{name} contains macros, code that runs when the file is opened: files with macros (.xlsm, "
                 ".docm and the like) are not accepted. Save it without macros, as .xlsx or .docx, and upload it again.")
EVIDENCE = {
    "xlsm": lambda: SimpleUploadedFile("budget.xlsm", with_macros(xlsx_bytes())),
    "docm": lambda: SimpleUploadedFile("minutes.docm", with_macros(docx_bytes())),
    "xltm template": lambda: SimpleUploadedFile("plan.xltm", with_macros(xlsx_bytes())),
    "docm renamed docx": lambda: SimpleUploadedFile("minutes.docx", with_macros(docx_bytes())),
    "xlsm renamed xlsx": lambda: SimpleUploadedFile("budget.xlsx", with_macros(xlsx_bytes())),
    "xlsx holding a VBA project": lambda: SimpleUploadedFile("budget.xlsx", with_macros(xlsx_bytes(), declared=False)),
}


@pytest.fixture
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media_root):
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def test_the_packages_are_what_office_would_open():
    """The files refused below are real packages: openpyxl reads the workbook with its macros."""
    workbook = openpyxl.load_workbook(io.BytesIO(with_macros(xlsx_bytes())), keep_vba=True)
    try:
        assert "xl/vbaProject.bin" in workbook.vba_archive.namelist()
    finally:
        workbook.vba_archive.close()


@pytest.mark.parametrize("case", list(EVIDENCE))
def test_evidence_with_macros_is_refused_saying_why(users, malawi_output, client_for, tmp_media, case):
    upload = EVIDENCE[case]()
    response = post_update(client_for(users.officer_mw), malawi_output, [upload])
    assert response.status_code == 200
    assert response.context["form"].errors["files"] == [MACRO_MESSAGE.format(name=upload.name)]
    assert not StatusUpdate.objects.exists() and not Evidence.objects.exists()
    assert stored_files(tmp_media) == []


def test_plain_office_files_are_still_accepted(users, malawi_output, client_for, tmp_media):
    response = post_update(client_for(users.officer_mw), malawi_output, [
        SimpleUploadedFile("budget.xlsx", xlsx_bytes()), SimpleUploadedFile("minutes.docx", docx_bytes())])
    assert response.status_code == 302 and Evidence.objects.count() == 2


@pytest.mark.parametrize("name", ["malawi.xlsx", "malawi.xlsm"])
def test_a_reporting_workbook_with_macros_is_refused_saying_why(users, client_for, tmp_media, caplog, name):
    officer = client_for(users.officer_mw)
    downloaded = officer.get(reverse("reporting:reporting_workbook_download", args=["glo-22-31-irl"]) + "?country=mw")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(downloaded.streaming_content)))
    workbook["Malawi"]["F2"] = "On track"
    filled = io.BytesIO()
    workbook.save(filled)
    upload = SimpleUploadedFile(name, with_macros(filled.getvalue()))

    response = officer.post(reverse("outputs:reporting_workbook", args=["glo-22-31-irl"]), {"workbook": upload})
    assert response.status_code == 400
    assert response.context["refusal"] == MACRO_MESSAGE.format(name=name)
    assert any("event=upload_refused" in line and "reason=macros" in line for line in caplog.messages)
    assert stored_files(tmp_media) == []  # no preview kept


def test_an_admin_import_with_macros_is_refused_saying_why(admin_client, seed_programme, tmp_media):
    workbook = openpyxl.Workbook()
    workbook.active.append(["programme", "country", "outcome", "code", "title", "deadline"])
    workbook.active.append(["GLO/22/31/IRL", "MW", 1, "1.9", "A new output", "2026-06-30"])
    plain = io.BytesIO()
    workbook.save(plain)
    before = Output.objects.count()
    response = admin_client.post("/admin/outputs/output/import/", {
        "format": "1", "resource": "0", "import_file": SimpleUploadedFile("outputs.xlsx", with_macros(plain.getvalue()))})
    assert response.status_code == 200
    page = response.content.decode()
    assert MACRO_MESSAGE.format(name="outputs.xlsx") in page and "Confirm import" not in page
    assert stored_files(tmp_media) == [] and Output.objects.count() == before
