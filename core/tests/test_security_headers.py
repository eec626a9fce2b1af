"""Security headers on pages, the admin, Swagger UI and PDFs: a CSP without 'unsafe-inline', and the
templates carry no inline script or style for it to block."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def csp_directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def assert_secure_headers(response):
    directives = csp_directives(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/accounts/login/", "/programmes/glo-22-31-irl/", "/admin/outputs/output/",
                                  "/api/docs/", "/api/outputs/", "/programmes/glo-22-31-irl/countries/mw/report.pdf"])
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
