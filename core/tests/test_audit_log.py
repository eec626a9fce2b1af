"""The audit log: logins, logouts, failures and refused accesses with who, what, when and from where."""

import io
import logging
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token

from testing.files import stored_files
from testing.seed import DEMO_PASSWORD
from testing.workflow import save_update, seed_output

IP = "192.0.2.44"


@pytest.fixture
def audit_lines(caplog):
    caplog.set_level(logging.INFO, logger="audit")

    def lines(event):
        return [record for record in caplog.records if record.name == "audit" and record.audit["event"] == event]

    return lines


def test_login_and_logout(users, audit_lines):
    client = Client(REMOTE_ADDR=IP)
    client.post("/accounts/login/", {"username": "officer-mw", "password": DEMO_PASSWORD})
    client.post("/accounts/logout/")
    (login,) = audit_lines("login")
    assert login.audit | {"ip": IP} == {
        "event": "login", "user_id": users.officer_mw.pk, "username": "officer-mw", "ip": IP, "method": "POST",
        "path": "/accounts/login/",
    }
    assert login.created  # when: every record carries its time (asctime in the log line)
    (logout,) = audit_lines("logout")
    assert logout.audit["username"] == "officer-mw" and logout.audit["ip"] == IP


def test_failed_login_names_the_username_tried(users, audit_lines):
    Client(REMOTE_ADDR=IP).post("/accounts/login/", {"username": "coordinator", "password": "guess-1234"})
    (failure,) = audit_lines("login_failed")
    assert failure.levelno == logging.WARNING
    assert failure.audit["username"] == "coordinator" and failure.audit["ip"] == IP
    assert "guess-1234" not in failure.getMessage()


def test_forbidden_page_is_logged(users, client_for, audit_lines):
    response = client_for(users.officer_mw).get(f"/outputs/{seed_output('MW', '1.1').pk}/edit/")
    assert response.status_code == 403
    (refusal,) = audit_lines("access_refused")
    assert refusal.audit["status"] == 403 and refusal.audit["username"] == "officer-mw"
    assert refusal.audit["path"].endswith("/edit/") and refusal.audit["method"] == "GET"
    assert "coordinators" in refusal.audit["reason"]


def test_programme_hidden_by_404_is_logged(users, client_for, audit_lines):
    response = client_for(users.nogrant).get("/programmes/glo-22-31-irl/")
    assert response.status_code == 404
    (refusal,) = audit_lines("access_refused")
    assert refusal.audit["status"] == 404 and refusal.audit["username"] == "nogrant"
    assert refusal.audit["path"] == "/programmes/glo-22-31-irl/"


def test_a_missing_page_is_not_an_access_refusal(users, client_for, audit_lines):
    assert client_for(users.coordinator).get("/no-such-page/").status_code == 404
    assert audit_lines("access_refused") == []


def test_api_refusals_are_logged(users, audit_lines):
    update = save_update(seed_output("MW", "1.3"), users.officer_mw)
    client = Client(REMOTE_ADDR=IP, HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=users.officer_mw).key}")
    assert client.post(f"/api/updates/{update.pk}/approve/").status_code == 403
    (refusal,) = audit_lines("access_refused")
    assert refusal.audit["status"] == 403 and refusal.audit["username"] == "officer-mw" and refusal.audit["ip"] == IP
    bad_token = Client(REMOTE_ADDR=IP, HTTP_AUTHORIZATION="Token not-a-real-token")
    assert bad_token.get("/api/outputs/").status_code == 401
    assert audit_lines("access_refused")[-1].audit["status"] == 401


def test_lines_are_key_value_pairs(users, audit_lines):
    Client(REMOTE_ADDR=IP).post("/accounts/login/", {"username": "some one", "password": "x"})
    (failure,) = audit_lines("login_failed")
    assert failure.getMessage() == (
        f'event=login_failed user_id="" username="some one" ip={IP} method=POST path=/accounts/login/ locked_out=no'
    )


