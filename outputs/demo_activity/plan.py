"""The demo's year, planned without the database: who reports on which output on which day, with
which status and words, and what the coordinator approves, returns and edits.

Every date counts back from ``today`` and every choice comes from one seeded random generator, so
the same day gives the same plan. Each component reports every third month (the five of the seed
programme take turns, so every month has reports and every quarter holds one round of each);
rounds end a fortnight before today, and that fortnight holds the open work: updates waiting for
review, one returned with its reason, drafts.
"""

import calendar
import dataclasses
import datetime
import random
from dataclasses import dataclass
from typing import Any

from ..models import Status
from . import texts

SEED = 2231
# The rounds' last approval is at least this many days before today; the open work comes after.
RECENT_DAYS = 16
# The order the components report in within a month, and their turn in the three-month cycle.
COUNTRY_ORDER = ["MW", "MZ", "VN", "ZM", "global"]
REPORTED_SHARE = 0.78  # of the outputs have an approved status by today (49 of the seed's 63)

# (status, progress %) of an output's successive reports; fewer reports keep the last ones, more
# repeat the last status (an Achieved or Cancelled output is not reported on again).
TRAJECTORIES: dict[str, list[tuple[str, int]]] = {
    "achieved": [(Status.ON_TRACK, 25), (Status.ON_TRACK, 55), (Status.ON_TRACK, 80), (Status.ACHIEVED, 100)],
    "on_track": [(Status.NOT_STARTED, 0), (Status.ON_TRACK, 25), (Status.ON_TRACK, 45), (Status.ON_TRACK, 65)],
    "recovering": [(Status.AT_RISK, 15), (Status.AT_RISK, 25), (Status.ON_TRACK, 45), (Status.ON_TRACK, 60)],
    "at_risk": [(Status.ON_TRACK, 20), (Status.ON_TRACK, 35), (Status.AT_RISK, 40), (Status.AT_RISK, 45)],
    "off_track": [(Status.ON_TRACK, 15), (Status.AT_RISK, 25), (Status.OFF_TRACK, 25), (Status.OFF_TRACK, 30)],
    "cancelled": [(Status.NOT_STARTED, 0), (Status.AT_RISK, 5), (Status.CANCELLED, 5)],
    "not_started": [(Status.NOT_STARTED, 0), (Status.NOT_STARTED, 0), (Status.NOT_STARTED, 5)],
}
CLOSED_FATES = {"achieved", "cancelled"}
# The fates of the reported outputs, in proportion (49 for the seed programme).
FATES = (["achieved"] * 9 + ["on_track"] * 14 + ["recovering"] * 5 + ["at_risk"] * 8 + ["off_track"] * 5
         + ["cancelled"] * 2 + ["not_started"] * 6)
# Open work in the last fortnight: the fate each component's update awaiting review comes from
# (None: an output not reported yet), in COUNTRY_ORDER, and the components with a draft.
PENDING_FATES = ["on_track", None, "at_risk", "recovering", "off_track"]
DRAFT_COUNTRIES = ["MZ", "MW"]
# What an open update reports after the output's last approved one: (status, progress added).
NEXT_STATUS: dict[str | None, tuple[str, int]] = {
    "on_track": (Status.ON_TRACK, 10), "recovering": (Status.ON_TRACK, 10), "at_risk": (Status.AT_RISK, 5),
    "off_track": (Status.AT_RISK, 5), "not_started": (Status.ON_TRACK, 10), None: (Status.ON_TRACK, 10),
}
# The evidence files: a report in each officer language, by the component that attaches it, and charts.
REPORT_FILE_COUNTRIES = {"MW": "en", "MZ": "pt", "global": "fr"}
CHART_COUNTRIES = ["ZM", "VN"]


@dataclass(frozen=True)
class DemoOutput:
    pk: int
    country: str  # ISO code, or "global"
    code: str
    title: str
    deadline: datetime.date


