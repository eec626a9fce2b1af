"""The demo's plan, without the database, on days spread over two years: whatever day `make run`
first runs, the year it writes keeps its promises (test_demo_activity.py writes today's through the
services and reads it back)."""

import datetime
import json
from collections import Counter
from pathlib import Path

import pytest

from outputs.demo_activity.plan import DemoOutput, Edit, Report, Review, demo_plan
from outputs.models import Status

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "glo-22-31-irl.json"
COMPONENTS = {"Malawi": "MW", "Mozambique": "MZ", "Viet Nam": "VN", "Zambia": "ZM", "Global": "global"}


@pytest.fixture(scope="module")
def seed_outputs():
    rows = [row for row in json.loads(SEED.read_text()) if row["model"] == "outputs.output"]
    return [
        DemoOutput(pk=row["pk"], country=COMPONENTS[row["fields"]["outcome"][1]], code=row["fields"]["code"],
                   title=row["fields"]["title"], deadline=datetime.date.fromisoformat(row["fields"]["deadline"]))
        for row in rows
    ]


def last_full_quarter(today):
    end = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - datetime.timedelta(days=1)
    return datetime.date(end.year, end.month - 2, 1), end


def replay(plan):
    """(approved [(approval time, report)], open {output: report}, returned outputs)."""
    submitted, approved, returned = {}, [], set()
    for step in plan.steps:
        if isinstance(step, Report):
            assert step.output not in submitted or step.output in returned, "one open update per output"
            submitted[step.output] = step
            returned.discard(step.output)
        elif isinstance(step, Review) and step.reason:
            returned.add(step.output)
        elif isinstance(step, Review):
            approved.append((step.at, submitted.pop(step.output)))
    return approved, submitted, returned


def statuses_at(approved, day):
    return {report.output: report.status for at, report in approved if at.date() <= day}


def check(today, outputs):
    plan = demo_plan(today, outputs)
    assert plan.imported_at.date() < min(step.at for step in plan.steps).date()
    assert max(step.at for step in plan.steps).date() < today, "everything happened before today"
    assert all(step.as_of <= step.at.date() for step in plan.steps if isinstance(step, Report))
    approved, still_open, returned = replay(plan)
    assert {report.status for _at, report in approved} == set(Status.values)
    assert len({at.strftime("%Y-%m") for at, _report in approved}) >= 6
    assert today - datetime.timedelta(days=366) < min(at for at, _report in approved).date()
    assert len({report.output for _at, report in approved}) >= 40
    start, end = last_full_quarter(today)
    before, after = statuses_at(approved, start - datetime.timedelta(days=1)), statuses_at(approved, end)
    assert sum(before.get(pk) != status for pk, status in after.items()) >= 5, "changes in What changed's window"
    waiting = [report for pk, report in still_open.items() if report.submit and pk not in returned]
    drafts = [report for report in still_open.values() if not report.submit]
    assert len(waiting) >= 3 and len(returned) == 1
    assert len({report.country for report in drafts}) == 2
    evidence = Counter(kind for step in plan.steps if isinstance(step, Report) for kind, _value in step.evidence)
    assert evidence["pdf"] == 3 and evidence["png"] == 2 and evidence["link"] >= 3
    edits = {name: step for step in plan.steps if isinstance(step, Edit) for name, _value in step.changes}
    assert set(edits) == {"title", "deadline"}
    assert start <= edits["deadline"].at.date() <= end, "the extension shows in What changed's window"
    return plan


def sample_days():
    """Days where the plan's edges lie (a month's and a quarter's first and last days, a leap day) and
    every 17th day of two years (each weekday, each part of a month). A plan takes some 20 ms: every
    day of two years was checked this way once, too slow for each run."""
    edges = [datetime.date(2027, month, 1) for month in range(1, 13)]
    edges += [first - datetime.timedelta(days=1) for first in edges] + [datetime.date(2028, 2, 29)]
    return sorted(set(edges) | {datetime.date(2026, 1, 1) + datetime.timedelta(days=17 * n) for n in range(43)})


def test_every_day_keeps_the_promises(seed_outputs):
    for day in sample_days():
        check(day, seed_outputs)


def test_the_same_day_gives_the_same_plan(seed_outputs):
    today = datetime.date(2026, 12, 7)
    assert demo_plan(today, seed_outputs) == demo_plan(today, list(reversed(seed_outputs)))
    assert demo_plan(today, seed_outputs) != demo_plan(today + datetime.timedelta(days=1), seed_outputs)


def test_officers_write_in_their_language(seed_outputs):
    reports = [step for step in check(datetime.date(2026, 12, 7), seed_outputs).steps if isinstance(step, Report)]
    by_country = {country: " ".join(step.narrative for step in reports if step.country == country)
                  for country in COMPONENTS.values()}
    assert " não " in by_country["MZ"] or " com o " in by_country["MZ"]  # Portuguese
    assert " les " in by_country["global"]  # French
    assert " the " in by_country["MW"] and " the " in by_country["VN"]
    assert all(step.narrative for step in reports if step.status in ("at_risk", "off_track", "cancelled"))
    said = {}
    for step in reports:  # an output's next report says something new
        assert step.narrative != said.get(step.output), step
        said[step.output] = step.narrative
