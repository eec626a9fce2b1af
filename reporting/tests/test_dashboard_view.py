import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.urls import reverse

URL = "/programmes/glo-22-31-irl/dashboard/"


def test_matrix_links_to_the_filtered_list(users, client_for, reported):
    html = client_for(users.coordinator).get(URL).content.decode()
    link = '/programmes/glo-22-31-irl/outputs/?country=mw&amp;status=on_track'
    assert f'<a href="{link}" aria-label="Malawi, On track: 1">1</a>' in html
    assert '/programmes/glo-22-31-irl/outputs/?country=mw&amp;status=none" aria-label="Malawi, Not reported: 10">10</a>' in html
    # The link lands on the list with the filter applied.
    listing = client_for(users.coordinator).get("/programmes/glo-22-31-irl/outputs/", {"country": "mw", "status": "on_track"})
    assert "1 output" in listing.content.decode()


def test_overdue_due_soon_and_review_data_for_coordinators(users, client_for, reported):
    html = client_for(users.coordinator).get(URL).content.decode()
    overdue = html[html.index('id="overdue-heading"'):html.index('id="due-heading"')]
    assert "Zambia · Output 1.1" in overdue
    due = html[html.index('id="due-heading"'):html.index('id="activity-heading"')]
    assert due.count("<li>") == 10  # the ten soonest; the list link shows the rest
    assert "Global · Output 1.1" in due
    assert "Waiting for review" in html
    assert "Submitted for review" in html  # recent activity includes review events


def test_donor_sees_no_review_data(users, client_for, reported):
    html = client_for(users.donor).get(URL).content.decode()
    assert "Waiting for review" not in html and "waiting for review" not in html
    activity = html[html.index('id="activity-heading"'):]
    assert "Approved" in activity and "Submitted for review" not in activity


def test_as_of(users, client_for, reported):
    html = client_for(users.coordinator).get(URL, {"as_of": "2025-06-30"}).content.decode()
    assert "Waiting for review" not in html  # pending work is not part of a past report
    assert "aria-label=\"Malawi, At risk: 1\"" in html
    assert "aria-label=\"Malawi, Achieved: 1\"" not in html


@pytest.mark.parametrize(("who", "status"), [("anon", 302), ("nogrant", 404), ("donor", 200), ("coordinator", 200)])
def test_access(users, client_for, who, status):
    assert client_for(getattr(users, who)).get(URL).status_code == status


# A first (uncached) request: session, user, grants (which name the programme), components, grouped
# summary, waiting per country, overdue list, due-soon list, recent activity, the ended months'
# statuses as kept, and the review-queue count in the header (no request transaction: the page is
# read-only). The first read of a month also counts the ended months not kept yet (one statement) and
# keeps them.
DASHBOARD_QUERIES = 11


def test_query_count_at_two_sizes(users, client_for, reported, large_programme, django_assert_max_num_queries,
                                  django_assert_num_queries):
    coordinator = get_user_model().objects.get(username=f"demo-coordinator-{large_programme.slug}")
    for client, url in ((client_for(users.coordinator), URL),
                        (client_for(coordinator), reverse("reporting:dashboard", args=[large_programme.slug]))):
        with django_assert_max_num_queries(DASHBOARD_QUERIES + 2):
            assert client.get(url).status_code == 200
        caches["fragments"].clear()  # a first read again, with the months kept
        with django_assert_num_queries(DASHBOARD_QUERIES):
            assert client.get(url).status_code == 200
