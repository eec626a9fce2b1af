"""Saves in different programmes never wait for each other: a write locks its own programme's row
(its data version) and the rows it changes, nothing shared by the whole site."""

import datetime
import threading
import time

import pytest
from django.db import connection, transaction

from outputs.models import Output
from programme.models import AccessGrant, Country, Outcome, Programme, Role
from testing.workflow import save_update, seed_output

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time: PostgreSQL shows row locks"),
    pytest.mark.django_db(transaction=True),
]

HOLD_SECONDS = 3


@pytest.fixture
def other_output(users):
    """An output of a second programme, on which the second Malawi officer reports."""
    programme = Programme.objects.create(code="OTHER/26/01/XYZ", title="Another programme")
    malawi = Country.objects.get(code="MW")
    outcome = Outcome.objects.create(programme=programme, country=malawi, number=1)
    AccessGrant.objects.create(user=users.officer_mw2, programme=programme, country=malawi, role=Role.OFFICER)
    return Output.objects.create(outcome=outcome, code="1.1", title="Another output", deadline=datetime.date(2026, 12, 31))


def hold_a_save_open(output, user, saved: threading.Event, errors: list):
    """A save whose transaction stays open (as a slow request would hold it) for HOLD_SECONDS."""
    try:
        with transaction.atomic():
            save_update(output, user, narrative="Held open.")
            saved.set()
            time.sleep(HOLD_SECONDS)
    except BaseException as error:  # re-raised in the test's thread
        errors.append(error)
        saved.set()
    finally:
        connection.close()


def timed_save_while_another_is_held(held_output, held_user, output, user):
    saved, errors = threading.Event(), []
    holder = threading.Thread(target=hold_a_save_open, args=(held_output, held_user, saved, errors))
    holder.start()
    assert saved.wait(timeout=30)
    started = time.monotonic()
    save_update(output, user, narrative="Saved meanwhile.")
    elapsed = time.monotonic() - started
    holder.join(timeout=30)
    assert not errors, errors
    return elapsed


def test_a_save_in_another_programme_does_not_wait(users, other_output):
    elapsed = timed_save_while_another_is_held(seed_output("MW", "1.1"), users.officer_mw, other_output, users.officer_mw2)
    assert elapsed < 0.5, f"waited {elapsed:.2f} s behind another programme's open transaction"


def test_a_save_in_the_same_programme_waits_for_the_open_one(users):
    """The lock the first test shows absent: writes to one programme queue on its data version."""
    elapsed = timed_save_while_another_is_held(seed_output("MW", "1.1"), users.officer_mw, seed_output("MW", "1.2"), users.officer_mw2)
    assert elapsed > HOLD_SECONDS / 2
