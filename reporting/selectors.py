"""Reads behind the reporting pages, exports and API: a programme's outputs as they stand now or as
they stood at the end of any past day, and their aggregates, each in a fixed number of queries.

Every read starts from ``outputs_at()``, which annotates each output with what a report shows:

- ``reported_status``, ``reported_progress``, ``status_as_of``, ``reported_update_pk``: the reported status, progress, status date and update id,
  from the latest update approved by then (the output's ``reported_update`` when reading now);
- ``deadline_then``, ``title_then``: the deadline and text as they were then (from the output's history).
"""

import datetime
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Func, IntegerField, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.sql.constants import MULTI
from django.utils import timezone
from django.utils.translation import gettext as _

from outputs.models import (
    CLOSED_STATUSES,
    Evidence,
    Output,
    ReviewEvent,
    ReviewState,
    Status,
    StatusUpdate,
    is_overdue,
)
from programme.models import Country, Outcome

DUE_SOON_DAYS = 90


@dataclass(frozen=True)
class ReportMoment:
    """The moment a report describes: now, or the end of a past day (``?as_of=YYYY-MM-DD``)."""

    as_of: datetime.date | None = None

    @property
    def today(self):
        return self.as_of or timezone.localdate()

    @property
    def cutoff(self):
        """The last instant of the as-of day, in the site's time zone."""
        if self.as_of is None:
            return None
        next_day = datetime.datetime.combine(self.as_of + datetime.timedelta(days=1), datetime.time())
        return timezone.make_aware(next_day) - datetime.timedelta(microseconds=1)

    @property
    def is_past(self):
        return self.as_of is not None


def outputs_at(programme, moment=ReportMoment()):
    """The programme's outputs annotated with their reported status, deadline and text at ``moment``."""
    queryset = Output.objects.filter(outcome__programme=programme)
    if not moment.is_past:
        return queryset.annotate(
            reported_update_pk=F("reported_update_id"),
            reported_status=F("reported_update__status"),
            reported_progress=F("reported_update__progress"),
            status_as_of=F("reported_update__as_of"),
            deadline_then=F("deadline"),
            title_then=F("title"),
        )
    cutoff = moment.cutoff
    approved = StatusUpdate.objects.filter(
        output=OuterRef("pk"), review_state=ReviewState.APPROVED, reviewed_at__lte=cutoff
    ).order_by("-as_of", "-reviewed_at", "-pk")
    history = Output.history.model.objects.filter(id=OuterRef("pk"))
    then = history.filter(history_date__lte=cutoff).order_by("-history_date", "-history_id")
    # An output recorded only after the day (e.g. loaded from a fixture) shows its first known values.
    first = history.order_by("history_date", "history_id")
    return queryset.annotate(
        reported_update_pk=Subquery(approved.values("pk")[:1]),
        reported_status=Subquery(approved.values("status")[:1]),
        reported_progress=Subquery(approved.values("progress")[:1]),
        status_as_of=Subquery(approved.values("as_of")[:1]),
        deadline_then=Coalesce(
            Subquery(then.values("deadline")[:1]), Subquery(first.values("deadline")[:1]), F("deadline")
        ),
        title_then=Coalesce(
            Subquery(then.values("title")[:1]), Subquery(first.values("title")[:1]), F("title")
        ),
    )


def open_q():
    """Not closed: no reported Achieved or Cancelled status."""
    return Q(reported_status__isnull=True) | ~Q(reported_status__in=CLOSED_STATUSES)


def overdue_q(today):
    return Q(deadline_then__lt=today) & open_q()


def due_soon_q(today, days=DUE_SOON_DAYS):
    return Q(deadline_then__gte=today, deadline_then__lte=today + datetime.timedelta(days=days)) & open_q()


STATUS_KEYS = [*Status.values, None]  # None: not reported yet


@dataclass
class StatusSummary:
    """Counts of outputs by reported status, with the figures every summary shows."""

    counts: Counter = field(default_factory=Counter)
    overdue: int = 0
    due_soon: int = 0
    next_deadline: datetime.date | None = None

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def achieved(self):
        return self.counts.get(Status.ACHIEVED, 0)

    @property
    def achieved_share(self):
        return round(100 * self.achieved / self.total) if self.total else 0

    def rows(self):
        """[(status key, label, count, share %)] in the fixed status order, zero counts included."""
        labels = dict(Status.choices)
        total = self.total or 1
        return [
            (key or "none", labels.get(key) or _("Not reported"), self.counts.get(key, 0),
             round(100 * self.counts.get(key, 0) / total))
            for key in STATUS_KEYS
        ]


