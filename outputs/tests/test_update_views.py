"""Pages of the workflow: forms, messages, My outputs, the output page, the review queue, queries."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outputs.models import Output, ReviewEvent, ReviewState, StatusUpdate
from outputs.services.updates import status_update_approve
from programme.models import AccessGrant, Country, Outcome, Role
from testing.pages import messages_of, text_of
from testing.workflow import due_in

pytestmark = pytest.mark.usefixtures("tmp_media")


def _form_data(output, **overrides):
    output.refresh_from_db()
    data = {
        "status": "on_track",
        "progress": "50",
        "narrative": "",
        "as_of": timezone.localdate().isoformat(),
        "links": "",
        "base_revision": str(output.revision),
    }
    data.update(overrides)
    return data


def _checked_status(html):
    match = re.search(r'<input type="radio" name="status" value="(\w+)"[^>]*\bchecked\b', html)
    return match and match.group(1)


# --- Forms keep what was typed when refused ---------------------------------------------------

TYPED = "Typed narrative: the district survey slipped to March because of the floods"


@pytest.mark.parametrize(
    ("overrides", "field", "error"),
    [
        ({"as_of": (timezone.localdate() + timedelta(days=3)).isoformat()},
         "as_of", "The &#x27;as of&#x27; date cannot be in the future."),
        ({"links": "https://ok.example.org/a\njavascript:alert(1)"},
         "links", "javascript:alert(1) is not a valid http or https link."),
        ({"links": "ftp://files.example.org/report.pdf"},
         "links", "ftp://files.example.org/report.pdf is not a valid http or https link."),
        ({"progress": "140"}, "progress", "Progress is a percentage from 0 to 100."),
        ({"status": "off_track", "narrative": "   "},
         "narrative", "Explain the status: a narrative is required for Off track."),
    ],
    ids=["future-as-of", "javascript-link", "ftp-link", "progress-140", "off-track-without-narrative"],
)
def test_refused_update_keeps_what_was_typed(users, malawi_output, client_for, overrides, field, error):
    data = _form_data(malawi_output, status="at_risk", progress="35", narrative=TYPED,
                      links="https://www.ilo.org/evidence", submit="1")
    data.update(overrides)
    response = client_for(users.officer_mw).post(reverse("outputs:update", args=[malawi_output.pk]), data)

    assert response.status_code == 200
    html = text_of(response)
    assert error in html
    assert response.context["form"].errors[field]
    assert "The update was not saved. Please check the form." in messages_of(response)
    # What the person typed is all still there.
    if data["narrative"].strip():
        assert TYPED in html
    assert f'value="{data["progress"]}"' in html
    assert _checked_status(html) == data["status"]
    for link in data["links"].splitlines():
        assert link.replace("&", "&amp;") in html
    # Nothing was written.
    assert StatusUpdate.objects.count() == 0 and ReviewEvent.objects.count() == 0
    malawi_output.refresh_from_db()
    assert (malawi_output.revision, malawi_output.pending_update) == (0, None)


def test_refused_output_edit_keeps_what_was_typed(users, malawi_output, client_for):
    title, history = malawi_output.title, malawi_output.history.count()
    response = client_for(users.coordinator).post(
        reverse("outputs:edit", args=[malawi_output.pk]),
        {"title": "   ", "deadline": "2027-03-31", "reason": "Typed reason kept",
         "base_revision": str(malawi_output.revision)},
    )
    assert response.status_code == 200
    html = text_of(response)
    assert "This field is required." in html
    assert 'value="2027-03-31"' in html and 'value="Typed reason kept"' in html
    assert "The output was not saved. Please check the form." in messages_of(response)
    malawi_output.refresh_from_db()
    assert (malawi_output.title, malawi_output.revision, malawi_output.history.count()) == (title, 0, history)


def test_update_form_starts_from_today_and_the_pending_update(users, malawi_output, client_for, workflow):
    client = client_for(users.officer_mw)
    form = client.get(reverse("outputs:update", args=[malawi_output.pk])).context["form"]
    assert form["as_of"].value() == timezone.localdate()
    assert (form["status"].value(), form["progress"].value()) == ("not_started", 0)
    assert form.fields["as_of"].widget.attrs["max"] == timezone.localdate().isoformat()

    earlier = timezone.localdate() - timedelta(days=5)
    workflow.save(malawi_output, users.officer_mw, submit=False, status="at_risk", progress=30,
                  narrative="Draft in progress", as_of=earlier)
    response = client.get(reverse("outputs:update", args=[malawi_output.pk]))
    form = response.context["form"]
    assert (form["status"].value(), form["progress"].value(), form["narrative"].value()) == (
        "at_risk", 30, "Draft in progress",
    )
    assert form["as_of"].value() == earlier
    malawi_output.refresh_from_db()
    assert form["base_revision"].value() == malawi_output.revision
    assert "You are editing the update in progress (Draft)." in text_of(response)


# --- Messages after each action ------------------------------------------------------------


def test_each_action_says_what_happened(users, malawi_output, client_for):
    officer, coordinator = client_for(users.officer_mw), client_for(users.coordinator)
    update_url = reverse("outputs:update", args=[malawi_output.pk])
    detail_url = reverse("outputs:detail", args=[malawi_output.pk])

    response = officer.post(update_url, _form_data(malawi_output, save="1"), follow=True)
    assert response.redirect_chain == [(detail_url, 302)]
    assert messages_of(response) == ["Draft saved. Submit it for review when it is ready."]
    assert "Draft saved. Submit it for review when it is ready." in text_of(response)

    response = officer.post(update_url, _form_data(malawi_output, submit="1"), follow=True)
    assert messages_of(response) == [
        "Update submitted for review. A coordinator will approve it or return it to you."
    ]
    update = StatusUpdate.objects.get()

    response = coordinator.post(reverse("outputs:return", args=[update.pk]),
                                {"reason": "  ", "base_revision": malawi_output.revision}, follow=True)
    assert messages_of(response) == ["Say why the update is returned, so the officer can fix it."]
    update.refresh_from_db()
    assert update.review_state == ReviewState.SUBMITTED

    malawi_output.refresh_from_db()
    response = coordinator.post(reverse("outputs:return", args=[update.pk]),
                                {"reason": "Attach the report.", "base_revision": malawi_output.revision},
                                follow=True)
    assert response.redirect_chain == [(reverse("outputs:review_queue"), 302)]
    assert messages_of(response) == ["Returned to Chikondi Banda with your reason: Output 1.1 (Malawi)."]

    malawi_output.refresh_from_db()
    response = coordinator.post(reverse("outputs:approve", args=[update.pk]),
                                {"base_revision": malawi_output.revision}, follow=True)
    assert messages_of(response) == [
        "This update is returned for changes; only updates submitted for review can be reviewed."
    ]

    officer.post(update_url, _form_data(malawi_output, submit="1"))
    malawi_output.refresh_from_db()
    response = coordinator.post(reverse("outputs:approve", args=[update.pk]),
                                {"base_revision": malawi_output.revision, "next": detail_url}, follow=True)
    assert response.redirect_chain == [(detail_url, 302)]
    assert messages_of(response) == ["Approved: Output 1.1 (Malawi) now reports On track."]

    malawi_output.refresh_from_db()
    response = coordinator.post(
        reverse("outputs:edit", args=[malawi_output.pk]),
        {"title": "Plan rolled out", "deadline": "2027-03-31", "reason": "",
         "base_revision": malawi_output.revision},
        follow=True,
    )
    assert messages_of(response) == ["Output saved. The change is kept in its history."]


def test_approving_from_a_stale_page_says_nothing_was_approved(users, malawi_output, client_for, workflow):
    update = workflow.save(malawi_output, users.officer_mw, progress=30)
    malawi_output.refresh_from_db()
    seen = malawi_output.revision
    workflow.save(malawi_output, users.officer_mw, progress=95)  # the officer changes it meanwhile
    response = client_for(users.coordinator).post(
        reverse("outputs:approve", args=[update.pk]), {"base_revision": seen}, follow=True
    )
    assert messages_of(response) == [
        "The update changed after you opened the page; nothing was approved. Check it again below."
    ]
    update.refresh_from_db()
    assert update.review_state == ReviewState.SUBMITTED


@pytest.mark.parametrize("action", ["approve", "return"])
@pytest.mark.parametrize("sent", [None, "", "seven"], ids=["missing", "empty", "not a number"])
def test_a_review_without_the_revision_it_was_read_at_is_refused_and_does_nothing(
    users, malawi_output, client_for, workflow, action, sent
):
    update = workflow.save(malawi_output, users.officer_mw)
    events = ReviewEvent.objects.count()
    data = {"reason": "Attach the report."} if action == "return" else {}
    if sent is not None:
        data["base_revision"] = sent
    response = client_for(users.coordinator).post(reverse(f"outputs:{action}", args=[update.pk]), data)
    assert response.status_code == 400
    assert "This review was sent without the state of the update it was read at" in text_of(response)
    update.refresh_from_db()
    assert update.review_state == ReviewState.SUBMITTED and ReviewEvent.objects.count() == events


@pytest.mark.parametrize("page", ["review queue", "output page"])
def test_the_review_buttons_carry_the_revision_their_page_was_read_at(users, malawi_output, client_for, workflow,
                                                                       page):
    update = workflow.save(malawi_output, users.officer_mw)
    coordinator = client_for(users.coordinator)
    url = reverse("outputs:review_queue") if page == "review queue" else reverse("outputs:detail", args=[malawi_output.pk])
    html = text_of(coordinator.get(url))
    approve = reverse("outputs:approve", args=[update.pk])
    form = html[html.index(f'action="{approve}"'):]
    form = form[:form.index("</form>")]
    fields = dict(re.findall(r'name="(base_revision|next)" value="([^"]*)"', form))
    malawi_output.refresh_from_db()
    assert fields["base_revision"] == str(malawi_output.revision)

    assert coordinator.post(approve, fields).status_code == 302  # the form as the page sent it
    update.refresh_from_db()
    assert update.review_state == ReviewState.APPROVED


def test_external_next_is_ignored(users, malawi_output, client_for, workflow):
    update = workflow.save(malawi_output, users.officer_mw)
    malawi_output.refresh_from_db()
    response = client_for(users.coordinator).post(
        reverse("outputs:approve", args=[update.pk]),
        {"base_revision": malawi_output.revision, "next": "https://evil.example.org/"},
    )
    assert response["Location"] == reverse("outputs:review_queue")


# --- The full cycle through the pages -------------------------------------------------------


def test_full_review_cycle_through_the_pages(users, malawi_output, client_for):
    officer, coordinator = client_for(users.officer_mw), client_for(users.coordinator)
    update_url = reverse("outputs:update", args=[malawi_output.pk])
    started = timezone.now()

    assert officer.post(update_url, _form_data(
        malawi_output, status="at_risk", progress="20", narrative="Consultant not yet recruited.", save="1",
    )).status_code == 302
    assert officer.post(update_url, _form_data(
        malawi_output, status="at_risk", progress="25", narrative="Consultant recruited in October.",
        submit="1",
    )).status_code == 302
    update = StatusUpdate.objects.get()

    queue = coordinator.get(reverse("outputs:review_queue"))
    assert [u.pk for u in queue.context["updates"]] == [update.pk]
    assert "Consultant recruited in October." in text_of(queue)

    malawi_output.refresh_from_db()
    assert coordinator.post(reverse("outputs:return", args=[update.pk]), {
        "reason": "Say when the plan will be validated.", "base_revision": malawi_output.revision,
    }).status_code == 302

    form_page = officer.get(update_url)
    html = text_of(form_page)
    assert "Returned for changes" in html and "Say when the plan will be validated." in html
    assert form_page.context["form"]["narrative"].value() == "Consultant recruited in October."
    assert coordinator.get(reverse("outputs:review_queue")).context["updates"] == []

    assert officer.post(update_url, _form_data(
        malawi_output, status="at_risk", progress="30",
        narrative="Consultant recruited; validation workshop on 12 February.", submit="1",
    )).status_code == 302

    malawi_output.refresh_from_db()
    assert coordinator.post(reverse("outputs:approve", args=[update.pk]), {
        "base_revision": malawi_output.revision,
    }).status_code == 302

    update.refresh_from_db()
    malawi_output.refresh_from_db()
    assert update.review_state == ReviewState.APPROVED
    assert malawi_output.reported_update == update and malawi_output.pending_update is None
    assert StatusUpdate.objects.count() == 1

    events = list(ReviewEvent.objects.filter(update=update).order_by("at", "pk"))
    assert [(e.action, e.from_state, e.to_state, e.actor.username, e.reason) for e in events] == [
        ("created", "", "draft", "officer-mw", ""),
        ("submitted", "draft", "submitted", "officer-mw", ""),
        ("returned", "submitted", "returned", "coordinator", "Say when the plan will be validated."),
        ("submitted", "returned", "submitted", "officer-mw", ""),
        ("approved", "submitted", "approved", "coordinator", ""),
    ]
    times = [e.at for e in events]
    assert times == sorted(times) and times[0] >= started and times[-1] <= timezone.now()
    assert [e.pk for e in update.events.all()] == [e.pk for e in events]  # the default order is the trail

    # Every version of the update is in its history, none rewritten.
    assert [(h.progress, h.review_state) for h in update.history.order_by("history_date", "history_id")] == [
        (20, "draft"), (25, "submitted"), (25, "returned"), (30, "submitted"), (30, "approved"),
    ]

    # The output page shows the trail, the reason included, to officers and coordinators.
    page = text_of(coordinator.get(reverse("outputs:detail", args=[malawi_output.pk])))
    events_list = page[page.index('<ul class="events">'):]
    events_list = events_list[:events_list.index("</ul>")]
    shown = re.findall(r"</time> · ([^·]+) · ([^<]+)", events_list)
    assert [(action.strip(), who.strip()) for action, who in shown] == [
        ("Draft saved", "Chikondi Banda"),
        ("Submitted for review", "Chikondi Banda"),
        ("Returned for changes", "Claire Coordinator"),
        ("Submitted for review", "Chikondi Banda"),
        ("Approved", "Claire Coordinator"),
    ]
    assert "Say when the plan will be validated." in events_list


# --- Reported status and pending updates on the output page ---------------------------------


def test_pending_update_shown_to_officers_and_coordinators_not_donors(users, malawi_output, client_for, workflow):
    workflow.approve(
        workflow.save(malawi_output, users.officer_mw, progress=40, narrative="Approved narrative."),
        users.coordinator,
    )
    workflow.save(malawi_output, users.officer_mw, status="off_track", progress=45,
                  narrative="Secret pending narrative.")
    malawi_output.refresh_from_db()
    assert malawi_output.reported_update.narrative == "Approved narrative."
    url = reverse("outputs:detail", args=[malawi_output.pk])

    for person in ("officer_mw", "officer_zm", "coordinator"):
        html = text_of(client_for(getattr(users, person)).get(url))
        assert "Approved narrative." in html
        assert "Secret pending narrative." in html, person
        assert "(pending)" in html and "Pending update" in html, person
        assert "Off track" in html

    response = client_for(users.donor).get(url)
    html = text_of(response)
    assert "Approved narrative." in html
    assert "Secret pending narrative." not in html
    assert "pending" not in html.lower()
    assert "Off track" not in html
    assert [u.review_state for u in response.context["timeline"]] == ["approved"]


def test_donor_sees_no_pending_only_output_as_reported(users, malawi_output, client_for, workflow):
    workflow.save(malawi_output, users.officer_mw, status="at_risk", narrative="Only a pending one.")
    response = client_for(users.donor).get(reverse("outputs:detail", args=[malawi_output.pk]))
    html = text_of(response)
    assert "Not reported" in html and "No updates yet." in html
    assert "Only a pending one." not in html and "pending" not in html.lower()


def test_timeline_is_newest_first_with_evidence(users, malawi_output, client_for, workflow):
    first = workflow.approve(workflow.save(malawi_output, users.officer_mw, narrative="First report."),
                             users.coordinator)
    second = workflow.save(malawi_output, users.officer_mw, narrative="Second report.",
                           links=["https://www.ilo.org/second"])
    response = client_for(users.officer_mw).get(reverse("outputs:detail", args=[malawi_output.pk]))
    assert [u.pk for u in response.context["timeline"]] == [second.pk, first.pk]
    html = text_of(response)
    assert html.index("Second report.") < html.index("First report.")
    assert "https://www.ilo.org/second" in html


def test_coordinator_edit_history_on_the_output_page(users, malawi_output, client_for):
    old_title = malawi_output.title
    coordinator = client_for(users.coordinator)
    response = coordinator.post(
        reverse("outputs:edit", args=[malawi_output.pk]),
        {"title": "Rolled-out plan", "deadline": "2027-03-31", "reason": "Scope agreed",
         "base_revision": malawi_output.revision},
    )
    assert response.status_code == 302
    malawi_output.refresh_from_db()
    records = list(malawi_output.history.order_by("history_date", "history_id"))
    assert [(r.title, str(r.deadline)) for r in records] == [
        (old_title, "2025-12-31"), ("Rolled-out plan", "2027-03-31"),
    ]
    assert records[-1].history_user == users.coordinator
    assert records[-1].history_change_reason == "Scope agreed"

    page = coordinator.get(reverse("outputs:detail", args=[malawi_output.pk]))
    html = text_of(page)
    assert "Changes to this output" in html and "Scope agreed" in html and "Claire Coordinator" in html
    assert text_of(client_for(users.donor).get(reverse("outputs:detail", args=[malawi_output.pk]))).count(
        "Changes to this output"
    ) == 0


# --- My outputs ----------------------------------------------------------------------------


@pytest.fixture
def two_country_officer(users, seed_programme):
    """An officer reporting for Malawi and Mozambique."""
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.create_user("officer-two", email="two@example.org")
    for code in ("MW", "MZ"):
        AccessGrant.objects.create(user=officer, programme=seed_programme,
                                   country=Country.objects.get(code=code), role=Role.OFFICER)
    return officer


def test_my_outputs_most_urgent_first(users, client_for, workflow):
    malawi = list(Output.objects.filter(outcome__country__code="MW").order_by("pk"))
    for index, output in enumerate(malawi):
        due_in(output, 200 + index)
    long_overdue, overdue, soon, later, achieved = malawi[:5]
    due_in(long_overdue, -30)
    due_in(overdue, -2)
    due_in(soon, 5)
    due_in(later, 40)
    due_in(achieved, -60)
    workflow.approve(workflow.save(achieved, users.officer_mw, status="achieved", progress=100),
                     users.coordinator)

    response = client_for(users.officer_mw).get(reverse("outputs:my_outputs"))
    shown = [output.pk for output in response.context["outputs"]]
    # Overdue first (by deadline); then by deadline, where an achieved output is no longer overdue.
    assert shown[:5] == [long_overdue.pk, overdue.pk, achieved.pk, soon.pk, later.pk]
    assert shown[5:] == [output.pk for output in malawi[5:]]
    assert set(shown) == {output.pk for output in malawi}
    html = text_of(response)
    positions = [html.index(reverse("outputs:detail", args=[pk]) + '"') for pk in shown[:5]]
    assert positions == sorted(positions)
    assert "30 days overdue" in html and "5 days left" in html


def test_my_outputs_lists_only_the_officers_countries(users, client_for):
    response = client_for(users.officer_zm).get(reverse("outputs:my_outputs"))
    countries = {output.outcome.country.code for output in response.context["outputs"]}
    assert countries == {"ZM"}
    assert len(response.context["outputs"]) == Output.objects.filter(outcome__country__code="ZM").count()


def test_my_outputs_filters(users, two_country_officer, client_for, workflow):
    client = client_for(two_country_officer)
    url = reverse("outputs:my_outputs")
    mine = Output.objects.filter(outcome__country__code__in=["MW", "MZ"])

    def shown(**params):
        return sorted(o.pk for o in client.get(url, params).context["outputs"])

    def expected(queryset):
        return sorted(queryset.values_list("pk", flat=True))

    assert shown() == expected(mine)
    assert shown(country="mz") == expected(mine.filter(outcome__country__code="MZ"))
    assert shown(country="zm") == expected(mine)  # not their country: ignored, never Zambia's outputs
    assert shown(outcome="2") == expected(mine.filter(outcome__number=2))
    assert shown(country="mw", outcome="1") == expected(
        mine.filter(outcome__country__code="MW", outcome__number=1)
    )

    achieved = workflow.output("MW", "1.2")
    at_risk = workflow.output("MZ", "1.1")
    workflow.approve(workflow.save(achieved, users.officer_mw, status="achieved", progress=100),
                     users.coordinator)
    workflow.approve(workflow.save(at_risk, users.officer_mz, status="at_risk", narrative="Late."),
                     users.coordinator)
    workflow.save(workflow.output("MW", "1.3"), users.officer_mw, status="achieved")  # pending only
    assert shown(status="achieved") == [achieved.pk]
    assert shown(status="at_risk") == [at_risk.pk]
    assert shown(status="none") == expected(mine.exclude(pk__in=[achieved.pk, at_risk.pk]))
    assert shown(status="bogus") == expected(mine)

    response = client.get(url, {"country": "mw", "outcome": "9"})
    assert list(response.context["outputs"]) == []
    assert "No output matches these filters." in text_of(response)
    assert [c.code for c in response.context["countries"]] == ["MW", "MZ"]


# --- Review queue --------------------------------------------------------------------------


def test_review_queue_oldest_first(users, client_for, workflow):
    now = timezone.now()
    malawi = workflow.save(workflow.output("MW", "1.1"), users.officer_mw, narrative="Malawi report.")
    zambia = workflow.save(workflow.output("ZM", "1.1"), users.officer_zm, narrative="Zambia report.")
    vietnam = workflow.save(workflow.output("VN", "1.1"), users.officer_vn, narrative="Viet Nam report.")
    workflow.save(workflow.output("MZ", "1.1"), users.officer_mz, submit=False)  # a draft: not queued
    workflow.approve(workflow.save(workflow.output("MW", "1.2"), users.officer_mw), users.coordinator)
    for update, hours_ago in ((malawi, 2), (zambia, 30), (vietnam, 5)):
        StatusUpdate.objects.filter(pk=update.pk).update(submitted_at=now - timedelta(hours=hours_ago))

    response = client_for(users.coordinator).get(reverse("outputs:review_queue"))
    assert [u.pk for u in response.context["updates"]] == [zambia.pk, vietnam.pk, malawi.pk]
    html = text_of(response)
    assert html.index("Zambia report.") < html.index("Viet Nam report.") < html.index("Malawi report.")
    assert "3 updates waiting" in html


# --- Query counts --------------------------------------------------------------------------


def _add_many(workflow, users, seed_programme, *, outputs=40):
    """More outputs for Malawi, each with an approved update and a newer one awaiting review."""
    outcome = Outcome.objects.get(programme=seed_programme, country__code="MW", number=1)
    today = timezone.localdate()
    for number in range(outputs):
        output = Output.objects.create(
            outcome=outcome, code=f"1.{100 + number}", title=f"Extra output {number}",
            deadline=today + timedelta(days=number - 10), position=100 + number,
        )
        workflow.approve(workflow.save(output, users.officer_mw, progress=number % 100,
                                       links=["https://www.ilo.org/a"]), users.coordinator)
        workflow.save(output, users.officer_mw, status="at_risk", narrative=f"Risk {number}",
                      links=["https://www.ilo.org/b"])


# My outputs: SAVEPOINT and RELEASE (ATOMIC_REQUESTS), the session, the user, the user's grants
# (once per request, for the view and the navigation), the officer's countries, the outputs with
# their component and reported and pending updates joined in, the outcome numbers for the filter.
MY_OUTPUTS_QUERIES = 8


def test_my_outputs_queries_at_the_seed_size(users, client_for, django_assert_max_num_queries):
    officer = client_for(users.officer_mw)
    with django_assert_max_num_queries(MY_OUTPUTS_QUERIES):
        response = officer.get(reverse("outputs:my_outputs"))
    assert response.status_code == 200
    assert len(response.context["outputs"]) == Output.objects.filter(outcome__country__code="MW").count()


# Review queue: SAVEPOINT and RELEASE (ATOMIC_REQUESTS), the session, the user, the programmes
# the user sees, the user's grants, the submitted updates with output, component, reported update
# and author joined in, their evidence (one prefetch), the navigation's count of waiting updates.
REVIEW_QUEUE_QUERIES = 9


def test_review_queue_queries_with_one_update(users, client_for, workflow, django_assert_max_num_queries):
    workflow.save(workflow.output("ZM", "1.1"), users.officer_zm, links=["https://www.ilo.org/z"])
    coordinator = client_for(users.coordinator)
    with django_assert_max_num_queries(REVIEW_QUEUE_QUERIES):
        response = coordinator.get(reverse("outputs:review_queue"))
    assert response.status_code == 200
    assert len(response.context["updates"]) == 1


def test_my_outputs_and_review_queue_queries_do_not_grow_with_40_more_outputs(
    users, seed_programme, client_for, workflow, django_assert_max_num_queries
):
    """The same rows for both pages: 40 more Malawi outputs, each approved once and with an update waiting."""
    workflow.save(workflow.output("ZM", "1.1"), users.officer_zm, links=["https://www.ilo.org/z"])
    seed_count = Output.objects.filter(outcome__country__code="MW").count()
    _add_many(workflow, users, seed_programme)
    officer, coordinator = client_for(users.officer_mw), client_for(users.coordinator)
    with django_assert_max_num_queries(MY_OUTPUTS_QUERIES, info="My outputs"):
        response = officer.get(reverse("outputs:my_outputs"))
    assert response.status_code == 200
    assert len(response.context["outputs"]) == seed_count + 40
    assert text_of(response).count("Continue update") == 40
    with django_assert_max_num_queries(REVIEW_QUEUE_QUERIES, info="review queue"):
        response = coordinator.get(reverse("outputs:review_queue"))
    assert response.status_code == 200
    assert len(response.context["updates"]) == 41
    assert text_of(response).count("https://www.ilo.org/b") == 40


def test_services_reject_writes_through_the_review_of_another_programme(users, workflow, seed_programme):
    """A coordinator of one programme cannot review another programme's updates."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied

    from programme.models import Programme

    other = Programme.objects.create(code="GLO/99/01/XYZ", title="Another programme")
    stranger = get_user_model().objects.create_user("other-coordinator")
    AccessGrant.objects.create(user=stranger, programme=other, role=Role.COORDINATOR)
    update = workflow.save(workflow.output("MW", "1.1"), users.officer_mw)
    with pytest.raises(PermissionDenied):
        status_update_approve(update=update, user=stranger)
    update.refresh_from_db()
    assert update.review_state == ReviewState.SUBMITTED


def test_the_header_counts_the_review_queue(users, client_for):
    """The header's count and the queue page list the same updates (submitted, not drafts or returned)."""
    from outputs.selectors import review_queue, review_queue_count
    from testing.workflow import save_update, seed_output

    coordinator = client_for(users.coordinator)
    programme_ids = [users.coordinator.access_grants.get().programme_id]
    save_update(seed_output("MW", "1.4"), users.officer_mw, submit=False)  # a draft: not waiting
    save_update(seed_output("MZ", "1.1"), users.officer_mz)
    waiting = review_queue(programme_ids).count()
    assert waiting >= 1 and review_queue_count(programme_ids) == waiting == review_queue_count(None)
    page = coordinator.get(reverse("outputs:review_queue")).content.decode()
    assert f'Review queue <span class="count">{waiting}</span>' in page
