"""The permission matrix of the status-update workflow: every URL and write, every kind of person.

Rules: officers see the programme and report only on their own countries' outputs; coordinators
are programme-wide, review updates and edit outputs; donors are read-only and see approved status
only; a user with no grant must not learn the programme exists (404).
"""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from outputs.models import Evidence, Output, ReviewEvent, ReviewState, StatusUpdate

pytestmark = pytest.mark.usefixtures("tmp_media")

ANON = "anon"
MW = "officer_mw"  # officer of the output's country (Malawi)
ZM = "officer_zm"  # officer of another country
COORD = "coordinator"
DONOR = "donor"
NOGRANT = "nogrant"
LOGGED_IN = [MW, ZM, COORD, DONOR, NOGRANT]

LOGIN = "/accounts/login/"


@pytest.fixture
def scene(users, workflow, files):
    """A Malawi output to report on and edit, and another with a submitted update and a PDF."""
    output = workflow.output("MW", "1.1")
    reviewed_output = workflow.output("MW", "1.2")
    submitted = workflow.save(
        reviewed_output, users.officer_mw, narrative="Pending narrative, not for donors.",
        files=[files.upload("pdf", "pending-report.pdf")],
    )
    return SimpleNamespace(
        users=users,
        output=output,
        update=submitted,
        evidence=submitted.evidence.get(),
        missing=(Output.objects.order_by("-pk").first().pk + 1000),
    )


def _update_data(output, **overrides):
    output.refresh_from_db()
    data = {
        "status": "on_track",
        "progress": "50",
        "narrative": "Validation workshop held with the tripartite partners.",
        "as_of": timezone.localdate().isoformat(),
        "links": "",
        "base_revision": str(output.revision),
        "submit": "1",
    }
    data.update(overrides)
    return data


def _edit_data(output):
    output.refresh_from_db()
    return {
        "title": "A corrected output text.",
        "deadline": "2027-06-30",
        "reason": "Extension agreed with the donor",
        "base_revision": str(output.revision),
    }


def _review_data(update, reason=""):
    update.output.refresh_from_db()
    data = {"base_revision": str(update.output.revision)}
    if reason:
        data["reason"] = reason
    return data


# Each request: (method, how to build the URL, how to build the POST data).
REQUESTS = {
    "my outputs": ("get", lambda s: reverse("outputs:my_outputs"), None),
    "output page": ("get", lambda s: reverse("outputs:detail", args=[s.output.pk]), None),
    "update form": ("get", lambda s: reverse("outputs:update", args=[s.output.pk]), None),
    "update save": ("post", lambda s: reverse("outputs:update", args=[s.output.pk]),
                    lambda s: _update_data(s.output)),
    "edit form": ("get", lambda s: reverse("outputs:edit", args=[s.output.pk]), None),
    "edit save": ("post", lambda s: reverse("outputs:edit", args=[s.output.pk]),
                  lambda s: _edit_data(s.output)),
    "review queue": ("get", lambda s: reverse("outputs:review_queue"), None),
    "approve": ("post", lambda s: reverse("outputs:approve", args=[s.update.pk]),
                lambda s: _review_data(s.update)),
    "return": ("post", lambda s: reverse("outputs:return", args=[s.update.pk]),
               lambda s: _review_data(s.update, reason="Add the workshop report.")),
    "approve by GET": ("get", lambda s: reverse("outputs:approve", args=[s.update.pk]), None),
    "return by GET": ("get", lambda s: reverse("outputs:return", args=[s.update.pk]), None),
    "pending evidence": ("get", lambda s: reverse("outputs:evidence", args=[s.evidence.pk]), None),
    # Nonexistent ids
    "missing output page": ("get", lambda s: reverse("outputs:detail", args=[s.missing]), None),
    "missing update form": ("get", lambda s: reverse("outputs:update", args=[s.missing]), None),
    "missing update save": ("post", lambda s: reverse("outputs:update", args=[s.missing]),
                            lambda s: _update_data(s.output)),
    "missing edit form": ("get", lambda s: reverse("outputs:edit", args=[s.missing]), None),
    "missing edit save": ("post", lambda s: reverse("outputs:edit", args=[s.missing]),
                          lambda s: _edit_data(s.output)),
    "missing approve": ("post", lambda s: reverse("outputs:approve", args=[s.missing]),
                        lambda s: _review_data(s.update)),
    "missing return": ("post", lambda s: reverse("outputs:return", args=[s.missing]),
                       lambda s: _review_data(s.update, reason="Why")),
    "missing evidence": ("get", lambda s: reverse("outputs:evidence", args=[s.missing]), None),
}

WRITES = {"update save", "edit save", "approve", "return",
          "missing update save", "missing edit save", "missing approve", "missing return"}


