"""Reads behind "What changed": what a programme's reports show at the end of one day against the
end of a later one, per country, for the page and its XLSX and PDF exports.

The window holds both of its days, as a donor's quarter does: its two ends are the as-of reports
(``selectors.outputs_at``) of the day before ``start`` and of ``end``, so the status before is what
``?as_of=<the day before start>`` shows and the status after what ``?as_of=<end>`` shows. Everything
"in the window" happened from the start of ``start`` to the end of ``end``, and consecutive windows
(two quarters) miss nothing and count nothing twice. Only approved updates count, for every reader:
pending work is never part of an as-of report.

The report is sized by what it shows, not by the history behind it: one row per output whose report
changed, with its two ends' statuses and deadlines (two index reads per output); texts, progress and
the window's latest narrative are read for the rows shown only (``ChangesReport.details``), and the
updates approved in the window are counted by the database and listed only by the spreadsheet
(``approved_updates``).
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from functools import cached_property

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from core.dates import parse_date_param
from core.errors import BadQuery
from outputs.models import Evidence, Output, ReviewState, Status, StatusUpdate, is_overdue
from programme.models import Country, Programme, programme_earliest_date

from .selectors import EXPORT_CHUNK_SIZE, ReportMoment, outputs_at, reported_at


@dataclass(frozen=True)
class ChangeWindow:
    """From the start of ``start`` to the end of ``end`` (``?from=`` and ``?to=``)."""

    start: datetime.date
    end: datetime.date

    @property
    def day_before(self) -> datetime.date:
        return self.start - datetime.timedelta(days=1)

    @property
    def before(self) -> ReportMoment:
        """The report the window starts from: that of the end of the day before ``start``."""
        return ReportMoment(self.day_before)

    @property
    def after(self) -> ReportMoment:
        return ReportMoment(self.end)

    def query(self) -> str:
        return f"from={self.start.isoformat()}&to={self.end.isoformat()}"


def last_full_quarter(today: datetime.date) -> ChangeWindow:
    """The calendar quarter before the one ``today`` is in."""
    this_quarter_start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = this_quarter_start - datetime.timedelta(days=1)
    return ChangeWindow(datetime.date(end.year, end.month - 2, 1), end)


def change_window(start: str | None, end: str | None, programme: Programme, today: datetime.date) -> ChangeWindow:
    """The window of ``?from=`` and ``?to=``: both dates, or neither for the last full quarter.
    Raises BadQuery for a date that is not one, or not from the programme's first day to today
    (core.dates.parse_date_param), and for a window that ends before it starts."""
    if not (start or "").strip() and not (end or "").strip():
        quarter = last_full_quarter(today)
        # A programme that started during that quarter is reported from its first day.
        if programme.start_date and quarter.start < programme.start_date < quarter.end:
            return ChangeWindow(programme.start_date, quarter.end)
        return quarter
    earliest = programme_earliest_date(programme)
    first = parse_date_param(start, name="from", earliest=earliest)
    last = parse_date_param(end, name="to", earliest=earliest)
    if first is None or last is None:
        raise BadQuery(_("Give both dates (from and to), or neither for the last full quarter."))
    if first >= last:
        raise BadQuery(
            _("The window must end after it starts: %(start)s is not before %(end)s.")
            % {"start": first.isoformat(), "end": last.isoformat()}
        )
    return ChangeWindow(first, last)


@dataclass(frozen=True)
class OutputState:
    """An output as one as-of report shows it; ``title`` and ``progress`` are read for the rows shown
    (``ChangesReport.details``)."""

    status: str | None
    deadline: datetime.date
    title: str = ""
    progress: int | None = None


@dataclass(frozen=True)
class ChangeDetails:
    """What a row shows beyond its two ends' statuses: the updates approved in the window, the
    latest of them (by approval) with its narrative."""

    approved: int
    narrative: str = ""
    approved_at: datetime.datetime | None = None

    @property
    def others(self) -> int:
        """Updates approved in the window besides the latest."""
        return max(self.approved - 1, 0)


@dataclass
class OutputChange:
    """An output whose report differs between the two ends of the window."""

    pk: int
    code: str
    country: Country
    before: OutputState
    after: OutputState
    became_overdue: bool
    details: ChangeDetails | None = None

    @property
    def status_changed(self) -> bool:
        return self.before.status != self.after.status

    @property
    def achieved(self) -> bool:
        return self.after.status == Status.ACHIEVED and self.before.status != Status.ACHIEVED

    @property
    def title_changed(self) -> bool:
        return self.before.title != self.after.title

    @property
    def deadline_changed(self) -> bool:
        return self.before.deadline != self.after.deadline


@dataclass(frozen=True)
class ChangeCounts:
    """The figures at the top of the report, and of each country in it."""

    status_changes: int = 0
    achieved: int = 0
    became_overdue: int = 0
    approved: int = 0
    evidence: int = 0
    text_changes: int = 0


@dataclass
class CountryChanges:
    """One component's changes and counts (read once its changes are all in)."""

    country: Country
    changes: list[OutputChange] = field(default_factory=list)
    approved: int = 0  # updates approved in the window
    evidence: int = 0  # their evidence items

    @cached_property
    def status_changes(self) -> list[OutputChange]:
        return [change for change in self.changes if change.status_changed]

    @cached_property
    def achieved(self) -> list[OutputChange]:
        return [change for change in self.changes if change.achieved]

    @cached_property
    def became_overdue(self) -> list[OutputChange]:
        return [change for change in self.changes if change.became_overdue]

    @cached_property
    def text_changes(self) -> list[OutputChange]:
        return [change for change in self.changes if change.title_changed or change.deadline_changed]

    @cached_property
    def counts(self) -> ChangeCounts:
        return ChangeCounts(
            status_changes=len(self.status_changes), achieved=len(self.achieved),
            became_overdue=len(self.became_overdue), approved=self.approved, evidence=self.evidence,
            text_changes=len(self.text_changes),
        )


