"""The status bar chart: one segment per reported status, its counts as its accessible name."""

from collections import Counter

from django.template import Context, Template

from reporting.selectors import StatusSummary


def render(summary, label=""):
    template = Template("{% load charts %}{% status_bar summary label %}")
    return template.render(Context({"summary": summary, "label": label}))


def test_segments_in_status_order_with_their_counts():
    html = render(StatusSummary(counts=Counter({"on_track": 1, None: 3})), "Malawi")
    assert 'aria-label="Malawi: On track: 1, Not reported: 3"' in html
    assert ('<rect x="0.000" y="0" width="25.000" height="10" class="seg seg-on_track" fill="#1e7b34">'
            "<title>On track: 1</title></rect>") in html
    assert ('<rect x="25.000" y="0" width="75.000" height="10" class="seg seg-none" fill="#c3c9d1">'
            "<title>Not reported: 3</title></rect>") in html
    assert html.index("seg-on_track") < html.index("seg-none")


def test_no_outputs_is_said_in_words():
    html = render(StatusSummary())
    assert 'aria-label="no outputs"' in html and "<title>no outputs</title>" in html
    assert 'class="seg seg-empty"' in html and "seg-none" not in html


def test_label_is_escaped():
    assert 'aria-label="&lt;b&gt;: no outputs"' in render(StatusSummary(), "<b>")
