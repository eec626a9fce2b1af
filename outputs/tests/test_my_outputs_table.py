"""My outputs: a compact table, sortable by code, status and deadline through ?sort= (no JavaScript),
the default beyond ten outputs; the cards on request, and by default for a short list."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outputs.models import Output
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
