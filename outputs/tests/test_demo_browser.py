"""The first look after `make run`: the demonstration year, read in a browser at 1280 and 375 px.

The demo is written as set-up writes it, on a fixed day (1 December 2026, the suite's ``today``), so
nothing here depends on the day the suite runs. A coordinator reads the overview, the dashboard and
its chart, What changed over the last full quarter and the review queue, and approves an update;
every page is photographed and checked (build/screenshots/demo-*.png).
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from outputs.models import ReviewState, StatusUpdate
from testing.browser import DESKTOP, PHONE
from testing.seed import DEMO_PASSWORD, SEED_SLUG

pytestmark = pytest.mark.browser

BASE = f"/programmes/{SEED_SLUG}"


@pytest.fixture
def demo_year(users, tmp_media, settings, today):
    """The seed programme with the demonstration year up to 1 December 2026."""
    settings.DEMO_ACTIVITY = True
    call_command("demo_activity", verbosity=0)
    return StatusUpdate.objects.filter(review_state=ReviewState.SUBMITTED).count()


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_demo_year_shows_what_the_tracker_is_for(demo_year, journeys, width):
    journey = journeys("demo", width)
    page = journey.new_page()
    journey.login(page, "coordinator", DEMO_PASSWORD)

    page.goto(f"{BASE}/")
    expect(page.locator(".demo-notice")).to_contain_text("Demonstration data.")
    achieved = page.locator(".stat").filter(has_text="achieved").locator(".stat-value")
    expect(achieved).not_to_have_text("0%")
    journey.look(page, "overview")

    page.goto(f"{BASE}/dashboard/")
    chart = page.get_by_role("list", name=re.compile("Approved status of the outputs at the end of each month"))
    expect(chart.locator(".month-col")).to_have_count(12)
    # A year of work: the outputs reported grow over the months, to 40 or more by the last.
    figures = page.locator(".month-figures table")
    headings = figures.locator("thead th").all_text_contents()[1:]
    not_reported = headings.index("Not reported")
    reported = []
    for row in figures.locator("tbody tr").all():
        counts = [int(text.replace(",", "")) for text in row.locator("td").all_text_contents()]
        reported.append(sum(counts) - counts[not_reported])
    assert len(set(reported)) >= 6 and reported[-1] >= 40, reported
    expect(page.locator(".month-axis text").first).to_have_text("0")
    last = chart.locator(".month-col").last
    last.hover()
    expect(last.locator(".month-tip")).to_contain_text("Achieved")
    journey.look(page, "dashboard")

    page.goto(f"{BASE}/changes/")
    expect(page.locator(".report-cover")).to_contain_text("From 1 July 2026 to 30 September 2026")
    changed = page.get_by_role("table", name="Outputs whose reported status changed").locator("tbody tr")
    expect(changed.first).to_be_visible()
    assert changed.count() >= 3
    journey.look(page, "what changed last quarter")

    page.get_by_role("link", name="Review queue").first.click()
    cards = page.locator(".review-card")
    expect(cards.first).to_be_visible()
    assert cards.count() == demo_year >= 3
    expect(page.locator("main")).to_contain_text(f"{demo_year} updates waiting")
    journey.look(page, "review queue")
    cards.first.get_by_role("button", name="Approve").click()
    expect(page.locator("main")).to_contain_text(f"{demo_year - 1} updates waiting")
    journey.look(page, "review queue after an approval")
