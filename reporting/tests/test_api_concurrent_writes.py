"""Two API clients writing from the revision they both read, at the same moment: one wins, the other
gets 412 and nothing of its change is written. On PostgreSQL, where the two transactions really
overlap: both pass the If-Match check, and the services' compare-and-swap on the revision decides."""

import threading
import time

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from outputs.models import Output, ReviewEvent, ReviewState, StatusUpdate
from outputs.services import output_edits
from outputs.testing import save_update, seed_output

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="SQLite has one writer at a time: PostgreSQL shows row locks"),
    pytest.mark.django_db(transaction=True),
]

HOLD_SECONDS = 0.5


def api_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def claims(monkeypatch):
    """The revision claims made, as (start, end) times: each holds its row a moment, as a slower
    request would, so that the other request arrives while the first is still open."""
    made = []
    original = output_edits.output_revision_claim

    def slow_claim(output, base_revision):
        started = time.monotonic()
        try:
            original(output, base_revision)
            time.sleep(HOLD_SECONDS)
        finally:
            made.append((started, time.monotonic()))

    monkeypatch.setattr(output_edits, "output_revision_claim", slow_claim)
    return made


def run_together(jobs):
    """Each job in its own thread with its own database connection, released together."""
    barrier = threading.Barrier(len(jobs))
    results, errors = {}, []

    def work(name, job):
        try:
            barrier.wait(timeout=10)
            results[name] = job()
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=item) for item in jobs.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def assert_overlapped(claims):
    """Both requests reached the claim (neither was refused by the If-Match check alone), the second
    before the first had ended: it waited on the first's row, then lost."""
    assert len(claims) == 2
    (_, first_end), (second_start, _) = sorted(claims)
    assert second_start < first_end


def test_two_officers_posting_from_the_same_revision_one_gets_412(users, claims):
    output = seed_output("MW", "1.1")
    clients = {"officer-mw": api_client(users.officer_mw), "officer-mw2": api_client(users.officer_mw2)}
    etags = {name: client.get(f"/api/outputs/{output.pk}/")["ETag"] for name, client in clients.items()}
    assert etags["officer-mw"] == etags["officer-mw2"] == '"0"'
    narratives = {name: f"{name} typed this at the same moment." for name in clients}

    def post(name):
        return lambda: clients[name].post(
            f"/api/outputs/{output.pk}/updates/",
            {"status": "at_risk", "progress": 30, "narrative": narratives[name]},
            format="json", headers={"If-Match": etags[name]},
        )

    responses = run_together({name: post(name) for name in clients})

    assert sorted(response.status_code for response in responses.values()) == [201, 412]
    (winner,) = [name for name, response in responses.items() if response.status_code == 201]
    (loser,) = [name for name, response in responses.items() if response.status_code == 412]
    assert responses[winner]["ETag"] == '"1"'
    assert "it is now at revision 1" in responses[loser].json()["detail"]
    update = StatusUpdate.objects.get()  # exactly one update, the winner's
    assert (update.narrative, update.author.username) == (narratives[winner], winner)
    assert ReviewEvent.objects.filter(update=update).count() == 1
    assert Output.objects.get(pk=output.pk).revision == 1
    assert_overlapped(claims)


def test_an_approval_and_an_edit_from_the_same_revision_one_gets_412(users, claims):
    """The coordinator approves the update as they read it while its officer changes it: either the
    approval wins and the edit is refused, or the edit wins and the approval of a version the
    coordinator never read is refused."""
    output = seed_output("MW", "1.3")
    update = save_update(output, users.officer_mw, status="at_risk", progress=40, narrative="As read.")
    claims.clear()
    coordinator, officer = api_client(users.coordinator), api_client(users.officer_mw)
    etag = coordinator.get(f"/api/updates/{update.pk}/")["ETag"]
    assert officer.get(f"/api/outputs/{output.pk}/")["ETag"] == etag

    responses = run_together({
        "approve": lambda: coordinator.post(f"/api/updates/{update.pk}/approve/", format="json",
                                            headers={"If-Match": etag}),
        "edit": lambda: officer.post(
            f"/api/outputs/{output.pk}/updates/",
            {"status": "off_track", "progress": 10, "narrative": "Changed meanwhile."},
            format="json", headers={"If-Match": etag},
        ),
    })

    codes = {name: response.status_code for name, response in responses.items()}
    assert codes in ({"approve": 200, "edit": 412}, {"approve": 412, "edit": 201})
    update.refresh_from_db()
    if codes["approve"] == 200:
        assert (update.review_state, update.narrative) == (ReviewState.APPROVED, "As read.")
        assert Output.objects.get(pk=output.pk).reported_update == update
    else:
        assert (update.review_state, update.narrative) == (ReviewState.SUBMITTED, "Changed meanwhile.")
        assert update.reviewed_by is None
    assert_overlapped(claims)