def test_undecodable_bytes_in_a_value_are_written_as_escapes(audit_lines):
    from core.audit import audit

    audit("upload_refused", None, user=None, name=b"r\xe9sum\xe9.pdf".decode("utf-8", "surrogateescape"))
    (line,) = audit_lines("upload_refused")
    assert line.getMessage().endswith(r"name=r\udce9sum\udce9.pdf")
    line.getMessage().encode("utf-8")  # a log line encodes as UTF-8


def test_api_error_before_authentication_is_not_a_500(users):
    """DRF refuses an unknown format suffix before authenticating: the audit must not authenticate
    then (the transaction is already marked for rollback)."""
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=users.officer_mw).key}")
    assert client.get("/api/outcomes/0.5/").status_code == 404


# --- Refused uploads, CSRF failures, and a 403 as one line ----------------------------------------


def _docx_bomb():
    """A DOCX-named zip whose single part unpacks to 2 MB of zeros from a few kilobytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (2 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize("name, content, reason", [
    ("tool.exe", b"MZ\x90\x00" + b"\0" * 100, "wrong_type"),
    ("report.pdf", b"not a pdf at all", "content_mismatch"),
    ("big.pdf", b"%PDF-1.4\n" + b"\0" * (10 * 1024 * 1024), "too_large"),
    ("bomb.docx", None, "zip_bomb"),
])
def test_refused_upload_is_logged_with_the_user(users, audit_lines, settings, tmp_media, name, content, reason):
    settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    upload = SimpleUploadedFile(name, _docx_bomb() if content is None else content)
    with pytest.raises(ValidationError):
        save_update(seed_output("MW", "1.1"), users.officer_mw, files=[upload])
    (refusal,) = audit_lines("upload_refused")
    assert refusal.levelno == logging.WARNING
    assert refusal.audit["username"] == "officer-mw" and refusal.audit["user_id"] == users.officer_mw.pk
    assert refusal.audit["reason"] == reason and refusal.audit["file"] == name
    assert stored_files(tmp_media) == []  # nothing stored


def test_csrf_failure_is_one_audit_line_and_a_page(users, caplog, audit_lines):
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=IP)
    client.force_login(users.officer_mw)
    caplog.clear()
    response = client.post("/i18n/setlang/", {"language": "fr"})
    assert response.status_code == 403
    assert "reload the page" in response.content.decode() and 'class="site-header"' in response.content.decode()
    (failure,) = audit_lines("csrf_failure")
    assert failure.audit["username"] == "officer-mw" and failure.audit["ip"] == IP
    assert "CSRF" in failure.audit["reason"]
    assert [record.name for record in caplog.records] == ["audit"]


@pytest.mark.parametrize("api", [False, True])
def test_an_expected_403_logs_one_line_and_no_traceback(users, caplog, api):
    caplog.set_level(logging.INFO)
    if api:
        update = save_update(seed_output("MW", "1.3"), users.officer_mw)
        client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=users.officer_mw).key}")
        caplog.clear()
        response = client.post(f"/api/updates/{update.pk}/approve/")
    else:
        client = Client()
        client.force_login(users.officer_mw)
        caplog.clear()
        response = client.get(f"/outputs/{seed_output('MW', '1.1').pk}/edit/")
    assert response.status_code == 403
    assert [(record.name, record.audit["event"]) for record in caplog.records] == [("audit", "access_refused")]
    assert not any(record.exc_info for record in caplog.records)


def test_django_logs_each_line_once(settings):
    """Django's own console handler (active with DEBUG) printed every django.* line a second time
    beside the root's handler."""
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django").propagate


def test_a_request_body_too_large_is_logged_with_the_user(users, client_for, audit_lines, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 1024
    output = seed_output("MW", "1.1")
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"\0" * 4096)
    response = client_for(users.officer_mw).post(f"/outputs/{output.pk}/update/", {"files": [upload]})
    assert response.status_code == 413
    (refusal,) = audit_lines("upload_refused")
    assert refusal.audit["username"] == "officer-mw" and refusal.audit["reason"] == "too_large"
    assert refusal.audit["length"] > 1024
