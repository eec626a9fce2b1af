"""Services of the status-update workflow: validation, the review cycle, history never rewritten."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.utils import timezone

from outputs.models import (
    Evidence,
    Output,
    ReviewEvent,
    ReviewState,
    Status,
    StatusUpdate,
)
from outputs.services.output_edits import EditConflict, output_edit
from outputs.services.updates import (
    status_update_approve,
    status_update_return,
    status_update_save,
)

pytestmark = pytest.mark.usefixtures("tmp_media")


def _counts():
    return (StatusUpdate.objects.count(), ReviewEvent.objects.count(), Evidence.objects.count())


# --- Validation -------------------------------------------------------------------------------


def test_the_six_statuses():
    assert [label for _, label in Status.choices] == [
        "Not started", "On track", "At risk", "Off track", "Achieved", "Cancelled",
    ]


@pytest.mark.parametrize("progress", [0, 1, 99, 100])
def test_progress_from_0_to_100_is_accepted(users, malawi_output, workflow, progress):
    update = workflow.save(malawi_output, users.officer_mw, progress=progress)
    assert StatusUpdate.objects.get(pk=update.pk).progress == progress


@pytest.mark.parametrize("progress", [-1, 101, 250, None])
def test_progress_outside_0_to_100_is_refused(users, malawi_output, workflow, progress):
    with pytest.raises(ValidationError) as caught:
        workflow.save(malawi_output, users.officer_mw, progress=progress)
    assert caught.value.message_dict["progress"] == ["Progress is a percentage from 0 to 100."]
    assert _counts() == (0, 0, 0)


def test_unknown_status_is_refused(users, malawi_output, workflow):
    with pytest.raises(ValidationError) as caught:
        workflow.save(malawi_output, users.officer_mw, status="delayed")
    assert caught.value.message_dict["status"] == ["Choose a status."]
    assert _counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("status", "label"), [("at_risk", "At risk"), ("off_track", "Off track"), ("cancelled", "Cancelled")]
)
@pytest.mark.parametrize("narrative", ["", "   \n\t "])
def test_narrative_required_for_at_risk_off_track_cancelled(
    users, malawi_output, workflow, status, label, narrative
):
    with pytest.raises(ValidationError) as caught:
        workflow.save(malawi_output, users.officer_mw, status=status, narrative=narrative)
    assert caught.value.message_dict["narrative"] == [
        f"Explain the status: a narrative is required for {label}."
    ]
    assert _counts() == (0, 0, 0)
    malawi_output.refresh_from_db()
    assert malawi_output.revision == 0 and malawi_output.pending_update is None


@pytest.mark.parametrize("status", ["not_started", "on_track", "achieved"])
def test_narrative_optional_for_other_statuses(users, malawi_output, workflow, status):
    update = workflow.save(malawi_output, users.officer_mw, status=status, narrative="")
    assert (update.status, update.narrative) == (status, "")


@pytest.mark.parametrize("status", ["at_risk", "off_track", "cancelled"])
def test_narrative_given_for_a_status_that_needs_it(users, malawi_output, workflow, status):
    update = workflow.save(malawi_output, users.officer_mw, status=status, narrative="  Funding delayed.  ")
    assert StatusUpdate.objects.get(pk=update.pk).narrative == "Funding delayed."


def test_as_of_defaults_to_today(users, malawi_output, workflow):
    update = workflow.save(malawi_output, users.officer_mw, as_of=None)
    assert StatusUpdate.objects.get(pk=update.pk).as_of == timezone.localdate()


def test_as_of_in_the_past_is_kept(users, malawi_output, workflow):
    past = timezone.localdate() - timedelta(days=45)
    update = workflow.save(malawi_output, users.officer_mw, as_of=past)
    assert StatusUpdate.objects.get(pk=update.pk).as_of == past


def test_as_of_in_the_future_is_refused(users, malawi_output, workflow):
    with pytest.raises(ValidationError) as caught:
        workflow.save(malawi_output, users.officer_mw, as_of=timezone.localdate() + timedelta(days=1))
    assert caught.value.message_dict["as_of"] == ["The 'as of' date cannot be in the future."]
    assert _counts() == (0, 0, 0)


@pytest.mark.parametrize(
    "link", ["https://www.ilo.org/report.pdf", "http://example.org/minutes?id=3", "  https://x.org/a  "]
)
def test_http_and_https_links_are_accepted(users, malawi_output, workflow, link):
    update = workflow.save(malawi_output, users.officer_mw, links=[link])
    assert list(update.evidence.values_list("url", flat=True)) == [link.strip()]


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "ftp://files.example.org/report.pdf",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "www.example.org/no-scheme",
    ],
)
def test_other_links_are_refused(users, malawi_output, workflow, link):
    with pytest.raises(ValidationError) as caught:
        workflow.save(malawi_output, users.officer_mw, links=["https://ok.example.org/", link])
    assert caught.value.message_dict["links"] == [f"{link} is not a valid http or https link."]
    assert _counts() == (0, 0, 0)


@pytest.mark.parametrize("person", ["officer_zm", "officer_global", "coordinator", "donor", "nogrant", "admin"])
def test_only_officers_of_the_country_report(users, malawi_output, workflow, person):
    with pytest.raises(PermissionDenied):
        workflow.save(malawi_output, getattr(users, person))
    assert _counts() == (0, 0, 0)


# --- Review cycle ---------------------------------------------------------------------------


def _trail(update):
    return [
        (event.action, event.from_state, event.to_state, event.actor.username, event.reason)
        for event in ReviewEvent.objects.filter(update=update).order_by("at", "pk")
    ]


def test_draft_submit_return_resubmit_approve(users, malawi_output, workflow):
    officer, coordinator = users.officer_mw, users.coordinator
    draft = workflow.save(malawi_output, officer, submit=False, status="at_risk", progress=20,
                          narrative="Procurement is late.")
    assert draft.review_state == ReviewState.DRAFT
    malawi_output.refresh_from_db()
    assert malawi_output.pending_update == draft and malawi_output.reported_update is None

    submitted = workflow.save(malawi_output, officer, status="at_risk", progress=25,
                              narrative="Procurement is late; tender relaunched.")
    assert submitted.pk == draft.pk and submitted.review_state == ReviewState.SUBMITTED
    assert submitted.submitted_at is not None

    malawi_output.refresh_from_db()
    returned = status_update_return(
        update=submitted, user=coordinator, reason="Give the new tender date.",
        base_revision=malawi_output.revision,
    )
    assert returned.review_state == ReviewState.RETURNED
    assert returned.reviewed_by == coordinator
    malawi_output.refresh_from_db()
    assert malawi_output.pending_update == returned and malawi_output.reported_update is None

    resubmitted = workflow.save(malawi_output, officer, status="at_risk", progress=25,
                                narrative="Tender relaunched; closes on 15 January.")
    assert resubmitted.pk == draft.pk and resubmitted.review_state == ReviewState.SUBMITTED

    approved = workflow.approve(resubmitted, coordinator)
    assert approved.review_state == ReviewState.APPROVED
    malawi_output.refresh_from_db()
    assert malawi_output.reported_update == approved and malawi_output.pending_update is None
    assert malawi_output.reported_update.narrative == "Tender relaunched; closes on 15 January."

    assert _trail(approved) == [
        ("created", "", "draft", "officer-mw", ""),
        ("submitted", "draft", "submitted", "officer-mw", ""),
        ("returned", "submitted", "returned", "coordinator", "Give the new tender date."),
        ("submitted", "returned", "submitted", "officer-mw", ""),
        ("approved", "submitted", "approved", "coordinator", ""),
    ]
    times = [event.at for event in approved.events.all()]
    assert times == sorted(times)


def test_saving_a_draft_again_is_an_edit(users, malawi_output, workflow):
    first = workflow.save(malawi_output, users.officer_mw, submit=False, progress=10)
    second = workflow.save(malawi_output, users.officer_mw, submit=False, progress=15)
    assert first.pk == second.pk
    assert [e.action for e in second.events.all()] == ["created", "edited"]
    assert StatusUpdate.objects.get().progress == 15


def test_return_needs_a_reason(users, malawi_output, workflow):
    update = workflow.save(malawi_output, users.officer_mw)
    malawi_output.refresh_from_db()
    before = (malawi_output.revision, ReviewEvent.objects.count())
    for reason in ("", "   ", None):
        with pytest.raises(ValidationError) as caught:
            status_update_return(update=update, user=users.coordinator, reason=reason,
                                          base_revision=malawi_output.revision)
        assert "reason" in caught.value.message_dict
    update.refresh_from_db()
    malawi_output.refresh_from_db()
    assert update.review_state == ReviewState.SUBMITTED
    assert (malawi_output.revision, ReviewEvent.objects.count()) == before


@pytest.mark.parametrize("submit", [False, True])
def test_only_submitted_updates_are_reviewed(users, malawi_output, workflow, submit):
    update = workflow.save(malawi_output, users.officer_mw, submit=submit)
    if submit:
        workflow.approve(update, users.coordinator)  # approving twice is refused too
    events = ReviewEvent.objects.count()
    with pytest.raises(ValidationError):
        workflow.approve(update, users.coordinator)
    with pytest.raises(ValidationError):
        status_update_return(update=update, user=users.coordinator, reason="No")
    assert ReviewEvent.objects.count() == events


@pytest.mark.parametrize("person", ["officer_mw", "officer_zm", "donor", "nogrant"])
def test_only_coordinators_review(users, malawi_output, workflow, person):
    update = workflow.save(malawi_output, users.officer_mw)
    with pytest.raises(PermissionDenied):
        workflow.approve(update, getattr(users, person))
    with pytest.raises(PermissionDenied):
        status_update_return(update=update, user=getattr(users, person), reason="No")
    update.refresh_from_db()
    assert update.review_state == ReviewState.SUBMITTED
    assert update.events.count() == 1


def test_review_from_a_stale_page_is_refused(users, malawi_output, workflow):
    """The officer edited the update after the coordinator loaded it: nothing is approved."""
    update = workflow.save(malawi_output, users.officer_mw, progress=30)
    malawi_output.refresh_from_db()
    seen_revision = malawi_output.revision
    workflow.save(malawi_output, users.officer_mw, progress=90)
    with pytest.raises(EditConflict):
        status_update_approve(update=update, user=users.coordinator, base_revision=seen_revision)
    update.refresh_from_db()
    assert (update.review_state, update.progress) == (ReviewState.SUBMITTED, 90)
    assert not update.events.filter(action="approved").exists()


def test_save_from_a_stale_form_is_refused_and_writes_nothing(users, malawi_output, workflow):
    workflow.save(malawi_output, users.officer_mw, progress=30, narrative="First.")
    before = _counts()
    with pytest.raises(EditConflict) as caught:
        status_update_save(
            output=malawi_output, user=users.officer_mw2, base_revision=0,
            status="on_track", progress=80, narrative="Second.",
        )
    assert caught.value.output.pending_update.narrative == "First."
    assert _counts() == before
    assert StatusUpdate.objects.get().narrative == "First."


# --- Reported status --------------------------------------------------------------------------


def test_reported_update_is_the_latest_approved(users, malawi_output, workflow):
    today = timezone.localdate()
    first = workflow.approve(
        workflow.save(malawi_output, users.officer_mw, progress=30, as_of=today - timedelta(days=60)),
        users.coordinator,
    )
    malawi_output.refresh_from_db()
    assert malawi_output.reported_update == first

    second = workflow.approve(
        workflow.save(malawi_output, users.officer_mw, progress=60, as_of=today - timedelta(days=10)),
        users.coordinator,
    )
    malawi_output.refresh_from_db()
    assert malawi_output.reported_update == second

    # A pending update does not change the reported status.
    pending = workflow.save(malawi_output, users.officer_mw, status="achieved", progress=100)
    malawi_output.refresh_from_db()
    assert malawi_output.reported_update == second and malawi_output.pending_update == pending

    # A late-approved report about an earlier date does not replace a newer status.
    status_update_return(update=pending, user=users.coordinator, reason="Date?",
                                  base_revision=malawi_output.revision)
    older = workflow.save(malawi_output, users.officer_mw, progress=45, as_of=today - timedelta(days=30))
    workflow.approve(older, users.coordinator)
    malawi_output.refresh_from_db()
    assert malawi_output.reported_update == second
    assert StatusUpdate.objects.filter(output=malawi_output).count() == 3


def test_a_new_update_after_approval_starts_a_new_row(users, malawi_output, workflow):
    approved = workflow.approve(workflow.save(malawi_output, users.officer_mw), users.coordinator)
    again = workflow.save(malawi_output, users.officer_mw, progress=70)
    assert again.pk != approved.pk
    approved.refresh_from_db()
    assert (approved.review_state, approved.progress) == (ReviewState.APPROVED, 40)


# --- History is never rewritten ---------------------------------------------------------------


def test_review_events_are_never_rewritten(users, malawi_output, workflow):
    update = workflow.save(malawi_output, users.officer_mw)
    event = update.events.get()
    event.reason = "rewritten"
    with pytest.raises(ValueError, match="never rewritten"):
        event.save()
    with pytest.raises(ValueError, match="never deleted"):
        event.delete()
    stored = ReviewEvent.objects.get(pk=event.pk)
    assert (stored.reason, stored.action, stored.actor) == ("", "submitted", users.officer_mw)


def test_review_events_are_never_rewritten_in_bulk(users, malawi_output, workflow):
    update = workflow.save(malawi_output, users.officer_mw)
    with pytest.raises(ValueError, match="never rewritten"):
        ReviewEvent.objects.filter(update=update).update(reason="rewritten")
    with pytest.raises(ValueError, match="never deleted"):
        ReviewEvent.objects.filter(update=update).delete()
    assert list(ReviewEvent.objects.values_list("reason", flat=True)) == [""]


def test_updates_with_a_history_cannot_be_deleted(users, malawi_output, workflow):
    update = workflow.save(malawi_output, users.officer_mw)
    with pytest.raises(ProtectedError):
        update.delete()
    with pytest.raises(ProtectedError):
        malawi_output.delete()
    assert StatusUpdate.objects.filter(pk=update.pk).exists()


def test_status_update_history_keeps_every_version(users, malawi_output, workflow):
    officer, coordinator = users.officer_mw, users.coordinator
    update = workflow.save(malawi_output, officer, submit=False, progress=10, narrative="v1")
    update = workflow.save(malawi_output, officer, progress=20, narrative="v2")
    malawi_output.refresh_from_db()
    update = status_update_return(update=update, user=coordinator, reason="More detail",
                                           base_revision=malawi_output.revision)
    update = workflow.save(malawi_output, officer, progress=25, narrative="v3")
    workflow.approve(update, coordinator)

    versions = [
        (record.progress, record.narrative, record.review_state, record.history_user.username)
        for record in update.history.order_by("history_date", "history_id")
    ]
    assert versions == [
        (10, "v1", "draft", "officer-mw"),
        (20, "v2", "submitted", "officer-mw"),
        (20, "v2", "returned", "coordinator"),
        (25, "v3", "submitted", "officer-mw"),
        (25, "v3", "approved", "coordinator"),
    ]
    assert [r.history_type for r in update.history.order_by("history_date", "history_id")] == [
        "+", "~", "~", "~", "~",
    ]


# --- Coordinator edits of outputs -------------------------------------------------------------


def test_output_edit_keeps_before_after_who_and_when(users, malawi_output):
    before_title, before_deadline = malawi_output.title, malawi_output.deadline
    started = timezone.now()
    output_edit(
        output=malawi_output, user=users.coordinator, base_revision=malawi_output.revision,
        reason="Extension agreed", title="  A sharper output text.  ",
        deadline=before_deadline + timedelta(days=90),
    )
    malawi_output.refresh_from_db()
    assert malawi_output.title == "A sharper output text."
    latest = malawi_output.history.latest()
    assert latest.history_user == users.coordinator
    assert latest.history_change_reason == "Extension agreed"
    assert latest.history_date >= started
    delta = latest.diff_against(latest.prev_record)
    changes = {change.field: (change.old, change.new) for change in delta.changes}
    assert changes == {
        "title": (before_title, "A sharper output text."),
        "deadline": (before_deadline, before_deadline + timedelta(days=90)),
    }


@pytest.mark.parametrize("person", ["officer_mw", "officer_zm", "donor", "nogrant"])
def test_only_coordinators_edit_outputs(users, malawi_output, person):
    history = malawi_output.history.count()
    with pytest.raises(PermissionDenied):
        output_edit(output=malawi_output, user=getattr(users, person),
                             base_revision=malawi_output.revision, title="Changed")
    malawi_output.refresh_from_db()
    assert malawi_output.title != "Changed"
    assert (malawi_output.revision, malawi_output.history.count()) == (0, history)


def test_output_edit_refuses_an_empty_title_and_a_stale_form(users, malawi_output):
    title = malawi_output.title
    with pytest.raises(ValidationError):
        output_edit(output=malawi_output, user=users.coordinator, base_revision=0, title="  ")
    with pytest.raises(EditConflict):
        output_edit(output=malawi_output, user=users.coordinator, base_revision=7, title="New")
    malawi_output.refresh_from_db()
    assert (malawi_output.title, malawi_output.revision) == (title, 0)


def test_output_edit_keeps_the_status_written_meanwhile(users, workflow):
    """An edit from code without a form revision must not put back stale status pointers."""
    output = workflow.output("MW", "1.3")
    stale = Output.objects.get(pk=output.pk)  # loaded before the officer submits
    update = workflow.save(output, users.officer_mw)
    output_edit(output=stale, user=users.coordinator, title="Edited meanwhile")
    output.refresh_from_db()
    assert output.title == "Edited meanwhile"
    assert output.pending_update == update
