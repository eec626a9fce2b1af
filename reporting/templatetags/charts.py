"""Server-rendered inline SVG charts: no JavaScript, no external file, each with a text equivalent."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()

# Fill colours as attributes as well as classes: PDF renderers apply no page CSS inside SVG.
SEGMENT_FILLS = {
    "none": "#c3c9d1",
    "not_started": "#8a94a1",
    "on_track": "#1e7b34",
    "at_risk": "#d48806",
    "off_track": "#b42318",
    "achieved": "#0b5e8e",
    "cancelled": "#3b4450",
}


@register.simple_tag
def status_bar(summary, label=""):
    """A horizontal bar split by status; its accessible name lists every count."""
    total = summary.total
    parts = [(key, name, count) for key, name, count, _share in summary.rows() if count]
    text = ", ".join(f"{name}: {count}" for _key, name, count in parts) or _("no outputs")
    title = f"{label}: {text}" if label else text
    segments = []
    x = 0.0
    for key, name, count in parts:
        width = 100.0 * count / total
        segments.append((f"{x:.3f}", f"{width:.3f}", key, SEGMENT_FILLS.get(key, "#999"), f"{name}: {count}"))
        x += width
    rects = format_html_join(
        "",
        '<rect x="{}" y="0" width="{}" height="10" class="seg seg-{}" fill="{}"><title>{}</title></rect>',
        segments,
    )
    return format_html(
        '<svg class="chart status-bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        'aria-label="{}" focusable="false"><title>{}</title>'
        '<rect x="0" y="0" width="100" height="10" class="seg seg-empty" fill="#eceff3"></rect>{}</svg>',
        title,
        title,
        rects,
    )
