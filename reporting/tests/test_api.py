"""The REST API under the pages' access rules: a permission matrix, filters, writes through the
services, each made from the revision its client read (ETag and If-Match)."""

import logging

import pytest
from rest_framework.test import APIClient

from outputs.models import Output, ReviewEvent, ReviewState, StatusUpdate
from outputs.services.updates import status_update_approve
from programme.models import AccessGrant, Country, Outcome, Programme, Role
from testing.seed import SEED_SLUG
from testing.workflow import save_update, seed_output


def current_etag(output):
    """The output's ETag as the API gives it now: its revision, quoted."""
    return f'"{Output.objects.get(pk=output.pk).revision}"'


def if_match(output):
    return {"If-Match": current_etag(output)}


@pytest.fixture
def submitted(users):
    return save_update(seed_output("MW", "1.3"), users.officer_mw, status="at_risk", progress=40,
                       narrative="Budget delayed.")


def _matrix():
    reads = ["/api/programmes/", "/api/programmes/glo-22-31-irl/", "/api/countries/", "/api/outcomes/", "/api/outputs/",
             "/api/outputs/{mw}/", "/api/outputs/{mw}/updates/"]
    expected = {"anon": 401, "nogrant": None, "donor": 200, "officer_mw": 200, "officer_zm": 200, "coordinator": 200}
    for url in reads:
        for who, code in expected.items():
            if code is None:  # no grant: lists are empty, objects are 404 (the programme is not revealed)
                code = 404 if "{mw}" in url or "glo-22" in url else 200
            yield "get", url, who, code
    for who, code in {"anon": 401, "nogrant": 404, "donor": 403, "officer_mw": 201, "officer_zm": 403,
                      "coordinator": 403}.items():
        yield "post-update", "/api/outputs/{mw}/updates/", who, code
    for action in ("approve", "return"):
        for who, code in {"anon": 401, "nogrant": 404, "donor": 404, "officer_mw": 403, "officer_zm": 403,
                          "coordinator": 200}.items():
            yield "post-" + action, "/api/updates/{update}/" + action + "/", who, code


@pytest.mark.parametrize(("method", "url", "who", "status"), list(_matrix()))
def test_permission_matrix(users, api_for, submitted, method, url, who, status):
    client = api_for(getattr(users, who))
    output = seed_output("MW", "1.3")
    path = url.format(mw=output.pk, update=submitted.pk)
    updates_before = StatusUpdate.objects.count()
    events_before = ReviewEvent.objects.count()
    if method == "get":
        response = client.get(path)
    elif method == "post-update":
        response = client.post(path, {"status": "on_track", "progress": 50, "narrative": "Moving."}, format="json",
                               headers=if_match(output))
    else:
        response = client.post(path, {"reason": "Add the budget figures."}, format="json", headers=if_match(output))
    assert response.status_code == status, response.content
    if status >= 400:
        assert StatusUpdate.objects.count() == updates_before
        assert ReviewEvent.objects.count() == events_before


def test_no_grant_sees_empty_lists(users, api_for):
    client = api_for(users.nogrant)
    for url in ["/api/programmes/", "/api/countries/", "/api/outcomes/", "/api/outputs/", "/api/updates/"]:
        assert client.get(url).json()["count"] == 0, url


def test_donor_sees_no_pending(users, api_for, submitted):
    output = seed_output("MW", "1.3")
    donor = api_for(users.donor)
    assert donor.get(f"/api/outputs/{output.pk}/").json()["pending"] is None
    assert donor.get(f"/api/outputs/{output.pk}/updates/").json() == []
    assert donor.get(f"/api/updates/{submitted.pk}/").status_code == 404
    officer = api_for(users.officer_zm)
    pending = officer.get(f"/api/outputs/{output.pk}/").json()["pending"]
    assert pending["review_state"] == "submitted" and pending["status"] == "at_risk"


