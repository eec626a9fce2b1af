"""Status over time: each month's outputs by approved status at its end, counted once by the database
and kept for the months that have ended (the dashboard's chart and table)."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Value

from programme.models import Programme

from .models import MonthStatuses
from .selectors import ReportMoment, StatusSummary, combined, outputs_at, summaries_by_country

STATUS_HISTORY_MONTHS = 12


@dataclass(frozen=True)
class MonthStatus:
    """The outputs by approved status at the end of ``day``: a month's last day, or for the moment's
    own month the moment (``current``: the report as it stands today)."""

    month: datetime.date  # its first day
    day: datetime.date
    summary: StatusSummary
    current: bool = False


def _last_day(first: datetime.date) -> datetime.date:
    return (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def statuses_by_month(
    programme: Programme, moment: ReportMoment = ReportMoment(), months: int = STATUS_HISTORY_MONTHS, *,
    latest: StatusSummary | None = None,
) -> list[MonthStatus]:
    """The last ``months`` months up to the moment, none before the programme's start, each with its
    outputs counted by the status outputs_at() reports at the month's end; the moment's own month
    by what it reports at the moment (``latest``: the moment's summary, when the caller has it).

    An ended month is counted once by the database and kept (``MonthStatuses``): one query reads
    the kept months, however many updates lie behind them, and one more counts any not kept yet."""
    firsts: list[datetime.date] = []
    first = moment.today.replace(day=1)
    while len(firsts) < months and (programme.start_date is None or first >= programme.start_date.replace(day=1)):
        firsts.insert(0, first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    if not firsts:
        return []
    if latest is None:
        latest = combined(summaries_by_country(programme, moment).values())
    kept = _ended_months(programme, firsts[:-1])
    result = []
    for first in firsts[:-1]:
        counts: Counter[str | None] = Counter(kept[first])
        counts[None] = latest.total - sum(counts.values())  # every output the programme has
        result.append(MonthStatus(first, _last_day(first), StatusSummary(counts=counts)))
    current = StatusSummary(counts=Counter(latest.counts))
    return [*result, MonthStatus(firsts[-1], moment.today, current, current=not moment.is_past)]


def _ended_months(programme: Programme, firsts: list[datetime.date]) -> dict[datetime.date, dict[str, int]]:
    """{first day: {reported status: outputs}} at the end of each of these ended months."""
    kept = dict(MonthStatuses.objects.filter(programme=programme, month__in=firsts).values_list("month", "counts"))
    missing = [first for first in firsts if first not in kept]
    if not missing:
        return kept
    # Each month grouped by the status of its last day's report, all in one statement.
    parts = [
        outputs_at(programme, ReportMoment(_last_day(first))).order_by()
        .values("reported_status")
        .annotate(n=Count("pk"), month=Value(index)).values_list("month", "reported_status", "n")
        for index, first in enumerate(missing)
    ]
    counted: dict[datetime.date, dict[str, int]] = {first: {} for first in missing}
    for index, status, n in parts[0].union(*parts[1:], all=True):
        if status is not None:
            counted[missing[index]][status] = n
    MonthStatuses.objects.bulk_create(
        [MonthStatuses(programme=programme, month=first, counts=counts) for first, counts in counted.items()],
        ignore_conflicts=True,  # counted meanwhile by another request: the same figures
    )
    return {**kept, **counted}
