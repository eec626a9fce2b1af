"""The report pages' queries do not grow with the programme: each page read first (uncached) at the seed's
size and at a generated programme ten times larger (630 outputs, 15 countries of 42 against Malawi's 12),
which the pages share rather than each generating its own."""

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.urls import reverse

from programme.models import Outcome
from testing.seed import SEED_SLUG

# A first (uncached) request: session, user, grants (which name the programme), components, grouped
# summary, waiting per country, overdue list, due-soon list, recent activity, the ended months' statuses
# as kept and the review-queue count in the header (no request transaction: the page is read-only); the
# first read in a programme also counts the ended months not kept yet (one statement) and keeps them.
DASHBOARD_QUERIES = 11 + 2
# session, user, programme, grants, components, the grouped summary, the review-queue count in the
# header, and the request transaction's savepoint and its release
OVERVIEW_QUERIES = 9
# session, user, access grants (which name the programme), countries (breadcrumb check), outputs,
# outcomes, reported updates, their evidence, their authors, pending updates, the summary, and the
# review-queue count in the header (no request transaction: the page is read-only)
COUNTRY_PAGE_QUERIES = 12
# session, user, programme, grants, components (filter choices), count, page of outputs,
# the review-queue count in the header, and the request transaction's savepoint and its release
LIST_QUERIES = 10


def test_each_report_page_runs_as_many_queries_at_ten_times_the_size(users, client_for, reported, large_programme,
                                                                      django_assert_max_num_queries):
    readers = {
        SEED_SLUG: client_for(users.coordinator),
        large_programme.slug: client_for(get_user_model().objects.get(username=f"demo-coordinator-{large_programme.slug}")),
    }
    large_country = Outcome.objects.filter(programme=large_programme).select_related("country").first().country.slug
    pages = [
        ("reporting:dashboard", DASHBOARD_QUERIES, {}, {}),
        ("reporting:programme_overview", OVERVIEW_QUERIES, {}, {}),
        ("reporting:country", COUNTRY_PAGE_QUERIES, {SEED_SLUG: "mw", large_programme.slug: large_country}, {}),
        ("reporting:output_list", LIST_QUERIES, {}, {"sort": "-progress"}),
    ]
    html = {}
    for name, most, country, params in pages:
        for slug, reader in readers.items():
            caches["fragments"].clear()  # a first read: nothing from the other pages' fragments
            args = [slug, country[slug]] if country else [slug]
            with django_assert_max_num_queries(most, info=f"{name} of {slug}"):
                response = reader.get(reverse(name, args=args), params)
            assert response.status_code == 200, (name, slug)
            html[name, slug] = response.content.decode()
    # What the larger pages show is the larger programme.
    assert html["reporting:programme_overview", large_programme.slug].count('class="card component-card"') == 15
    assert html["reporting:country", SEED_SLUG].count('class="card output-row"') == 12
    assert html["reporting:country", large_programme.slug].count('class="card output-row"') == 42
    assert "630 outputs" in html["reporting:output_list", large_programme.slug]
