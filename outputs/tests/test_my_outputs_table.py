"""My outputs: a compact table, sortable by code, status and deadline through ?sort= (no JavaScript),
the default beyond ten outputs; the cards on request, and by default for a short list."""

import datetime
import re

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outputs.models import Output
from programme.models import AccessGrant, Role
from testing.workflow import approve, save_update, seed_output

URL = reverse("outputs:my_outputs")


@pytest.fixture
def officer(users, client_for, tmp_media):
    """officer-mw's twelve Malawi outputs, three of them reported."""
    for code, status in [("1.2", "off_track"), ("2.2", "achieved"), ("3.1", "at_risk")]:
        approve(save_update(seed_output("MW", code), users.officer_mw, status=status, narrative="Why."),
                users.coordinator)
    return client_for(users.officer_mw)


def _codes(response):
    return [output.code for output in response.context["outputs"]]


def test_more_than_ten_outputs_are_a_table_and_the_cards_stay_one_click_away(officer):
    response = officer.get(URL)
    html = response.content.decode()
    assert len(response.context["outputs"]) == 12
    assert 'class="table table-stack my-outputs-table"' in html and "output-card" not in html
    assert html.count('<tr class="output-row">') == 12
    assert '<a href="?view=cards">Cards</a>' in html and '<a href="?view=table" aria-current="true">Table</a>' in html

    cards = officer.get(URL, {"view": "cards"}).content.decode()
    assert cards.count('class="card output-card') == 12 and "my-outputs-table" not in cards

    few = officer.get(URL, {"outcome": "2"})
    assert len(few.context["outputs"]) == 2 and "output-card" in few.content.decode()  # a short list: cards
    assert "my-outputs-table" in officer.get(URL, {"outcome": "2", "view": "table"}).content.decode()


def test_sorting_by_code_status_and_deadline_without_javascript(officer):
    urgent_first = _codes(officer.get(URL))
    assert _codes(officer.get(URL, {"sort": "nonsense"})) == urgent_first

    by_code = _codes(officer.get(URL, {"sort": "code"}))
    assert by_code == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.2", "2.3", "3.1", "3.2", "3.3", "3.4"]
    assert _codes(officer.get(URL, {"sort": "-code"})) == by_code[::-1]
    assert _codes(officer.get(URL, {"sort": "status"}))[:2] == ["1.2", "3.1"]  # off track, at risk first
    assert _codes(officer.get(URL, {"sort": "-status"}))[0] == "2.2"  # achieved
    Output.objects.filter(pk=seed_output("MW", "3.4").pk).update(deadline=datetime.date(2025, 3, 31))
    Output.objects.filter(pk=seed_output("MW", "1.1").pk).update(deadline=datetime.date(2026, 3, 31))
    by_deadline = _codes(officer.get(URL, {"sort": "deadline"}))
    assert (by_deadline[0], by_deadline[-1]) == ("3.4", "1.1")
    assert _codes(officer.get(URL, {"sort": "-deadline"})) == by_deadline[::-1]


def test_column_links_keep_the_filters_and_say_the_order(officer):
    html = officer.get(URL, {"outcome": "1", "sort": "code", "view": "table"}).content.decode()
    heads = re.findall(r'<th scope="col" class="sortable"( aria-sort="\w+")?><a class="sort-link" href="([^"]+)">(\w+)', html)
    assert heads == [
        (' aria-sort="ascending"', "?outcome=1&amp;sort=-code&amp;view=table", "Output"),
        ("", "?outcome=1&amp;sort=status&amp;view=table", "Status"),
        ("", "?outcome=1&amp;sort=deadline&amp;view=table", "Deadline"),
    ]
    # The filter form carries the order and the chosen view along.
    assert '<input type="hidden" name="sort" value="code">' in html
    assert '<input type="hidden" name="view" value="table">' in html


def test_the_query_count_is_fixed_whatever_the_order_view_and_length(officer):
    counts = set()
    for query in [{}, {"sort": "status"}, {"sort": "-deadline"}, {"view": "cards"}, {"outcome": "2"},
                  {"outcome": "2", "view": "table", "sort": "code"}]:
        with CaptureQueriesContext(connection) as queries:
            assert officer.get(URL, query).status_code == 200
        counts.add(len(queries))
    assert len(counts) == 1, counts


def _status_text(response, code):
    """The text of output ``code``'s status: its table cell, or its card's status line."""
    page = lxml.html.fromstring(response.content)
    link = f'//a[@href="{reverse("outputs:detail", args=[seed_output("MW", code).pk])}"]'
    cell = page.xpath(f'//tr[.//{link.lstrip("/")}]/td[@data-label="Status"] | //li[.//{link.lstrip("/")}]//p[@class="my-state"]')
    assert len(cell) == 1, code
    return " ".join(cell[0].text_content().split())


def test_the_status_names_the_officers_own_update_in_progress_beside_the_reported_one(officer, users):
    save_update(seed_output("MW", "1.1"), users.officer_mw, submit=True, progress=60)  # waiting for review
    save_update(seed_output("MW", "1.2"), users.officer_mw, submit=False, status="achieved", progress=100)
    # The table writes the reported percentage beside the badge; the cards under it, with their bar.
    for view, reported_off_track in (("table", "Off track 40%"), ("cards", "Off track")):
        response = officer.get(URL, {"view": view})
        assert _status_text(response, "1.1") == "Not reported Submitted for review: On track 60%", view
        assert _status_text(response, "1.2") == f"{reported_off_track} Draft: Achieved 100%", view
        assert _status_text(response, "1.3") == "Not reported", view


def test_a_filter_with_one_choice_is_left_out(officer, users, seed_programme):
    html = officer.get(URL).content.decode()
    assert 'id="f-country"' not in html and "All my countries" not in html  # Malawi only
    assert 'id="f-outcome"' in html and 'id="f-status"' in html
    assert '<details class="filters-fold" data-open-wide>' in html  # folded until opened (or filtered)
    assert '<details class="filters-fold" data-open-wide open>' in officer.get(URL, {"status": "none"}).content.decode()

    AccessGrant.objects.create(user=users.officer_mw, programme=seed_programme, role=Role.OFFICER,
                               country=seed_output("ZM", "1.1").outcome.country)
    assert "All my countries" in officer.get(URL).content.decode()
