"""Server-rendered inline SVG charts: no JavaScript, no external file, each with a text equivalent."""

from django import template
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


@register.inclusion_tag("reporting/_status_bar.html")
def status_bar(summary, label=""):
    """A horizontal bar split by status; its accessible name lists every count."""
    total = summary.total
    parts = [(key, name, count) for key, name, count, _share in summary.rows() if count]
    text = ", ".join(f"{name}: {count}" for _key, name, count in parts) or _("no outputs")
    segments = []
    x = 0.0
    for key, name, count in parts:
        width = 100.0 * count / total
        segments.append({
            "x": f"{x:.3f}", "width": f"{width:.3f}", "key": key, "fill": SEGMENT_FILLS.get(key, "#999"),
            "text": f"{name}: {count}",
        })
        x += width
    return {"title": f"{label}: {text}" if label else text, "segments": segments}
