"""Two programmes in a real browser at 375 px (the browser journeys' way: browser.py photographs every
page under build/screenshots/ and checks it with axe-core): a coordinator lands on the portfolio,
sorts it, switches to the other programme from the header; an officer of both lands on My outputs."""

import pytest
from playwright.sync_api import expect

from testing.browser import PHONE
from testing.seed import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_two_programmes_from_the_portfolio_and_the_switcher(two_programmes, users, journeys, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    journey = journeys("5-two-programmes", PHONE)
    page = journey.new_page()
    journey.login(page, "coordinator", DEMO_PASSWORD)  # two programmes: the portfolio
    expect(page.get_by_role("heading", name="Programmes", exact=True)).to_be_visible()
    expect(page.locator(".portfolio-table tbody tr")).to_have_count(2)
    page.get_by_role("link", name="Due soon", exact=True).click()  # sorted by the server, most first
    expect(page.locator(".portfolio-table tbody th").first).to_contain_text("GLO/22/31/IRL")
    journey.look(page, "portfolio")
    page.locator(".programme-switch summary").click()
    page.locator(".programme-switch-list a").filter(has_text="GLO/24/07/LUX").click()
    expect(page.get_by_role("heading", name="Extending Social Protection to Workers in the Informal Economy")).to_be_visible()
    page.locator(".programme-switch summary").click()
    expect(page.locator(".programme-switch-list [aria-current]")).to_contain_text("GLO/24/07/LUX")
    journey.look(page, "switcher in the second programme")
    page.keyboard.press("Escape")  # app.js closes it as a menu
    expect(page.locator(".programme-switch-list")).to_be_hidden()

    officer = journey.new_page()
    journey.login(officer, "officer-mw", DEMO_PASSWORD)  # an officer keeps My outputs, of both
    expect(officer.locator(".result-count")).to_have_text("16 outputs")
    expect(officer.locator(".my-outputs-table tbody tr").first).to_contain_text("GLO/24/07/LUX")
    journey.look(officer, "my outputs of two programmes")
