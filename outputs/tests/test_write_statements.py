"""The statements a status save and an approval cost, through the pages as a browser sends them."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outputs.models import ReviewState, StatusUpdate
from testing.workflow import save_update, seed_output


def statements(client, url, data):
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    return [query["sql"] for query in captured.captured_queries]


def test_a_status_save_through_the_form_runs_at_most_15_statements(users, client_for):
    output = seed_output("MW", "1.4")
    client = client_for(users.officer_mw)
    # The session, the account and its grants; the output with its component and status pointers.
    # Then, in a savepoint: the programme's new data version, the output's revision, the pending
    # pointer read under it, the update and its history row, its review event, its one link, the
    # pointer to it. The session is not written again (its last-seen time is fresh).
    sql = statements(client, reverse("outputs:update", args=[output.pk]), {
        "status": "on_track", "progress": "60", "narrative": "Under way.", "as_of": timezone.localdate().isoformat(),
        "links": "https://example.org/report", "base_revision": str(output.revision), "submit": "1",
    })
    assert StatusUpdate.objects.get(output=output).review_state == ReviewState.SUBMITTED
    assert len(sql) <= 15, "\n".join(sql)


def test_an_approval_runs_at_most_18_statements(users, client_for):
    update = save_update(seed_output("MW", "1.4"), users.officer_mw)
    update.output.refresh_from_db()
    client = client_for(users.coordinator)
    # The session, the account and its grants, the update with its output and programme; then, in
    # a savepoint: the data version, the revision, the update locked and saved with its history row,
    # the kept monthly statuses from the review's month on (none: reporting.signals), the review
    # event, the latest approved update and the two status pointers.
    sql = statements(client, reverse("outputs:approve", args=[update.pk]), {"base_revision": update.output.revision})
    assert StatusUpdate.objects.get(pk=update.pk).review_state == ReviewState.APPROVED
    assert len(sql) <= 18, "\n".join(sql)
