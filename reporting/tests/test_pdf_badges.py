"""Status badges in the PDFs (country report, What changed), laid out by WeasyPrint with the pages' own
style sheets: each badge's icon keeps its room from its words, and Cancelled is told by its icon and
colour, never struck through (on the pages either)."""

from pathlib import Path

import pytest
import tinycss2
import weasyprint
from django.conf import settings
from django.template import Context, Template

from outputs.models import Status
from reporting.exporters.pdf_fetcher import LocalStaticFetcher

pytestmark = pytest.mark.any_database  # see pytest.ini

STYLES = ('<link rel="stylesheet" href="/static/css/app.css">'
          '<link rel="stylesheet" href="/static/css/print.css" media="print">')
# Where the PDFs show badges: the status tables, and an output's side in the country report's list.
PLACES = {
    "table": '<table class="table"><tr><td>{badge}</td></tr></table>',
    "report list": '<ol class="report-outputs"><li class="card"><div class="card-side">{badge}</div></li></ol>',
}


def badge_with_anchors(status, label):
    """The pages' own badge, its icon and its words given ids for WeasyPrint to say where they are."""
    badge = Template("{% load tracker %}{% status_badge status %}").render(Context({"status": status}))
    marked = badge.replace('class="badge-icon"', f'class="badge-icon" id="icon-{status}"', 1)
    return marked.replace(f"</span>{label}", f'</span><span id="words-{status}">{label}</span>', 1)


@pytest.mark.parametrize("place", PLACES)
def test_each_badge_icon_keeps_its_room_from_its_words_in_the_pdfs(place):
    badges = "".join(PLACES[place].format(badge=badge_with_anchors(status, label)) for status, label in Status.choices)
    html = f"<html><head>{STYLES}</head><body>{badges}</body></html>"
    anchors = weasyprint.HTML(string=html, base_url="http://testserver/", url_fetcher=LocalStaticFetcher()).render().pages[0].anchors
    for status in Status.values:
        icon, words = anchors[f"icon-{status}"], anchors[f"words-{status}"]  # (left, top, right, bottom)
        font_px = (words[3] - words[1]) / 1.5  # the words' line box, at the pages' line height
        assert words[0] - icon[2] >= .25 * font_px, (place, status, icon, words)


def test_cancelled_is_never_struck_through():
    struck = []
    for sheet in sorted(Path(settings.BASE_DIR, "static", "css").glob("*.css")):
        rules = tinycss2.parse_stylesheet(sheet.read_text(), skip_comments=True, skip_whitespace=True)
        for rule in rules:
            if rule.type != "qualified-rule" or "cancelled" not in tinycss2.serialize(rule.prelude):
                continue
            for declaration in tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True):
                if declaration.type == "declaration" and declaration.lower_name.startswith("text-decoration") \
                        and "line-through" in tinycss2.serialize(declaration.value):
                    struck.append(f"{sheet.name}: {tinycss2.serialize(rule.prelude).strip()}")
    assert struck == []
