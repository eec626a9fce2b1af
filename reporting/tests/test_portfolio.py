"""The portfolio (/programmes/): every programme the reader sees with the programme overview's figures,
sorted and filtered, in a fixed number of queries however many programmes, and as CSV and XLSX."""

import io
from io import StringIO

import lxml.html
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from programme.models import AccessGrant, Programme, Role
from reporting import selectors
from testing.workflow import approve, second_output

URL = "/programmes/"
SEED, SECOND = "GLO/22/31/IRL", "GLO/24/07/LUX"


def rows(response):
    """{programme code: {column heading: the cell's text}} of the page's table."""
    page = lxml.html.fromstring(response.content)
    headings = [" ".join(th.text_content().strip("▲▼ \n").split()) for th in page.xpath("//table//thead//th")]
    found = {}
    for tr in page.xpath("//table//tbody/tr"):
        cells = [" ".join(cell.text_content().split()) for cell in tr.xpath("./th|./td")]
        found[tr.xpath("./th/a")[0].text] = dict(zip(headings, cells, strict=True))
    return found


def test_every_programme_with_the_figures_of_its_overview(two_programmes, users, client_for, seed_programme):
    response = client_for(users.coordinator).get(URL)
    assert response.status_code == 200
    table = rows(response)
    assert list(table) == [SEED, SECOND]
    overview = selectors.combined(selectors.summaries_by_country(seed_programme).values())
    assert (overview.total, overview.achieved_share, overview.overdue, overview.due_soon) == (63, 2, 1, 61)
    assert table[SEED] == {
        "Programme": f"{SEED} {seed_programme.title}", "Funding partner": "Ireland", "Outputs": "63",
        "Achieved": "2%", "Overdue": "1", "Due soon": "61", "Waiting for review": "1",
        "Last approved update": "1 Sep 2025", "Pages": f"Overview {SEED} Dashboard {SEED}",
    }
    # Senegal 1.1 achieved (no longer overdue), Cambodia 1.2 overdue, Senegal 2.1 due on 15 December.
    second = table[SECOND]
    assert (second["Outputs"], second["Achieved"], second["Overdue"], second["Due soon"]) == ("7", "14%", "1", "1")
    assert (second["Waiting for review"], second["Last approved update"]) == ("1", "1 Dec 2025")
    html = response.content.decode()
    for slug in ("glo-22-31-irl", "glo-24-07-lux"):
        assert f'href="/programmes/{slug}/"' in html and f'href="/programmes/{slug}/dashboard/"' in html
    assert 'href="/programmes/glo-24-07-lux/outputs/?overdue=on">1</a>' in html
    assert 'href="/reviews/?programme=glo-24-07-lux">1</a>' in html
    stats = [" ".join(stat.itertext()) for stat in lxml.html.fromstring(html).find_class("stat")]
    assert stats == ["2 programmes", "70 outputs", "2 overdue", "62 due soon", "2 waiting for review"]


def test_donors_see_no_review_data_and_officers_their_programmes(two_programmes, users, client_for):
    assert "Waiting for review" in client_for(users.coordinator).get(URL).content.decode()  # cached rows: not the donor's
    donor = client_for(users.donor).get(URL)
    assert "Waiting for review" not in donor.content.decode() and list(rows(donor)) == [SEED, SECOND]
    officer = rows(client_for(users.officer_mw).get(URL))
    assert officer[SECOND]["Waiting for review"] == "1"  # officers see review data, the queue is not theirs
    assert 'href="/reviews/' not in client_for(users.officer_mw).get(URL).content.decode()
    assert client_for(users.nogrant).get(URL).status_code == 403
    assert client_for(None).get(URL).status_code == 302


@pytest.mark.parametrize(("sort", "codes"), [
    ("", [SEED, SECOND]), ("-programme", [SECOND, SEED]), ("outputs", [SECOND, SEED]), ("-outputs", [SEED, SECOND]),
    ("-achieved", [SECOND, SEED]), ("-due_soon", [SEED, SECOND]), ("-last_approved", [SECOND, SEED]),
    ("partner", [SEED, SECOND]), ("-waiting", [SEED, SECOND]),  # a tie: by code
])
def test_sorted_by_each_column(two_programmes, users, client_for, sort, codes):
    assert list(rows(client_for(users.coordinator).get(URL, {"sort": sort} if sort else {}))) == codes


def test_column_headings_sort_largest_first_then_reverse_keeping_the_filters(two_programmes, users, client_for):
    page = lxml.html.fromstring(client_for(users.coordinator).get(URL, {"partner": "Ireland", "sort": "-overdue"}).content)
    links = {" ".join(a.text_content().split()): a.get("href") for a in page.xpath("//thead//a")}
    assert links["Programme"] == "?partner=Ireland&sort=programme"
    assert links["Overdue▼"] == "?partner=Ireland&sort=overdue"  # sorted by it: the other way
    assert links["Outputs"] == "?partner=Ireland&sort=-outputs"  # counts: largest first
    assert [th.text_content().strip() for th in page.xpath("//th[@aria-sort]")] == ["Overdue▼"]
    assert page.xpath('//th[@aria-sort]')[0].get("aria-sort") == "descending"
    assert page.xpath('//input[@name="sort"]')[0].get("value") == "-overdue"


