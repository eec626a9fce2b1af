"""Dates asked for in an address (``?as_of=``, ``?from=``, ``?to=``): one parser, one wording for
each way a date can be refused."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .errors import BadQuery


def not_a_date(value: str) -> str:
    return _("'%(value)s' is not a date: use the form YYYY-MM-DD, e.g. 2025-06-30.") % {"value": value[:20]}


def too_early(day: datetime.date, earliest: datetime.date) -> str:
    """For reports and updates alike (programme.models.programme_earliest_date), in the reader's date format."""
    return _("%(date)s is before %(earliest)s, the first day this programme's reports can show.") % {
        "date": date_format(day, "SHORT_DATE_FORMAT"), "earliest": date_format(earliest, "SHORT_DATE_FORMAT")}


def parse_date_param(value: str | None, *, name: str, earliest: datetime.date) -> datetime.date | None:
    """``YYYY-MM-DD`` from ``earliest`` to today -> that day; empty -> None; anything else raises
    BadQuery saying why (``name``: the parameter, for the message)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise BadQuery(f"{name}: {not_a_date(value)}") from None
    if day > timezone.localdate():
        raise BadQuery(_("%(date)s is in the future: a report can only show how things stood up to today.")
                       % {"date": day.isoformat()})
    if day < earliest:
        raise BadQuery(too_early(day, earliest))
    return day
