"""Known data on known days, written through the services: reported statuses read on 1 December 2025
(``frozen_today``, ``reported``), changes around the third quarter of 2026 read on 1 December 2026
(``today``, ``q3``), and a generated programme ten times the seed's size (``large_programme``)."""

import datetime
from collections.abc import Iterator, Sequence
from io import StringIO
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from django.core.management import call_command

if TYPE_CHECKING:  # the models are imported once Django is set up
    from outputs.models import StatusUpdate
    from programme.models import Programme

Q3 = {"from": "2026-07-01", "to": "2026-09-30"}


# --- Reported statuses, read on 1 December 2025 -----------------------------------------------


@pytest.fixture
def frozen_today() -> Iterator[time_machine.Traveller]:
    """Pages are read on 1 December 2025: the seed's 31.12.2025 deadlines are 30 days away, Zambia 1.1 is overdue."""
    with time_machine.travel("2025-12-01 09:00:00+00:00", tick=False) as traveller:
        yield traveller


@pytest.fixture
def reported(users: SimpleNamespace, frozen_today: time_machine.Traveller) -> dict[str, "StatusUpdate"]:
    """Known statuses, approved on known days, and one update still waiting for review."""
    from .workflow import approve, save_update, seed_output

    def report(country: str, code: str, status: str, progress: int, narrative: str, *, on: str,
               approve_it: bool = True) -> "StatusUpdate":
        frozen_today.move_to(f"{on} 10:00:00+00:00")
        update = save_update(seed_output(country, code), getattr(users, f"officer_{country.lower()}"),
                             status=status, progress=progress, narrative=narrative)
        if approve_it:
            frozen_today.move_to(f"{on} 15:00:00+00:00")
            approve(update, users.coordinator)
        return update

    updates = {
        "mw13_june": report("MW", "1.3", "at_risk", 40, "Budget delayed.", on="2025-06-15"),
        "mw11": report("MW", "1.1", "achieved", 100, "Plan adopted by cabinet.", on="2025-07-10"),
        "mw13_sept": report("MW", "1.3", "on_track", 60, "Budget released.", on="2025-09-01"),
        "zm11": report("ZM", "1.1", "off_track", 10, "Partner withdrew.", on="2025-08-01"),
        "mw12_pending": report("MW", "1.2", "on_track", 20, "Pending narrative text.", on="2025-11-20",
                               approve_it=False),
    }
    frozen_today.move_to("2025-12-01 09:00:00+00:00")
    return updates


@pytest.fixture
def deadlines(reported: dict[str, "StatusUpdate"], users: SimpleNamespace) -> dict[tuple[str, str], datetime.date]:
    """``reported`` with deadlines either side of 1 December 2025, so that each filter of a list keeps
    some outputs and drops others: Zambia 1.1 (due 25 April, Off track) and Viet Nam 1.1 (due 31 October,
    not reported) are overdue; Malawi 1.1 (due 30 November) is Achieved and Mozambique 1.1 (due 15
    November) Cancelled, so neither is; Viet Nam 2.1 is due today, not yet overdue; Mozambique 2.1 is due
    on 31 March 2026. Every other output is due on 31 December 2025. {(country, code): deadline} of
    the outputs moved."""
    from outputs.services.output_edits import output_edit

    from .workflow import approve, save_update, seed_output

    approve(save_update(seed_output("MZ", "1.1"), users.officer_mz, status="cancelled", progress=0,
                        narrative="Merged into Output 1.2."), users.coordinator)
    moved = {("VN", "1.1"): datetime.date(2025, 10, 31), ("MW", "1.1"): datetime.date(2025, 11, 30),
             ("MZ", "1.1"): datetime.date(2025, 11, 15), ("VN", "2.1"): datetime.date(2025, 12, 1),
             ("MZ", "2.1"): datetime.date(2026, 3, 31)}
    for (country, code), deadline in moved.items():
        output = seed_output(country, code)
        output_edit(output=output, user=users.coordinator, base_revision=output.revision, deadline=deadline)
    return moved


@pytest.fixture
def large_programme(db: None) -> "Programme":
    """A generated programme 10 times the seed's size (63 -> 630 outputs, 42 a country against
    Malawi's 12), for query-count tests: a query per row would show as a count that grows."""
    from programme.models import Programme

    call_command("generate_demo_portfolio", countries=15, outputs_per_country=42, updates_per_output=2,
                 seed=7, stdout=StringIO())
    return Programme.objects.get(code="DEMO/15x42x2/7")


# --- Changes around the third quarter of 2026, read on 1 December 2026 ------------------------


@pytest.fixture
def today() -> Iterator[time_machine.Traveller]:
    """Pages are read on 1 December 2026 (Q4): the last full quarter is July to September 2026."""
    with time_machine.travel("2026-12-01 09:00:00+00:00", tick=False) as traveller:
        yield traveller


@pytest.fixture
def q3(users: SimpleNamespace, today: time_machine.Traveller) -> dict[str, str]:
    """Known changes around the third quarter of 2026, written through the services on known days;
    the query of that quarter (``Q3``) for the tests to ask with."""
    from outputs.services.output_edits import output_edit
    from outputs.services.updates import status_update_return

    from .workflow import approve, save_update, seed_output

    def at(day: str, hour: str = "10:00") -> None:
        today.move_to(f"{day} {hour}:00+00:00")

    def report(country: str, code: str, status: str, progress: int, narrative: str, *, on: str,
               approve_it: bool = True, links: Sequence[str] = ()) -> "StatusUpdate":
        at(on)
        update = save_update(seed_output(country, code), getattr(users, f"officer_{country.lower()}"),
                             status=status, progress=progress, narrative=narrative, links=links)
        if approve_it:
            at(on, "15:00")
            approve(update, users.coordinator)
        return update

    def edit(country: str, code: str, on: str, **changes: Any) -> None:
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


@pytest.fixture
def second_programme(seed_programme: "Programme") -> "Programme":
    """A second programme beside the seed, GLO/24/07/LUX (Senegal, Cambodia, Global: 7 outputs),
    imported from its page through the importer service (testing.workflow.SECOND_PAGE)."""
    from .workflow import import_second_programme

    return import_second_programme()


@pytest.fixture
def two_programmes(users: SimpleNamespace, reported: dict[str, "StatusUpdate"], second_programme: "Programme") -> "Programme":
    """The seed as ``reported`` leaves it (one update waiting) and the second programme, where the
    coordinator and the donor hold the same roles and officer-mw reports for Senegal: Senegal 1.1
    achieved today, Senegal 1.10 waiting for review."""
    from programme.models import AccessGrant, Role

    from .workflow import approve, save_update, second_output

    AccessGrant.objects.create(user=users.coordinator, programme=second_programme, role=Role.COORDINATOR)
    AccessGrant.objects.create(user=users.donor, programme=second_programme, role=Role.DONOR)
    AccessGrant.objects.create(user=users.officer_mw, programme=second_programme, role=Role.OFFICER,
                               country=second_output("SN", "1.1").outcome.country)
    for person in (users.coordinator, users.donor, users.officer_mw):
        vars(person).pop("_access_grants_cache", None)  # read again with the new grants
    approve(save_update(second_output("SN", "1.1"), users.officer_mw, status="achieved", progress=100), users.coordinator)
    save_update(second_output("SN", "1.10"), users.officer_mw, status="on_track", progress=10)
    return second_programme
