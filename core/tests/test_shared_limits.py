"""The password-reset limits counted in the database cache (the default without CACHE_URL when
served by several processes): the counts are rows every process and server reads, and requests
counted at the same moment never share a place (on PostgreSQL, where they really overlap)."""

import threading

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test import Client

DATABASE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "tracker_cache",
                              "OPTIONS": {"MAX_ENTRIES": 300}, "TIMEOUT": 3600}}


@pytest.fixture
def database_cache(settings, db):
    settings.CACHES = DATABASE_CACHE
    call_command("createcachetable", verbosity=0)  # as migrate makes it where this cache is configured
    caches["default"].clear()
    yield
    caches["default"].clear()


def test_migrate_makes_the_database_cache_table(settings, db):
    """Wherever migrate runs (make run, make serve, a deployment, the test database), so no server
    meets a cache without its table."""
    settings.CACHES = {"default": {**DATABASE_CACHE["default"], "LOCATION": "tracker_cache_made_by_migrate"}}
    assert "tracker_cache_made_by_migrate" not in connection.introspection.table_names()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # what migrate sends when it ends
    assert "tracker_cache_made_by_migrate" in connection.introspection.table_names()


def ask(email: str, ip: str = "203.0.113.5") -> int:
    return Client(REMOTE_ADDR=ip).post("/accounts/password_reset/", {"email": email}).status_code


def cache_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM tracker_cache WHERE cache_key LIKE %s", ["%password-reset:address:%"])
        return cursor.fetchone()[0]


def test_the_limit_is_counted_in_the_database(database_cache, users):
    answers = [ask("officer-mw@example.org", ip=f"198.51.100.{number}") for number in range(5)]
    assert answers == [302, 302, 302, 429, 429]
    assert cache_rows() == 3  # one row per request counted, read by every process


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_requests_at_the_same_moment_are_each_counted(database_cache, users):
    barrier = threading.Barrier(8)
    answers, errors = [], []

    def request(number: int) -> None:
        try:
            barrier.wait(timeout=10)
            answers.append(ask("officer-zm@example.org", ip=f"198.51.100.{number}"))
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=request, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(answers) == [302] * 3 + [429] * 5
    assert cache_rows() == 3
