"""No lost work: of two saves made from pages loaded at the same state, the second is refused with
what changed meanwhile, and the person keeps what they typed."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outputs.models import Output, ReviewEvent, StatusUpdate
from testing.pages import messages_of, text_of
from testing.workers import assert_overlapped, run_together

pytestmark = pytest.mark.usefixtures("tmp_media")

CONFLICT_MESSAGE = (
    "Someone else saved a change to this output after you opened the form. Your text is kept "
    "below: compare it with the change and save again."
)


def _update_form(output, revision, narrative, status="at_risk", progress="30"):
    return {
        "status": status,
        "progress": progress,
        "narrative": narrative,
        "as_of": timezone.localdate().isoformat(),
        "links": "",
        "base_revision": str(revision),
        "submit": "1",
    }


def _loaded_revision(client, output):
    """Open the update form as the person's browser would and read the revision it carries."""
    response = client.get(reverse("outputs:update", args=[output.pk]))
    assert response.status_code == 200
    return response.context["form"]["base_revision"].value()


def _conflict_panel(html):
    start = html.index('<section class="panel panel-conflict"')
    return html[start:html.index("</section>", start)]


# --- Sequential: one save after the other -----------------------------------------------------


def test_second_officer_save_is_refused_and_keeps_the_typed_text(users, malawi_output, client_for):
    first, second = client_for(users.officer_mw), client_for(users.officer_mw2)
    url = reverse("outputs:update", args=[malawi_output.pk])
    revision_first = _loaded_revision(first, malawi_output)
    revision_second = _loaded_revision(second, malawi_output)
    assert revision_first == revision_second == 0

    saved = first.post(url, _update_form(malawi_output, revision_first, "Chikondi: the survey is late."))
    assert saved.status_code == 302

    typed = "Tiyamike: my own long analysis of the delay, typed for twenty minutes."
    refused = second.post(url, _update_form(malawi_output, revision_second, typed, status="off_track",
                                            progress="15"))
    assert refused.status_code == 200
    html = text_of(refused)
    assert CONFLICT_MESSAGE in html
    assert typed in html  # the textarea still holds it
    assert refused.context["form"]["status"].value() == "off_track"
    panel = _conflict_panel(html)
    assert "Changed meanwhile" in panel
    assert "Chikondi Banda saved this on" in panel
    assert "Chikondi: the survey is late." in panel
    assert "At risk" in panel and "30%" in panel and "Submitted for review" in panel
    assert "The update was not saved. Please check the form." in messages_of(refused)

    # Nothing of the refused save was written.
    update = StatusUpdate.objects.get()
    assert (update.narrative, update.author, update.last_edited_by) == (
        "Chikondi: the survey is late.", users.officer_mw, users.officer_mw,
    )
    assert list(ReviewEvent.objects.values_list("action", "actor__username")) == [("submitted", "officer-mw")]
    malawi_output.refresh_from_db()
    assert malawi_output.revision == 1

    # The re-rendered form carries the new revision: saving again applies the text knowingly.
    assert refused.context["form"]["base_revision"].value() == 1
    again = second.post(url, _update_form(malawi_output, 1, typed, status="off_track", progress="15"))
    assert again.status_code == 302
    update.refresh_from_db()
    assert (update.narrative, update.status, update.last_edited_by) == (typed, "off_track", users.officer_mw2)
    assert StatusUpdate.objects.count() == 1


def test_officer_save_refused_after_a_coordinator_edit(users, malawi_output, client_for):
    officer, coordinator = client_for(users.officer_mw), client_for(users.coordinator)
    revision = _loaded_revision(officer, malawi_output)
    edit = coordinator.post(reverse("outputs:edit", args=[malawi_output.pk]), {
        "title": "Plan adopted by cabinet and rolled out in six districts",
        "deadline": "2027-06-30", "reason": "", "base_revision": str(revision),
    })
    assert edit.status_code == 302

    typed = "Progress in the pilot districts."
    refused = officer.post(reverse("outputs:update", args=[malawi_output.pk]),
                           _update_form(malawi_output, revision, typed))
    html = text_of(refused)
    assert refused.status_code == 200 and CONFLICT_MESSAGE in html and typed in html
    panel = _conflict_panel(html)
    assert "Plan adopted by cabinet and rolled out in six districts" in panel
    assert "30 Jun 2027" in panel
    assert StatusUpdate.objects.count() == 0 and ReviewEvent.objects.count() == 0