@dataclass
class ChangesReport:
    window: ChangeWindow
    countries: list[CountryChanges]
    outputs: QuerySet[Output]  # the outputs it covers: the programme's, or those of some countries

    def _all(self, kind: str) -> list[OutputChange]:
        return [change for country in self.countries for change in getattr(country, kind)]

    @property
    def status_changes(self) -> list[OutputChange]:
        """Every output whose reported status changed, by country (as the programme's pages order
        them) and output."""
        return self._all("status_changes")

    @property
    def achieved_or_overdue(self) -> list[OutputChange]:
        return [change for country in self.countries for change in country.changes
                if change.achieved or change.became_overdue]

    @property
    def text_changes(self) -> list[OutputChange]:
        return self._all("text_changes")

    @property
    def totals(self) -> ChangeCounts:
        counts = [country.counts for country in self.countries]
        return ChangeCounts(*(sum(getattr(each, name.name) for each in counts) for name in fields(ChangeCounts)))

    def approved_in_window(self) -> QuerySet[StatusUpdate]:
        """The updates of the report's outputs approved in the window."""
        return approved_between(self.window, self.outputs)

    def details(self, changes: Iterable[OutputChange]) -> None:
        """Read for ``changes`` what their rows show: their texts (the same at both ends but for the
        outputs edited since the window started, read by changes_report), progress at both ends, and
        the updates approved in the window. One query, whatever the history."""
        by_pk = {change.pk: change for change in changes if change.details is None}
        if not by_pk:
            return
        window = self.window
        in_window = StatusUpdate.objects.filter(approved_in(window), output=OuterRef("pk"))
        latest = in_window.order_by("-reviewed_at", "-pk")
        count = in_window.order_by().values("output").annotate(n=Count("pk")).values("n")
        rows = Output.objects.filter(pk__in=list(by_pk)).annotate(
            progress_before=reported_at(window.before, "progress"),
            progress_after=reported_at(window.after, "progress"),
            narrative=Subquery(latest.values("narrative")[:1]),
            approved_at=Subquery(latest.values("reviewed_at")[:1]),
            approved=Coalesce(Subquery(count, output_field=IntegerField()), 0),
        ).values_list("pk", "title", "progress_before", "progress_after", "narrative", "approved_at", "approved")
        for pk, title, progress_before, progress_after, narrative, approved_at, approved in rows:
            change = by_pk[pk]
            change.before = OutputState(change.before.status, change.before.deadline,
                                        change.before.title or title, progress_before)
            change.after = OutputState(change.after.status, change.after.deadline,
                                       change.after.title or title, progress_after)
            change.details = ChangeDetails(approved, narrative or "", approved_at)


def approved_in(window: ChangeWindow) -> Q:
    """Updates approved in the window: after the end of the day before it starts, by the end of its last day."""
    return Q(review_state=ReviewState.APPROVED, reviewed_at__gt=window.before.cutoff, reviewed_at__lte=window.after.cutoff)


def approved_between(window: ChangeWindow, outputs: QuerySet[Output]) -> QuerySet[StatusUpdate]:
    return StatusUpdate.objects.filter(approved_in(window), output__in=outputs)


