"""Spreadsheet import of outputs in the admin: preview, row errors, all-or-nothing, permission."""

import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from outputs import services
from outputs.models import Output

IMPORT_URL = "/admin/outputs/output/import/"
PROCESS_URL = "/admin/outputs/output/process_import/"
HEADER = "programme,country,outcome,code,title,deadline\n"
GOOD_ROWS = (
    "GLO/22/31/IRL,MW,1,1.3,The ratification campaign is implemented (revised),2026-03-31\n"
    "GLO/22/31/IRL,Malawi,4,4.1,Reports are published on time,30.06.2026\n"
)


def snapshot():
    return sorted(Output.objects.values_list("pk", "code", "title", "deadline", "outcome_id"))


def preview(client, content, name="outputs.csv", fmt="0"):
    response = client.post(IMPORT_URL, {"format": fmt, "import_file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    return response, response.content.decode()


def confirm(client, html):
    fields = dict(re.findall(r'name="(import_file_name|original_file_name|format|resource)" value="([^"]*)"', html))
    return client.post(PROCESS_URL, {**fields, "confirm": "Confirm import"})


def test_preview_then_confirm(admin_client, seed_programme):
    before = snapshot()
    _response, html = preview(admin_client, (HEADER + GOOD_ROWS).encode())
    assert "Confirm import" in html
    assert "New" in html and "Update" in html
    assert snapshot() == before  # the preview writes nothing
    response = confirm(admin_client, html)
    assert response.status_code == 302
    updated = Output.objects.get(outcome__country__code="MW", code="1.3")
    assert updated.title == "The ratification campaign is implemented (revised)"
    assert str(updated.deadline) == "2026-03-31"
    assert updated.history.first().history_change_reason == "Spreadsheet import"
    created = Output.objects.get(outcome__country__code="MW", code="4.1")
    assert created.outcome.number == 4 and str(created.deadline) == "2026-06-30"
    assert Output.objects.count() == 64


def test_xlsx_file(admin_client, seed_programme):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["programme", "country", "outcome", "code", "title", "deadline"])
    sheet.append(["GLO/22/31/IRL", "Viet Nam", 1, "1.1", "A comprehensive national plan (XLSX)", "2026-12-31"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _response, html = preview(admin_client, buffer.getvalue(), name="outputs.xlsx", fmt="1")
    assert "Confirm import" in html
    assert confirm(admin_client, html).status_code == 302
    assert Output.objects.get(outcome__country__code="VN", code="1.1").title == "A comprehensive national plan (XLSX)"


def test_row_errors_are_shown_with_row_numbers_and_nothing_is_saved(admin_client, seed_programme):
    before = snapshot()
    bad = (
        HEADER + GOOD_ROWS
        + "GLO/22/31/IRL,Atlantis,1,1.1,Somewhere,2026-01-01\n"
        + "GLO/22/31/IRL,MW,1,1.2,Text,31.09.2026\n"
        + "NOPE/1,MW,1,1.2,Text,2026-01-01\n"
    )
    _response, html = preview(admin_client, bad.encode())
    assert "Confirm import" not in html
    assert "Some rows failed to validate" in html
    rows = re.findall(r"<tr>\s*<td>(\d+)\s*</td>\s*<td class=\"errors\">", html)
    assert rows == ["3", "4", "5"]  # the file's data rows, numbered from 1
    assert "&#x27;Atlantis&#x27; is not a known country" in html
    assert "is not a date" in html
    assert "No programme has the code" in html
    assert snapshot() == before


def test_repeated_code_needs_an_id(admin_client, seed_programme):
    _response, html = preview(admin_client, (HEADER + "GLO/22/31/IRL,ZM,2,2.1,Which one?,2026-01-01\n").encode())
    assert "Confirm import" not in html
    assert "several outputs 2.1" in html
    twin = Output.objects.filter(outcome__country__code="ZM", code="2.1").order_by("position").last()
    with_id = "id," + HEADER + f"{twin.pk},GLO/22/31/IRL,ZM,2,2.1,This one,2026-01-01\n"
    _response, html = preview(admin_client, with_id.encode())
    assert confirm(admin_client, html).status_code == 302
    twin.refresh_from_db()
    assert twin.title == "This one"


def test_failure_during_confirm_rolls_everything_back(admin_client, seed_programme, monkeypatch):
    _response, html = preview(admin_client, (HEADER + GOOD_ROWS).encode())
    before = snapshot()

    def failing_create(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "output_create", failing_create)
    response = confirm(admin_client, html)
    assert response.status_code in (200, 302)
    assert snapshot() == before  # the update of row 1 was rolled back with the failed row 2


@pytest.fixture
def staff(seed_programme):
    user = get_user_model().objects.create_user("clerk", password="pw-staff-1234", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_output", "change_output", "add_output"]))
    client = Client()
    client.force_login(user)
    return user, client


def test_import_needs_the_import_permission(staff):
    user, client = staff
    assert client.get("/admin/outputs/output/").status_code == 200
    assert client.get(IMPORT_URL).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="import_output"))
    user = get_user_model().objects.get(pk=user.pk)
    client.force_login(user)
    assert client.get(IMPORT_URL).status_code == 200


def test_xlsx_parsing_uses_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def test_admin_export_neutralises_formulas_and_keeps_dates(admin_client, seed_programme):
    output = Output.objects.get(outcome__country__code="VN", code="1.1")
    output.title = "@SUM(A1:A9)"
    output.save()
    fields = {f"outputresource_{name}": "on" for name in ["id", "programme", "country", "outcome", "code", "title", "deadline"]}
    response = admin_client.post("/admin/outputs/output/export/", {"format": "0", "resource": "0", **fields})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(__import__("csv").DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["id"] == str(output.pk))
    assert row["title"] == "'@SUM(A1:A9)"
    assert row["deadline"] == "2025-12-31"
    assert row["programme"] == "GLO/22/31/IRL" and row["country"] == "Viet Nam"
