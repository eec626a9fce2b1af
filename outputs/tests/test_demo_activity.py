"""The demo's year as `make run` writes it (manage.py setup_demo on the seed programme, today),
read back through the models and the pages, then set-up run again; and what it leaves alone."""

import datetime
import io
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from outputs.models import Evidence, Output, ReviewEvent, ReviewState, Status, StatusUpdate
from programme.models import Programme
from testing.workflow import save_update, seed_output

SEED_CODE = "GLO/22/31/IRL"
BANNER = "Demonstration data: the updates"
NOTICE = "Demonstration data."


def setup_demo():
    out = StringIO()
    call_command("setup_demo", stdout=out)
    return out.getvalue()


def snapshot(programme):
    """What the demo wrote: updates by state, events, evidence and edit records."""
    outputs = Output.objects.filter(outcome__programme=programme)
    updates = StatusUpdate.objects.filter(output__in=outputs)
    return {
        "updates": sorted(updates.values_list("pk", "review_state", "status", "progress", "as_of")),
        "events": ReviewEvent.objects.filter(programme=programme).count(),
        "evidence": Evidence.objects.filter(update__in=updates).count(),
        "history": Output.history.filter(id__in=outputs.values("pk")).count(),
    }


def check_files(evidence, client):
    """Every evidence file is a genuine PDF or PNG, stored and downloadable."""
    kinds = []
    for item in evidence:
        with default_storage.open(item.file.name, "rb") as stored:
            content = stored.read()
        assert len(content) == item.size > 1000
        if item.content_type == "application/pdf":
            reader = PdfReader(io.BytesIO(content))
            assert len(reader.pages) == 1
            assert item.original_name.removesuffix(".pdf") in reader.pages[0].extract_text()
        else:
            assert item.content_type == "image/png"
            with Image.open(io.BytesIO(content)) as image:
                assert image.format == "PNG" and image.size == (800, 450)
        response = client.get(reverse("outputs:evidence", args=[item.pk]))
        assert response.status_code == 200 and b"".join(response.streaming_content) == content
        kinds.append(item.content_type)
    return sorted(kinds)


@pytest.mark.django_db
def test_setup_demo_writes_a_year_of_activity_once(users, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEMO_ACTIVITY = True
    today = timezone.localdate()
    assert "Demonstration activity written into GLO/22/31/IRL" in setup_demo()

    programme = Programme.objects.get(code=SEED_CODE)
    assert programme.demo
    updates = StatusUpdate.objects.filter(output__outcome__programme=programme).select_related("output__outcome__country")
    approved = [update for update in updates if update.review_state == ReviewState.APPROVED]
    # Approved updates in every status, over the year, dated on their days; 40+ outputs reported.
    assert {update.status for update in approved} == set(Status.values)
    approval_months = {timezone.localtime(update.reviewed_at).strftime("%Y-%m") for update in approved}
    assert len(approval_months) >= 6
    assert all(today - datetime.timedelta(days=366) < update.as_of <= timezone.localtime(update.reviewed_at).date()
               < today for update in approved)
    assert Output.objects.filter(outcome__programme=programme, reported_update__isnull=False).count() >= 40
    events = ReviewEvent.objects.filter(programme=programme)
    assert len({timezone.localtime(event.at).strftime("%Y-%m") for event in events}) >= 6
    assert timezone.localtime(events.order_by("-at").first().at).date() < today
    # Open work: waiting for review, one returned with its reason, drafts in two countries.
    assert sum(update.review_state == ReviewState.SUBMITTED for update in updates) >= 3
    returned = events.get(action=ReviewEvent.Action.RETURNED)
    assert returned.reason and returned.actor == users.coordinator
    assert returned.update.review_state == ReviewState.RETURNED
    drafts = [update for update in updates if update.review_state == ReviewState.DRAFT]
    assert len({update.output.outcome.country.code for update in drafts}) == 2
    # Each officer wrote about their own country.
    officers = {users.officer_mw: "MW", users.officer_mz: "MZ", users.officer_vn: "VN", users.officer_zm: "ZM"}
    assert all(officers.get(update.author, update.output.outcome.country.code) == update.output.outcome.country.code
               for update in updates)

    # Evidence: real PDF and PNG files made at set-up, and links.
    evidence = Evidence.objects.filter(update__in=updates)
    coordinator = client_for(users.coordinator)
    assert check_files(evidence.exclude(file=""), coordinator) == ["application/pdf"] * 3 + ["image/png"] * 2
    assert evidence.filter(file="").exclude(url="").count() >= 3

    # A deadline extension and an edited title, each in the history as the coordinator's edit.
    edits = Output.history.filter(history_user=users.coordinator).order_by("history_date")
    assert [edit.history_type for edit in edits] == ["~", "~"]
    assert all(edit.history_change_reason and timezone.localtime(edit.history_date).date() < today for edit in edits)
    extended = [edit for edit in edits if edit.deadline > today]
    assert len(extended) == 1 and Output.objects.get(pk=extended[0].id).deadline == extended[0].deadline
    assert any(" coverage " in edit.title and " overage " in edit.prev_record.title for edit in edits)
    assert StatusUpdate.history.filter(history_user__isnull=True).count() == 0

    # The pages: a notice on the overview, the strip on the others; a full review queue; What changed's
    # default window and the dashboard's months show the year.
    overview = coordinator.get(reverse("reporting:programme_overview", args=[programme.slug])).content.decode()
    assert NOTICE in overview and BANNER not in overview
    queue = coordinator.get(reverse("outputs:review_queue"))
    assert BANNER in queue.content.decode() and len(queue.context["updates"]) >= 3
    changes = coordinator.get(reverse("reporting:changes", args=[programme.slug]))
    assert changes.context["totals"].status_changes >= 5 and changes.context["totals"].text_changes >= 1
    dashboard = coordinator.get(reverse("reporting:dashboard", args=[programme.slug]))
    reported = [month.summary.total - month.summary.counts.get(None, 0) for month in dashboard.context["status_months"]]
    assert len(set(reported)) >= 6 and reported[-1] >= 40
    donor_page = client_for(users.donor).get(reverse("reporting:dashboard", args=[programme.slug])).content.decode()
    assert BANNER in donor_page

    # Set-up again, after a person's own draft: nothing written twice or overwritten, the draft kept.
    free = Output.objects.filter(outcome__programme=programme, outcome__country__code="ZM", updates__isnull=True).first()
    own = save_update(free, users.officer_zm, submit=False, narrative="My own words.")
    before = snapshot(programme)
    assert "already holds the demonstration activity" in setup_demo()
    assert snapshot(programme) == before
    own.refresh_from_db()
    assert own.narrative == "My own words." and own.review_state == ReviewState.DRAFT


@pytest.mark.django_db
def test_demo_activity_leaves_a_programme_with_peoples_work_alone(users, client_for, settings):
    settings.DEMO_ACTIVITY = True
    programme = Programme.objects.get(code=SEED_CODE)
    save_update(seed_output("MW", "1.1"), users.officer_mw, submit=False)
    output = StringIO()
    call_command("demo_activity", stdout=output)
    assert "it holds status updates. Keeping it as it is." in output.getvalue()
    assert StatusUpdate.objects.filter(output__outcome__programme=programme).count() == 1
    programme.refresh_from_db()
    assert not programme.demo
    page = client_for(users.coordinator).get(reverse("reporting:programme_overview", args=[programme.slug]))
    assert NOTICE not in page.content.decode() and BANNER not in page.content.decode()
