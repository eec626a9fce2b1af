"""Server-rendered inline SVG charts: no JavaScript, no external file, each with a text equivalent."""

from django import template
from django.utils.translation import gettext as _

from reporting.selectors import StatusSummary

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


# Stacked columns, in the viewBox's units (whole numbers, or strings formatted here: the template
# would write a decimal comma in French): one column a month, its outputs' shares by status from
# the bottom (Not reported on top), the month's name under it.
COLUMN_WIDTH, COLUMN_GAP, PLOT_HEIGHT, LABEL_HEIGHT = 22, 8, 120, 30


@register.inclusion_tag("reporting/_status_months.html")
def status_months_chart(months):
    """Approved statuses at the end of each month (reporting.selectors.statuses_by_month) as
    stacked columns, each segment titled with its count; a table gives the figures to screen readers."""
    columns = []
    for index, month in enumerate(months):
        rows = month.summary.rows()
        total = month.summary.total or 1
        top = float(PLOT_HEIGHT)
        segments = []
        for key, label, count, _share in rows:
            if count:
                height = PLOT_HEIGHT * count / total
                top -= height
                segments.append({"y": f"{top:.3f}", "height": f"{height:.3f}", "key": key,
                                 "fill": SEGMENT_FILLS[key], "text": f"{label}: {count}"})
        columns.append({"x": index * (COLUMN_WIDTH + COLUMN_GAP) + COLUMN_GAP // 2, "month": month.month,
                        "counts": [count for _key, _label, count, _share in rows], "segments": segments,
                        "with_year": index == 0 or month.month.month == 1})
    return {
        "columns": columns,
        "statuses": [(key, label, SEGMENT_FILLS[key]) for key, label, _count, _share in StatusSummary().rows()],
        "width": len(months) * (COLUMN_WIDTH + COLUMN_GAP),
        "height": PLOT_HEIGHT + LABEL_HEIGHT,
        "plot_height": PLOT_HEIGHT,
        "column_width": COLUMN_WIDTH,
        "label_x": COLUMN_WIDTH // 2,
        "first": months[0].month if months else None,
        "last": months[-1].month if months else None,
    }
