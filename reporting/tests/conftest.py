from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from outputs.testing import approve, save_update, second_output, seed_output
from programme.models import AccessGrant, Programme, Role


@pytest.fixture
def frozen_today():
    """Pages are read on 1 December 2025: the seed's 31.12.2025 deadlines are 30 days away, Zambia 1.1 is overdue."""
    with time_machine.travel("2025-12-01 09:00:00+00:00", tick=False) as traveller:
        yield traveller


@pytest.fixture
def reported(users, frozen_today):
    """Known statuses, approved on known days, and one update still waiting for review."""

    def report(country, code, status, progress, narrative, *, on, approve_it=True):
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
def large_programme(db):
    """A generated programme 10 times the seed's size (63 -> 630 outputs, 42 a country against
    Malawi's 12), for query-count tests: a query per row would show as a count that grows."""
    call_command("generate_demo_portfolio", countries=15, outputs_per_country=42, updates_per_output=2,
                 seed=7, stdout=StringIO())
    return Programme.objects.get(code="DEMO/15x42x2/7")


@pytest.fixture
def two_programmes(users, reported, second_programme):
    """The seed as ``reported`` leaves it (one update waiting) and the second programme, where the
    coordinator and the donor hold the same roles and officer-mw reports for Senegal: Senegal 1.1
    achieved today, Senegal 1.10 waiting for review."""
    AccessGrant.objects.create(user=users.coordinator, programme=second_programme, role=Role.COORDINATOR)
    AccessGrant.objects.create(user=users.donor, programme=second_programme, role=Role.DONOR)
    AccessGrant.objects.create(user=users.officer_mw, programme=second_programme, role=Role.OFFICER,
                               country=second_output("SN", "1.1").outcome.country)
    for person in (users.coordinator, users.donor, users.officer_mw):
        vars(person).pop("_access_grants_cache", None)  # read again with the new grants
    approve(save_update(second_output("SN", "1.1"), users.officer_mw, status="achieved", progress=100), users.coordinator)
    save_update(second_output("SN", "1.10"), users.officer_mw, status="on_track", progress=10)
    return second_programme
