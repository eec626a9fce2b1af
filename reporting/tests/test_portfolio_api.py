"""/api/programmes/: the portfolio's figures, from its selector, with its filters and orders, and
documented in the OpenAPI schema."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from reporting.portfolio import portfolio_read

FIGURES = ["outputs", "achieved", "achieved_share", "overdue", "due_soon", "waiting_for_review", "last_approved"]


@pytest.fixture
def api_for():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def test_the_same_figures_as_the_portfolio(two_programmes, users, api_for):
    answer = api_for(users.coordinator).get("/api/programmes/").json()
    assert answer["count"] == 2
    seed, second = answer["results"]
    assert (seed["code"], seed["countries"]) == ("GLO/22/31/IRL", ["mw", "mz", "vn", "zm", "global"])
    assert {key: second[key] for key in FIGURES} == {
        "outputs": 7, "achieved": 1, "achieved_share": 14, "overdue": 1, "due_soon": 1, "waiting_for_review": 1,
        "last_approved": "2025-12-01"}
    for row, given in zip(portfolio_read(users.coordinator, {}).rows, answer["results"], strict=True):
        figures = row.figures
        assert [given[key] for key in FIGURES[:-2]] == [figures.outputs, figures.achieved, figures.achieved_share,
                                                        figures.overdue, figures.due_soon]
    detail = api_for(users.coordinator).get("/api/programmes/glo-24-07-lux/").json()
    assert detail == second


def test_donors_get_no_review_figure_and_the_filters_are_the_pages(two_programmes, users, api_for):
    donor = api_for(users.donor)
    assert [row["waiting_for_review"] for row in donor.get("/api/programmes/").json()["results"]] == [None, None]
    assert [row["code"] for row in donor.get("/api/programmes/", {"country": "sn"}).json()["results"]] == ["GLO/24/07/LUX"]
    assert [row["code"] for row in donor.get("/api/programmes/", {"sort": "-overdue", "partner": "Ireland"}).json()[
        "results"]] == ["GLO/22/31/IRL"]
    refused = donor.get("/api/programmes/", {"country": "xx"})
    assert refused.status_code == 400
    assert refused.json() == {"detail": "Country: Select a valid choice. xx is not one of the available choices."}
    assert api_for(users.nogrant).get("/api/programmes/glo-24-07-lux/").status_code == 404


def test_the_schema_documents_the_figures_and_the_filters():
    document = SchemaGenerator().get_schema(request=None, public=True)
    properties = document["components"]["schemas"]["Programme"]["properties"]
    assert set(FIGURES) | {"countries", "slug", "code"} <= set(properties)
    assert properties["waiting_for_review"]["nullable"] is True and "donors" in properties["waiting_for_review"]["description"]
    parameters = {parameter["name"]: parameter for parameter in document["paths"]["/api/programmes/"]["get"]["parameters"]}
    assert {"partner", "country", "sort", "page"} <= set(parameters)
    assert "-overdue" in parameters["sort"]["schema"]["enum"]
    assert "400" in document["paths"]["/api/programmes/"]["get"]["responses"]
