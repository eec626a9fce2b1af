"""Spreadsheet import of outputs in the admin: preview, row errors, all-or-nothing, permission; the
previewed file kept in the media storage for any server to confirm, a second confirmation, and the
size and row limits."""

import io
import re
import tempfile
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client
from import_export.admin import ImportMixin

from outputs.models import Output
from outputs.services import output_edits
from testing.admin_spreadsheets import HEADER, IMPORT_URL, confirm, confirmation, export_rows, preview

GOOD_ROWS = (
    "GLO/22/31/IRL,MW,1,1.3,The ratification campaign is implemented (revised),2026-03-31\n"
    "GLO/22/31/IRL,Malawi,4,4.1,Reports are published on time,30.06.2026\n"
)


pytestmark = pytest.mark.usefixtures("tmp_media")  # previewed files go to a throwaway media folder


def snapshot():
    return sorted(Output.objects.values_list("pk", "code", "title", "deadline", "outcome_id"))


def test_preview_then_confirm(admin_client, seed_programme):
    before = snapshot()
    html = preview(admin_client, (HEADER + GOOD_ROWS).encode())
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


def workbook_bytes(*rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["programme", "country", "outcome", "code", "title", "deadline"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_file(admin_client, seed_programme):
    content = workbook_bytes(["GLO/22/31/IRL", "Viet Nam", 1, "1.1", "A comprehensive national plan (XLSX)", "2026-12-31"])
    html = preview(admin_client, content, name="outputs.xlsx", fmt="1")
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
    html = preview(admin_client, bad.encode())
    assert "Confirm import" not in html
    assert "Some rows failed to validate" in html
    rows = re.findall(r"<tr>\s*<td>(\d+)\s*</td>\s*<td class=\"errors\">", html)
    assert rows == ["3", "4", "5"]  # the file's data rows, numbered from 1
    assert "&#x27;Atlantis&#x27; is not a known country" in html
    assert "is not a date" in html
    assert "No programme you coordinate has the code" in html
    assert snapshot() == before


def test_a_preview_that_cannot_be_confirmed_keeps_no_file(admin_client, seed_programme, tmp_media):
    html = preview(admin_client, (HEADER + "GLO/22/31/IRL,Atlantis,1,1.1,Somewhere,2026-01-01\n").encode())
    assert "Some rows failed to validate" in html
    html = preview(admin_client, b"PK\x03\x04 not a workbook", name="outputs.xlsx", fmt="1")
    assert "while trying to read file" in html
    assert not any((tmp_media / "django-import-export").iterdir())
    html = preview(admin_client, (HEADER + GOOD_ROWS).encode())
    assert waiting_file(tmp_media, html).exists()  # a preview that can be confirmed keeps it


def test_repeated_code_needs_an_id(admin_client, seed_programme):
    html = preview(admin_client, (HEADER + "GLO/22/31/IRL,ZM,2,2.1,Which one?,2026-01-01\n").encode())
    assert "Confirm import" not in html
    assert "several outputs 2.1" in html
    twin = Output.objects.filter(outcome__country__code="ZM", code="2.1").order_by("position").last()
    with_id = "id," + HEADER + f"{twin.pk},GLO/22/31/IRL,ZM,2,2.1,This one,2026-01-01\n"
    html = preview(admin_client, with_id.encode())
    assert confirm(admin_client, html).status_code == 302
    twin.refresh_from_db()
    assert twin.title == "This one"


def test_failure_during_confirm_rolls_everything_back(admin_client, seed_programme, monkeypatch):
    html = preview(admin_client, (HEADER + GOOD_ROWS).encode())
    before = snapshot()

    def failing_create(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(output_edits, "output_create", failing_create)
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
    row = next(r for r in export_rows(admin_client) if r["id"] == str(output.pk))
    assert row["title"] == "'@SUM(A1:A9)"
    assert row["deadline"] == "2025-12-31"
    assert row["programme"] == "GLO/22/31/IRL" and row["country"] == "Viet Nam"


# --- The previewed file on shared storage, a second confirmation, the limits -----------------------


def waiting_file(media, html):
    """Where the preview left its file for the confirmation: the media storage's import folder."""
    return media / "django-import-export" / confirmation(html)["import_file_name"]


@pytest.mark.parametrize("name, fmt, content", [
    ("outputs.csv", "0", (HEADER + GOOD_ROWS).encode()),
    ("outputs.xlsx", "1", workbook_bytes(["GLO/22/31/IRL", "MW", 4, "4.1", "Reports are published on time", "2026-06-30"])),
])
def test_the_preview_waits_in_the_media_storage_and_any_server_confirms_it(
    admin_client, seed_programme, tmp_media, monkeypatch, tmp_path, name, fmt, content
):
    html = preview(admin_client, content, name=name, fmt=fmt)
    waiting = waiting_file(tmp_media, html)
    assert waiting.read_bytes() == content
    assert not (Path(tempfile.gettempdir()) / waiting.name).exists()
    # The confirmation reaches a server whose temporary folder is empty and whose cache is its own,
    # in another session of the same person.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "another-server-tmp"))
    cache.clear()
    other_server = Client()
    other_server.force_login(get_user_model().objects.get(username="admin"))
    response = confirm(other_server, html)
    assert response.status_code == 302 and response.url == "/admin/outputs/output/"
    assert Output.objects.get(outcome__country__code="MW", code="4.1").title == "Reports are published on time"
    assert not waiting.exists()  # removed once imported


def test_a_second_confirmation_is_told_and_imports_nothing(admin_client, seed_programme):
    html = preview(admin_client, (HEADER + GOOD_ROWS).encode())
    assert confirm(admin_client, html).status_code == 302
    imported = snapshot()
    second = confirm(admin_client, html)
    assert second.status_code == 302 and second.url == IMPORT_URL
    page = admin_client.get(second.url).content.decode()
    assert "This preview was already confirmed, or its file is no longer kept" in page
    assert snapshot() == imported
    # Its claim forgotten (another server without a shared cache, or a day later): the file is gone.
    cache.clear()
    third = confirm(admin_client, html)
    assert third.status_code == 302 and third.url == IMPORT_URL
    assert snapshot() == imported


def test_a_confirmation_sent_while_the_first_is_importing_is_told(admin_client, seed_programme, monkeypatch):
    """A double click: the second confirmation arrives while the first is still importing, its file
    still there."""
    html = preview(admin_client, (HEADER + GOOD_ROWS).encode())
    process_dataset = ImportMixin.process_dataset
    meanwhile = []

    def importing(*args, **kwargs):
        if not meanwhile:
            meanwhile.append(confirm(admin_client, html))
        return process_dataset(*args, **kwargs)

    monkeypatch.setattr(ImportMixin, "process_dataset", importing)
    assert confirm(admin_client, html).url == "/admin/outputs/output/"
    assert meanwhile[0].status_code == 302 and meanwhile[0].url == IMPORT_URL
    assert Output.objects.filter(outcome__country__code="MW", code="4.1").count() == 1


def test_a_failed_confirmation_may_be_confirmed_again(admin_client, seed_programme, monkeypatch):
    html = preview(admin_client, (HEADER + GOOD_ROWS).encode())
    monkeypatch.setattr(ImportMixin, "process_dataset", lambda *args, **kwargs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        confirm(admin_client, html)
    monkeypatch.undo()
    assert confirm(admin_client, html).url == "/admin/outputs/output/"
    assert Output.objects.filter(outcome__country__code="MW", code="4.1").exists()


def refused(client, content, name="outputs.csv", fmt="0"):
    html = preview(client, content, name=name, fmt=fmt)
    assert "Confirm import" not in html
    return html


def test_a_file_over_the_size_limit_is_refused_unread(admin_client, seed_programme, settings, tmp_media):
    content = (HEADER + GOOD_ROWS).encode()
    settings.IMPORT_MAX_BYTES = len(content) - 1
    html = refused(admin_client, content)
    assert f"an import takes at most {len(content) - 1}\xa0bytes" in html
    assert not (tmp_media / "django-import-export").exists()  # nothing copied anywhere
    settings.IMPORT_MAX_BYTES = len(content)
    assert "Confirm import" in preview(admin_client, content)


def test_a_csv_of_more_rows_than_the_limit_is_refused(admin_client, seed_programme, settings, tmp_media):
    settings.IMPORT_MAX_ROWS = 2
    three_rows = HEADER + GOOD_ROWS + "GLO/22/31/IRL,MW,4,4.2,Another,2026-06-30\n"
    html = refused(admin_client, three_rows.encode())
    assert "This file has more than 2 rows: an import takes at most 2." in html
    assert not (tmp_media / "django-import-export").exists()
    # A line break inside a quoted cell stays in its row: two rows, within the limit.
    quoted = HEADER + 'GLO/22/31/IRL,MW,1,1.3,"The campaign, in\ntwo lines",2026-03-31\n' + GOOD_ROWS.splitlines()[1]
    assert "Confirm import" in preview(admin_client, quoted.encode())


def test_an_xlsx_of_more_rows_than_the_limit_is_refused(admin_client, seed_programme, settings):
    settings.IMPORT_MAX_ROWS = 2
    row = ["GLO/22/31/IRL", "MW", 4, "4.1", "Reports are published on time", "2026-06-30"]
    html = refused(admin_client, workbook_bytes(row, row, row), name="outputs.xlsx", fmt="1")
    assert "This file has more than 2 rows: an import takes at most 2." in html
    assert "This file has more than" not in preview(admin_client, workbook_bytes(row, row), name="outputs.xlsx", fmt="1")
