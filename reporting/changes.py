"""Reads behind "What changed": what a programme's reports show at the end of one day against the
end of a later one, per country, for the page and its XLSX and PDF exports.

The window holds both of its days, as a donor's quarter does: its two ends are the as-of reports
(``selectors.outputs_at``) of the day before ``start`` and of ``end``, so the status before is what
``?as_of=<the day before start>`` shows and the status after what ``?as_of=<end>`` shows. Everything
"in the window" happened from the start of ``start`` to the end of ``end``, and consecutive windows
(two quarters) miss nothing and count nothing twice. Only approved updates count, for every reader:
pending work is never part of an as-of report.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from core.dates import parse_date_param
from core.errors import BadQuery
from outputs.models import (
    Evidence,
    Output,
    ReviewState,
    Status,
    StatusUpdate,
    is_overdue,
)
from programme.models import Country, Programme, programme_earliest_date

from .selectors import ReportMoment, outputs_at


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
    """An output as one as-of report shows it."""

    status: str | None
    progress: int | None
    title: str
    deadline: datetime.date


@dataclass
class OutputChange:
    """An output whose report differs between the two ends of the window."""

    output: Output
    before: OutputState
    after: OutputState
    became_overdue: bool

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


@dataclass
class CountryChanges:
    """One component's changes; ``approved``: its updates approved in the window, with their
    output, author and evidence."""

    country: Country
    changes: list[OutputChange] = field(default_factory=list)
    approved: list[StatusUpdate] = field(default_factory=list)

    @property
    def status_changes(self) -> list[OutputChange]:
        return [change for change in self.changes if change.status_changed]

    @property
    def achieved(self) -> list[OutputChange]:
        return [change for change in self.changes if change.achieved]

    @property
    def became_overdue(self) -> list[OutputChange]:
        return [change for change in self.changes if change.became_overdue]

    @property
    def text_changes(self) -> list[OutputChange]:
        return [change for change in self.changes if change.title_changed or change.deadline_changed]

    @property
    def evidence_count(self) -> int:
        return sum(len(update.evidence.all()) for update in self.approved)

    @property
    def is_empty(self) -> bool:
        return not self.changes and not self.approved


@dataclass(frozen=True)
class ChangeCounts:
    """The figures at the top of the report."""

    status_changes: int
    achieved: int
    became_overdue: int
    approved: int
    evidence: int
    text_changes: int


@dataclass
class ChangesReport:
    window: ChangeWindow
    countries: list[CountryChanges]

    def counts(self, countries: Iterable[CountryChanges] | None = None) -> ChangeCounts:
        countries = self.countries if countries is None else list(countries)
        return ChangeCounts(
            status_changes=sum(len(country.status_changes) for country in countries),
            achieved=sum(len(country.achieved) for country in countries),
            became_overdue=sum(len(country.became_overdue) for country in countries),
            approved=sum(len(country.approved) for country in countries),
            evidence=sum(country.evidence_count for country in countries),
            text_changes=sum(len(country.text_changes) for country in countries),
        )

    @property
    def totals(self) -> ChangeCounts:
        return self.counts()


# The values an output's state is made of (OutputState), read as the window starts.
STATE_FIELDS = ("pk", "reported_status", "reported_progress", "title_then", "deadline_then")
# What the report shows of an approved update; reading another field would cost a query per row.
APPROVED_UPDATE_FIELDS = (
    "output_id", "author_id", "status", "progress", "narrative", "as_of", "reviewed_at",
    "author__username", "author__first_name", "author__last_name",
)


def _state(row: dict) -> OutputState:
    return OutputState(row["reported_status"], row["reported_progress"], row["title_then"], row["deadline_then"])


def changes_report(programme: Programme, window: ChangeWindow, countries: Iterable[Country] | None = None) -> ChangesReport:
    """The programme's changes in ``window`` by country, in the order of the programme's pages
    (countries by name, the Global component last); ``countries``: only these (None: all).

    Four queries whatever the size: the outputs as the report of ``window.end`` shows them, with
    their component; their reported values before ``window.start``; the updates approved in the window,
    with output and author; and those updates' evidence."""
    outputs = outputs_at(programme, window.after).select_related("outcome__country")
    earlier = outputs_at(programme, window.before)
    approved = StatusUpdate.objects.filter(
        output__outcome__programme=programme,
        review_state=ReviewState.APPROVED,
        reviewed_at__gt=window.before.cutoff,
        reviewed_at__lte=window.after.cutoff,
    )
    if countries is not None:
        country_ids = [country.pk for country in countries]
        outputs = outputs.filter(outcome__country_id__in=country_ids)
        earlier = earlier.filter(outcome__country_id__in=country_ids)
        approved = approved.filter(output__outcome__country_id__in=country_ids)
    before = {row["pk"]: _state(row) for row in earlier.values(*STATE_FIELDS)}
    by_country: dict[int, CountryChanges] = {}
    read: dict[int, tuple[Output, CountryChanges]] = {}
    for output in outputs.order_by("sort_key", "position", "pk"):
        report = by_country.setdefault(output.outcome.country_id, CountryChanges(output.outcome.country))
        read[output.pk] = (output, report)
        after = OutputState(output.reported_status, output.reported_progress, output.title_then, output.deadline_then)
        then = before.get(output.pk, after)
        change = OutputChange(
            output=output, before=then, after=after,
            became_overdue=(
                is_overdue(after.deadline, after.status, window.end)
                and not is_overdue(then.deadline, then.status, window.day_before)
            ),
        )
        if change.status_changed or change.title_changed or change.deadline_changed or change.became_overdue:
            report.changes.append(change)
    evidence = Evidence.objects.only("update_id", "original_name", "url").order_by("added_at", "pk")
    for update in (
        approved.select_related("author")
        .only(*APPROVED_UPDATE_FIELDS)
        .prefetch_related(Prefetch("evidence", queryset=evidence))
        .order_by("output__sort_key", "output__position", "as_of", "reviewed_at", "pk")
    ):
        # The output and its component were read above: attached, not read again.
        update.output, report = read[update.output_id]
        report.approved.append(update)
    ordered = sorted(by_country.values(), key=lambda report: (report.country.is_global, report.country.name))
    return ChangesReport(window=window, countries=ordered)
