"""The country page's output rows, rendered in Python.

A country page lists up to a few hundred outputs. Through the template engine each row cost
~0.6 ms, which put a 200-output page near 140 ms; here every translated label, badge and date is
computed once per page and rows are joined as strings, a tenth of the cost (docs/performance.md).
The markup matches the site's other cards; keep them in step.
"""

from functools import lru_cache
from html import escape

from django import template
from django.urls import reverse
from django.utils import dateformat
from django.utils.dateformat import DateFormat, TimeFormat, re_escaped, re_formatchars
from django.utils.formats import get_format
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from outputs.models import ReviewState
from outputs.templatetags.tracker import (
    badge_html,
    deadline_state,
    percent,
    progress_bar,
    user_label,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def report_rows(context, rows, today):
    # One renderer for the whole page: the outcome sections share its labels, badges and dates.
    key = ("report_rows", today)
    page = context.render_context.get(key)
    if page is None:
        page = context.render_context[key] = _PageRenderer(today)
    return mark_safe("".join(page.row(row) for row in rows))


class _ShortDate:
    """``date_format(day, "SHORT_DATE_FORMAT")`` for the many dates of one page.

    Django parses the format string again for every date, which was most of the cost of a date
    (~20 us, and a page has ~200 distinct ones); here the language's format is parsed once, the same
    way (django.utils.dateformat), and each date only fills it in.
    """

    def __init__(self):
        self.fmt = str(get_format("SHORT_DATE_FORMAT"))
        self.pieces = [
            (True, piece) if i % 2 else (False, re_escaped.sub(r"\1", piece))
            for i, piece in enumerate(re_formatchars.split(self.fmt))
            if piece
        ]
        # A time specifier makes Django refuse a date: leave that (and its error) to Django.
        self.django_only = any(is_char and hasattr(TimeFormat, piece) for is_char, piece in self.pieces)

    def __call__(self, day):
        if self.django_only:
            return dateformat.format(day, self.fmt)
        formatter = DateFormat(day)
        return "".join(str(getattr(formatter, piece)()) if is_char else piece for is_char, piece in self.pieces)


def _narrative_html(text):
    """Django's ``linebreaks(text, autoescape=True)``; a one-line narrative (most) skips its regexes."""
    if "\n" in text or "\r" in text:
        return linebreaks(text, autoescape=True)
    return f"<p>{escape(text)}</p>"


class _PageRenderer:
    def __init__(self, today):
        self.today = today
        self.output_label = _("Output %(code)s")
        self.narrative_label = escape(_("Latest approved narrative"))
        self.evidence_label = escape(_("Evidence"))
        self.due_label = escape(_("Due"))
        self.updated_label = _("Updated %(date)s by %(who)s")
        self.no_update = escape(_("No approved update yet"))
        self.history_label = escape(_("History"))
        self.evidence_url = reverse("outputs:evidence", args=[0])[: -len("0/")]
        self.detail_url = reverse("outputs:detail", args=[0])[: -len("0/")]
        self.badge = lru_cache(maxsize=None)(lambda status, pending=False: str(badge_html(status, pending)))
        # The language's short date; a page shows ~400 dates, ~200 distinct: each is formatted once.
        self.date = lru_cache(maxsize=None)(_ShortDate())
        self.deadline = lru_cache(maxsize=None)(self._deadline)
        self.progress = lru_cache(maxsize=None)(lambda value: str(progress_bar(value)))
        self.percent = lru_cache(maxsize=None)(lambda value: escape(percent(value)))
        self.review_state = lru_cache(maxsize=None)(_review_state_label)

    def _deadline(self, deadline, status):
        due = deadline_state(deadline, status, self.today)
        return (
            f'<p class="deadline deadline-{due["state"]}">{self.due_label} {self.date(deadline)}'
            f'<br>{escape(str(due["label"]))}</p>'
        )

    def evidence(self, items):
        if not items:
            return ""
        links = "".join(
            f'<li><a href="{self.evidence_url}{item.pk}/">'
            f"{escape(item.url[:70] if item.is_link else item.original_name)}</a></li>"
            for item in items
        )
        return f'<ul class="evidence-list" aria-label="{self.evidence_label}">{links}</ul>'

    def row(self, row):
        output = row.output
        reported = row.reported
        main = (
            f'<h3 class="card-title">{escape(self.output_label % {"code": output.code})}</h3>'
            f'<p class="output-text">{escape(row.title)}</p>'
        )
        side = self.badge(row.status)
        if reported is not None:
            if reported.narrative:
                main += (
                    f'<div class="narrative"><p class="label">{self.narrative_label}</p>'
                    f"{_narrative_html(reported.narrative)}</div>"
                )
            main += self.evidence(reported.evidence_items)
            side += f'{self.progress(reported.progress)}<span class="meta">{self.percent(reported.progress)}</span>'
        if row.pending is not None:
            pending = row.pending
            main += (
                f'<p class="pending-note">{self.badge(pending.status, True)} {self.percent(pending.progress)} · '
                f'<span class="review-state review-{pending.review_state}">'
                f"{self.review_state(pending.review_state)}</span></p>"
            )
        side += self.deadline(row.deadline, row.status)
        if reported is not None:
            updated = self.updated_label % {"date": self.date(reported.as_of), "who": user_label(reported.author)}
            side += f'<p class="meta">{escape(updated)}</p>'
        else:
            side += f'<p class="meta">{self.no_update}</p>'
        side += f'<a class="no-print" href="{self.detail_url}{output.pk}/#timeline-heading">{self.history_label}</a>'
        return (
            f'<li class="card output-row" id="output-{output.pk}"><div class="card-main">{main}</div>'
            f'<div class="card-side">{side}</div></li>'
        )


def _review_state_label(review_state):
    """``StatusUpdate.get_review_state_display()``, once per state and page."""
    return escape(str(dict(ReviewState.choices).get(review_state, review_state)))