def summaries_by_country(programme, moment=ReportMoment(), country=None):
    """{country id: StatusSummary} for the programme's components, in one grouped query."""
    today = moment.today
    queryset = outputs_at(programme, moment)
    if country is not None:
        queryset = queryset.filter(outcome__country=country)
    rows = (
        queryset.values("outcome__country_id", "reported_status")
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=overdue_q(today)),
            due_soon=Count("pk", filter=due_soon_q(today)),
            next_deadline=Min("deadline_then", filter=Q(deadline_then__gte=today) & open_q()),
        )
        .order_by()
    )
    summaries = defaultdict(StatusSummary)
    for row in rows:
        summary = summaries[row["outcome__country_id"]]
        summary.counts[row["reported_status"]] += row["n"]
        summary.overdue += row["overdue"]
        summary.due_soon += row["due_soon"]
        if row["next_deadline"] and (
            summary.next_deadline is None or row["next_deadline"] < summary.next_deadline
        ):
            summary.next_deadline = row["next_deadline"]
    return summaries


def programme_countries(programme):
    """The programme's components in display order: countries by name, the Global component last."""
    countries = Country.objects.filter(outcomes__programme=programme).distinct().select_related("region")
    return sorted(countries, key=lambda country: (country.is_global, country.name))


def combined(summaries):
    total = StatusSummary()
    for summary in summaries:
        total.counts.update(summary.counts)
        total.overdue += summary.overdue
        total.due_soon += summary.due_soon
        if summary.next_deadline and (total.next_deadline is None or summary.next_deadline < total.next_deadline):
            total.next_deadline = summary.next_deadline
    return total


@dataclass
class OutputRow:
    """One output as a report shows it."""

    output: Output
    reported: StatusUpdate | None
    pending: StatusUpdate | None
    deadline: datetime.date
    title: str

    @property
    def status(self):
        return self.reported.status if self.reported else None


# What a country page and its PDF show of an update (reporting/templatetags/report_rows.py); reading
# another field would cost a query per row, which the query-count tests catch.
REPORTED_UPDATE_FIELDS = ("output_id", "author_id", "status", "progress", "narrative", "as_of", "review_state")


def country_rows(programme, country, moment=ReportMoment(), *, include_pending=False):
    """The component's outputs in natural order with their reported update, its author and evidence.

    Six queries whatever the size: outputs, outcomes, reported updates, their evidence, their
    authors, and (for readers who see them) pending updates. Shared rows (outcomes, authors) are
    fetched once rather than joined onto every output, which keeps a 200-output page fast.
    """
    outputs = list(
        outputs_at(programme, moment)
        .filter(outcome__country=country)
        .order_by("outcome__number", "sort_key", "position", "pk")
    )
    outcomes = Outcome.objects.in_bulk({output.outcome_id for output in outputs})
    # Only the columns a report shows: the updates' four timestamps are the dearest part of their
    # rows to read (each one parsed and made aware).
    reported = StatusUpdate.objects.only(*REPORTED_UPDATE_FIELDS).in_bulk(
        [output.reported_update_pk for output in outputs if output.reported_update_pk]
    )
    authors = (
        get_user_model().objects.only("username", "first_name", "last_name")
        .in_bulk({update.author_id for update in reported.values()})
    )
    evidence = defaultdict(list)
    shown_evidence = Evidence.objects.only("update_id", "original_name", "url").order_by("added_at", "pk")
    for item in shown_evidence.filter(update_id__in=list(reported)):
        evidence[item.update_id].append(item)
    for update in reported.values():
        update.author = authors[update.author_id]
        update.evidence_items = evidence.get(update.pk, [])
    pending = {}
    if include_pending and not moment.is_past:
        pending = StatusUpdate.objects.only(*REPORTED_UPDATE_FIELDS).in_bulk(
            [output.pending_update_id for output in outputs if output.pending_update_id]
        )
    rows = []
    for output in outputs:
        output.outcome = outcomes[output.outcome_id]
        rows.append(
            OutputRow(
                output=output,
                reported=reported.get(output.reported_update_pk),
                pending=pending.get(output.pending_update_id),
                deadline=output.deadline_then,
                title=output.title_then,
            )
        )
    return rows


def outputs_for_list(programme, moment=ReportMoment()):
    """The outputs list's base queryset: one row per output with its component joined in."""
    return outputs_at(programme, moment).select_related("outcome__country", "pending_update")


