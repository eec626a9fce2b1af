import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

URL = "/programmes/glo-22-31-irl/outputs/"


def listing(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({}, "63 outputs"),
        ({"country": "mw"}, "12 outputs"),
        ({"country": "mw", "status": "none"}, "10 outputs"),
        ({"status": ["on_track", "achieved"]}, "2 outputs"),
        ({"overdue": "on"}, "1 output"),
        ({"outcome": "4"}, "2 outputs"),
        ({"deadline_from": "2025-04-01", "deadline_to": "2025-04-30"}, "1 output"),
        ({"q": "Convention No. 102"}, "9 outputs"),
        ({"q": "2.1", "country": "zm"}, "2 outputs"),
        ({"as_of": "2025-06-30", "status": "at_risk"}, "1 output"),
    ],
)
def test_filters(users, client_for, reported, params, count):
    assert f'<p class="result-count">{count}</p>' in listing(client_for(users.donor), **params)


def test_pagination_and_sorting(users, client_for, reported):
    client = client_for(users.donor)
    first = listing(client)
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert "Page 2 of 2" in listing(client, page=2)
    by_deadline = listing(client, sort="deadline")
    assert by_deadline.index("Zambia") < by_deadline.index("Global")  # 25.04.2025 first
    descending = listing(client, sort="-deadline", country="zm")
    rows = descending.split("<tr>")[2:]
    assert ">1.1</a>" in rows[-1]  # Zambia 1.1 (25.04.2025) comes last


def test_invalid_filter_values_are_not_errors(users, client_for, reported):
    client = client_for(users.donor)
    for params in ({"outcome": "abc"}, {"deadline_from": "31.12.2025"}, {"status": "nonsense"}, {"page": "999"}):
        assert client.get(URL, params).status_code == 200


def test_text_is_escaped(users, client_for, reported):
    from testing.workflow import seed_output

    output = seed_output("VN", "1.1")
    output.title = "A <b>bold</b> & \"quoted\" plan"
    output.save()
    html = listing(client_for(users.donor), country="vn")
    assert "A &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; plan" in html
    assert "<b>bold</b>" not in html


def test_pending_shown_to_officers_not_donors(users, client_for, reported):
    assert "pending: On track" in listing(client_for(users.officer_mw), country="mw")
    assert "pending" not in listing(client_for(users.donor), country="mw")


@pytest.mark.parametrize(("who", "status"), [("anon", 302), ("nogrant", 404), ("donor", 200), ("officer_zm", 200)])
def test_access(users, client_for, who, status):
    assert client_for(getattr(users, who)).get(URL).status_code == status


# session, user, programme, grants, components (filter choices), count, page of outputs,
# the review-queue count in the header, and the request transaction's savepoint and its release
LIST_QUERIES = 10


def test_query_count_at_two_sizes(users, client_for, reported, large_programme, django_assert_max_num_queries):
    seed_reader = client_for(users.coordinator)
    with django_assert_max_num_queries(LIST_QUERIES):
        assert seed_reader.get(URL, {"sort": "-progress"}).status_code == 200
    coordinator = get_user_model().objects.get(username=f"demo-coordinator-{large_programme.slug}")
    large_reader = client_for(coordinator)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = large_reader.get(reverse("reporting:output_list", args=[large_programme.slug]), {"sort": "-progress"})
    assert "630 outputs" in response.content.decode()
