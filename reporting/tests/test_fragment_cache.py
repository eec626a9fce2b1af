"""Cached fragments of the report pages (reporting.views.cached_fragment): served again without
their queries, never once anything they show changed or to a reader who may see something else,
and never invalidated by a change to another programme or an account elsewhere."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outputs.models import Evidence, Output
from outputs.services.output_edits import output_create, output_edit
from outputs.services.updates import status_update_return
from programme.models import AccessGrant, Country, Programme, Role
from programme.services import programme_touch
from testing.pages import main_of
from testing.workflow import approve, save_update, seed_output

COUNTRY = "/programmes/glo-22-31-irl/countries/mw/"
DASHBOARD = "/programmes/glo-22-31-irl/dashboard/"
API = "/api/outputs/?programme=glo-22-31-irl&country=mw"

# A page whose fragment is cached: the session, the account and the account's grants (which name
# the programme and its data version; the header's review-queue count is cached under it too).
# Access is read from the database on every request; the page runs without a request transaction.
CACHED_PAGE_QUERIES = 3


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response


def queries(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        get(client, url, **params)
    return len(captured)


def html(client, url, **params):
    return get(client, url, **params).content.decode()


def version():
    return Programme.objects.get(code="GLO/22/31/IRL").data_version


@pytest.mark.parametrize("url", [COUNTRY, DASHBOARD])
def test_second_request_is_served_from_the_cache(url, users, client_for, reported, django_assert_max_num_queries):
    client = client_for(users.coordinator)
    first = html(client, url)
    with django_assert_max_num_queries(CACHED_PAGE_QUERIES):
        second = html(client, url)
    assert main_of(second) == main_of(first)
    assert queries(client, url) < queries(client_for(users.donor), url)  # the donor's first: a miss


def test_the_shell_is_rendered_for_each_reader(users, client_for, reported):
    """The cached body is shared by readers of the same scope; names and CSRF tokens are not."""
    first = html(client_for(users.officer_mw), COUNTRY)
    second = html(client_for(users.officer_mw2), COUNTRY)
    assert "Tiyamike" in second and "Tiyamike" not in first
    token = 'name="csrfmiddlewaretoken" value="'
    assert first.split(token)[1][:64] != second.split(token)[1][:64]
    assert main_of(first) == main_of(second)


def test_submit_approve_and_return_change_the_pages(users, client_for, reported):
    coordinator, donor = client_for(users.coordinator), client_for(users.donor)
    assert html(coordinator, COUNTRY).count("(pending)") == 1  # the fixture's Malawi 1.2
    html(donor, COUNTRY)
    before = version()
    update = save_update(seed_output("MW", "1.4"), users.officer_mw, narrative="Drafted words.", status="at_risk")
    assert version() != before
    assert html(coordinator, COUNTRY).count("(pending)") == 2
    assert "(pending)" not in html(donor, COUNTRY)  # donors never see updates awaiting review
    assert "Drafted words." not in html(donor, COUNTRY)

    approve(update, users.coordinator)
    assert "Drafted words." in html(donor, COUNTRY)

    second = save_update(seed_output("MW", "1.5"), users.officer_mw, narrative="Second words.")
    assert "Submitted for review" in html(coordinator, COUNTRY)
    second.output.refresh_from_db()
    status_update_return(update=second, user=users.coordinator, reason="Say more.",
                                  base_revision=second.output.revision)
    assert "Returned for changes" in html(coordinator, COUNTRY)


def test_dashboard_and_api_follow_an_approval(users, client_for, reported):
    donor = client_for(users.donor)
    api_before = get(donor, API).json()
    dashboard_before = html(donor, DASHBOARD)
    update = save_update(seed_output("MW", "1.4"), users.officer_mw, status="achieved", progress=100,
                         narrative="Finished.")
    assert main_of(html(donor, DASHBOARD)) == main_of(dashboard_before)  # a pending update: nothing a donor sees
    approve(update, users.coordinator)
    assert main_of(html(donor, DASHBOARD)) != main_of(dashboard_before)
    reported_now = {row["code"]: row["reported"] for row in get(donor, API).json()["results"]}
    assert reported_now["1.4"]["status"] == "achieved"
    assert {row["code"]: row["reported"] for row in api_before["results"]}["1.4"] is None


def test_donor_never_gets_a_coordinator_s_cached_page(users, client_for, reported):
    coordinator = html(client_for(users.coordinator), COUNTRY)
    assert "(pending)" in coordinator and "Submitted for review" in coordinator
    donor = html(client_for(users.donor), COUNTRY)
    assert "(pending)" not in donor and "Submitted for review" not in donor
    coordinator_api = get(client_for(users.coordinator), API).json()
    donor_api = get(client_for(users.donor), API).json()
    assert any(row["pending"] for row in coordinator_api["results"])
    assert not any(row["pending"] for row in donor_api["results"])
    assert "Submitted for review" in html(client_for(users.coordinator), DASHBOARD)
    assert "Submitted for review" not in html(client_for(users.donor), DASHBOARD)


def test_readers_of_the_same_view_share_a_fragment(users, client_for, reported, django_assert_max_num_queries):
    first = html(client_for(users.officer_mw), COUNTRY)
    other_officer = client_for(users.officer_mw2)
    with django_assert_max_num_queries(CACHED_PAGE_QUERIES):
        second = html(other_officer, COUNTRY)  # another officer of the same country: the same view
    assert main_of(second) == main_of(first)
    assert queries(client_for(users.donor), COUNTRY) > CACHED_PAGE_QUERIES  # the donor's view: its own
    # Officers of other countries see other drafts: a view of their own.
    assert queries(client_for(users.officer_mz), COUNTRY) > CACHED_PAGE_QUERIES


def test_a_changed_role_changes_the_view_at_the_next_request(users, client_for, reported):
    """A coordinator made a donor no longer sees the updates awaiting review."""
    coordinator = client_for(users.coordinator)
    assert "(pending)" in html(coordinator, COUNTRY)
    grant = AccessGrant.objects.get(user=users.coordinator, role=Role.COORDINATOR)
    grant.role = Role.DONOR
    grant.save()
    assert "(pending)" not in html(client_for(users.coordinator), COUNTRY)


def test_admin_saves_of_the_structure_change_the_pages(users, client_for, reported):
    """The admin gives the programmes showing a renamed country or an edited programme a new data
    version (programme.admin.TouchesProgrammes)."""
    client = client_for(users.donor)
    admin = client_for(users.admin)
    malawi = Country.objects.get(code="MW")
    response = admin.post(f"/admin/programme/country/{malawi.pk}/change/", {
        "name": "Malawi (renamed)", "code": "MW", "region": malawi.region_id, "slug": malawi.slug,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Malawi (renamed): progress report" in html(client, COUNTRY)
    assert "Malawi (renamed)" in html(client, DASHBOARD)
    programme = Programme.objects.get(code="GLO/22/31/IRL")
    response = admin.post(f"/admin/programme/programme/{programme.pk}/change/", {
        "code": programme.code, "title": programme.title, "funding_partner": "Another partner",
        "start_date": "", "end_date": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "funded by Another partner" in html(client, COUNTRY)


def test_admin_edit_of_an_output_changes_the_page(users, client_for, reported):
    client = client_for(users.donor)
    output = seed_output("MW", "1.4")
    assert "Edited in the admin" not in html(client, COUNTRY)
    admin = client_for(users.admin)
    form = admin.get(f"/admin/outputs/output/{output.pk}/change/")
    assert form.status_code == 200
    response = admin.post(f"/admin/outputs/output/{output.pk}/change/", {
        "outcome": output.outcome_id, "code": output.code, "title": "Edited in the admin",
        "deadline": output.deadline.isoformat(), "position": output.position,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Output.objects.get(pk=output.pk).title == "Edited in the admin"
    assert "Edited in the admin" in html(client, COUNTRY)


def test_approved_evidence_changes_the_page(users, client_for, reported):
    client = client_for(users.donor)
    assert "https://example.org/new-evidence" not in html(client, COUNTRY)
    update = save_update(seed_output("MW", "1.4"), users.officer_mw, links=["https://example.org/new-evidence"])
    assert "https://example.org/new-evidence" not in html(client, COUNTRY)  # pending: not for donors
    approve(update, users.coordinator)
    assert Evidence.objects.filter(update=update).exists()
    assert "https://example.org/new-evidence" in html(client, COUNTRY)


def test_as_of_pages_have_their_own_entries(users, client_for, reported):
    client = client_for(users.donor)
    today = html(client, COUNTRY)
    june = html(client, COUNTRY, as_of="2025-06-30")
    assert "Budget delayed." in june and "Budget released." not in june
    assert "Budget released." in today
    assert main_of(html(client, COUNTRY, as_of="2025-06-30")) == main_of(june)
    assert "As of the end of 30 June 2025" in html(client, DASHBOARD, as_of="2025-06-30")
    assert "As of the end of" not in html(client, DASHBOARD)


def test_a_page_cached_in_english_is_not_served_in_french(users, client_for, reported):
    client = client_for(users.donor)
    english = html(client, COUNTRY)
    assert "Malawi: progress report" in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = html(client, COUNTRY)
    assert '<html lang="fr"' in french
    assert "Malawi: progress report" not in french
    assert "Progress per outcome" in english and "Avancement par résultat" in french
    assert '<html lang="fr"' in html(client, DASHBOARD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Progress per outcome" in html(client, COUNTRY)


def test_deadline_states_follow_the_date(users, client_for, reported, frozen_today):
    assert "30 days left" in html(client_for(users.donor), COUNTRY)
    frozen_today.move_to("2025-12-02 09:00:00+00:00")
    page = html(client_for(users.donor), COUNTRY)  # signed in again: a day is past the idle timeout
    assert "29 days left" in page and "30 days left" not in page


def test_api_entries_per_filter_and_page(users, client_for, reported):
    client = client_for(users.coordinator)
    everything = get(client, "/api/outputs/", programme="glo-22-31-irl").json()
    malawi = get(client, "/api/outputs/", programme="glo-22-31-irl", country="mw").json()
    achieved = get(client, "/api/outputs/", programme="glo-22-31-irl", status="achieved").json()
    second = get(client, "/api/outputs/", programme="glo-22-31-irl", page=2).json()
    assert malawi["count"] == 12 and achieved["count"] == 1
    assert everything["count"] > 50 and second["results"][0]["id"] != everything["results"][0]["id"]
    assert client.get("/api/outputs/", {"programme": "glo-22-31-irl", "status": "bogus"}).status_code == 400
    assert client.get("/api/outputs/", {"programme": "glo-22-31-irl", "page": 99}).status_code == 404


def test_a_rolled_back_write_never_reuses_its_version(users, reported):
    """Random versions: a page cached inside a transaction that rolled back is never asked for again."""
    from django.db import transaction

    programme = Programme.objects.get(code="GLO/22/31/IRL")
    seen = {programme.data_version}
    for _ in range(3):
        try:
            with transaction.atomic():
                programme_touch(programme.pk)
                seen.add(version())
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        assert version() in seen
        programme_touch(programme.pk)
        assert version() not in seen
        seen.add(version())


def test_every_service_write_gives_a_new_version(users, reported):
    output = seed_output("MW", "1.4")
    before = version()
    output_edit(output=output, user=users.coordinator, title="New title", base_revision=output.revision)
    after_edit = version()
    assert after_edit != before
    output_create(programme=Programme.objects.get(code="GLO/22/31/IRL"), country=Country.objects.get(code="MW"),
                           outcome_number=1, code="1.99", title="Created", deadline="2026-06-30", user=users.coordinator)
    assert version() != after_edit
    other = Programme.objects.create(code="OTHER/1", title="Another programme")
    untouched = Programme.objects.get(pk=other.pk).data_version
    save_update(seed_output("MW", "1.5"), users.officer_mw)
    assert Programme.objects.get(pk=other.pk).data_version == untouched  # only the programme written to


def test_the_csrf_token_of_a_cached_page_is_accepted(users, reported):
    from django.test import Client

    for _ in range(2):  # the second client's pages come from the cache
        client = Client(enforce_csrf_checks=True)
        client.force_login(users.donor)
        # The first page sets the CSRF cookie; the second masks the secret the cookie holds.
        tokens = []
        for _ in range(2):
            page = html(client, COUNTRY)
            tokens.append(page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0])
            assert (users.donor.get_full_name() or users.donor.username) in page
        assert tokens[0] != tokens[1]  # masked afresh for each response
        response = client.post("/i18n/setlang/", {"language": "fr", "next": COUNTRY, "csrfmiddlewaretoken": tokens[1]})
        assert response.status_code == 302


def test_messages_are_shown_once_and_never_cached(users, client_for, reported):
    """A coordinator approves from the country page and comes back to it with the confirmation."""
    coordinator = client_for(users.coordinator)
    html(coordinator, COUNTRY)  # the fragment is cached
    update = reported["mw12_pending"]
    update.output.refresh_from_db()
    response = coordinator.post(f"/updates/{update.pk}/approve/", {"base_revision": update.output.revision, "next": COUNTRY})
    assert response.status_code == 302 and response["Location"] == COUNTRY
    confirmation = "Approved: Output 1.2 (Malawi)"
    assert confirmation in html(coordinator, COUNTRY)
    assert confirmation not in html(coordinator, COUNTRY)
    assert confirmation not in html(client_for(users.coordinator), COUNTRY)


def waiting_in_header(page):
    found = re.search(r'Review queue(?: <span class="count">(\d+)</span>)?</a>', page)
    assert found, "no review queue link in the header"
    return int(found.group(1) or 0)


def test_the_header_s_review_count_follows_a_submission(users, client_for, reported):
    """The header is rendered for each request, around the cached fragment."""
    client = client_for(users.coordinator)
    before = waiting_in_header(html(client, DASHBOARD))
    save_update(seed_output("MW", "1.4"), users.officer_mw, narrative="Waiting words.")
    assert waiting_in_header(html(client, DASHBOARD)) == before + 1


def test_a_cached_page_s_header_follows_a_grant_elsewhere(users, client_for, reported):
    """A grant in another programme changes the header (a review queue) at once, though this
    programme's data version, and so its cached fragment, stays."""
    client = client_for(users.donor)
    assert "Review queue" not in html(client, COUNTRY)
    before = version()
    other = Programme.objects.create(code="OTHER/1", title="Another programme")
    AccessGrant.objects.create(user=users.donor, programme=other, role=Role.COORDINATOR)
    assert "Review queue" in html(client, COUNTRY)
    assert version() == before


