"""Two API clients writing from the revision they both read, at the same moment: one wins, the other
gets 412 and nothing of its change is written. On PostgreSQL, where the two transactions really
overlap: both pass the If-Match check, and the services' compare-and-swap on the revision decides."""

import pytest
from django.db import connection

from outputs.models import Output, ReviewEvent, ReviewState, StatusUpdate
from testing.workers import assert_overlapped, run_together
from testing.workflow import save_update, seed_output

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="SQLite has one writer at a time: PostgreSQL shows row locks"),
    pytest.mark.django_db(transaction=True),
]

def test_two_officers_posting_from_the_same_revision_one_gets_412(users, api_for, revision_claims):
    output = seed_output("MW", "1.1")
    clients = {"officer-mw": api_for(users.officer_mw), "officer-mw2": api_for(users.officer_mw2)}
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
    assert_overlapped(revision_claims)


def test_an_approval_and_an_edit_from_the_same_revision_one_gets_412(users, api_for, revision_claims):
    """The coordinator approves the update as they read it while its officer changes it: either the
    approval wins and the edit is refused, or the edit wins and the approval of a version the
    coordinator never read is refused."""
    output = seed_output("MW", "1.3")
    update = save_update(output, users.officer_mw, status="at_risk", progress=40, narrative="As read.")
    revision_claims.clear()
    coordinator, officer = api_for(users.coordinator), api_for(users.officer_mw)
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
    assert_overlapped(revision_claims)
