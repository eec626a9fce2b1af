"""'What changed' in a real browser: a donor finds it from the programme overview, picks a window
and reads it, at desktop width and at 375 px, and in the four languages on a phone. Every page is
photographed under build/screenshots/ and checked by axe-core (browser.py)."""


import pytest
from playwright.sync_api import expect

from testing.browser import DESKTOP, PHONE
from testing.seed import DEMO_PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_donor_reads_what_changed_in_a_quarter(q3, journeys, width):
    journey = journeys("changes-donor", width)
    page = journey.new_page()
    journey.login(page, "donor", DEMO_PASSWORD)
    page.get_by_role("link", name="What changed").click()
    expect(page.get_by_role("heading", name="What changed", level=1)).to_be_visible()
    expect(page.locator(".report-cover")).to_contain_text("From 1 July 2026 to 30 September 2026")
    journey.look(page, "last full quarter")

    page.get_by_label("From").fill("2026-08-01")
    page.get_by_label("To").fill("2026-09-30")
    page.get_by_label("Country", exact=True).select_option("mw")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.locator(".report-cover")).to_contain_text("From 1 August 2026")
    changed = page.get_by_role("table", name="Outputs whose reported status changed")
    expect(changed).to_contain_text("Achieved")
    expect(changed).to_contain_text("Plan adopted by cabinet.")
    expect(changed).not_to_contain_text("Zambia registry live.")  # approved in September, in Zambia
    journey.look(page, "malawi august september")

    page.goto("/programmes/glo-22-31-irl/changes/?from=2026-09-30&to=2026-07-01")
    expect(page.get_by_role("alert")).to_contain_text("The window must end after it starts")
    journey.look(page, "bad window")


def test_what_changed_on_a_phone_in_each_language(q3, journeys):
    journey = journeys("changes-languages", PHONE)
    page = journey.new_page()
    journey.login(page, "coordinator", DEMO_PASSWORD)
    for language, heading in [("fr", "Ce qui a changé"), ("pt", "O que mudou"), ("vi", "Những gì đã thay đổi")]:
        page.context.add_cookies([{"name": "django_language", "value": language, "url": journey.base_url}])
        page.goto("/programmes/glo-22-31-irl/changes/")
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        journey.look(page, f"last full quarter {language}")
