"""Small presentation helpers shared by every page: deadlines and status badges."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outputs.models import CLOSED_STATUSES

register = template.Library()


@register.simple_tag
def deadline_info(output, today=None):
    """{'days': n, 'label': ..., 'state': 'overdue'|'soon'|'ok'|'closed'} for an output's deadline."""
    today = today or timezone.localdate()
    days = (output.deadline - today).days
    reported = output.reported_update
    if reported is not None and reported.status in CLOSED_STATUSES:
        return {"days": days, "state": "closed", "label": reported.get_status_display()}
    if days < 0:
        label = ngettext("%(n)s day overdue", "%(n)s days overdue", -days) % {"n": -days}
        return {"days": days, "state": "overdue", "label": label}
    if days == 0:
        return {"days": 0, "state": "soon", "label": _("due today")}
    label = ngettext("%(n)s day left", "%(n)s days left", days) % {"n": days}
    return {"days": days, "state": "soon" if days <= 30 else "ok", "label": label}


@register.inclusion_tag("outputs/_status_badge.html")
def status_badge(update, pending=False):
    return {"update": update, "pending": pending}


@register.filter
def user_label(user):
    if user is None:
        return ""
    return user.get_full_name() or user.username