@pytest.mark.parametrize(("query", "codes"), [
    ({"partner": "Luxembourg"}, [SECOND]), ({"partner": "Ireland"}, [SEED]), ({"country": "sn"}, [SECOND]),
    ({"country": "mw"}, [SEED]), ({"country": "global"}, [SEED, SECOND]),
    ({"country": "global", "partner": "Ireland"}, [SEED]), ({"country": "kh", "partner": "Ireland"}, []),
])
def test_filters_by_partner_and_country(two_programmes, users, client_for, query, codes):
    response = client_for(users.coordinator).get(URL, query)
    assert list(rows(response)) == codes
    assert ("No programme matches these filters." in response.content.decode()) == (not codes)


@pytest.mark.parametrize(("query", "message"), [
    ({"country": "fr"}, "Country: Select a valid choice. fr is not one of the available choices."),
    ({"partner": "Norway"}, "Funding partner: Select a valid choice. Norway is not one of the available choices."),
    ({"sort": "budget"}, "Sort by: Select a valid choice. budget is not one of the available choices."),
])
def test_a_bad_query_is_a_400_saying_why(two_programmes, users, client_for, query, message):
    for url in (URL, "/programmes/exports/portfolio.csv", "/programmes/exports/portfolio.xlsx"):
        response = client_for(users.coordinator).get(url, query)
        assert response.status_code == 400 and message in response.content.decode(), url
        assert 'href="/programmes/">Back to the programmes</a>' in response.content.decode()


def test_csv_with_the_pages_filters_and_order(two_programmes, users, client_for):
    response = client_for(users.coordinator).get("/programmes/exports/portfolio.csv", {"country": "global", "sort": "-overdue"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="portfolio-2025-12-01.csv"'
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == ("Programme code,Programme title,Funding partner,Country components,Outputs,Achieved,"
                        "Achieved %,Overdue,Due soon,Waiting for review,Last approved update")
    assert lines[1].startswith(f"{SEED},Accelerating the Achievement") and lines[1].endswith(
        ',Ireland,"Malawi, Mozambique, Viet Nam, Zambia, Global",63,1,2,1,61,1,2025-09-01')
    assert lines[2] == f"{SECOND},Extending Social Protection to Workers in the Informal Economy,Luxembourg," \
                       '"Cambodia, Senegal, Global",7,1,14,1,1,1,2025-12-01'


def test_xlsx_in_the_readers_language_and_an_officers_countries_only(two_programmes, users, client_for):
    client = client_for(users.officer_mw)
    client.cookies["django_language"] = "fr"
    response = client.get("/programmes/exports/portfolio.xlsx", {"partner": "Luxembourg"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="portfolio-2025-12-01.xlsx"'
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Programmes", "À propos"]
    header, *data = workbook["Programmes"].iter_rows(values_only=True)
    assert header[:5] == ("Code du programme", "Titre du programme", "Partenaire de financement",
                          "Composantes pays", "Produits")
    # officer-mw reports for Senegal there: the row counts Senegal's four outputs, and says so.
    assert [row[:10] for row in data] == [(SECOND, "Extending Social Protection to Workers in the Informal Economy",
                                          "Luxembourg", "Senegal uniquement : le pays pour lequel vous rendez compte",
                                          4, 1, 25, 0, 1, 1)]
    about = dict(workbook["À propos"].iter_rows(values_only=True))
    assert about["Filtres"] == "Partenaire de financement: Luxembourg"
    assert about["Généré par"] == "Chikondi Banda"


PORTFOLIO_QUERIES = 5


def first_read(client):
    """The portfolio's queries with nothing cached, and its programmes."""
    caches["fragments"].clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"sort": "-overdue"})
    return len(queries), len(rows(response))


def test_a_fixed_number_of_queries_however_many_programmes(two_programmes, users, client_for,
                                                            django_assert_max_num_queries):
    # The session, the account, its grants (with their programmes), the programmes' figures (their
    # outputs counted by programme and component, with their latest approval), the header's
    # review-queue count.
    two = client_for(users.coordinator)
    with django_assert_max_num_queries(PORTFOLIO_QUERIES):
        assert two.get(URL).status_code == 200
    for seed in range(1, 9):
        call_command("generate_demo_portfolio", countries=2, outputs_per_country=4, updates_per_output=1,
                     seed=seed, stdout=StringIO())
    many = get_user_model().objects.create_user("portfolio-reader")
    AccessGrant.objects.bulk_create(AccessGrant(user=many, programme=programme, role=Role.COORDINATOR)
                                    for programme in Programme.objects.all())
    reader = client_for(many)
    with django_assert_max_num_queries(PORTFOLIO_QUERIES):
        assert reader.get(URL).status_code == 200
    (small, listed_small), (large, listed_large) = first_read(two), first_read(reader)
    assert (listed_small, listed_large) == (2, 10) and small == large


def test_the_figures_are_cached_until_a_programme_changes(two_programmes, users, client_for):
    client = client_for(users.coordinator)
    with CaptureQueriesContext(connection) as first:
        client.get(URL)
    with CaptureQueriesContext(connection) as again:
        assert rows(client.get(URL))[SECOND]["Waiting for review"] == "1"
    assert len(first) - len(again) == 2  # the figures', and the header's review-queue count
    update = second_output("SN", "1.10").pending_update
    approve(update, users.coordinator)  # a new data version for the second programme
    assert rows(client.get(URL))[SECOND]["Waiting for review"] == "0"
