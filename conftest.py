"""Fixtures for the whole suite.

The seed programme and the demo users are loaded once per test session (per xdist worker) into the
test database; each test then runs in a transaction that is rolled back, so every test starts from
the same data. A transactional test (``transaction=True``, ``live_server``) commits, and pytest-django
flushes the database after it: the next test that asks for the seed finds it missing and loads it
again (pytest-django runs the transactional tests after the others, so this is rare).
"""

import datetime
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

# The real-browser fixtures (one Chromium per test process), for every app's tests: defined once, since
# a second definition would start a second Playwright in the same thread.
pytest_plugins = ["reporting.tests.browser"]

ROOT = Path(__file__).resolve().parent
SEED_PAGE = ROOT / "fixtures" / "glo-22-31-irl-outputs.txt"
SEED_CODE = "GLO/22/31/IRL"
DEMO_PASSWORD = "demo-password-for-tests"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The accounts of the ``users`` fixture, which names them as attributes: officer-mw is users.officer_mw.
USERNAMES = ("admin", "coordinator", "donor", "officer-mw", "officer-mz", "officer-vn", "officer-zm",
             "officer-global", "nogrant", "officer-mw2")


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}


def pytest_collection_modifyitems(config, items):
    """With DATABASE_TESTS_ONLY=1 (make test's PostgreSQL leg), only the tests that use the database:
    the others read settings, files and catalogues, the same whatever the database, and run on the
    SQLite leg."""
    import os

    if os.environ.get("DATABASE_TESTS_ONLY") != "1":
        return
    kept, left = [], []
    for item in items:
        uses_database = item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        (kept if uses_database else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """One fast hasher for the whole session: the passwords set when the session loads the demo
    users are checked in every test, and a real hasher's cost would dominate the run."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield


def load_seed():
    """The seed programme as `make run` loads it, with the demo accounts and their grants, plus
    ``nogrant`` (an active user with no grant) and a second Malawi officer."""
    from django.contrib.auth import get_user_model

    from outputs.models import Output
    from programme.models import AccessGrant, Country, Programme, Role

    call_command("loaddata", ROOT / "fixtures" / "ilo_regions_countries.json", verbosity=0)
    call_command("loaddata", ROOT / "fixtures" / "glo-22-31-irl.json", verbosity=0)
    call_command("populate_history", "--auto", stdout=StringIO())  # as `setup_demo` does
    # Recorded as imported when the programme started, so that "as of" dates in 2025 find them.
    Output.history.update(history_date=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
        call_command("create_demo_users", stdout=StringIO())
    User = get_user_model()
    User.objects.create_user(
        "nogrant", email="nogrant@example.org", password=DEMO_PASSWORD, first_name="Nobody"
    )
    officer_mw2 = User.objects.create_user(
        "officer-mw2", email="officer-mw2@example.org", password=DEMO_PASSWORD,
        first_name="Tiyamike", last_name="Phiri",
    )
    AccessGrant.objects.create(
        user=officer_mw2, programme=Programme.objects.get(code=SEED_CODE),
        country=Country.objects.get(code="MW"), role=Role.OFFICER,
    )


def seed_programme_loaded():
    """The seed programme, loaded first (with the demo users) when the database does not hold it:
    at the start of the session, and after a transactional test, which pytest-django follows with
    a flush."""
    from programme.models import Programme

    programme = Programme.objects.filter(code=SEED_CODE).first()
    if programme is None:
        load_seed()
        programme = Programme.objects.get(code=SEED_CODE)
    return programme


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, fast_password_hashing):
    """The test database, with the seed loaded once and committed."""
    with django_db_blocker.unblock():
        seed_programme_loaded()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: fragments are cached under a programme's data version,
    which rolls back with a test's writes, so the next test would find a fragment of data it never had."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's language. A request activates its reader's language in the
    thread and leaves it active (the next request activates its own), so a test calling code
    directly after a French request would otherwise run in French."""
    from django.utils import translation

    translation.deactivate()
    yield


@pytest.fixture
def seed_page_path():
    return SEED_PAGE


@pytest.fixture
def seed_programme(db):
    """The seed programme GLO/22/31/IRL with the ILO country table, its history and the demo users."""
    return seed_programme_loaded()


@pytest.fixture
def second_programme(seed_programme):
    """A second programme beside the seed, GLO/24/07/LUX (Senegal, Cambodia, Global: 7 outputs),
    imported from its page through the importer service (outputs.testing.SECOND_PAGE)."""
    from outputs.testing import import_second_programme

    return import_second_programme()


@pytest.fixture
def empty_database(db):
    """The database as migrations leave it, without the session's seed, for tests of what loads
    data into an empty database (the importer, the demo commands). Rolled back with the test."""
    call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def write_page(tmp_path):
    """Write an outputs page as bytes (or text, encoded as UTF-8) and return its path."""

    def write(content, name="page.txt"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    return write


@pytest.fixture
def users(seed_programme):
    """The demo accounts with their grants, plus ``nogrant`` and a second Malawi officer, fresh from
    the database (``anon`` is None)."""
    from django.contrib.auth import get_user_model

    accounts = get_user_model().objects.filter(username__in=USERNAMES)
    return SimpleNamespace(anon=None, **{user.username.replace("-", "_"): user for user in accounts})


@pytest.fixture
def client_for():
    """A fresh test client logged in as the user (anonymous for None)."""
    from django.test import Client

    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
