"""The account pages in a real browser at 375 px (they are one narrow column at any width): the API token page from the
header's menu, and the password reset from the login page to a new password."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from core.passwords import send_password_reset
from testing.browser import PHONE
from testing.seed import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_token_page_and_password_reset_on_a_phone(users, journeys):
    journey = journeys("accounts", PHONE)
    officer = journey.new_page()
    journey.login(officer, "officer-mw", DEMO_PASSWORD)
    officer.get_by_role("link", name="API token").click()
    expect(officer.get_by_role("heading", name="API token", exact=True)).to_be_visible()
    journey.look(officer, "no token")
    officer.get_by_role("button", name="Create a token").click()
    key = officer.get_by_label("Token", exact=True)
    expect(key).to_have_value(re.compile(r"^[0-9a-f]{40}$"))
    expect(officer.locator(".facts")).to_contain_text("Expires")
    journey.look(officer, "token created")
    officer.get_by_role("button", name="Revoke the token").click()
    expect(officer.locator(".messages")).to_contain_text("Your API token is revoked")
    journey.look(officer, "token revoked")

    visitor = journey.new_page()
    visitor.goto("/accounts/login/")
    visitor.get_by_role("link", name="Forgotten your password?").click()
    journey.look(visitor, "reset form")
    visitor.get_by_label("E-mail address").fill("officer-zm@example.org")
    visitor.get_by_role("button", name="Send the link").click()
    expect(visitor.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    journey.look(visitor, "reset asked")

    send_password_reset.call(email="officer-zm@example.org", language="en")  # as the worker does
    path = re.search(r"/accounts/reset/\S+/", mail.outbox[-1].body).group(0)
    visitor.goto(path)
    expect(visitor.get_by_role("heading", name="Set a new password")).to_be_visible()
    journey.look(visitor, "set a new password")
    visitor.get_by_label("New password", exact=True).fill("Kafue-floodplain-2031")
    visitor.get_by_label("New password confirmation").fill("Kafue-floodplain-2031")
    visitor.get_by_role("button", name="Set the password").click()
    expect(visitor.get_by_role("heading", name="Your password is set")).to_be_visible()
    journey.look(visitor, "password set")