def listed(client, **params):
    """(programme, country, code) of every output the API lists for the query, across its pages, sorted."""
    found, url, query = [], "/api/outputs/", params
    while url:
        page = client.get(url, query)
        assert page.status_code == 200, (params, page.content[:300])
        found += [(row["programme"], row["country"], row["code"]) for row in page.json()["results"]]
        url, query = page.json()["next"], None
    return sorted(found)


def seed(country, *codes):
    return [(SEED_SLUG, country, code) for code in codes]


MALAWI = seed("mw", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.2", "2.3", "3.1", "3.2", "3.3", "3.4")
OTHER = ("tst-99-01-xyz", "zm", "1.1")


@pytest.fixture
def other_programme(users):
    """A second programme the coordinator coordinates, with one Zambian output due on 30 June 2026."""
    other = Programme.objects.create(code="TST/99/01/XYZ", title="Other programme")
    outcome = Outcome.objects.create(programme=other, country=Country.objects.get(code="ZM"), number=1, title="Other")
    Output.objects.create(outcome=outcome, code="1.1", title="Other output", deadline="2026-06-30")
    AccessGrant.objects.create(user=users.coordinator, programme=other, role=Role.COORDINATOR)
    return other


def test_each_output_filter_keeps_exactly_the_outputs_it_names(users, api_for, deadlines, other_programme):
    """Seen on 1 December 2025 (``deadlines``): each filter, and filters together, keep some outputs and
    drop others; the pending update of Malawi 1.2 and Malawi 1.3's earlier At risk do not count."""
    client = api_for(users.coordinator)
    everything = listed(client)
    assert len(everything) == 64 and OTHER in everything
    reported = seed("mw", "1.1", "1.3") + seed("mz", "1.1") + seed("zm", "1.1")
    overdue = seed("vn", "1.1") + seed("zm", "1.1")
    cases = [
        ({"programme": "tst-99-01-xyz"}, [OTHER]),
        ({"programme": SEED_SLUG}, [row for row in everything if row != OTHER]),
        ({"country": "mw"}, MALAWI),
        ({"country": "zm", "outcome": 2}, seed("zm", "2.1", "2.1", "2.2", "2.3", "2.4")),
        ({"country": "zm", "programme": "tst-99-01-xyz"}, [OTHER]),
        ({"outcome": 4}, seed("global", "4.1", "4.2")),
        ({"status": "none"}, [row for row in everything if row not in reported]),
        ({"status": "none", "country": "mw"}, [row for row in MALAWI if row[2] not in ("1.1", "1.3")]),
        ({"status": "achieved"}, seed("mw", "1.1")),
        ({"status": "on_track"}, seed("mw", "1.3")),
        ({"status": "off_track"}, seed("zm", "1.1")),
        ({"status": "cancelled"}, seed("mz", "1.1")),
        ({"status": "at_risk"}, []),
        ({"overdue": "true"}, overdue),
        ({"overdue": "false"}, [row for row in everything if row not in overdue]),
        ({"overdue": "false", "country": "mz", "status": "cancelled"}, seed("mz", "1.1")),
        ({"deadline_before": "2025-10-31"}, overdue),
        ({"deadline_before": "2025-12-01", "deadline_after": "2025-11-15"},
         seed("mw", "1.1") + seed("mz", "1.1") + seed("vn", "2.1")),
        ({"deadline_after": "2026-01-01"}, sorted([OTHER, *seed("mz", "2.1")])),
    ]
    for params, expected in cases:
        assert listed(client, **params) == sorted(expected), params
    for params in ({"outcome": "abc"}, {"status": "nonsense"}, {"overdue": "maybe"}, {"deadline_after": "soon"}):
        assert client.get("/api/outputs/", params).status_code == 400, params


def test_outputs_list_runs_a_fixed_number_of_queries(users, api_for, submitted, django_assert_max_num_queries):
    """A page of 50 outputs, reported and pending statuses included, on a first read: the token with
    its user, the programmes the user sees with their data versions (the cache key), the count, the
    page, its outputs' reported and pending updates, the programmes again and the grants (which decide
    ``pending``), inside the request transaction's savepoint and its release. A repeat read is the
    token, the programmes and the grants."""
    status_update_approve(update=save_update(seed_output("MW", "1.1"), users.officer_mw), user=users.coordinator)
    client = api_for(users.officer_mw)
    with django_assert_max_num_queries(10):
        results = client.get("/api/outputs/", {"country": "mw"}).json()["results"]
    assert {row["code"] for row in results if row["reported"]} == {"1.1"}
    assert {row["code"] for row in results if row["pending"]} == {"1.3"}
    with django_assert_max_num_queries(10):
        assert len(client.get("/api/outputs/").json()["results"]) == 50
    with django_assert_max_num_queries(5):
        assert client.get("/api/outputs/", {"country": "mw"}).json()["results"] == results


def test_the_outputs_list_follows_a_review_and_the_reader_s_view(users, api_for, submitted):
    """The cached list changes with the programme's data version, and donors never get the list a
    coordinator's view filled."""
    coordinator, donor = api_for(users.coordinator), api_for(users.donor)
    pending = {row["code"]: row["pending"] for row in coordinator.get("/api/outputs/", {"country": "mw"}).json()["results"]}
    assert pending["1.3"] is not None
    assert not any(row["pending"] for row in donor.get("/api/outputs/", {"country": "mw"}).json()["results"])
    status_update_approve(update=submitted, user=users.coordinator, base_revision=None)
    reported = {row["code"]: row["reported"] for row in donor.get("/api/outputs/", {"country": "mw"}).json()["results"]}
    assert reported["1.3"] is not None


def test_review_cycle_through_the_api(users, api_for, submitted):
    coordinator = api_for(users.coordinator)
    assert coordinator.get("/api/updates/").json()["count"] == 1
    output = seed_output("MW", "1.3")
    read = coordinator.get(f"/api/updates/{submitted.pk}/")
    refused = coordinator.post(f"/api/updates/{submitted.pk}/return/", {}, format="json",
                               headers={"If-Match": read["ETag"]})
    assert refused.status_code == 400 and "reason" in refused.json()
    returned = coordinator.post(f"/api/updates/{submitted.pk}/return/", {"reason": "Add figures."}, format="json",
                                headers={"If-Match": read["ETag"]})
    assert returned.json()["review_state"] == "returned"
    officer = api_for(users.officer_mw, token=False)  # session authentication works too
    etag = officer.get(f"/api/outputs/{output.pk}/")["ETag"]
    assert etag == returned["ETag"]
    resubmitted = officer.post(f"/api/outputs/{output.pk}/updates/",
                               {"status": "at_risk", "progress": 45, "narrative": "Budget delayed; figures added."},
                               format="json", headers={"If-Match": etag})
    assert resubmitted.status_code == 201 and resubmitted.json()["id"] == submitted.pk
    approved = coordinator.post(f"/api/updates/{submitted.pk}/approve/", format="json",
                                headers={"If-Match": resubmitted["ETag"]})
    assert approved.json()["review_state"] == "approved"
    assert [e["action"] for e in approved.json()["events"]] == ["submitted", "returned", "submitted", "approved"]
    twice = coordinator.post(f"/api/updates/{submitted.pk}/approve/", format="json",
                             headers={"If-Match": approved["ETag"]})
    assert twice.status_code == 400
    donor = api_for(users.donor)
    reported = donor.get(f"/api/outputs/{output.pk}/").json()["reported"]
    assert reported["status"] == "at_risk" and reported["progress"] == 45


def test_service_rules_apply(users, api_for):
    officer = api_for(users.officer_mw)
    output = seed_output("MW", "1.1")
    url = f"/api/outputs/{output.pk}/updates/"
    headers = if_match(output)
    assert officer.post(url, {"status": "off_track", "progress": 10}, format="json", headers=headers).json() == {
        "narrative": ["Explain the status: a narrative is required for Off track."]
    }
    assert "as_of" in officer.post(url, {"status": "on_track", "progress": 10, "as_of": "2999-01-01"}, format="json",
                                   headers=headers).json()
    assert officer.post(url, {"status": "on_track", "progress": 101}, format="json", headers=headers).status_code == 400
    assert officer.post(url, {"status": "on_track", "progress": 10, "links": ["javascript:alert(1)"]},
                        format="json", headers=headers).status_code == 400
    assert StatusUpdate.objects.count() == 0


# --- Revisions, ETag and If-Match -----------------------------------------------------------------

PRECONDITION_REQUIRED = (
    'Send the ETag you read, quoted as the ETag header gave it (for example "7"), in an If-Match header: GET '
    "the output or the update first. Without it, or with If-Match: *, your change could overwrite one you have "
    "not seen."
)


def test_outputs_and_updates_carry_their_revision_and_etag(users, api_for, submitted):
    output = seed_output("MW", "1.3")
    revision = Output.objects.get(pk=output.pk).revision
    assert revision > 0
    client = api_for(users.coordinator)
    detail = client.get(f"/api/outputs/{output.pk}/")
    assert detail.json()["revision"] == revision and detail["ETag"] == f'"{revision}"'
    timeline = client.get(f"/api/outputs/{output.pk}/updates/")
    assert timeline["ETag"] == f'"{revision}"' and [u["revision"] for u in timeline.json()] == [revision]
    update = client.get(f"/api/updates/{submitted.pk}/")
    assert update.json()["revision"] == revision and update["ETag"] == f'"{revision}"'
    listed = {row["code"]: row["revision"] for row in client.get("/api/outputs/", {"country": "mw"}).json()["results"]}
    assert listed["1.3"] == revision and listed["1.1"] == 0
    assert client.get("/api/updates/").json()["results"][0]["revision"] == revision


@pytest.mark.parametrize("header", [None, "", "*", "3", "not an etag"])
def test_a_write_without_a_revision_is_428_and_writes_nothing(users, api_for, submitted, header):
    output = seed_output("MW", "1.3")
    headers = {} if header is None else {"If-Match": header}
    officer, coordinator = api_for(users.officer_mw), api_for(users.coordinator)
    answers = [
        officer.post(f"/api/outputs/{output.pk}/updates/", {"status": "on_track", "progress": 50}, format="json",
                     headers=headers),
        coordinator.post(f"/api/updates/{submitted.pk}/approve/", format="json", headers=headers),
        coordinator.post(f"/api/updates/{submitted.pk}/return/", {"reason": "Figures?"}, format="json",
                         headers=headers),
    ]
    assert [(answer.status_code, answer.json()) for answer in answers] == [
        (428, {"detail": PRECONDITION_REQUIRED})
    ] * 3
    submitted.refresh_from_db()
    assert (submitted.review_state, submitted.progress, StatusUpdate.objects.count()) == (ReviewState.SUBMITTED, 40, 1)
    assert ReviewEvent.objects.count() == 1


def test_a_stale_if_match_is_412_and_writes_nothing(users, api_for):
    output = seed_output("MW", "1.1")
    url = f"/api/outputs/{output.pk}/updates/"
    first, second = api_for(users.officer_mw), api_for(users.officer_mw2)
    read_by_both = first.get(f"/api/outputs/{output.pk}/")["ETag"]
    assert second.get(f"/api/outputs/{output.pk}/")["ETag"] == read_by_both == '"0"'
    saved = first.post(url, {"status": "on_track", "progress": 10, "narrative": "First."}, format="json",
                       headers={"If-Match": read_by_both})
    assert saved.status_code == 201 and saved["ETag"] == '"1"' and saved.json()["revision"] == 1
    refused = second.post(url, {"status": "off_track", "progress": 5, "narrative": "Second."}, format="json",
                          headers={"If-Match": read_by_both})
    assert refused.status_code == 412
    assert refused.json() == {"detail": "The output changed since you read it: it is now at revision 1. "
                                        "Read it again, check what changed, and retry with its new ETag."}
    update = StatusUpdate.objects.get()
    assert (update.narrative, update.last_edited_by, update.output.revision) == ("First.", users.officer_mw, 1)
    # One of several tags naming the current revision is a match (RFC 9110 13.1.1).
    again = second.post(url, {"status": "off_track", "progress": 5, "narrative": "Second."}, format="json",
                        headers={"If-Match": '"0", "1"'})
    assert again.status_code == 201 and again["ETag"] == '"2"'
    assert StatusUpdate.objects.get().narrative == "Second."


def test_a_coordinator_cannot_approve_a_version_they_never_read(users, api_for, submitted):
    output = seed_output("MW", "1.3")
    coordinator, officer = api_for(users.coordinator), api_for(users.officer_mw)
    read = coordinator.get(f"/api/updates/{submitted.pk}/")
    edited = officer.post(f"/api/outputs/{output.pk}/updates/",
                          {"status": "off_track", "progress": 10, "narrative": "Worse than reported."},
                          format="json", headers={"If-Match": read["ETag"]})
    assert edited.status_code == 201 and edited.json()["id"] == submitted.pk
    for action, body in (("approve", {}), ("return", {"reason": "Figures?"})):
        refused = coordinator.post(f"/api/updates/{submitted.pk}/{action}/", body, format="json",
                                   headers={"If-Match": read["ETag"]})
        assert refused.status_code == 412, action
    submitted.refresh_from_db()
    assert submitted.review_state == ReviewState.SUBMITTED and submitted.reviewed_by is None
    reread = coordinator.get(f"/api/updates/{submitted.pk}/")
    assert reread.json()["narrative"] == "Worse than reported." and reread["ETag"] == edited["ETag"]
    approved = coordinator.post(f"/api/updates/{submitted.pk}/approve/", format="json",
                                headers={"If-Match": reread["ETag"]})
    assert approved.status_code == 200
    assert approved["ETag"] == f'"{reread.json()["revision"] + 1}"' == current_etag(output)
    reported = api_for(users.donor).get(f"/api/outputs/{output.pk}/").json()["reported"]
    assert (reported["status"], reported["progress"]) == ("off_track", 10)


def test_schema_and_docs_need_a_login(users, client_for, api_for):
    """A client without credentials gets 401 from the schema; a browser on the docs goes to the
    login page and back. A token or a session opens both."""
    anonymous = client_for(None)
    schema = anonymous.get("/api/schema/")
    assert schema.status_code == 401 and schema["WWW-Authenticate"] == "Token"
    docs = anonymous.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"] == "/accounts/login/?next=/api/docs/"
    script = anonymous.get("/api/docs/?script=")
    assert script.status_code == 302 and script["Location"].startswith("/accounts/login/?next=")
    assert APIClient(HTTP_AUTHORIZATION="Token not-a-real-token").get("/api/schema/").status_code == 401
    with_token = api_for(users.donor)
    assert with_token.get("/api/schema/").status_code == 200
    assert with_token.get("/api/docs/").status_code == 200


def test_schema_and_docs_are_served_locally(users, client_for):
    client = client_for(users.donor)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"openapi: 3.0.3" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs.split("<body")[0]


def test_refused_token_on_an_unknown_format_is_a_404(users, caplog):
    """DRF refuses an unknown format suffix before it authenticates: the audit line, written then,
    names nobody when the token is refused, instead of failing the answer."""
    caplog.set_level(logging.INFO, logger="audit")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/outcomes/0.5/").status_code == 404
    (line,) = [record.audit for record in caplog.records if record.name == "audit"]
    assert line["event"] == "not_found" and line["user_id"] == "" and line["path"] == "/api/outcomes/0.5/"
