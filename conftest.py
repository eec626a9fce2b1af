import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent
SEED_PAGE = ROOT / "fixtures" / "glo-22-31-irl-outputs.txt"
SEED_CODE = "GLO/22/31/IRL"


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test starts with an empty cache: the database (and with it every data version) is new."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def seed_page_path():
    return SEED_PAGE


@pytest.fixture
def seed_programme(db):
    """The seed programme as `make run` loads it: the ILO country table and the GLO/22/31/IRL fixture."""
    call_command("loaddata", ROOT / "fixtures" / "ilo_regions_countries.json", verbosity=0)
    call_command("loaddata", ROOT / "fixtures" / "glo-22-31-irl.json", verbosity=0)
    call_command("populate_history", "--auto", stdout=StringIO())  # as `setup_demo` does
    from outputs.models import Output
    from programme.models import Programme

    # Recorded as imported when the programme started, so that "as of" dates in 2025 find them.
    Output.history.update(history_date=datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc))

    return Programme.objects.get(code=SEED_CODE)


@pytest.fixture
def write_page(tmp_path):
    """Write an outputs page as bytes (or text, encoded as UTF-8) and return its path."""

    def write(content, name="page.txt"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    return write


DEMO_PASSWORD = "demo-password-for-tests"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def users(seed_programme, settings, monkeypatch):
    """The demo accounts with their grants, plus ``nogrant`` and a second Malawi officer."""
    from types import SimpleNamespace

    from django.contrib.auth import get_user_model

    from programme.models import AccessGrant, Country, Role

    settings.PASSWORD_HASHERS = FAST_HASHERS  # eight password hashes per test would dominate the run
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    call_command("create_demo_users", stdout=StringIO())
    User = get_user_model()
    people = {user.username: user for user in User.objects.all()}
    nogrant = User.objects.create_user(
        "nogrant", email="nogrant@example.org", password=DEMO_PASSWORD, first_name="Nobody"
    )
    officer_mw2 = User.objects.create_user(
        "officer-mw2", email="officer-mw2@example.org", password=DEMO_PASSWORD,
        first_name="Tiyamike", last_name="Phiri",
    )
    AccessGrant.objects.create(
        user=officer_mw2, programme=seed_programme, country=Country.objects.get(code="MW"), role=Role.OFFICER
    )
    return SimpleNamespace(
        anon=None,
        admin=people["admin"],
        coordinator=people["coordinator"],
        donor=people["donor"],
        officer_mw=people["officer-mw"],
        officer_mz=people["officer-mz"],
        officer_vn=people["officer-vn"],
        officer_zm=people["officer-zm"],
        officer_global=people["officer-global"],
        nogrant=nogrant,
        officer_mw2=officer_mw2,
    )


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