def overdue_outputs(programme, moment=ReportMoment(), limit=10):
    today = moment.today
    queryset = outputs_at(programme, moment).filter(overdue_q(today)).select_related("outcome__country")
    return queryset.order_by("deadline_then", "outcome__country__name", "sort_key")[:limit]


def due_soon_outputs(programme, moment=ReportMoment(), limit=10):
    today = moment.today
    queryset = outputs_at(programme, moment).filter(due_soon_q(today)).select_related("outcome__country")
    return queryset.order_by("deadline_then", "outcome__country__name", "sort_key")[:limit]


def waiting_for_review_by_country(programme):
    """{country id: number of updates submitted and not yet reviewed}."""
    rows = (
        StatusUpdate.objects.filter(
            output__outcome__programme=programme, review_state=ReviewState.SUBMITTED
        )
        .values("output__outcome__country_id")
        .annotate(n=Count("pk"), oldest=Min("submitted_at"))
        .order_by()
    )
    return {row["output__outcome__country_id"]: row for row in rows}


def recent_activity(programme, moment=ReportMoment(), *, include_review=True, limit=15):
    """The latest review events of the programme; approvals only for readers who see no review data."""
    events = ReviewEvent.objects.filter(programme=programme)
    if not include_review:
        events = events.filter(action=ReviewEvent.Action.APPROVED)
    if moment.is_past:
        events = events.filter(at__lte=moment.cutoff)
    return events.select_related(
        "actor", "update__output__outcome__country"
    ).order_by("-at", "-pk")[:limit]


def outcome_progress(rows):
    """[(outcome, outputs, achieved, mean progress %)] from a country's rows (no query)."""
    by_outcome = defaultdict(list)
    for row in rows:
        by_outcome[row.output.outcome].append(row)
    result = []
    for outcome, outcome_rows in by_outcome.items():
        progress = [row.reported.progress if row.reported else 0 for row in outcome_rows]
        achieved = sum(1 for row in outcome_rows if row.status == Status.ACHIEVED)
        result.append((outcome, outcome_rows, achieved, round(sum(progress) / len(progress))))
    return result


EXPORT_COLUMNS = [
    ("programme", "Programme code"),
    ("country", "Country"),
    ("iso", "ISO code"),
    ("outcome", "Outcome"),
    ("code", "Output code"),
    ("text", "Output text"),
    ("deadline", "Deadline"),
    ("status", "Status"),
    ("progress", "Progress %"),
    ("status_date", "Status date"),
    ("narrative", "Latest approved narrative"),
    ("overdue", "Overdue"),
    ("days_to_deadline", "Days to deadline"),
    ("evidence", "Evidence count"),
    ("last_updated", "Last updated"),
]


def export_queryset(queryset, moment=ReportMoment()):
    """The outputs list's (filtered, as-of) queryset reduced to the export's columns, as tuples.

    The narrative and approval time of each output's reported update are joined in (now) or come
    from correlated subqueries (as of a past day), the evidence count from a subquery: an export
    of any size is one streamed query.
    """
    reported = StatusUpdate.objects.filter(pk=OuterRef("reported_update_pk"))
    # COUNT as a plain function, not an aggregate: the subquery then has no GROUP BY and always
    # returns one row, which halves its cost on a 10,000-row export.
    evidence = (
        Evidence.objects.filter(update_id=OuterRef("reported_update_pk"))
        .order_by()
        .annotate(n=Func("pk", function="COUNT", output_field=IntegerField()))
        .values("n")
    )
    if moment.is_past:
        narrative = Subquery(reported.values("narrative")[:1])
        approved_at = Subquery(reported.values("reviewed_at")[:1])
    else:
        narrative, approved_at = F("reported_update__narrative"), F("reported_update__reviewed_at")
    return queryset.annotate(
        narrative=narrative,
        approved_at=approved_at,
        evidence_count=Subquery(evidence),
    ).values_list(
        "outcome__programme__code",
        "outcome__country__name",
        "outcome__country__code",
        "outcome__number",
        "code",
        "title_then",
        "deadline_then",
        "reported_status",
        "reported_progress",
        "status_as_of",
        "narrative",
        "evidence_count",
        "approved_at",
    )


EXPORT_KEYS = [key for key, _label in EXPORT_COLUMNS]


def _cursor_chunks(queryset, chunk_size=2000):
    """The values_list queryset's rows straight from the database cursor, in the order it asks for,
    a list of up to ``chunk_size`` rows at a time.

    Django's per-value converters cost more than the whole query on a 10,000-row export, so the
    exports read raw rows and normalise their few date columns themselves (``_as_date``,
    ``_local_datetimes``).
    """
    compiler = queryset.query.get_compiler(queryset.db)
    yield from compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=chunk_size)