def test_writes_elsewhere_leave_the_fragments_alone(users, client_for, reported, django_assert_max_num_queries):
    """Another programme's writes, grants and accounts change nothing here: the fragment is still used."""
    client = client_for(users.donor)
    page = html(client, COUNTRY)
    before = version()
    other = Programme.objects.create(code="OTHER/1", title="Another programme")
    outsider = get_user_model().objects.create_user("outsider", password="long enough password 1")
    AccessGrant.objects.create(user=outsider, programme=other, role=Role.COORDINATOR)
    programme_touch(other.pk)
    outsider.first_name = "Renamed"
    outsider.save()
    assert version() == before
    with django_assert_max_num_queries(CACHED_PAGE_QUERIES):
        assert main_of(html(client, COUNTRY)) == main_of(page)


def test_renaming_a_person_of_the_programme_changes_its_pages(users, client_for, reported):
    client = client_for(users.donor)
    assert "Renamed Officer" not in html(client, COUNTRY)
    officer = users.officer_mw
    response = client_for(users.admin).post(f"/admin/auth/user/{officer.pk}/change/", {
        "username": officer.username, "first_name": "Renamed", "last_name": "Officer", "email": officer.email,
        "is_active": "on", "date_joined_0": "2025-01-01", "date_joined_1": "00:00:00",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "Renamed Officer" in html(client, COUNTRY)  # the author of Malawi's approved updates


DRAFT_ROW = 'class="review-state review-draft"'
OUTPUT_LIST = "/programmes/glo-22-31-irl/outputs/"


def test_a_draft_s_fragment_is_kept_for_the_officers_of_its_country(users, client_for, reported,
                                                                     django_assert_max_num_queries):
    """officer-mw's draft: cached for them, served to officer-mw2 (Malawi too) from that entry, never
    to officer-zm, the coordinator or the donor, whoever reads the page first."""
    save_update(seed_output("MW", "1.4"), users.officer_mw, submit=False, status="at_risk")
    # How each page shows the draft: the country page as its row's pending note, the dashboard as activity.
    for url, draft_shown in ((COUNTRY, DRAFT_ROW), (DASHBOARD, "Draft saved")):
        # Another country's officer and the coordinator read first: their entries hold no draft.
        assert draft_shown not in html(client_for(users.officer_zm), url)
        assert draft_shown not in html(client_for(users.coordinator), url)
        author = html(client_for(users.officer_mw), url)
        assert draft_shown in author
        colleague_client = client_for(users.officer_mw2)
        with django_assert_max_num_queries(CACHED_PAGE_QUERIES):
            colleague = html(colleague_client, url)  # the author's entry, from the cache
        assert main_of(colleague) == main_of(author)
        # Read after the author: still their own entries, without the draft.
        for person in (users.officer_zm, users.coordinator, users.donor):
            page = html(client_for(person), url)
            assert DRAFT_ROW not in page and "Draft saved" not in page, (url, person.username)
    assert DRAFT_ROW in html(client_for(users.officer_mw), COUNTRY)
    assert "Draft saved" in html(client_for(users.officer_mw2), DASHBOARD)


def test_a_submitted_draft_reaches_the_coordinator_s_pages(users, client_for, reported):
    output = seed_output("MW", "1.4")
    save_update(output, users.officer_mw, submit=False, status="at_risk", narrative="Draft words.")
    coordinator = client_for(users.coordinator)
    assert "Draft saved" not in html(coordinator, DASHBOARD)
    assert html(coordinator, COUNTRY).count("(pending)") == 1  # only the fixture's submitted 1.2
    save_update(output, users.officer_mw, status="at_risk", narrative="Draft words.")
    assert "Submitted for review" in html(coordinator, DASHBOARD)
    assert html(coordinator, COUNTRY).count("(pending)") == 2


def test_the_api_list_keeps_drafts_to_their_country_s_officers(users, client_for, reported):
    update = save_update(seed_output("MW", "1.4"), users.officer_mw, submit=False, status="at_risk")

    def pending_of(person):
        rows = get(client_for(person), API).json()["results"]
        return {row["id"]: row["pending"] for row in rows}[update.output_id]

    assert pending_of(users.officer_mw)["review_state"] == "draft"
    assert pending_of(users.officer_zm) is None
    assert pending_of(users.coordinator) is None
    assert pending_of(users.officer_mw2)["review_state"] == "draft"
    assert pending_of(users.donor) is None


def test_the_outputs_list_shows_a_draft_to_its_country_s_officers_only(users, client_for, reported):
    save_update(seed_output("MW", "1.4"), users.officer_mw, submit=False, status="at_risk")
    assert DRAFT_ROW in html(client_for(users.officer_mw2), OUTPUT_LIST, country="mw")
    assert DRAFT_ROW not in html(client_for(users.officer_zm), OUTPUT_LIST, country="mw")
    page = html(client_for(users.coordinator), OUTPUT_LIST, country="mw")
    assert DRAFT_ROW not in page and 'class="review-state review-submitted"' in page  # the fixture's 1.2