def row(request_name, expected):
    """{person: code} -> one table row per person."""
    return [(request_name, person, code) for person, code in expected.items()]


MATRIX = [
    *row("my outputs", {ANON: 302, MW: 200, ZM: 200, COORD: 403, DONOR: 403, NOGRANT: 403}),
    *row("output page", {ANON: 302, MW: 200, ZM: 200, COORD: 200, DONOR: 200, NOGRANT: 404}),
    *row("update form", {ANON: 302, MW: 200, ZM: 403, COORD: 403, DONOR: 403, NOGRANT: 404}),
    *row("update save", {ANON: 302, MW: 302, ZM: 403, COORD: 403, DONOR: 403, NOGRANT: 404}),
    *row("edit form", {ANON: 302, MW: 403, ZM: 403, COORD: 200, DONOR: 403, NOGRANT: 404}),
    *row("edit save", {ANON: 302, MW: 403, ZM: 403, COORD: 302, DONOR: 403, NOGRANT: 404}),
    *row("review queue", {ANON: 302, MW: 403, ZM: 403, COORD: 200, DONOR: 403, NOGRANT: 403}),
    *row("approve", {ANON: 302, MW: 403, ZM: 403, COORD: 302, DONOR: 403, NOGRANT: 404}),
    *row("return", {ANON: 302, MW: 403, ZM: 403, COORD: 302, DONOR: 403, NOGRANT: 404}),
    *row("approve by GET", {ANON: 302, COORD: 405}),
    *row("return by GET", {ANON: 302, COORD: 405}),
    *row("pending evidence", {ANON: 302, MW: 200, ZM: 200, COORD: 200, DONOR: 404, NOGRANT: 404}),
    *[
        (name, person, 404)
        for name in REQUESTS
        if name.startswith("missing")
        for person in LOGGED_IN
    ],
]


def _snapshot():
    """Everything a write of the workflow could change."""
    return {
        "updates": sorted(
            StatusUpdate.objects.values_list(
                "pk", "review_state", "status", "progress", "narrative", "reviewed_by", "submitted_at"
            )
        ),
        "events": ReviewEvent.objects.count(),
        "evidence": Evidence.objects.count(),
        "outputs": sorted(
            Output.objects.values_list(
                "pk", "title", "deadline", "revision", "pending_update", "reported_update"
            )
        ),
        "output history": Output.history.count(),
        "update history": StatusUpdate.history.count(),
    }


def _assert_write_happened(request_name, scene):
    """An allowed write must have done what it says, so the table cannot pass on a no-op."""
    if request_name == "update save":
        update = StatusUpdate.objects.get(output=scene.output)
        assert (update.status, update.progress, update.review_state) == ("on_track", 50, "submitted")
        assert update.author == scene.users.officer_mw
    elif request_name == "edit save":
        scene.output.refresh_from_db()
        assert scene.output.title == "A corrected output text."
        assert str(scene.output.deadline) == "2027-06-30"
    elif request_name == "approve":
        scene.update.refresh_from_db()
        assert scene.update.review_state == ReviewState.APPROVED
        assert scene.update.reviewed_by == scene.users.coordinator
    elif request_name == "return":
        scene.update.refresh_from_db()
        assert scene.update.review_state == ReviewState.RETURNED
        assert scene.update.events.last().reason == "Add the workshop report."
    else:  # pragma: no cover - the table names only these writes as allowed
        raise AssertionError(f"unexpected allowed write {request_name}")


@pytest.mark.parametrize(
    ("request_name", "person", "expected"),
    MATRIX,
    ids=[f"{name}-{person}-{code}" for name, person, code in MATRIX],
)
def test_permission_matrix(scene, client_for, request_name, person, expected):
    method, url_for, data_for = REQUESTS[request_name]
    client = client_for(getattr(scene.users, person))
    url = url_for(scene)
    before = _snapshot()

    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, data_for(scene))

    assert response.status_code == expected, (request_name, person, response.status_code)
    if expected == 302 and person == ANON:
        assert response["Location"].startswith(f"{LOGIN}?next=")
    if request_name in WRITES:
        if person in (MW, COORD) and expected == 302:
            _assert_write_happened(request_name, scene)
        else:
            assert _snapshot() == before, f"{person} was refused {request_name} but something was written"
    elif method == "get":
        assert _snapshot() == before


@pytest.mark.parametrize(
    ("person", "expected"),
    [(ANON, 302), (MW, 200), (ZM, 200), (COORD, 200), (DONOR, 200), (NOGRANT, 404)],
)
def test_evidence_of_an_approved_update(scene, client_for, workflow, person, expected):
    """Once approved, the file is part of the reported status: donors may download it too."""
    workflow.approve(scene.update, scene.users.coordinator)
    response = client_for(getattr(scene.users, person)).get(
        reverse("outputs:evidence", args=[scene.evidence.pk])
    )
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
        assert 'filename="pending-report.pdf"' in response["Content-Disposition"]


