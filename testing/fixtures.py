"""The suite's set-up and the fixtures every app's tests share.

The seed programme and the demo users are loaded once per test session (per xdist worker) into the
test database, which is then kept as a snapshot; each test runs in a transaction that is rolled back,
so every test starts from the same data. A transactional test (``transaction=True``, ``live_server``)
commits, and pytest-django flushes the database after it: the snapshot is put back, committed, before
the next test that uses the database (pytest-django runs the transactional tests after the others).
"""

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from .seed import FAST_HASHERS, SEED_PAGE, SNAPSHOT, USERNAMES, seed_programme_loaded

if TYPE_CHECKING:  # the models are imported once Django is set up
    from django.contrib.auth.models import User
    from django.test import Client
    from rest_framework.test import APIClient

    from outputs.models import Output
    from programme.models import Programme

DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def uses_database(item: pytest.Item) -> bool:
    return bool(item.get_closest_marker("django_db") or (DATABASE_FIXTURES | TRANSACTIONAL_FIXTURES)
                & set(getattr(item, "fixturenames", ())))


def flushes_database(item: pytest.Item) -> bool:
    """A transactional test: pytest-django empties every table after it."""
    marker = item.get_closest_marker("django_db")
    marked = marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    return bool(marked or TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With DATABASE_TESTS_ONLY=1 (make test's PostgreSQL leg), only the tests that use the database
    for what they check: the others read settings, files and catalogues, or lay out and translate
    documents whose queries the other tests run (``any_database``), the same whatever the database,
    and run on the SQLite leg."""
    if os.environ.get("DATABASE_TESTS_ONLY") != "1":
        return
    kept: list[pytest.Item] = []
    left: list[pytest.Item] = []
    for item in items:
        (kept if uses_database(item) and not item.get_closest_marker("any_database") else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


# --- The session and each test's start ---------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing() -> Iterator[None]:
    """One fast hasher for the whole session: the passwords set when the session loads the demo
    users are checked in every test, and a real hasher's cost would dominate the run."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker, fast_password_hashing: None) -> None:
    """The test database, with the seed loaded once and committed, and its snapshot."""
    global _db_blocker
    _db_blocker = django_db_blocker
    with django_db_blocker.unblock():
        seed_programme_loaded()
        SNAPSHOT.take()


_db_blocker = None  # pytest-django's database blocker, kept by django_db_setup for the hooks below
_flushed = False  # a transactional test emptied the database since the seed was last put back


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    """The seed put back, committed, before the first test using the database after a flush: before
    the test's fixtures open its transaction, whose rollback would take the seed away again."""
    global _flushed
    if _flushed and _db_blocker is not None and uses_database(item):
        with _db_blocker.unblock():
            SNAPSHOT.restore()
        _flushed = False
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    global _flushed
    try:
        return (yield)
    finally:
        if flushes_database(item):
            _flushed = True


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache: fragments are cached under a programme's data version,
    which rolls back with a test's writes, so the next test would find a fragment of data it never had."""
    from django.core.cache import caches

    for each in caches.all():  # the shared cache (limits, claims) and the fragments'
        each.clear()
    yield


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in the site's language (English). A request activates its reader's language in
    the thread and leaves it active (the next request activates its own), so a test calling code
    directly after a French request would otherwise run in French."""
    from django.utils import translation

    translation.deactivate()
    yield


# --- The seed and the people ---------------------------------------------------------------------


@pytest.fixture
def seed_page_path() -> Path:
    return SEED_PAGE


@pytest.fixture
def seed_programme(db: None) -> "Programme":
    """The seed programme GLO/22/31/IRL with the ILO country table, its history and the demo users."""
    return seed_programme_loaded()


@pytest.fixture
def empty_database(db: None) -> None:
    """The database as migrations leave it, without the session's seed, for tests of what loads
    data into an empty database (the importer, the demo commands). Rolled back with the test."""
    call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def write_page(tmp_path: Path) -> Callable[..., Path]:
    """Write an outputs page as bytes (or text, encoded as UTF-8) and return its path."""

    def write(content: str | bytes, name: str = "page.txt") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    return write


@pytest.fixture
def users(seed_programme: "Programme") -> SimpleNamespace:
    """The demo accounts with their grants, plus ``nogrant`` and a second Malawi officer, fresh from
    the database (``anon`` is None)."""
    from django.contrib.auth import get_user_model

    accounts = get_user_model().objects.filter(username__in=USERNAMES)
    return SimpleNamespace(anon=None, **{user.username.replace("-", "_"): user for user in accounts})


@pytest.fixture
def client_for() -> Callable[["User | None"], "Client"]:
    """A fresh test client logged in as the user (anonymous for None)."""
    from django.test import Client

    def make(user: "User | None") -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def api_for(db: None) -> Callable[..., "APIClient"]:
    """A fresh API client for the user: with their token, or logged in with ``token=False``
    (anonymous for None). testing.clients.api_client outside a test's fixtures."""
    from .clients import api_client

    return api_client


@pytest.fixture
def revision_claims(monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, float]]:
    """The revision claims made, as (start, end) times: each holds its row half a second, as a slower
    request would, so that a second request arrives while the first is still open."""
    from outputs.services import output_edits

    made: list[tuple[float, float]] = []
    original = output_edits.output_revision_claim

    def slow_claim(output: "Output", base_revision: int | None) -> None:
        started = time.monotonic()
        try:
            original(output, base_revision)
            time.sleep(0.5)
        finally:
            made.append((started, time.monotonic()))

    monkeypatch.setattr(output_edits, "output_revision_claim", slow_claim)
    return made


# --- Media, outputs, files and the workflow's steps --------------------------------------------


@pytest.fixture
def tmp_media(settings, tmp_path: Path) -> Path:
    """Evidence files, uploads and exports go to a throwaway folder, never to build/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def malawi_output(seed_programme: "Programme") -> "Output":
    from .workflow import seed_output

    return seed_output("MW", "1.1")


@pytest.fixture
def files() -> SimpleNamespace:
    """Builders of real files: files.pdf(), files.upload("docx"), files.exe(), ..."""
    from . import files as builders

    return SimpleNamespace(
        pdf=builders.pdf_bytes, png=builders.png_bytes, jpeg=builders.jpeg_bytes, docx=builders.docx_bytes,
        xlsx=builders.xlsx_bytes, exe=builders.exe_bytes, upload=builders.upload,
    )


@pytest.fixture
def workflow() -> SimpleNamespace:
    """The workflow's steps as an officer's and a coordinator's freshly loaded pages make them."""
    from .workflow import approve, save_update, seed_output

    return SimpleNamespace(save=save_update, approve=approve, output=seed_output)