def changes_report(programme: Programme, window: ChangeWindow, countries: Iterable[Country] | None = None) -> ChangesReport:
    """The programme's changes in ``window`` by country, in the order of the programme's pages
    (countries by name, the Global component last); ``countries``: only these (None: all).

    Five queries whatever the size: every output's status and deadline at both ends (its reported
    update read from an index at each), the outputs edited since the window started, the updates
    approved in the window and their evidence counted by country, and the countries; two more read
    the edited outputs' texts and deadlines at each end, when there are some."""
    outputs = Output.objects.filter(outcome__programme=programme)
    if countries is not None:
        outputs = outputs.filter(outcome__country__in=list(countries))
    ends = list(outputs.annotate(
        status_before=reported_at(window.before, "status"), status_after=reported_at(window.after, "status"),
    ).order_by("sort_key", "position", "pk").values_list(
        "pk", "code", "outcome__country_id", "deadline", "status_before", "status_after"))
    # An output not edited since the window started has its present text and deadline at both ends.
    edited = set(Output.history.model.objects.filter(
        history_date__gt=window.before.cutoff, id__in=outputs.values("pk")).values_list("id", flat=True))
    texts: dict[ReportMoment, dict[int, tuple[str, datetime.date]]] = {window.before: {}, window.after: {}}
    for moment, then in texts.items():
        if edited:
            then.update((pk, (title, deadline)) for pk, title, deadline in outputs_at(programme, moment).filter(
                pk__in=edited).values_list("pk", "title_then", "deadline_then"))
    approved = approved_between(window, outputs)
    counts = {
        kind: dict(rows.values_list(f"{prefix}output__outcome__country_id").annotate(n=Count("pk")).order_by())
        for kind, rows, prefix in (("approved", approved, ""),
                                   ("evidence", Evidence.objects.filter(update__in=approved), "update__"))
    }
    known = Country.objects.in_bulk({country_id for _pk, _code, country_id, *_rest in ends})
    reports = {pk: CountryChanges(country, approved=counts["approved"].get(pk, 0), evidence=counts["evidence"].get(pk, 0))
               for pk, country in known.items()}
    before, after, day_before, end = texts[window.before], texts[window.after], window.day_before, window.end
    for pk, code, country_id, deadline, status_before, status_after in ends:
        title_then, deadline_then = before.get(pk, ("", deadline))
        title_now, deadline_now = after.get(pk, ("", deadline))
        became_overdue = is_overdue(deadline_now, status_after, end) and not is_overdue(
            deadline_then, status_before, day_before)
        if status_before != status_after or pk in edited or became_overdue:
            change = OutputChange(pk=pk, code=code, country=known[country_id],
                                  before=OutputState(status_before, deadline_then, title_then),
                                  after=OutputState(status_after, deadline_now, title_now), became_overdue=became_overdue)
            if change.status_changed or change.title_changed or change.deadline_changed or became_overdue:
                reports[country_id].changes.append(change)
    ordered = sorted(reports.values(), key=lambda report: (report.country.is_global, report.country.name))
    return ChangesReport(window=window, countries=ordered, outputs=outputs)


# What the spreadsheet's sheet of approved updates holds of each (``approved_updates``).
APPROVED_UPDATE_COLUMNS = (
    "pk", "output__outcome__country__name", "output__code", "as_of", "status", "progress", "narrative",
    "author__first_name", "author__last_name", "author__username", "reviewed_at",
)


def approved_updates(report: ChangesReport) -> Iterator[tuple]:
    """The updates approved in the report's window, by country, output and date, as plain rows of
    ``APPROVED_UPDATE_COLUMNS`` (without the pk) followed by their evidence (links and file names):
    read a chunk at a time, with that chunk's evidence, whatever their number."""
    updates = report.approved_in_window().order_by(
        "output__outcome__country__name", "output__sort_key", "output__position", "as_of", "reviewed_at", "pk",
    ).values_list(*APPROVED_UPDATE_COLUMNS).iterator(chunk_size=EXPORT_CHUNK_SIZE)
    chunk: list[tuple] = []
    for row in updates:
        chunk.append(row)
        if len(chunk) == EXPORT_CHUNK_SIZE:
            yield from _with_evidence(chunk)
            chunk = []
    yield from _with_evidence(chunk)


def _with_evidence(rows: list[tuple]) -> Iterator[tuple]:
    evidence: dict[int, list[str]] = {}
    if rows:
        items = Evidence.objects.filter(update_id__in=[row[0] for row in rows]).order_by("added_at", "pk")
        for update_id, url, name in items.values_list("update_id", "url", "original_name"):
            evidence.setdefault(update_id, []).append(url or name)
    for pk, *values in rows:
        yield (*values, evidence.get(pk, []))

