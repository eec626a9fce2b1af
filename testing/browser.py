"""Real-browser testing: Debian's Chromium driven by Playwright against pytest-django's live server.

Every page a journey visits is photographed to build/screenshots/<journey>-<width>-<step>.png, checked
with axe-core (no serious or critical violation), checked for horizontal overflow (readable at 375 px),
for statuses shown by colour alone and for browser errors (a blocked script or style, a JavaScript
exception).
"""

import os
import re
from collections.abc import Callable, Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page

from .seed import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "build" / "screenshots"
DESKTOP = 1280
PHONE = 375
BLOCKING_IMPACTS = {"serious", "critical"}
# Chromium logs every 4xx/5xx response as a console error; the journeys check those statuses themselves.
FAILED_LOAD = re.compile(r"^Failed to load resource: the server responded with a status of (\d+)")

_axe = Axe()
LOGIN_LOOKED_AT: set[int] = set()  # the widths at which this test process photographed and checked the login page

# A status is shown as a badge with words and an icon shape, or as a chart with a text equivalent.
COLOUR_ONLY_BADGES = """() => [
  ...[...document.querySelectorAll('.badge')]
    .filter(b => !b.textContent.trim() || !b.querySelector('.badge-icon')),
  ...[...document.querySelectorAll('svg.chart')].filter(c => !(c.getAttribute('aria-label') || '').trim()),
].map(e => e.outerHTML.slice(0, 160))"""


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One headless Chromium per test session (per xdist worker); a missing browser fails, never skips."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM}. Install it with `apt-get install chromium` "
            "(`scripts/system-deps.sh test` does it when run as root; `make test` runs that).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls between browser steps
    # are still plain synchronous code, so Django's async-context guard would refuse them wrongly.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Journey:
    """One person's (or several people's) way through the app at one screen width."""

    def __init__(self, browser: Browser, base_url: str, name: str, width: int) -> None:
        self.browser = browser
        self.base_url = base_url
        self.name = name
        self.width = width
        self.step = 0
        self.contexts: list = []
        self.problems: list[str] = []
        self.without_javascript: list[Page] = []
        self.expected_statuses = {400, 403, 404}  # refusals the journeys provoke; a 500 is a failure
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def new_page(self, javascript: bool = True) -> Page:
        phone = self.width <= PHONE
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport={"width": self.width, "height": 812 if phone else 900},
            is_mobile=phone,
            has_touch=phone,
            locale="en-GB",
            accept_downloads=True,
            java_script_enabled=javascript,
        )
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        if not javascript:  # without it axe-core cannot run: evaluate() would wait forever
            self.without_javascript.append(page)
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: JavaScript error: {error}"))
        return page

    def _console(self, page: Page, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        failed = FAILED_LOAD.match(message.text)
        if failed and int(failed.group(1)) in self.expected_statuses:
            return
        self.problems.append(f"{page.url}: console error: {message.text}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    def look(self, page: Page, label: str) -> None:
        """Photograph the page and check it: accessibility, no sideways scrolling, no browser error.

        Pages seen without JavaScript are photographed only: the same pages are checked with it.
        axe-core runs at phone width (375 px), which every journey visits: the markup is the same at
        any width, only the style sheet's layout differs, and a run costs about half a second a page.
        """
        page.wait_for_load_state("load")
        scripted = page not in self.without_javascript
        self.step += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        page.screenshot(path=SCREENSHOTS / f"{self.name}-{self.width}-{self.step:02d}-{slug}.png", full_page=True)
        problems = list(self.problems)
        self.problems.clear()
        if scripted:
            if self.width <= PHONE:
                problems += accessibility_problems(page)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                problems.append(f"the page scrolls sideways by {overflow} px at {self.width} px wide")
            problems += [f"status shown by colour alone: {badge}" for badge in page.evaluate(COLOUR_ONLY_BADGES)]
        if problems:
            pytest.fail(f"{self.name} at {self.width} px, step {self.step} ({label}, {page.url}):\n- "
                        + "\n- ".join(problems), pytrace=False)

    def login(self, page: Page, username: str, password: str) -> None:
        page.goto("/accounts/login/")
        if self.width not in LOGIN_LOOKED_AT:  # the same page for everyone: checked once per width
            self.look(page, "login")
            LOGIN_LOOKED_AT.add(self.width)
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state("load")


def accessibility_problems(page: Page) -> list[str]:
    """axe-core's serious and critical violations, one readable line per rule with its elements."""
    results = _axe.run(page)
    lines = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in BLOCKING_IMPACTS:
            continue
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"axe {violation['impact']}: {violation['id']}: {violation['help']} [{targets}]")
    return lines


@pytest.fixture
def journeys(chromium: Browser, live_server) -> Iterator[Callable[[str, int], Journey]]:
    """Open journeys by name and width; their browser contexts close after the test."""
    opened = []

    def start(name: str, width: int) -> Journey:
        journey = Journey(chromium, live_server.url, name, width)
        opened.append(journey)
        return journey

    yield start
    for journey in opened:
        journey.close()
