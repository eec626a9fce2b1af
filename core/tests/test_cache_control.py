"""What a signed-in person reads, and every API answer, is kept out of shared and browser caches."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token

from testing.workflow import save_update, seed_output

PRIVATE = "private, no-store"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize("path", [
    "/programmes/glo-22-31-irl/",
    "/programmes/glo-22-31-irl/exports/outputs.csv",
    "/api/outputs/",
])
def test_signed_in_pages_exports_and_api(users, client_for, path):
    response = client_for(users.coordinator).get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_api_with_a_token_and_without_credentials(users):
    token = Token.objects.create(user=users.coordinator)
    response = Client(HTTP_AUTHORIZATION=f"Token {token.key}").get("/api/outputs/")
    assert response.status_code == 200 and response["Cache-Control"] == PRIVATE
    refused = Client().get("/api/outputs/")
    assert refused.status_code == 401 and refused["Cache-Control"] == PRIVATE


def test_evidence_download(users, client_for, tmp_media):
    update = save_update(seed_output("MW", "1.1"), users.officer_mw, files=[SimpleUploadedFile("proof.pdf", PDF)])
    response = client_for(users.officer_mw).get(f"/evidence/{update.evidence.get().pk}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_anonymous_pages_static_files_and_healthz_keep_theirs(db):
    client = Client()
    to_login = client.get("/programmes/glo-22-31-irl/")
    assert to_login.status_code == 302 and "Cache-Control" not in to_login
    login = client.get("/accounts/login/")  # Django's never_cache, as before
    assert login["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    static = client.get("/static/css/app.css")
    assert static.status_code == 200 and "no-store" not in static.get("Cache-Control", "")
    health = client.get("/healthz")
    assert health["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