@dataclass(frozen=True)
class Report:
    """An officer's update, submitted for review (or saved as a draft). ``evidence``: ("link", url),
    ("pdf", language) or ("png", country)."""

    at: datetime.datetime
    output: int
    country: str
    status: str
    progress: int
    narrative: str
    as_of: datetime.date
    submit: bool = True
    evidence: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Review:
    """The coordinator approves the output's submitted update, or returns it with ``reason``."""

    at: datetime.datetime
    output: int
    reason: str = ""


@dataclass(frozen=True)
class Edit:
    """The coordinator changes an output's text or deadline."""

    at: datetime.datetime
    output: int
    changes: tuple[tuple[str, Any], ...]  # (field, value) for outputs.services.output_edits.output_edit
    reason: str


Step = Report | Review | Edit


@dataclass
class DemoPlan:
    imported_at: datetime.datetime  # the outputs' first record: before anything else happened
    steps: list[Step]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour)) + datetime.timedelta(minutes=minute)


def _weekday(day: datetime.date, earliest: datetime.date) -> datetime.date:
    """The day, or the Friday before it when it falls on a weekend (never before ``earliest``)."""
    while day.weekday() >= 5 and day > earliest:
        day -= datetime.timedelta(days=1)
    return day


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def demo_months(today: datetime.date) -> list[datetime.date]:
    """The first days of the twelve months up to today's."""
    months = [today.replace(day=1)]
    while len(months) < 12:
        months.insert(0, (months[0] - datetime.timedelta(days=1)).replace(day=1))
    return months


def _rounds(today: datetime.date, turn: int, rng: random.Random) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """(submitted, approved) of a component's reporting rounds: every third month, in its turn."""
    last = today - datetime.timedelta(days=RECENT_DAYS)
    rounds = []
    for first in demo_months(today):
        if (first.year * 12 + first.month + turn) % 3:
            continue
        submitted = _weekday(first + datetime.timedelta(days=3 + 3 * turn + rng.randrange(3)), first)
        approved = min(submitted + datetime.timedelta(days=rng.randrange(2, 6)), _month_end(first))
        approved = _weekday(approved, submitted)
        if approved <= last:
            rounds.append((_at(submitted, 9, 7 * turn), _at(approved, 14, 5 * turn)))
    return rounds


def _trajectory(fate: str, reports: int) -> list[tuple[str, int]]:
    path = TRAJECTORIES[fate]
    if reports <= len(path):
        return path[len(path) - reports:]
    if fate in CLOSED_FATES:
        return path
    status, progress = path[-1]
    return path + [(status, min(95, progress + 5 * step)) for step in range(1, reports - len(path) + 1)]


