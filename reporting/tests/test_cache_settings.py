"""The cache from the environment: each process's own memory, or with CACHE_URL one Redis shared by
every process and server (Django's RedisCache). Against a real redis-server on loopback, a country
page's fragment cached through one server's cache client is served through another's, and a write
through either gives both the new page (its key holds the programme's data version); the API's lists
are kept there too."""


import pytest
import redis
from django.core.cache import CacheHandler
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outputs.models import Output
from outputs.services.output_edits import output_edit
from testing.environment import settings_for
from testing.pages import main_of
from testing.servers import RedisServer

COUNTRY = "/programmes/glo-22-31-irl/countries/mw/"
API = "/api/outputs/?programme=glo-22-31-irl&country=mw"
# A page served from its cached fragment: the session, the account and the account's grants.
CACHED_PAGE_QUERIES = 3


def configured_caches(**environment):
    return settings_for(environment)["CACHES"]


def test_without_cache_url_the_development_server_keeps_its_own_memory():
    default = configured_caches()["default"]
    assert default["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert default["OPTIONS"] == {"MAX_ENTRIES": 300}


@pytest.mark.parametrize("environment", [
    {"DJANGO_DEBUG": "0"},
    {"DJANGO_ENV": "production", "DJANGO_SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "tracker.example.org",
     "DATABASE_URL": "postgres://tracker@db.internal/tracker"},
])
def test_without_cache_url_servers_share_the_database(environment):
    """gunicorn's processes, and every app server, share the limits' counts through the database."""
    caches = configured_caches(**environment)
    default = caches["default"]
    assert default["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert default["LOCATION"] == "tracker_cache" and default["OPTIONS"] == {"MAX_ENTRIES": 300}
    # Rendered fragments, keyed by data versions and so never stale, stay in each process's memory.
    assert caches["fragments"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_cache_url_names_a_redis_shared_by_every_server():
    caches = configured_caches(CACHE_URL="redis://cache.internal:6379/1", CACHE_KEY_PREFIX="release-42")
    default = caches["default"]
    assert default["BACKEND"] == "core.cache_backend.TolerantRedisCache"
    assert default["LOCATION"] == "redis://cache.internal:6379/1"
    assert default["KEY_PREFIX"] == "release-42"
    assert isinstance(CacheHandler(caches)["default"], RedisCache)
    assert caches["fragments"] == default  # every server reads the fragments the others rendered


@pytest.mark.parametrize("url", ["memcached://cache.internal:11211", "rediss-cluster://u:secret@cache.internal:6379"])
def test_another_scheme_stops_start_up_without_showing_the_address(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL starts with '[a-z-]+': use redis://host:port/db") as refused:
        configured_caches(CACHE_URL=url)
    assert "secret" not in str(refused.value) and "cache.internal" not in str(refused.value)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A redis-server of its own on a free loopback port, without persistence, for this module."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_a_fragment_cached_through_one_server_is_served_through_another(
    redis_url, settings, users, client_for
):
    coordinator = client_for(users.coordinator)
    shared = configured_caches(CACHE_URL=redis_url)
    settings.CACHES = shared  # server A's cache client
    first_count, first = queries(coordinator, COUNTRY)
    assert first_count > CACHED_PAGE_QUERIES  # rendered
    assert redis.Redis.from_url(redis_url).keys("*report-country:*")  # and kept in Redis, not in this process

    # Server B: Django drops its cache connections when CACHES changes; its client is a new one.
    settings.CACHES = {alias: dict(config) for alias, config in shared.items()}
    count, page = queries(coordinator, COUNTRY)
    assert count == CACHED_PAGE_QUERIES
    assert main_of(page) == main_of(first)

    # The API's lists are kept there too (pickled by RedisCache), and served again through B.
    api = coordinator.get(API).json()
    assert redis.Redis.from_url(redis_url).keys("*api-outputs:*")
    assert coordinator.get(API).json() == api

    # A write through either server gives the programme a new data version, so a new key.
    output = Output.objects.get(outcome__country__code="MW", code="1.1")
    output_edit(output=output, user=users.coordinator, reason="Reworded", title="Reworded after the first reading")
    settings.CACHES = {alias: dict(config) for alias, config in shared.items()}  # back on server A
    count, page = queries(coordinator, COUNTRY)
    assert count > CACHED_PAGE_QUERIES and "Reworded after the first reading" in page
