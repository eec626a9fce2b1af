"""Server-rendered inline SVG charts: no JavaScript, no external file, each with a text equivalent."""

from django import template
from django.utils.translation import gettext as _

from reporting.months import MonthStatus
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


# The months' columns (templates/reporting/_status_months.html), in pixels: the plot's height and the
# room under it for the month names. Widths are the page's: the columns share it.
PLOT_HEIGHT, LABEL_HEIGHT, AXIS_TICKS = 160, 36, 5


def count_ticks(largest: int, ticks: int = AXIS_TICKS) -> list[int]:
    """0 and round counts up to at least ``largest``, in at most ``ticks`` steps of 1, 2 or 5 x 10^n."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if step * ticks >= largest:
                return list(range(0, max(step, -(-largest // step) * step) + 1, step))
        magnitude *= 10


@register.inclusion_tag("reporting/_status_months.html")
def status_months_chart(months: list[MonthStatus], url: str) -> dict:
    """Approved statuses at the end of each month (reporting.months.statuses_by_month) as stacked
    columns of counts on a count axis, each a link to the report of its last day (``url``: the
    report's address) whose name and tip give its figures; a table gives them all. Geometry is
    formatted here, not in the template, which would write a decimal comma in French."""
    ticks = count_ticks(max((month.summary.total for month in months), default=0))
    scale = PLOT_HEIGHT / ticks[-1]
    columns = []
    for index, month in enumerate(months):
        rows = month.summary.rows()
        top = float(PLOT_HEIGHT)
        segments = []
        for key, _label, count, _share in rows:
            if count:
                top -= count * scale
                segments.append({"y": f"{top:.2f}", "height": f"{count * scale:.2f}", "key": key,
                                 "fill": SEGMENT_FILLS[key]})
        columns.append({
            "month": month.month, "day": month.day, "current": month.current,
            "href": url if month.current else f"{url}?as_of={month.day.isoformat()}",
            "counts": [count for _key, _label, count, _share in rows],
            "figures": [(key, label, count) for key, label, count, _share in rows if count],
            "segments": segments, "with_year": index == 0 or month.month.month == 1,
            "tip_end": index >= len(months) / 2,  # the tip opens towards the middle of the chart
        })
    return {
        "columns": columns,
        "statuses": [(key, label, SEGMENT_FILLS[key]) for key, label, _count, _share in StatusSummary().rows()],
        "ticks": [{"value": value, "y": f"{PLOT_HEIGHT - value * scale:.2f}"} for value in ticks],
        "plot_height": PLOT_HEIGHT,
        "height": PLOT_HEIGHT + LABEL_HEIGHT,
        "first": months[0].month if months else None,
        "last": months[-1].month if months else None,
    }