_parse_date = datetime.date.fromisoformat
_parse_datetime = datetime.datetime.fromisoformat


def _as_date(value):
    """A date column from the cursor: ISO text on SQLite, a date on PostgreSQL."""
    if value is None or value.__class__ is datetime.date:
        return value
    return _parse_date(value) if isinstance(value, str) else value


def _local_datetimes(naive=False):
    """A converter of raw datetime columns (UTC text on SQLite, aware on PostgreSQL) to the site's
    time zone: aware datetimes, or naive ones (as spreadsheets show them) when ``naive``."""
    zone = timezone.get_current_timezone()
    utc = datetime.timezone.utc
    zone_is_utc = getattr(zone, "key", None) in {"UTC", "Etc/UTC"} or zone is utc

    def convert(value):
        if value is None:
            return None
        if isinstance(value, str):
            value = _parse_datetime(value)
        if value.tzinfo is None:
            if zone_is_utc:  # SQLite's UTC values are already local: the common case, and cheapest
                return value if naive else value.replace(tzinfo=zone)
            value = value.replace(tzinfo=utc)
        value = value.astimezone(zone)
        return value.replace(tzinfo=None) if naive else value

    return convert


def export_columns(queryset, today):
    """The export a chunk of outputs at a time, as columns in EXPORT_COLUMNS order, with Python
    values (dates stay dates).

    Built a column at a time (map and comprehensions rather than a tuple per row): on a
    10,000-row export this is most of the Python time above the query's.
    """
    labels = {key: str(label) for key, label in Status.choices}
    not_reported = str(_("Not reported"))
    yes_no = {True: "yes", False: "no"}.__getitem__
    local = _local_datetimes()
    repeat = itertools.repeat
    for chunk in _cursor_chunks(queryset):
        (programme, country, iso, outcome, code, text, deadline, status, progress, status_date,
         narrative, evidence, approved_at) = zip(*chunk)
        deadline = [_as_date(value) for value in deadline]
        size = len(chunk)
        yield [
            programme,
            country,
            [value or "" for value in iso],
            outcome,
            code,
            text,
            deadline,
            list(map(labels.get, status, repeat(not_reported, size))),
            progress,
            [_as_date(value) for value in status_date],
            [value or "" for value in narrative],
            list(map(yes_no, map(is_overdue, deadline, status, repeat(today, size)))),
            [(value - today).days for value in deadline],
            evidence,
            [value and local(value) for value in approved_at],
        ]


def export_rows(queryset, today):
    """Each output as a tuple in EXPORT_COLUMNS order (export_columns, row by row)."""
    for columns in export_columns(queryset, today):
        yield from zip(*columns)


def export_dicts(queryset, today):
    """export_rows as dicts keyed by column (for JSON and IATI)."""
    for row in export_rows(queryset, today):
        yield dict(zip(EXPORT_KEYS, row))


def approved_history(programme, moment=ReportMoment(), output_ids=None):
    """Every approved update of the programme (approved by the as-of day), oldest first, as tuples."""
    updates = StatusUpdate.objects.filter(
        output__outcome__programme=programme, review_state=ReviewState.APPROVED
    )
    if moment.is_past:
        updates = updates.filter(reviewed_at__lte=moment.cutoff)
    if output_ids is not None:
        updates = updates.filter(output_id__in=output_ids)
    return updates.order_by("output__outcome__country__name", "output__sort_key", "as_of", "pk").values_list(
        "output__outcome__country__name",
        "output__code",
        "as_of",
        "status",
        "progress",
        "narrative",
        "author__username",
        "reviewed_by__username",
        "reviewed_at",
    )


def history_columns(history):
    """approved_history a chunk at a time, as columns, with status labels and approval times in the
    site's time zone (naive)."""
    labels = {key: str(label) for key, label in Status.choices}
    local = _local_datetimes(naive=True)
    for chunk in _cursor_chunks(history, chunk_size=5000):
        country, code, as_of, status, progress, narrative, author, reviewer, approved_at = zip(*chunk)
        yield [
            country, code, [_as_date(value) for value in as_of], list(map(labels.get, status, status)), progress,
            narrative, author, reviewer, [value and local(value) for value in approved_at],
        ]


def history_records(history):
    """history_columns, row by row."""
    for columns in history_columns(history):
        yield from zip(*columns)
