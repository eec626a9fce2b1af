"""Small presentation helpers shared by every page: deadlines and status badges."""

from django import template
from django.utils.html import format_html
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outputs.models import CLOSED_STATUSES, Status, is_overdue

register = template.Library()


def deadline_state(deadline, status, today):
    """{'days': n, 'label': ..., 'state': 'overdue'|'soon'|'ok'|'closed'} for a deadline and status key."""
    days = (deadline - today).days
    if status in CLOSED_STATUSES:
        return {"days": days, "state": "closed", "label": Status(status).label}
    if is_overdue(deadline, status, today):
        label = ngettext("%(n)s day overdue", "%(n)s days overdue", -days) % {"n": -days}
        return {"days": days, "state": "overdue", "label": label}
    if days == 0:
        return {"days": 0, "state": "soon", "label": _("due today")}
    label = ngettext("%(n)s day left", "%(n)s days left", days) % {"n": days}
    return {"days": days, "state": "soon" if days <= 30 else "ok", "label": label}


@register.simple_tag
def deadline_info(output, today=None):
    """The output's deadline state today (or on ``today``), from its reported status."""
    reported = output.reported_update
    return deadline_state(output.deadline, reported and reported.status, today or timezone.localdate())


def badge_html(status, pending=False):
    """A status badge: colour, icon shape and text together, never colour alone."""
    if not status:
        return format_html(
            '<span class="badge badge-none"><span class="badge-icon" aria-hidden="true"></span>{}</span>',
            _("Not reported"),
        )
    if pending:
        return format_html(
            '<span class="badge badge-{} badge-pending"><span class="badge-icon" aria-hidden="true"></span>'
            '{} <span class="badge-note">({})</span></span>',
            status,
            Status(status).label,
            _("pending"),
        )
    return format_html(
        '<span class="badge badge-{}"><span class="badge-icon" aria-hidden="true"></span>{}</span>',
        status,
        Status(status).label,
    )


@register.simple_tag
def status_badge(update, pending=False):
    return badge_html(update.status if update else None, pending)


@register.filter
def percent(value):
    """A percentage as the language writes it (French puts a narrow space before the sign)."""
    if value is None or value == "":
        return ""
    return _("%(value)s%%") % {"value": number_format(value)}


@register.filter
def num(value):
    """A count with the language's thousands separator (10,000 · 10 000 · 10.000)."""
    if value is None or value == "":
        return ""
    return number_format(value, force_grouping=True)


@register.filter
def user_label(user):
    if user is None:
        return ""
    return user.get_full_name() or user.username


@register.simple_tag
def progress_bar(value, label=""):
    value = max(0, min(100, int(value or 0)))
    name = label or _("%(value)s%% complete") % {"value": value}
    return format_html(
        '<svg class="progress" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label="{}" '
        'focusable="false"><rect class="progress-track" width="100" height="6" fill="#eceff3"></rect>'
        '<rect class="progress-fill" width="{}" height="6" fill="#1d4e89"></rect></svg>',
        name,
        value,
    )


@register.filter
def list_deadline(output, today):
    """deadline_info for an annotated output (``deadline_then``, ``reported_status``), as the outputs list and exports read it."""
    return deadline_state(output.deadline_then, output.reported_status, today or timezone.localdate())


@register.filter
def status_label(output):
    return Status(output.reported_status).label if output.reported_status else _("Not reported")
