"""Small presentation helpers shared by every page: deadlines, status badges, progress bars, numbers."""

import datetime
from decimal import Decimal

from django import template
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outputs.models import CLOSED_STATUSES, Status, is_overdue
from outputs.vocabulary import NOT_REPORTED, display_name, due_soon_until, status_label

register = template.Library()

@register.simple_tag
def deadline_state(deadline: datetime.date, status: str | None, today: datetime.date) -> dict[str, int | str]:
    """{'days': n, 'label': ..., 'state': 'overdue'|'soon'|'ok'|'closed'} for a deadline and status key."""
    days = (deadline - today).days
    if status in CLOSED_STATUSES:
        return {"days": days, "state": "closed", "label": status_label(status)}
    if is_overdue(deadline, status, today):
        label = ngettext("%(n)s day overdue", "%(n)s days overdue", -days) % {"n": -days}
        return {"days": days, "state": "overdue", "label": label}
    if days == 0:
        return {"days": 0, "state": "soon", "label": _("due today")}
    label = ngettext("%(n)s day left", "%(n)s days left", days) % {"n": days}
    return {"days": days, "state": "soon" if deadline <= due_soon_until(today) else "ok", "label": label}


@register.inclusion_tag("outputs/_status_badge.html")
def status_badge(status: str | None, pending: bool = False, count: int | None = None) -> dict[str, object]:
    """A status badge: colour, icon shape and words together, never colour alone.

    ``status`` is a status key; anything else (None, "", NOT_REPORTED) reads "Not reported".
    ``count``, when given, follows the label inside the badge.
    """
    if status not in Status.values:
        return {"key": NOT_REPORTED, "label": status_label(None), "count": count}
    return {"key": status, "label": status_label(status), "pending": pending, "count": count}


@register.inclusion_tag("outputs/_progress_bar.html")
def progress_bar(value: int | None) -> dict[str, object]:
    """A progress bar from 0 to 100, named for screen readers by its percentage."""
    value = max(0, min(100, int(value or 0)))
    return {"value": value, "label": _("%(value)s%% complete") % {"value": value}}


@register.simple_tag
def url_prefix(name: str) -> str:
    """The URL named ``name`` up to its trailing id ("/outputs/" for outputs:detail), for the many
    links of a list: reversed once, each link then adds its id and a slash."""
    url = reverse(name, args=[0])
    if not url.endswith("/0/"):
        raise ValueError(f"{name} does not end with its id: {url}")
    return url.removesuffix("0/")


@register.filter
def percent(value: Decimal | float | str | None) -> str:
    """A percentage as the language writes it (French puts a narrow space before the sign)."""
    if value is None or value == "":
        return ""
    return _("%(value)s%%") % {"value": number_format(value)}


@register.filter
def num(value: Decimal | float | str | None) -> str:
    """A count with the language's thousands separator (10,000 · 10 000 · 10.000)."""
    if value is None or value == "":
        return ""
    return number_format(value, force_grouping=True)


@register.filter
def user_label(user: User | None) -> str:
    return display_name(user)
