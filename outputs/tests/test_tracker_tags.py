"""The badge, progress bar, deadline and link helpers the pages show outputs with."""

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from outputs.models import Status
from outputs.templatetags.tracker import deadline_state, url_prefix


def render(source, **context):
    return Template("{% load tracker %}" + source).render(Context(context))


@pytest.mark.parametrize("status", Status.values)
def test_status_badge_shows_words_icon_and_colour(status):
    assert render("{% status_badge status %}", status=status) == (
        f'<span class="badge badge-{status}"><span class="badge-icon" aria-hidden="true"></span>'
        f"{Status(status).label}</span>"
    )


def test_pending_badge_says_so():
    assert render("{% status_badge 'at_risk' True %}") == (
        '<span class="badge badge-at_risk badge-pending"><span class="badge-icon" aria-hidden="true"></span>'
        'At risk <span class="badge-note">(pending)</span></span>'
    )


@pytest.mark.parametrize("status", [None, "", "none", "bogus"])
def test_anything_but_a_status_reads_not_reported(status):
    assert render("{% status_badge status True %}", status=status) == (
        '<span class="badge badge-none"><span class="badge-icon" aria-hidden="true"></span>Not reported</span>'
    )


def test_badge_with_a_count_in_the_reader_language():
    with translation.override("fr"):
        html = render("{% status_badge 'achieved' count=12345 %}")
    assert html.endswith('aria-hidden="true"></span>Atteint: 12\xa0345</span>')


@pytest.mark.parametrize(("value", "width"), [(None, 0), (-5, 0), (40, 40), (100, 100), (180, 100)])
def test_progress_bar_is_clamped_and_named(value, width):
    html = render("{% progress_bar value %}", value=value)
    assert html.startswith('<svg class="progress" ') and html.endswith("</svg>")
    assert f'aria-label="{width}% complete"' in html
    assert f'<rect class="progress-fill" width="{width}" height="6" fill="#1d4e89"></rect>' in html


@pytest.mark.parametrize(("deadline", "status", "state", "label"), [
    (datetime.date(2025, 11, 20), None, "overdue", "11 days overdue"),
    (datetime.date(2025, 11, 30), "on_track", "overdue", "1 day overdue"),
    (datetime.date(2025, 11, 20), "achieved", "closed", "Achieved"),
    (datetime.date(2025, 12, 1), "at_risk", "soon", "due today"),
    (datetime.date(2025, 12, 31), "on_track", "soon", "30 days left"),
    (datetime.date(2026, 1, 1), None, "ok", "31 days left"),
])
def test_deadline_state(deadline, status, state, label):
    due = deadline_state(deadline, status, datetime.date(2025, 12, 1))
    assert (due["state"], str(due["label"])) == (state, label)


def test_url_prefix_is_the_url_up_to_its_id():
    assert render('{% url_prefix "outputs:detail" as prefix %}{{ prefix }}7/') == reverse("outputs:detail", args=[7])


def test_url_prefix_refuses_a_url_that_does_not_end_with_its_id():
    with pytest.raises(ValueError, match="outputs:update does not end with its id"):
        url_prefix("outputs:update")