class _Planner:
    def __init__(self, today: datetime.date, outputs: list[DemoOutput]) -> None:
        self.today = today
        self.rng = random.Random(SEED)
        self.outputs = outputs
        self.steps: list[Step] = []
        self.fates: dict[int, str | None] = {}
        self.last: dict[int, tuple[str, int]] = {}  # an output's last approved (status, progress)
        self.used: set[int] = set()  # outputs with open work
        self.templates: dict[str | int, str] = {}  # the last narrative template by component and by output
        self.approved_reports: list[int] = []  # indexes in ``steps`` of the reports approved, in time order per component

    def countries(self) -> list[str]:
        present = {output.country for output in self.outputs}
        return [country for country in COUNTRY_ORDER if country in present] + sorted(present - set(COUNTRY_ORDER))

    def assign_fates(self) -> None:
        order = list(self.outputs)
        self.rng.shuffle(order)
        reported = round(len(order) * REPORTED_SHARE)
        for index, output in enumerate(order):
            self.fates[output.pk] = FATES[index % len(FATES)] if index < reported else None

    def report(self, output: DemoOutput, at: datetime.datetime, status: str, progress: int, *,
               submit: bool = True) -> Report:
        as_of = at.date() - datetime.timedelta(days=self.rng.randrange(3))
        # Not word for word what the output's last report said, nor the officer's last narrative.
        unlike = {self.templates.get(output.country, ""), self.templates.get(output.pk, "")}
        template, narrative = texts.narrative(output.country, status, self.rng, unlike=unlike)
        self.templates[output.country] = self.templates[output.pk] = template
        step = Report(at=at, output=output.pk, country=output.country, status=status, progress=progress,
                      narrative=narrative, as_of=as_of, submit=submit)
        self.steps.append(step)
        return step

    def plan_rounds(self) -> None:
        for turn, country in enumerate(self.countries()):
            rounds = _rounds(self.today, turn, self.rng)
            mine = [output for output in self.outputs if output.country == country and self.fates[output.pk]]
            chosen: dict[int, list[int]] = {}
            for output in mine:
                first = self.rng.randrange(max(1, len(rounds) - 1))
                indexes = list(range(first, len(rounds)))
                # Now and then a round passes without a word on an output (never its first or last).
                chosen[output.pk] = [i for i in indexes if i in (indexes[0], indexes[-1]) or self.rng.random() > 0.15]
            for index, (submitted, approved) in enumerate(rounds):
                reporting = [output for output in mine if index in chosen.get(output.pk, [])]
                for position, output in enumerate(reporting):
                    fate = self.fates[output.pk]
                    assert fate is not None
                    path = _trajectory(fate, len(chosen[output.pk]))
                    step_index = chosen[output.pk].index(index)
                    if step_index >= len(path):
                        continue
                    status, progress = path[step_index]
                    progress = self.progress(output.pk, status, progress)
                    self.report(output, submitted + datetime.timedelta(minutes=6 * position), status, progress)
                    self.approved_reports.append(len(self.steps) - 1)
                    self.steps.append(Review(at=approved + datetime.timedelta(minutes=3 * position), output=output.pk))
                    self.last[output.pk] = (status, progress)

    def progress(self, pk: int, status: str, target: int) -> int:
        if status == Status.ACHIEVED:
            return 100
        if status == Status.NOT_STARTED:
            return min(target, 5)
        jittered = max(0, min(95, target + self.rng.randrange(-5, 6)))
        return max(jittered, self.last.get(pk, (None, 0))[1])

    def open_work_candidate(self, country: str, fates: list[str | None]) -> DemoOutput | None:
        """An output of the component with no open work yet, of the first of ``fates`` that has one."""
        free = [output for output in self.outputs if output.country == country and output.pk not in self.used
                and self.fates[output.pk] not in CLOSED_FATES]
        for fate in fates:
            for output in free:
                if self.fates[output.pk] == fate:
                    return output
        return free[0] if free else None

    def next_report(self, output: DemoOutput, at: datetime.datetime, *, submit: bool = True,
                    status: str | None = None) -> Report:
        self.used.add(output.pk)
        next_status, step = NEXT_STATUS[self.fates[output.pk]]
        progress = min(95, self.last.get(output.pk, (None, 0))[1] + step)
        if status == Status.ACHIEVED:
            next_status, progress = status, 100
        return self.report(output, at, next_status, progress, submit=submit)

    def day(self, days_ago: int) -> datetime.date:
        earliest = self.today - datetime.timedelta(days=RECENT_DAYS - 2)
        return _weekday(self.today - datetime.timedelta(days=days_ago), earliest)

    def plan_open_work(self) -> None:
        countries = self.countries()
        # One update returned with the coordinator's reason, preferably Zambia's, of an output at risk.
        returned = None
        for country in ["ZM", *countries]:
            returned = returned or self.open_work_candidate(country, ["at_risk"])
        if returned is not None:
            self.next_report(returned, _at(self.day(12), 10, 15))
            self.steps.append(Review(at=_at(self.day(10), 15, 5), output=returned.pk, reason=texts.RETURN_REASON))
        for index, (country, days_ago) in enumerate(zip(countries, [1, 2, 4, 6, 8, 9, 11], strict=False)):
            fate = PENDING_FATES[index % len(PENDING_FATES)]
            output = self.open_work_candidate(country, [fate])
            if output is not None:
                # The first component's update claims the output is achieved: the coordinator has one to check.
                self.next_report(output, _at(self.day(days_ago), 10, 5 * index),
                                 status=Status.ACHIEVED if index == 0 else None)
        for index, country in enumerate(DRAFT_COUNTRIES):
            output = self.open_work_candidate(country, ["on_track", "recovering", None])
            if output is not None:
                self.next_report(output, _at(self.day(2 + index), 16, 20 + 7 * index), submit=False)

    def plan_edits(self) -> None:
        typo = next((o for o in self.outputs if " overage " in o.title), None)
        if typo is not None:
            title = typo.title.replace(" overage ", " coverage ", 1)
        else:
            typo = next((o for o in self.outputs if o.title[:1].islower()), None)
            title = typo.title[:1].upper() + typo.title[1:] if typo else ""
        if typo is not None:
            day = _weekday(self.today - datetime.timedelta(days=200), self.today - datetime.timedelta(days=210))
            self.steps.append(Edit(at=_at(day, 11, 20), output=typo.pk, changes=(("title", title),),
                                   reason=texts.TITLE_REASON))
        # A late output's deadline is extended in the middle of the last full quarter (What changed
        # shows that quarter first), to the end of the month two months from today.
        late = [o for o in self.outputs if self.fates[o.pk] == "off_track"]
        late.sort(key=lambda o: (o.country != "MZ", COUNTRY_ORDER.index(o.country) if o.country in COUNTRY_ORDER else 9))
        deadline = _month_end(self.today + datetime.timedelta(days=60))
        if late and late[0].deadline < deadline:
            quarter_start = datetime.date(self.today.year, 3 * ((self.today.month - 1) // 3) + 1, 1)
            day = _weekday(quarter_start - datetime.timedelta(days=45), quarter_start - datetime.timedelta(days=50))
            self.steps.append(Edit(at=_at(day, 10, 40), output=late[0].pk, changes=(("deadline", deadline),),
                                   reason=texts.EXTENSION_REASON))

    def attach_evidence(self) -> None:
        """Reports of each officer language, charts, and a link to the component's platform page on
        every report that says an output is achieved."""
        reports = [(index, step) for index, step in enumerate(self.steps) if isinstance(step, Report) and step.submit]
        approved = [(index, self.steps[index]) for index in self.approved_reports]
        chosen: dict[int, list[tuple[str, str]]] = {}
        for country, language in REPORT_FILE_COUNTRIES.items():
            found = [i for i, step in approved
                     if isinstance(step, Report) and step.country == country and step.status == Status.ACHIEVED]
            found = found or [i for i, step in approved
                              if isinstance(step, Report) and step.country == country and step.status == Status.ON_TRACK]
            if found:
                chosen.setdefault(found[-1], []).append(("pdf", language))
        for country in CHART_COUNTRIES:
            found = [i for i, step in approved
                     if isinstance(step, Report) and step.country == country and step.status == Status.ON_TRACK]
            if found:
                chosen.setdefault(found[-2 if len(found) > 1 else -1], []).append(("png", country))
        for index, step in reports:
            if step.status == Status.ACHIEVED and index not in chosen:
                chosen[index] = [("link", texts.country_link(step.country))]
        for index, evidence in chosen.items():
            report = self.steps[index]
            assert isinstance(report, Report)
            self.steps[index] = dataclasses.replace(report, evidence=tuple(evidence))


def demo_plan(today: datetime.date, outputs: list[DemoOutput]) -> DemoPlan:
    """The year of activity up to ``today`` (all of it on earlier days) for these outputs."""
    planner = _Planner(today, sorted(outputs, key=lambda output: output.pk))
    planner.assign_fates()
    planner.plan_rounds()
    planner.plan_open_work()
    planner.plan_edits()
    planner.attach_evidence()
    imported = demo_months(today)[0] - datetime.timedelta(days=14)
    return DemoPlan(imported_at=_at(imported, 9), steps=sorted(planner.steps, key=lambda step: step.at))
