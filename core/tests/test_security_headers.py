"""Security headers on pages, the admin, Swagger UI and PDFs (checked where a PDF is rendered anyway:
reporting/tests/test_export_views.py): a CSP without 'unsafe-inline', and the templates carry no inline
script or style for it to block."""

import re
from pathlib import Path

import pytest

from testing.headers import assert_secure_headers

ROOT = Path(__file__).resolve().parents[2]




@pytest.mark.parametrize("path", ["/accounts/login/", "/programmes/glo-22-31-irl/", "/admin/outputs/output/",
                                  "/api/docs/", "/api/outputs/"])
def test_headers_on_pages_admin_api_and_pdf(users, client_for, path):
    response = client_for(users.admin).get(path)
    assert response.status_code == 200, path
    assert_secure_headers(response)


def test_anonymous_login_page_has_headers(db, client):
    assert_secure_headers(client.get("/accounts/login/"))


def test_swagger_ui_needs_no_inline_script_or_style(users, client_for):
    client = client_for(users.admin)
    page = client.get("/api/docs/").content.decode()
    assert not re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline script"
    assert "<style" not in page and "style=" not in page
    script_url = re.search(r'<script src="(/api/docs/\?[^"]+)"', page).group(1)
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_templates_have_no_inline_script_or_style():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or "<style" in text or re.search(r"\sstyle=", text) \
                or re.search(r"\son[a-z]+=", text):
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []
