"""The tracker's words, each written once and used by every page, export, e-mail and the API: the
status labels with the one key for "not reported", a person's display name, the due-soon horizon
and the statuses that need a narrative."""

import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import NARRATIVE_REQUIRED, Status

# The status filter's key for outputs without an approved update (outputs list, My outputs, the
# dashboard's cells, the API's ?status=), and the badge's key.
NOT_REPORTED = "none"
NOT_REPORTED_LABEL = gettext_lazy("Not reported")


def status_label(key: str | None) -> str:
    """A status key as the active language writes it; None, "" or NOT_REPORTED read "Not reported"."""
    return str(Status(key).label) if key in Status.values else str(NOT_REPORTED_LABEL)


def status_labels() -> dict[str | None, str]:
    """{status key: label} in the active language, None for "Not reported" (for many rows at once)."""
    return {**{key: str(label) for key, label in Status.choices}, None: str(NOT_REPORTED_LABEL)}


def status_filter_choices() -> list[tuple[str, object]]:
    """The choices of a reported-status filter: "Not reported" first, then the statuses."""
    return [(NOT_REPORTED, NOT_REPORTED_LABEL), *Status.choices]


def display_name(user: User | None) -> str:
    """How pages, exports and e-mails name a person: their full name, else their username."""
    return "" if user is None else name_from(user.first_name, user.last_name, user.username)


def name_from(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """display_name from the account's columns, for rows read as values (the history export)."""
    return f"{first_name or ''} {last_name or ''}".strip() or username or ""


def due_soon_until(today: datetime.date) -> datetime.date:
    """The last day an open output counts as due soon (settings.DUE_SOON_DAYS, the same everywhere:
    cards, dashboard, country pages and reminders)."""
    return today + datetime.timedelta(days=settings.DUE_SOON_DAYS)


def narrative_required_statuses() -> str:
    """The statuses whose update must explain itself, as the active language lists them
    ("At risk, Off track and Cancelled"), for help texts and instructions."""
    labels = [str(status.label) for status in Status if status in NARRATIVE_REQUIRED]
    return _("%(statuses)s and %(last)s") % {"statuses": ", ".join(labels[:-1]), "last": labels[-1]}


# For texts defined at import time (form help texts), read in the language of each request.
narrative_required_statuses_lazy = lazy(narrative_required_statuses, str)

# The API names statuses by their keys: "at_risk, cancelled and off_track".
NARRATIVE_REQUIRED_KEYS = ", ".join(sorted(NARRATIVE_REQUIRED))
