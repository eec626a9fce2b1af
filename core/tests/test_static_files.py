"""Production static files, as `make serve` runs them: collected under hashed names, compressed,
and served by whitenoise with DEBUG off to the pages that link them.

The third-party apps' files (admin, API browser, Swagger UI) are left out of this collection: they
take a minute to compress and no page below links them.
"""

import re

import brotli
import pytest
from django.core.management import call_command

THIRD_PARTY = ["admin", "rest_framework", "import_export", "drf_spectacular_sidecar"]


@pytest.fixture
def production_static(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    ignore = [argument for name in THIRD_PARTY for argument in ("--ignore", name)]
    call_command("collectstatic", "--noinput", *ignore, verbosity=0)
    return settings.STATIC_ROOT


@pytest.mark.django_db
def test_a_page_loads_its_hashed_compressed_stylesheet_with_debug_off(production_static, users, client_for):
    client = client_for(users.coordinator)
    page = client.get("/programmes/glo-22-31-irl/countries/mw/")
    assert page.status_code == 200
    html = page.content.decode()
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', html)
    assert stylesheet, "the page links css/app.css by its hashed name"
    assert re.search(r'src="/static/js/app\.[0-9a-f]{12}\.js"', html)

    response = client.get(stylesheet.group(1), HTTP_ACCEPT_ENCODING="br, gzip")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert response["Content-Encoding"] == "br"
    assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    collected = (production_static / stylesheet.group(1).removeprefix("/static/")).read_bytes()
    assert brotli.decompress(body) == collected
    assert collected.startswith(b"/* Output tracker")  # the app's own stylesheet


@pytest.mark.django_db
def test_unhashed_and_unknown_static_paths_are_not_served(production_static, client):
    assert client.get("/static/css/nothing-here.css").status_code == 404
    # The unhashed name still answers (for links kept from before a deployment), without the long cache.
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "immutable" not in response.get("Cache-Control", "")
