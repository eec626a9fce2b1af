"""Reads behind the reporting pages, exports and API: a programme's outputs as they stand now or as
they stood at the end of any past day, and their aggregates, each in a fixed number of queries.

Every read starts from ``outputs_at()``, which annotates each output with what a report shows:

- ``reported_status``, ``reported_progress``, ``status_as_of``, ``reported_update_pk``: the reported status, progress, status date and update id,
  from the latest update approved by then (the output's ``reported_update`` when reading now);
- ``deadline_then``, ``title_then``: the deadline and text as they were then (from the output's history).
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from outputs.models import (
    Evidence,
    Output,
    ReviewEvent,
    ReviewState,
    Status,
    StatusUpdate,
)
from outputs.models import open_q as outputs_open_q
from outputs.models import overdue_q as outputs_overdue_q
from outputs.selectors import update_visibility_q, updates_seen_in
from outputs.vocabulary import NOT_REPORTED, due_soon_until, status_labels
from programme.access import ProgrammeAccess
from programme.models import Country, Outcome, Programme


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


def reported_at(moment: ReportMoment, field: str, output: str = "pk") -> Subquery:
    """``field`` of the update an output (``output``: the outer query's reference to it) reports at the
    end of a past ``moment``: the latest approved by then, the latest 'as of' date first, then the
    latest approval. The one home of that rule (outputs.models.update_reported_at_idx serves it)."""
    approved = StatusUpdate.objects.approved_latest_first().filter(
        output=OuterRef(output), reviewed_at__lte=moment.cutoff)
    return Subquery(approved.values(field)[:1])


class Then(TypedDict):
    """What outputs_at() annotates each output with."""

    reported_update_pk: int | None
    reported_status: str | None
    reported_progress: str | None
    status_as_of: datetime.date | None
    deadline_then: datetime.date
    title_then: str


if TYPE_CHECKING:  # WithAnnotations takes its second argument only under the type checker
    from django_stubs_ext import WithAnnotations

    OutputThen = WithAnnotations[Output, Then]


def outputs_at(programme: Programme, moment: ReportMoment = ReportMoment()) -> "QuerySet[OutputThen]":
    """The programme's outputs annotated with their reported status, deadline and text at ``moment``."""
    queryset = Output.objects.filter(outcome__programme=programme)
    if not moment.is_past:
        return annotated_now(queryset)
    cutoff = moment.cutoff
    history = Output.history.model.objects.filter(id=OuterRef("pk"))
    then = history.filter(history_date__lte=cutoff).order_by("-history_date", "-history_id")
    # An output recorded only after the day (e.g. loaded from a fixture) shows its first known values.
    first = history.order_by("history_date", "history_id")
    return queryset.annotate(
        reported_update_pk=reported_at(moment, "pk"),
        reported_status=reported_at(moment, "status"),
        reported_progress=reported_at(moment, "progress"),
        status_as_of=reported_at(moment, "as_of"),
        deadline_then=Coalesce(
            Subquery(then.values("deadline")[:1]), Subquery(first.values("deadline")[:1]), F("deadline")
        ),
        title_then=Coalesce(
            Subquery(then.values("title")[:1]), Subquery(first.values("title")[:1]), F("title")
        ),
    )


def annotated_now(outputs: QuerySet[Output]) -> "QuerySet[OutputThen]":
    """``outputs`` with outputs_at()'s annotations as they stand now: the outputs' own columns and
    their reported update's (the portfolio reads several programmes' outputs with them)."""
    return outputs.annotate(
        reported_update_pk=F("reported_update_id"),
        reported_status=F("reported_update__status"),
        reported_progress=F("reported_update__progress"),
        status_as_of=F("reported_update__as_of"),
        deadline_then=F("deadline"),
        title_then=F("title"),
    )


def open_q() -> Q:
    """outputs.models.open_q on the report annotations."""
    return outputs_open_q(status="reported_status")


def overdue_q(today: datetime.date) -> Q:
    """outputs.models.overdue_q on the report annotations."""
    return outputs_overdue_q(today, deadline="deadline_then", status="reported_status")


def due_soon_q(today: datetime.date) -> Q:
    return Q(deadline_then__gte=today, deadline_then__lte=due_soon_until(today)) & open_q()


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
        labels = status_labels()
        total = self.total or 1
        return [
            (key or NOT_REPORTED, labels[key], self.counts.get(key, 0),
             round(100 * self.counts.get(key, 0) / total))
            for key in STATUS_KEYS
        ]


def summaries_by_country(
    programme: Programme, moment: ReportMoment = ReportMoment(), country: Country | None = None
) -> dict[int, "StatusSummary"]:
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
    summaries: defaultdict[int, StatusSummary] = defaultdict(StatusSummary)
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


def combined(summaries: Iterable["StatusSummary"]) -> "StatusSummary":
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


# What a country page and its PDF show of an update (templates/reporting/_report_rows.html); reading
# another field would cost a query per row, which the query-count tests catch.
REPORTED_UPDATE_FIELDS = ("output_id", "author_id", "status", "progress", "narrative", "as_of", "review_state")


def country_rows(
    programme: Programme, country: Country, moment: ReportMoment = ReportMoment(), *,
    reader: ProgrammeAccess | None = None,
) -> list["OutputRow"]:
    """The component's outputs in natural order with their reported update, its author and evidence,
    and the pending update where ``reader`` sees it (outputs.selectors.update_visibility_q; None: no
    pending update).

    Six queries whatever the size: outputs, outcomes, reported updates, their evidence, their
    authors, and (for readers who see some) pending updates. Shared rows (outcomes, authors) are
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
        update.evidence_items = evidence.get(update.pk, [])  # type: ignore[attr-defined]  # read by the row template
    pending = {}
    if reader is not None and reader.sees_pending and not moment.is_past:
        pending = updates_seen_in(reader).only(*REPORTED_UPDATE_FIELDS).in_bulk(
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


def outputs_for_list(programme: Programme, moment: ReportMoment = ReportMoment()) -> QuerySet[Output]:
    """The outputs list's base queryset: one row per output with its component joined in (pending
    updates: with_pending_seen_by)."""
    return outputs_at(programme, moment).select_related("outcome__country")


def with_pending_seen_by(outputs: QuerySet[Output], reader: ProgrammeAccess) -> QuerySet[Output]:
    """``outputs`` with their pending update, None where the reader may not see it: one query for
    the outputs read."""
    return outputs.prefetch_related(Prefetch("pending_update", queryset=updates_seen_in(reader)))


def overdue_outputs(programme: Programme, moment: ReportMoment = ReportMoment(), limit: int = 10) -> QuerySet[Output]:
    today = moment.today
    queryset = outputs_at(programme, moment).filter(overdue_q(today)).select_related("outcome__country")
    return queryset.order_by("deadline_then", "outcome__country__name", "sort_key")[:limit]


def due_soon_outputs(programme: Programme, moment: ReportMoment = ReportMoment(), limit: int = 10) -> QuerySet[Output]:
    today = moment.today
    queryset = outputs_at(programme, moment).filter(due_soon_q(today)).select_related("outcome__country")
    return queryset.order_by("deadline_then", "outcome__country__name", "sort_key")[:limit]


def waiting_for_review_by_country(programme: Programme) -> dict[int, Mapping[str, Any]]:
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


def recent_activity(
    programme: Programme, reader: ProgrammeAccess, moment: ReportMoment = ReportMoment(), *, limit: int = 15
) -> QuerySet[ReviewEvent]:
    """The latest review events of the programme's updates the reader sees; approvals only for
    readers who see no review data."""
    events = ReviewEvent.objects.filter(update_visibility_q(reader, prefix="update__"), programme=programme)
    if not reader.sees_pending:
        events = events.filter(action=ReviewEvent.Action.APPROVED)
    if moment.is_past:
        events = events.filter(at__lte=moment.cutoff)
    return events.select_related(
        "actor", "update__output__outcome__country"
    ).order_by("-at", "-pk")[:limit]


def outcome_progress(rows: list["OutputRow"]) -> list[tuple[Outcome, list["OutputRow"], int, int]]:
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


EXPORT_CHUNK_SIZE = 2000  # rows fetched at a time: what an export of any size holds in memory


def export_rows(outputs: QuerySet[Output], moment: ReportMoment = ReportMoment()) -> Iterator[tuple]:
    """The (filtered, as-of) outputs as plain rows, streamed in one query: programme code, country,
    ISO code, outcome number, output code, text, deadline, reported status, progress, status date,
    narrative, evidence count and approval time of the reported update.

    Formatting them for a reader is the exporters' work (``reporting.exporters``).
    """
    reported = StatusUpdate.objects.filter(pk=OuterRef("reported_update_pk"))
    # COUNT as a plain function, not an aggregate: the subquery has no GROUP BY and returns one
    # row (0 when there is no evidence).
    evidence_count = (
        Evidence.objects.filter(update_id=OuterRef("reported_update_pk"))
        .order_by()
        .annotate(n=Func("pk", function="COUNT", output_field=IntegerField()))
        .values("n")
    )
    narrative: Subquery | F
    approved_at: Subquery | F
    if moment.is_past:
        narrative = Subquery(reported.values("narrative")[:1])
        approved_at = Subquery(reported.values("reviewed_at")[:1])
    else:
        narrative, approved_at = F("reported_update__narrative"), F("reported_update__reviewed_at")
    return outputs.annotate(
        narrative=narrative, approved_at=approved_at, evidence_count=Subquery(evidence_count),
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
    ).iterator(chunk_size=EXPORT_CHUNK_SIZE)


def approved_history(
    programme: Programme, moment: ReportMoment = ReportMoment(), output_ids: QuerySet | None = None
) -> Iterator[tuple]:
    """Every approved update of the programme (approved by the as-of day), by country, output and
    date, as plain rows: country, output code, as of, status, progress, narrative, author, reviewer,
    approval time."""
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
        "author__first_name", "author__last_name", "author__username",
        "reviewed_by__first_name", "reviewed_by__last_name", "reviewed_by__username",
        "reviewed_at",
    ).iterator(chunk_size=EXPORT_CHUNK_SIZE)