def test_officer_of_another_country_cannot_report_through_the_service_either(scene, workflow):
    from django.core.exceptions import PermissionDenied

    zambia_user = scene.users.officer_zm
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        workflow.save(scene.output, zambia_user)
    assert _snapshot() == before


def test_superuser_reviews_and_edits_like_a_coordinator(scene, client_for):
    admin = client_for(scene.users.admin)
    assert admin.get(reverse("outputs:review_queue")).status_code == 200
    assert admin.get(reverse("outputs:edit", args=[scene.output.pk])).status_code == 200
    assert admin.get(reverse("outputs:update", args=[scene.output.pk])).status_code == 403
    response = admin.post(reverse("outputs:approve", args=[scene.update.pk]), _review_data(scene.update))
    assert response.status_code == 302
    scene.update.refresh_from_db()
    assert scene.update.review_state == ReviewState.APPROVED


def test_inactive_officer_is_sent_to_log_in(scene, client_for):
    officer = scene.users.officer_mw
    client = client_for(officer)
    officer.is_active = False
    officer.save()
    response = client.get(reverse("outputs:detail", args=[scene.output.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


@pytest.fixture
def other_programme_coordinator(scene):
    """A coordinator of another programme: for the seed programme they are a user with no grant."""
    from django.contrib.auth import get_user_model

    from programme.models import AccessGrant, Programme, Role

    other = Programme.objects.create(code="GLO/99/01/XYZ", title="Another programme")
    person = get_user_model().objects.create_user("other-coordinator", email="other@example.org")
    AccessGrant.objects.create(user=person, programme=other, role=Role.COORDINATOR)
    return person


@pytest.mark.parametrize(
    "request_name",
    ["output page", "update form", "update save", "edit form", "edit save", "approve", "return",
     "pending evidence"],
)
def test_coordinator_of_another_programme_gets_404(scene, client_for, other_programme_coordinator,
                                                    request_name):
    method, url_for, data_for = REQUESTS[request_name]
    client = client_for(other_programme_coordinator)
    before = _snapshot()
    response = client.get(url_for(scene)) if method == "get" else client.post(url_for(scene), data_for(scene))
    assert response.status_code == 404
    assert _snapshot() == before


def test_review_queue_lists_only_the_coordinators_programmes(scene, client_for, other_programme_coordinator):
    response = client_for(other_programme_coordinator).get(reverse("outputs:review_queue"))
    assert response.status_code == 200
    assert response.context["updates"] == []
    assert "Pending narrative, not for donors." not in response.content.decode()
    seed_queue = client_for(scene.users.coordinator).get(reverse("outputs:review_queue"))
    assert [u.pk for u in seed_queue.context["updates"]] == [scene.update.pk]


# Drafts and evidence in each review state, for every demo account, on the output page, the API and
# the evidence download (issue 15): a draft is seen by its author and the officers of its country,
# a submitted or returned update by the programme's officers and coordinators, an approved one by
# everyone with a grant on the programme.
MW2, MZ, VN, GLOBAL, ADMIN = "officer_mw2", "officer_mz", "officer_vn", "officer_global", "admin"
DEMO_ACCOUNTS = [ANON, MW, MW2, ZM, MZ, VN, GLOBAL, COORD, DONOR, ADMIN, NOGRANT]
REVIEW_STAGE_READERS = {MW, MW2, ZM, MZ, VN, GLOBAL, COORD, ADMIN}
SEEN_BY = {
    ReviewState.DRAFT: {MW, MW2},
    ReviewState.SUBMITTED: REVIEW_STAGE_READERS,
    ReviewState.RETURNED: REVIEW_STAGE_READERS,
    ReviewState.APPROVED: REVIEW_STAGE_READERS | {DONOR},
}
STATE_MATRIX = [(state, person) for state in SEEN_BY for person in DEMO_ACCOUNTS]


def update_in_state(state, users, files):
    """officer-mw's update of Malawi 1.3 in ``state``, with a narrative and a PDF named after it."""
    from outputs.services.updates import status_update_return
    from testing.workflow import approve, save_update, seed_output

    update = save_update(
        seed_output("MW", "1.3"), users.officer_mw, submit=state != ReviewState.DRAFT,
        narrative=f"The {state} narrative.", files=[files.upload("pdf", f"{state}-evidence.pdf")],
    )
    if state == ReviewState.APPROVED:
        approve(update, users.coordinator)
    elif state == ReviewState.RETURNED:
        update.output.refresh_from_db()
        status_update_return(update=update, user=users.coordinator, reason="Add the minutes.",
                                      base_revision=update.output.revision)
    update.refresh_from_db()
    assert update.review_state == state
    return update


@pytest.mark.parametrize(("state", "person"), STATE_MATRIX, ids=[f"{s}-{p}" for s, p in STATE_MATRIX])
def test_who_sees_an_update_and_its_evidence(users, files, client_for, state, person):
    update = update_in_state(state, users, files)
    evidence = update.evidence.get()
    output = update.output
    client = client_for(getattr(users, person))
    sees = person in SEEN_BY[state]
    before = _snapshot()

    page = client.get(reverse("outputs:detail", args=[output.pk]))
    download = client.get(reverse("outputs:evidence", args=[evidence.pk]))
    api_update = client.get(f"/api/updates/{update.pk}/")
    api_timeline = client.get(f"/api/outputs/{output.pk}/updates/")
    api_output = client.get(f"/api/outputs/{output.pk}/")

    if person == ANON:
        assert page.status_code == download.status_code == 302
        assert {api_update.status_code, api_timeline.status_code, api_output.status_code} <= {401, 403}
    elif person == NOGRANT:
        assert page.status_code == download.status_code == 404
        assert api_update.status_code == api_timeline.status_code == api_output.status_code == 404
    else:
        assert page.status_code == 200
        content = page.content.decode()
        assert (f"The {state} narrative." in content) is sees
        assert (f"{state}-evidence.pdf" in content) is sees
        assert download.status_code == (200 if sees else 404)
        if sees:
            assert b"".join(download.streaming_content).startswith(b"%PDF-1.4")
        assert api_update.status_code == (200 if sees else 404)
        if sees:
            assert api_update.json()["evidence"][0]["name"] == f"{state}-evidence.pdf"
        assert api_timeline.status_code == 200
        assert (update.pk in [row["id"] for row in api_timeline.json()]) is sees
        assert api_output.status_code == 200
        pending = api_output.json()["pending"]
        assert (pending is not None) is (sees and state != ReviewState.APPROVED)
    assert _snapshot() == before


@pytest.mark.parametrize("person", [MW, MW2, ZM, COORD, DONOR])
def test_the_output_page_names_a_pending_update_only_to_its_readers(users, files, client_for, person):
    """The "Pending update" fact and the review actions follow the same rule as the timeline."""
    update = update_in_state(ReviewState.DRAFT, users, files)
    page = client_for(getattr(users, person)).get(reverse("outputs:detail", args=[update.output_id])).content.decode()
    assert ("Pending update" in page) is (person in SEEN_BY[ReviewState.DRAFT])
    assert "Awaiting your review" not in page


def test_a_draft_never_reaches_the_review_queue(users, files, client_for):
    update_in_state(ReviewState.DRAFT, users, files)
    for person in (COORD, ADMIN):
        response = client_for(getattr(users, person)).get(reverse("outputs:review_queue"))
        assert "The draft narrative." not in response.content.decode()
    assert client_for(users.coordinator).get("/api/updates/").json()["count"] == 0


def test_the_author_still_sees_their_draft_without_their_officer_grant(users, files, client_for):
    """Drafts are seen by their author too: officer-mw moved to a coordinator's role keeps reading
    the draft they wrote, which other coordinators do not see."""
    from programme.models import AccessGrant, Role

    update = update_in_state(ReviewState.DRAFT, users, files)
    AccessGrant.objects.filter(user=users.officer_mw).update(role=Role.COORDINATOR, country=None)
    author = client_for(users.officer_mw)
    assert "The draft narrative." in author.get(reverse("outputs:detail", args=[update.output_id])).content.decode()
    assert author.get(reverse("outputs:evidence", args=[update.evidence.get().pk])).status_code == 200
    assert author.get(f"/api/updates/{update.pk}/").status_code == 200
    assert client_for(users.coordinator).get(f"/api/updates/{update.pk}/").status_code == 404


def test_my_outputs_shows_a_draft_to_the_officers_of_its_country_only(users, files, client_for):
    """My outputs lists the officer's own countries, whose drafts they all see."""
    update_in_state(ReviewState.DRAFT, users, files)
    colleague = client_for(users.officer_mw2).get(reverse("outputs:my_outputs"))
    row = next(output for output in colleague.context["outputs"]
               if output.code == "1.3" and output.outcome.country.code == "MW")
    assert row.pending_update.review_state == ReviewState.DRAFT
    assert 'class="review-state review-draft"' in colleague.content.decode()
    zambia = client_for(users.officer_zm).get(reverse("outputs:my_outputs"))
    assert {output.outcome.country.code for output in zambia.context["outputs"]} == {"ZM"}
    assert 'class="review-state review-draft"' not in zambia.content.decode()
