"""The seed every test starts from: the programme GLO/22/31/IRL as `make run` loads it, with the demo
accounts and their grants, plus ``nogrant`` (an active user with no grant) and a second Malawi officer."""

import datetime
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command

if TYPE_CHECKING:  # the models are imported once Django is set up
    from programme.models import Programme

ROOT = Path(__file__).resolve().parent.parent
SEED_PAGE = ROOT / "fixtures" / "glo-22-31-irl-outputs.txt"
SEED_CODE = "GLO/22/31/IRL"
SEED_SLUG = "glo-22-31-irl"
DEMO_PASSWORD = "demo-password-for-tests"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The accounts of the ``users`` fixture, which names them as attributes: officer-mw is users.officer_mw.
USERNAMES = ("admin", "coordinator", "donor", "officer-mw", "officer-mz", "officer-vn", "officer-zm",
             "officer-global", "nogrant", "officer-mw2")


def load_seed() -> None:
    """The seed programme with its history, the demo accounts and their grants, ``nogrant`` and
    ``officer-mw2``, into a database that does not hold them."""
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


def seed_programme_loaded() -> "Programme":
    """The seed programme, loaded first (with the demo users) when the database does not hold it:
    at the start of the session, and after a transactional test, which pytest-django follows with
    a flush."""
    from programme.models import Programme

    programme = Programme.objects.filter(code=SEED_CODE).first()
    if programme is None:
        load_seed()
        programme = Programme.objects.get(code=SEED_CODE)
    return programme
