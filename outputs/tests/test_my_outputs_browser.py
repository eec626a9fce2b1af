"""My outputs on a phone (375 px) in Chromium: the first screen shows an output, not only the header
and the filters. The filters are folded until opened (open at once on a wider screen), and a filter
with one choice (the country of an officer of one country) is left out."""

import pytest
from playwright.sync_api import expect

from testing.browser import DESKTOP, PHONE
from testing.seed import DEMO_PASSWORD

pytestmark = pytest.mark.browser
SMALL_PHONE_HEIGHT = 667  # a 4.7-inch phone, the shortest screen still in common use


def test_on_a_phone_my_outputs_shows_an_output_on_the_first_screen(users, journeys):
    journey = journeys("my-outputs", PHONE)
    page = journey.new_page()
    page.set_viewport_size({"width": PHONE, "height": SMALL_PHONE_HEIGHT})
    journey.login(page, "officer-mw", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="My outputs")).to_be_visible()

    first = page.locator(".output-row, .output-card").first.get_by_role("link").first
    expect(first).to_be_in_viewport(ratio=1)
    assert page.evaluate("window.scrollY") == 0
    expect(page.get_by_label("Country")).to_have_count(0)  # Malawi only: nothing to choose
    expect(page.get_by_label("Status")).to_be_hidden()
    journey.look(page, "my outputs first screen")

    page.get_by_text("Filter outputs", exact=True).click()
    page.get_by_label("Status").select_option(label="Not reported")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_label("Status")).to_be_visible()  # a filtered list shows its filters
    expect(page.locator(".result-count")).to_have_text("12 outputs")
    journey.look(page, "my outputs filtered")

    page.set_viewport_size({"width": DESKTOP, "height": 900})
    page.goto("/my-outputs/")
    expect(page.get_by_label("Outcome")).to_be_visible()  # open at once where there is room
