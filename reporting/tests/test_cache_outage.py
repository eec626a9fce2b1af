"""A shared cache (CACHE_URL) that stops answering, against a real redis-server stopped under the app:
pages, the dashboard, the API's lists and the review queue are built from the database instead of
failing; /healthz stays 200 and says the cache is unavailable; what needs the cache to decide (the
password-reset limit, the admin import's claim) refuses rather than go uncounted; all comes back
with Redis."""

import logging
import runpy
from pathlib import Path

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from core.cache_backend import CacheUnavailable, TolerantRedisCache, _Outage
from outputs.spreadsheets import AlreadyClaimed, confirmation_claim
from testing.servers import RedisServer

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "config" / "settings.py"
COUNTRY = "/programmes/glo-22-31-irl/countries/mw/"
PAGES = {
    "country page": COUNTRY,
    "dashboard": "/programmes/glo-22-31-irl/dashboard/",
    "API list": "/api/outputs/?programme=glo-22-31-irl&country=mw",
    "review queue": "/reviews/",
}


@pytest.fixture
def shared_cache(tmp_path, monkeypatch, settings):
    """The cache config/settings.py builds for CACHE_URL, on a redis-server started for the test.
    A failing Redis is tried again at once (not after RETRY_SECONDS), so that it is seen back."""
    server = RedisServer(tmp_path)
    server.start()
    monkeypatch.setenv("CACHE_URL", server.url)
    settings.CACHES = runpy.run_path(str(SETTINGS_FILE))["CACHES"]
    monkeypatch.setattr(TolerantRedisCache, "RETRY_SECONDS", 0)
    monkeypatch.setattr(_Outage, "until", 0.0)
    monkeypatch.setattr(_Outage, "reported", float("-inf"))
    try:
        yield server
    finally:
        server.stop()


def main(page: str) -> str:
    """The page's body: the shell around it (CSRF tokens) differs from request to request."""
    return page.split("<main")[1].split("</main>")[0]


def test_with_redis_stopped_pages_come_from_the_database_and_come_back_to_redis(
    shared_cache, users, client_for, caplog
):
    coordinator = client_for(users.coordinator)
    before = {name: coordinator.get(url) for name, url in PAGES.items()}
    assert all(response.status_code == 200 for response in before.values())
    assert shared_cache.keys("*report-country:*") and shared_cache.keys("*api-outputs:*")

    shared_cache.stop()
    with caplog.at_level(logging.ERROR, logger="core.cache_backend"):
        during = {name: coordinator.get(url) for name, url in PAGES.items()}
        donor_page = client_for(users.donor).get(COUNTRY)
    assert {name: response.status_code for name, response in during.items()} == dict.fromkeys(PAGES, 200)
    assert main(during["country page"].content.decode()) == main(before["country page"].content.decode())
    assert during["API list"].json() == before["API list"].json()
    assert donor_page.status_code == 200 and "Malawi" in donor_page.content.decode()
    # Logged once, not at every cache call of every request.
    assert [record.levelname for record in caplog.records if record.name == "core.cache_backend"] == ["ERROR"]
    health = Client().get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "ok", "cache": "unavailable"}

    shared_cache.start()  # empty, on the same port
    assert coordinator.get(COUNTRY).status_code == 200
    assert shared_cache.keys("*report-country:*")
    assert Client().get("/healthz").json() == {"status": "ok", "database": "ok", "cache": "ok"}


def ask_reset(email: str) -> object:
    client = Client()
    return client.post("/accounts/password_reset/", {"email": email})


def test_with_redis_stopped_a_password_reset_is_not_sent_uncounted(shared_cache, users):
    assert ask_reset("officer-mw@example.org").status_code == 302
    queued = DBTaskResult.objects.count()

    shared_cache.stop()
    refused = ask_reset("officer-mw@example.org")
    assert refused.status_code == 503 and refused["Retry-After"] == "60"
    page = refused.content.decode()
    assert "No link was sent: this cannot be done for a few minutes." in page
    assert 'value="officer-mw@example.org"' in page  # the form keeps what was typed
    assert DBTaskResult.objects.count() == queued  # nothing queued for the worker

    shared_cache.start()
    assert ask_reset("officer-mw@example.org").status_code == 302


def test_with_redis_stopped_claims_refuse_or_go_on_unclaimed_where_the_save_checks(shared_cache, users, client_for):
    shared_cache.stop()
    with pytest.raises(CacheUnavailable), confirmation_claim("import-confirmation:a"):
        pytest.fail("went on without its claim")
    with confirmation_claim("reporting-workbook-confirmation:a", proceed_unclaimed=True):
        pass  # the workbook's save refuses a second confirmation by the revisions it carries

    # The admin import, which nothing else keeps from importing twice, is refused and told why.
    admin = client_for(users.admin)
    response = admin.post("/admin/outputs/output/process_import/", {"import_file_name": "a", "format": "0",
                                                                     "original_file_name": "a.csv", "resource": "0"},
                          follow=True)
    assert response.redirect_chain == [("/admin/outputs/output/import/", 302)]
    assert "This import cannot be confirmed for a moment: nothing was imported" in response.content.decode()

    shared_cache.start()
    with confirmation_claim("import-confirmation:a"):
        pass
    with pytest.raises(AlreadyClaimed), confirmation_claim("import-confirmation:a"):
        pass
