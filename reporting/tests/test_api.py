"""The REST API under the pages' access rules: a permission matrix, filters, writes through the services."""

import logging

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from outputs.models import ReviewEvent, StatusUpdate
from outputs.services import status_update_approve
from outputs.testing import save_update, seed_output


@pytest.fixture
def api_for(users):
    def make(user, token=True):
        client = APIClient()
        if user is not None:
            if token:
                client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
            else:
                client.force_login(user)
        return client

    return make


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
    path = url.format(mw=seed_output("MW", "1.3").pk, update=submitted.pk)
    updates_before = StatusUpdate.objects.count()
    events_before = ReviewEvent.objects.count()
    if method == "get":
        response = client.get(path)
    elif method == "post-update":
        response = client.post(path, {"status": "on_track", "progress": 50, "narrative": "Moving."}, format="json")
    else:
        response = client.post(path, {"reason": "Add the budget figures."}, format="json")
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


def test_output_filters(users, api_for, submitted):
    client = api_for(users.coordinator)
    assert client.get("/api/outputs/", {"programme": "glo-22-31-irl"}).json()["count"] == 63
    assert client.get("/api/outputs/", {"country": "zm"}).json()["count"] == 15
    assert client.get("/api/outputs/", {"country": "zm", "outcome": 2}).json()["count"] == 5
    assert client.get("/api/outputs/", {"deadline_before": "2025-06-30"}).json()["count"] == 1
    assert client.get("/api/outputs/", {"deadline_after": "2025-06-30", "country": "mw"}).json()["count"] == 12
    assert client.get("/api/outputs/", {"status": "none"}).json()["count"] == 63  # nothing approved yet
    assert client.get("/api/outputs/", {"overdue": "true"}).json()["count"] == 63  # seen from 2026
    assert client.get("/api/outputs/", {"outcome": "abc"}).status_code == 400


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
    refused = coordinator.post(f"/api/updates/{submitted.pk}/return/", {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    returned = coordinator.post(f"/api/updates/{submitted.pk}/return/", {"reason": "Add figures."}, format="json")
    assert returned.json()["review_state"] == "returned"
    officer = api_for(users.officer_mw, token=False)  # session authentication works too
    output = seed_output("MW", "1.3")
    resubmitted = officer.post(f"/api/outputs/{output.pk}/updates/",
                               {"status": "at_risk", "progress": 45, "narrative": "Budget delayed; figures added."},
                               format="json")
    assert resubmitted.status_code == 201 and resubmitted.json()["id"] == submitted.pk
    approved = coordinator.post(f"/api/updates/{submitted.pk}/approve/", format="json")
    assert approved.json()["review_state"] == "approved"
    assert [e["action"] for e in approved.json()["events"]] == ["submitted", "returned", "submitted", "approved"]
    twice = coordinator.post(f"/api/updates/{submitted.pk}/approve/", format="json")
    assert twice.status_code == 400
    donor = api_for(users.donor)
    reported = donor.get(f"/api/outputs/{output.pk}/").json()["reported"]
    assert reported["status"] == "at_risk" and reported["progress"] == 45


def test_service_rules_apply(users, api_for):
    officer = api_for(users.officer_mw)
    output = seed_output("MW", "1.1")
    url = f"/api/outputs/{output.pk}/updates/"
    assert officer.post(url, {"status": "off_track", "progress": 10}, format="json").json() == {
        "narrative": ["Explain the status: a narrative is required for Off track."]
    }
    assert "as_of" in officer.post(url, {"status": "on_track", "progress": 10, "as_of": "2999-01-01"}, format="json").json()
    assert officer.post(url, {"status": "on_track", "progress": 101}, format="json").status_code == 400
    assert officer.post(url, {"status": "on_track", "progress": 10, "links": ["javascript:alert(1)"]},
                        format="json").status_code == 400
    assert StatusUpdate.objects.count() == 0


def test_stale_revision_is_a_409(users, api_for):
    officer = api_for(users.officer_mw)
    output = seed_output("MW", "1.1")
    url = f"/api/outputs/{output.pk}/updates/"
    assert officer.post(url, {"status": "on_track", "progress": 10, "base_revision": 0}, format="json").status_code == 201
    stale = officer.post(url, {"status": "on_track", "progress": 20, "base_revision": 0}, format="json")
    assert stale.status_code == 409


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
