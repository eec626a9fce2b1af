"""Known changes around the third quarter of 2026, for the tests of "What changed" and its exports."""

import datetime

import pytest
import time_machine

from outputs.services.output_edits import output_edit
from outputs.services.updates import status_update_return
from outputs.testing import approve, save_update, seed_output

Q3 = {"from": "2026-07-01", "to": "2026-09-30"}


@pytest.fixture
def today():
    """Pages are read on 1 December 2026 (Q4): the last full quarter is July to September 2026."""
    with time_machine.travel("2026-12-01 09:00:00+00:00", tick=False) as traveller:
        yield traveller


@pytest.fixture
def q3(users, today):
    """Known changes around the third quarter of 2026, written through the services on known days;
    the query of that quarter (``Q3``) for the tests to ask with."""

    def at(day, hour="10:00"):
        today.move_to(f"{day} {hour}:00+00:00")

    def report(country, code, status, progress, narrative, *, on, approve_it=True, links=()):
        at(on)
        update = save_update(seed_output(country, code), getattr(users, f"officer_{country.lower()}"),
                             status=status, progress=progress, narrative=narrative, links=links)
        if approve_it:
            at(on, "15:00")
            approve(update, users.coordinator)
        return update

    def edit(country, code, on, **changes):
        at(on)
        output = seed_output(country, code)
        output_edit(output=output, user=users.coordinator, base_revision=output.revision, **changes)

    report("MW", "1.1", "at_risk", 30, "Cabinet memo delayed.", on="2026-06-10")
    edit("MW", "1.4", "2026-05-02", deadline=datetime.date(2026, 8, 31))  # due inside the window
    report("MW", "1.1", "achieved", 100, "Plan adopted by cabinet.", on="2026-08-14",
           links=["https://example.org/plan.pdf"])
    report("MW", "1.2", "on_track", 45, "Registry pilots running.", on="2026-07-20")
    edit("MW", "1.6", "2026-08-05", title="Social protection financing strategy costed and validated")
    report("MW", "1.3", "off_track", 10, "Submitted, not yet approved.", on="2026-08-20", approve_it=False)
    returned = report("ZM", "1.1", "at_risk", 20, "Returned narrative.", on="2026-09-02", approve_it=False)
    at("2026-09-03")
    status_update_return(update=returned, user=users.coordinator, reason="Say more.")
    report("ZM", "1.2", "on_track", 50, "Zambia registry live.", on="2026-09-10")
    edit("ZM", "1.3", "2026-09-15", deadline=datetime.date(2027, 3, 31))  # no longer overdue
    report("MW", "1.2", "achieved", 100, "After the window.", on="2026-10-15")
    save_update(seed_output("MW", "2.2"), users.officer_mw, submit=False, narrative="A draft narrative.")
    at("2026-12-01", "09:00")
    return Q3
