"""The country page's rows (templates/reporting/_report_rows.html) against what each row must show."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import linebreaks

from outputs.models import Evidence, Output, StatusUpdate
from programme.access import programme_access
from programme.models import Country
from reporting import selectors
from reporting.selectors import OutputRow

TODAY = datetime.date(2025, 12, 1)
NARRATIVE = "Budget <released> & spent.\n\nSecond paragraph\r\nwith a break."
LONG_LINK = "https://example.org/reports/" + "x" * 80


def update(pk, status, progress, review_state="approved", narrative=""):
    return StatusUpdate(pk=pk, status=status, progress=progress, narrative=narrative,
                        as_of=datetime.date(2025, 9, 1), review_state=review_state)


def reported_row():
    reported = update(3, "at_risk", 40, narrative=NARRATIVE)
    reported.author = get_user_model()(username="cbanda", first_name="Chikondi", last_name="Banda")
    reported.evidence_items = [Evidence(pk=11, url=LONG_LINK), Evidence(pk=12, original_name="Minutes <1>.pdf")]
    return OutputRow(output=Output(pk=7, code="1.2"), reported=reported, pending=update(4, "on_track", 60, "submitted"),
                     deadline=datetime.date(2025, 12, 31), title='Plans <b>"drafted"</b>')


def unreported_row():
    return OutputRow(output=Output(pk=8, code="1.3"), reported=None, pending=None,
                     deadline=datetime.date(2025, 11, 20), title="Tools are developed")


def render(*rows):
    return render_to_string("reporting/_report_rows.html", {"rows": rows, "today": TODAY})


def test_a_reported_row():
    html = render(reported_row())
    assert '<li class="card output-row" id="output-7">' in html
    assert '<h3 class="card-title">Output 1.2</h3>' in html
    assert '<p class="output-text">Plans &lt;b&gt;&quot;drafted&quot;&lt;/b&gt;</p>' in html
    assert ('<div class="narrative"><p class="label">Latest approved narrative</p>'
            f"{linebreaks(NARRATIVE, autoescape=True)}</div>") in html
    assert (f'<ul class="evidence-list" aria-label="Evidence"><li><a href="/evidence/11/">{LONG_LINK[:70]}</a></li>'
            '<li><a href="/evidence/12/">Minutes &lt;1&gt;.pdf</a></li></ul>') in html
    assert ('<span class="badge badge-at_risk"><span class="badge-icon" aria-hidden="true"></span>At risk</span>'
            '<svg class="progress"') in html
    assert 'aria-label="40% complete"' in html and '<span class="meta">40%</span>' in html
    assert '<p class="deadline deadline-soon">Due 31 Dec 2025<br>30 days left</p>' in html
    assert '<p class="meta">Updated 1 Sep 2025 by Chikondi Banda</p>' in html
    assert '<a class="no-print" href="/outputs/7/#timeline-heading">History</a>' in html


def test_a_pending_update_is_shown_with_its_review_state():
    html = render(reported_row())
    assert ('<p class="pending-note"><span class="badge badge-on_track badge-pending"><span class="badge-icon" '
            'aria-hidden="true"></span>On track <span class="badge-note">(pending)</span></span> 60% · '
            '<span class="review-state review-submitted">Submitted for review</span></p>') in html


def test_a_row_without_an_approved_update():
    html = render(unreported_row())
    assert ('<span class="badge badge-none"><span class="badge-icon" aria-hidden="true"></span>Not reported</span>'
            in html)
    assert '<p class="deadline deadline-overdue">Due 20 Nov 2025<br>11 days overdue</p>' in html
    assert '<p class="meta">No approved update yet</p>' in html
    assert "narrative" not in html and "evidence-list" not in html and "pending-note" not in html
    assert '<svg class="progress"' not in html


@pytest.mark.parametrize("language", ["en", "fr", "pt", "vi"])
def test_dates_in_the_language_short_date_format(language):
    row = reported_row()
    with translation.override(language):
        html = render(row)
        deadline = date_format(row.deadline, "SHORT_DATE_FORMAT")
        as_of = date_format(row.reported.as_of, "SHORT_DATE_FORMAT")
    assert f"{deadline}<br>" in html and f" {as_of} " in html


def test_rows_read_nothing_the_selector_did_not_load(users, reported, django_assert_num_queries):
    """Rendering a component's rows runs no query: each row reads only what country_rows loaded."""
    malawi = Country.objects.get(code="MW")
    programme = reported["mw11"].output.outcome.programme
    rows = selectors.country_rows(programme, malawi, reader=programme_access(users.coordinator, programme))
    assert any(row.pending for row in rows) and any(row.reported for row in rows)
    with django_assert_num_queries(0):
        html = render(*rows)
    assert html.count('class="card output-row"') == 12 and "Plan adopted by cabinet." in html