def test_second_coordinator_edit_is_refused_and_keeps_the_typed_text(users, malawi_output, client_for):
    first, second = client_for(users.coordinator), client_for(users.admin)
    url = reverse("outputs:edit", args=[malawi_output.pk])
    revision = first.get(url).context["form"]["base_revision"].value()
    assert second.get(url).context["form"]["base_revision"].value() == revision

    assert first.post(url, {"title": "Claire's wording", "deadline": "2026-12-31", "reason": "",
                            "base_revision": revision}).status_code == 302
    refused = second.post(url, {"title": "Ada's carefully typed wording", "deadline": "2027-01-31",
                                "reason": "Typo", "base_revision": revision})
    html = text_of(refused)
    assert refused.status_code == 200
    assert "Someone else changed this output after you opened the form." in html
    assert "Ada&#x27;s carefully typed wording" in html and 'value="2027-01-31"' in html
    panel = _conflict_panel(html)
    assert "Claire&#x27;s wording" in panel and "31 Dec 2026" in panel
    malawi_output.refresh_from_db()
    assert (malawi_output.title, str(malawi_output.deadline)) == ("Claire's wording", "2026-12-31")
    assert [r.title for r in malawi_output.history.order_by("history_date", "history_id")][-1] == "Claire's wording"


def test_coordinator_edit_refused_after_an_officer_save(users, malawi_output, client_for, workflow):
    coordinator = client_for(users.coordinator)
    url = reverse("outputs:edit", args=[malawi_output.pk])
    revision = coordinator.get(url).context["form"]["base_revision"].value()
    workflow.save(malawi_output, users.officer_mw, narrative="Officer's news.")
    refused = coordinator.post(url, {"title": "New text", "deadline": "2027-01-31", "reason": "",
                                     "base_revision": revision})
    assert refused.status_code == 200
    panel = _conflict_panel(text_of(refused))
    assert "Officer&#x27;s news." in panel and "Chikondi Banda saved this on" in panel
    malawi_output.refresh_from_db()
    assert malawi_output.title != "New text"


# --- Concurrent: two requests at once ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_one_wins(users, revision_claims):
    """On PostgreSQL both requests really overlap; SQLite serialises writers, so there they run in turn."""
    concurrently = connection.vendor == "postgresql"
    output = Output.objects.get(outcome__country__code="MW", code="1.1")

    clients = {"officer-mw": Client(), "officer-mw2": Client()}
    clients["officer-mw"].force_login(users.officer_mw)
    clients["officer-mw2"].force_login(users.officer_mw2)
    revision = _loaded_revision(clients["officer-mw"], output)
    assert _loaded_revision(clients["officer-mw2"], output) == revision
    narratives = {name: f"{name} typed this at the same moment." for name in clients}
    url = reverse("outputs:update", args=[output.pk])

    def post(name):
        return lambda: clients[name].post(url, _update_form(output, revision, narratives[name]))

    responses = run_together({name: post(name) for name in clients}, concurrently=concurrently)

    assert sorted(response.status_code for response in responses.values()) == [200, 302]
    (winner,) = [name for name, response in responses.items() if response.status_code == 302]
    (loser,) = [name for name, response in responses.items() if response.status_code == 200]
    html = text_of(responses[loser])
    assert CONFLICT_MESSAGE in html
    assert narratives[loser] in html
    assert narratives[winner] in _conflict_panel(html)

    update = StatusUpdate.objects.get()  # exactly one new update
    assert update.narrative == narratives[winner] and update.author.username == winner
    assert ReviewEvent.objects.filter(update=update).count() == 1
    assert Output.objects.get(pk=output.pk).revision == revision + 1
    assert len(revision_claims) == 2
    if concurrently:  # the two claims overlapped in time: the loser waited on the winner's row, then lost
        assert_overlapped(revision_claims)
