"""The people's journeys in a real browser (Chromium), at desktop width and at 375 px.

Each journey runs against the live server on loopback with the seed programme and demo accounts.
Every page visited is photographed under build/screenshots/ and checked by axe-core (see browser.py).
"""

import io
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from outputs.models import ReviewState, StatusUpdate
from testing.browser import DESKTOP, PHONE, SCREENSHOTS
from testing.files import pdf_bytes
from testing.seed import DEMO_PASSWORD
from testing.workflow import approve, due_in, save_update, seed_output

# make test runs these on its SQLite leg: the views' database behaviour is covered on both databases
# by the rest of the suite, and a browser on the PostgreSQL leg too cost minutes of the CI budget.
pytestmark = pytest.mark.browser

WIDTHS = pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
# The refusals and the other pages at phone width only, where their layout is tightest: the journeys
# that people mostly make at a desk (reporting, reviewing, reading and downloading) run at both.
PHONE_ONLY = pytest.mark.parametrize("width", [PHONE], ids=["phone"])


@pytest.fixture
def people(users, tmp_media):
    """The demo accounts on the seed programme; evidence goes to a throwaway folder."""
    return users


def evidence_pdf(name="progress-report.pdf"):
    return SimpleUploadedFile(name, pdf_bytes("Cabinet minutes"), content_type="application/pdf")


def tab_to(page, target, limit=150):
    """Press Tab until ``target`` has the keyboard focus, as someone without a mouse does."""
    handle = target.element_handle()
    for _press in range(limit):
        if page.evaluate("(element) => document.activeElement === element", handle):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {target} on {page.url}", pytrace=False)


# Status icons narrower than their design (less than .4 em: the narrowest, Achieved's tick, is .45 em),
# squeezed by a label that wraps; then each status choice on the form: its radio dot's size and
# whether its text is struck through.
SQUEEZED_STATUS_ICONS = """() => [...document.querySelectorAll('.badge-icon')]
  .filter(icon => icon.getClientRects().length)
  .filter(icon => icon.getBoundingClientRect().width < .4 * parseFloat(getComputedStyle(icon).fontSize))
  .map(icon => icon.parentElement.textContent.trim())"""
STATUS_CHOICES = """() => [...document.querySelectorAll('.badge-choice')].map(label => {
  const dot = label.querySelector('input').getBoundingClientRect();
  return {label: label.textContent.trim(), dot: [Math.round(dot.width), Math.round(dot.height)],
          struck: getComputedStyle(label).textDecorationLine.includes('line-through')};
})"""


def check_status_icons(page):
    """Status icons and radio dots keep their size however the labels wrap; no choice is struck through."""
    assert page.evaluate(SQUEEZED_STATUS_ICONS) == [], page.url
    choices = page.evaluate(STATUS_CHOICES)
    assert {tuple(choice["dot"]) for choice in choices} <= {(18, 18)}, choices
    assert not any(choice["struck"] for choice in choices), choices


def in_each_language(page, journey, label, languages):
    """The page again in each language (then English again), photographed, checked and its status
    icons measured."""
    for language in (*languages, "en"):
        page.context.add_cookies([{"name": "django_language", "value": language, "url": journey.base_url}])
        page.reload()
        check_status_icons(page)
        if language != "en":
            journey.look(page, f"{label} {language}")


# --- 1. An officer reports progress ------------------------------------------------------------


@WIDTHS
def test_officer_reports_progress_on_an_overdue_output(people, journeys, width):
    journey = journeys("1-officer-reports", width)
    page = journey.new_page()
    journey.login(page, "officer-mw", DEMO_PASSWORD)

    expect(page.get_by_role("heading", name="My outputs")).to_be_visible()
    journey.look(page, "my outputs")  # twelve outputs: the compact table
    page.get_by_role("link", name="Status", exact=True).click()  # sorted by the server: no script needed
    expect(page.get_by_role("columnheader", name="Status")).to_have_attribute("aria-sort", "ascending")
    row = page.locator(".my-outputs-table tbody tr").filter(has_text="Output 1.1")
    expect(row).to_contain_text("overdue")
    row.get_by_role("link", name="Report progress").click()

    expect(page.get_by_role("heading", name="Report progress")).to_be_visible()
    journey.look(page, "update form")
    check_status_icons(page)
    narrative = page.get_by_label("Narrative")
    expect(narrative).to_have_attribute("aria-required", "false")
    page.get_by_label("At risk").check()
    expect(narrative).to_have_attribute("aria-required", "true")  # app.js: At risk needs a narrative
    page.get_by_label("Progress (%)").fill("35")
    page.get_by_label("Narrative").fill("Cabinet postponed the plan's adoption to March.")
    page.get_by_label("Evidence files").set_input_files(
        files=[{"name": "progress-report.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("Minutes")}]
    )
    page.get_by_role("button", name="Submit for review").click()

    expect(page.locator(".message-success")).to_contain_text("Update submitted for review")
    pending = page.locator(".facts").get_by_text("Pending update").locator("..")
    expect(pending).to_contain_text("At risk (pending)")
    expect(pending).to_contain_text("Submitted")
    expect(page.get_by_role("link", name="progress-report.pdf")).to_be_visible()
    journey.look(page, "output pending")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My outputs").click()
    expect(page.locator(".my-outputs-table tbody tr").filter(has_text="Output 1.1")).to_contain_text(
        "Submitted for review: At risk 35%")
    journey.look(page, "my outputs after")

    update = StatusUpdate.objects.get(output=seed_output("MW", "1.1"))
    assert (update.review_state, update.status, update.progress) == (ReviewState.SUBMITTED, "at_risk", 35)
    assert [item.original_name for item in update.evidence.all()] == ["progress-report.pdf"]


# --- 2. Review, return, resubmit, approve: keyboard only ---------------------------------------


@WIDTHS
def test_coordinator_returns_officer_resubmits_coordinator_approves_by_keyboard(people, journeys, width):
    """Keyboard only (Tab, Enter, Space, arrows): the review queue and the update form, no clicks."""
    save_update(seed_output("MW", "1.1"), people.officer_mw, status="at_risk", progress=35,
                narrative="Cabinet postponed the plan.", files=[evidence_pdf()])
    journey = journeys("2-review-cycle", width)

    coordinator = journey.new_page()
    journey.login(coordinator, "coordinator", DEMO_PASSWORD)
    expect(coordinator.get_by_role("heading", name="Review queue")).to_be_visible()
    card = coordinator.locator(".review-card").filter(has_text="Malawi · Output 1.1")
    expect(card).to_contain_text("At risk (pending)")
    expect(card.get_by_role("link", name="progress-report.pdf")).to_be_visible()
    journey.look(coordinator, "review queue")
    tab_to(coordinator, card.locator("summary", has_text="Return"))
    coordinator.keyboard.press("Enter")
    expect(card.get_by_label("Reason for returning")).to_be_focused()  # app.js: straight to the reason
    coordinator.keyboard.type("Please say when cabinet meets.")
    journey.look(coordinator, "return reason")
    coordinator.keyboard.press("Tab")
    coordinator.keyboard.press("Enter")
    expect(coordinator.locator(".message-success")).to_contain_text("Returned to")
    expect(coordinator.locator(".empty-state")).to_contain_text("Nothing waits for review")
    journey.look(coordinator, "queue empty")

    officer = journey.new_page()
    journey.login(officer, "officer-mw", DEMO_PASSWORD)
    output_row = officer.locator(".my-outputs-table tbody tr").filter(has_text="Output 1.1")
    expect(output_row).to_contain_text("Returned")
    tab_to(officer, output_row.get_by_role("link", name="Continue update"))
    officer.keyboard.press("Enter")
    expect(officer.locator(".panel-returned")).to_contain_text("Please say when cabinet meets.")
    journey.look(officer, "update form returned")
    tab_to(officer, officer.get_by_label("At risk"))
    officer.keyboard.press("ArrowRight")  # to Off track: arrows move through a radio group
    expect(officer.get_by_label("Off track")).to_be_checked()
    tab_to(officer, officer.get_by_label("Progress (%)"))
    officer.keyboard.press("ControlOrMeta+a")
    officer.keyboard.type("30")
    tab_to(officer, officer.get_by_label("Narrative"))
    officer.keyboard.press("ControlOrMeta+a")
    officer.keyboard.type("Cabinet meets on 12 March; adoption slips past the deadline.")
    tab_to(officer, officer.get_by_role("button", name="Submit for review"))
    officer.keyboard.press("Space")
    expect(officer.locator(".message-success")).to_contain_text("Update submitted for review")
    journey.look(officer, "resubmitted")

    nav_queue = coordinator.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("Review queue"))
    tab_to(coordinator, nav_queue)
    coordinator.keyboard.press("Enter")
    card = coordinator.locator(".review-card").filter(has_text="Malawi · Output 1.1")
    expect(card).to_contain_text("Off track (pending)")
    journey.look(coordinator, "review queue again")
    tab_to(coordinator, card.get_by_role("button", name="Approve"))
    coordinator.keyboard.press("Enter")
    expect(coordinator.locator(".message-success")).to_contain_text("Approved: Output 1.1 (Malawi) now reports Off track.")
    journey.look(coordinator, "approved")

    update = StatusUpdate.objects.get(output=seed_output("MW", "1.1"))
    assert (update.review_state, update.status, update.progress) == (ReviewState.APPROVED, "off_track", 30)
    assert [event.action for event in update.events.all()] == ["submitted", "returned", "submitted", "approved"]


# --- 3. A donor reads the country page, as of 30 June, and downloads ---------------------------


@pytest.fixture
def malawi_history(people):
    """Malawi's Output 1.3 was At risk in June 2025 and is On track now."""
    with time_machine.travel("2025-06-15 10:00:00+00:00", tick=False):
        approve(save_update(seed_output("MW", "1.3"), people.officer_mw, status="at_risk", progress=40,
                            narrative="Budget delayed."), people.coordinator)
    approve(save_update(seed_output("MW", "1.3"), people.officer_mw, status="on_track", progress=70,
                        narrative="Budget released; campaign launched.", files=[evidence_pdf()]),
            people.coordinator)
    return people


# Each visible month label's left and right edges, in order.
MONTH_LABELS = """() => [...document.querySelectorAll('.month-label')].map(label => {
  const shown = [...label.children].filter(part => part.getClientRects().length)[0].getBoundingClientRect();
  return [shown.left, shown.right];
})"""


def read_the_months(page, width):
    """The dashboard's months across the section's width on a count axis, their labels apart, a
    month's figures shown when the keyboard reaches it (or the pointer rests on it), and its link
    to the report of its last day."""
    section = page.locator("section").filter(has=page.locator("#months-heading")).bounding_box()
    plot = page.locator(".month-chart").bounding_box()
    assert plot["width"] >= section["width"] - 2 and plot["x"] - section["x"] < 2, (plot, section)
    expect(page.locator(".month-axis text")).to_have_text(["0", "20", "40", "60", "80"])  # 63 outputs
    bars = [page.locator(".month-bar").nth(index).bounding_box() for index in range(12)]
    assert all(bar["width"] >= 10 and bar["height"] == 160 for bar in bars), bars
    labels = page.evaluate(MONTH_LABELS)
    assert all(left >= labels[index - 1][1] for index, (left, _right) in enumerate(labels) if index), labels
    expect(page.locator(".month-number").first).to_be_visible(visible=width == PHONE)  # 1 to 12 on a phone
    expect(page.locator(".month-name").first).to_be_visible(visible=width != PHONE)

    june = page.locator(".month-col").nth(5)
    tip = june.locator(".month-tip")
    assert tip.bounding_box()["width"] <= 1  # hidden, but in the link's name for screen readers
    tab_to(page, june)
    expect(tip).to_contain_text("At risk: 1")
    box = tip.bounding_box()
    assert box["width"] > 100 and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    page.locator(".month-col").first.hover()
    expect(page.locator(".month-col").first.locator(".month-tip")).to_contain_text("At risk: 1")
    href = june.get_attribute("href")
    assert re.search(r"\?as_of=\d{4}-\d{2}-\d{2}$", href), href
    tab_to(page, june)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    expect(page.locator(".asof-banner")).to_be_visible()


@WIDTHS
def test_donor_reads_country_page_as_of_june_and_downloads(malawi_history, journeys, width):
    journey = journeys("3-donor-reads", width)
    page = journey.new_page()
    journey.login(page, "donor", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("Universal Social Protection"))).to_be_visible()
    journey.look(page, "programme overview")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    chart = page.get_by_role("list", name=re.compile("Approved status of the outputs at the end of each month"))
    expect(chart).to_be_visible()
    # Malawi 1.3, at risk since June 2025, is on track since this month's approval.
    expect(chart.locator(".month-bar rect.seg-at_risk")).to_have_count(11)
    expect(chart.locator(".month-bar rect.seg-on_track")).to_have_count(1)
    journey.look(page, "dashboard status over time")
    read_the_months(page, width)
    page.go_back()

    page.get_by_role("link", name="Malawi", exact=True).click()
    expect(page.get_by_role("heading", name="Malawi: progress report")).to_be_visible()
    row = page.locator(".report-outputs > li").filter(has_text="Output 1.3")
    expect(row.locator(".badge")).to_have_text("On track")
    expect(row).to_contain_text("Budget released; campaign launched.")
    journey.look(page, "country page")

    page.get_by_label("Show as it stood on").fill("2025-06-30")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.locator(".asof-banner")).to_contain_text("As of the end of 30 June 2025")
    expect(row.locator(".badge")).to_have_text("At risk")
    expect(row).to_contain_text("Budget delayed.")
    journey.look(page, "country page 30 june")

    spreadsheet_link = page.get_by_role("link", name="Spreadsheet (XLSX)")
    report_link = page.get_by_role("link", name="Download PDF report")
    if width == PHONE:  # the files are the same whatever the screen: downloaded and read at desktop width
        expect(spreadsheet_link).to_be_visible()
        expect(report_link).to_be_visible()
        return
    with page.expect_download() as spreadsheet:
        spreadsheet_link.click()
    assert spreadsheet.value.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(spreadsheet.value.path().read_bytes()), read_only=True)
    rows = [[str(cell) for cell in row if cell is not None] for row in workbook["Outputs"].iter_rows(values_only=True)]
    mw13 = [row for row in rows if "Malawi" in row and "1.3" in row]
    assert mw13 and "At risk" in mw13[0], rows[:3]
    assert all("Malawi" in row for row in rows[1:]), "the country page's spreadsheet lists Malawi only"

    with page.expect_download() as report:
        report_link.click()
    assert report.value.suggested_filename.endswith(".pdf")
    text = "".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(report.value.path().read_bytes())).pages)
    assert "Malawi" in text and "30 June 2025" in text
    assert "At risk" in text and "Budget delayed." in text


# --- 4. Refusals: another country's form, a stale edit -----------------------------------------


@PHONE_ONLY
def test_officer_refused_elsewhere_and_stale_edit_keeps_text(people, journeys, width):
    journey = journeys("4-refusals", width)
    malawi = seed_output("MW", "1.2")

    intruder = journey.new_page()
    journey.login(intruder, "officer-mz", DEMO_PASSWORD)
    response = intruder.goto(f"/outputs/{malawi.pk}/update/")
    assert response.status == 403
    expect(intruder.get_by_role("heading", name="You cannot do this here")).to_be_visible()
    expect(intruder.locator("main")).to_contain_text("Only officers of Malawi report on its outputs.")
    journey.look(intruder, "refused 403")
    response = intruder.goto("/outputs/999999/")
    assert response.status == 404
    expect(intruder.get_by_role("heading", name="Page not found")).to_be_visible()
    journey.look(intruder, "not found 404")

    first = journey.new_page()
    journey.login(first, "officer-mw", DEMO_PASSWORD)
    first.goto(f"/outputs/{malawi.pk}/update/")
    journey.look(first, "form opened")

    second = journey.new_page()
    journey.login(second, "officer-mw2", DEMO_PASSWORD)
    second.goto(f"/outputs/{malawi.pk}/update/")
    second.get_by_label("On track").check()
    second.get_by_label("Progress (%)").fill("50")
    second.get_by_label("Narrative").fill("Studies commissioned.")
    second.get_by_role("button", name="Save draft").click()
    expect(second.locator(".message-success")).to_contain_text("Draft saved")
    journey.look(second, "other officer saved")

    mine = "Field work finished in Mzuzu; the report goes to print next week."
    first.get_by_label("Achieved").check()
    first.get_by_label("Progress (%)").fill("100")
    first.get_by_label("Narrative").fill(mine)
    first.get_by_role("button", name="Submit for review").click()
    expect(first.get_by_role("heading", name="Changed meanwhile")).to_be_visible()
    expect(first.locator(".panel-conflict")).to_contain_text("Studies commissioned.")
    expect(first.locator(".form-errors")).to_contain_text("Your text is kept below")
    expect(first.get_by_label("Narrative")).to_have_value(mine)
    expect(first.get_by_label("Achieved")).to_be_checked()
    journey.look(first, "conflict")

    first.get_by_role("button", name="Submit for review").click()  # saving again applies it, knowingly
    expect(first.locator(".message-success")).to_contain_text("Update submitted for review")
    update = StatusUpdate.objects.get(output=malawi)
    assert (update.status, update.narrative, update.review_state) == ("achieved", mine, ReviewState.SUBMITTED)


# --- Without JavaScript: every form still works -----------------------------------------------


def test_update_form_and_filters_work_without_javascript(people, journeys):
    journey = journeys("no-javascript", DESKTOP)
    page = journey.new_page(javascript=False)
    journey.login(page, "officer-mw", DEMO_PASSWORD)

    page.get_by_text("Filter outputs", exact=True).click()  # the folded filters open without a script
    page.get_by_label("Outcome").select_option(label="Outcome 2")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".result-count")).to_have_text("2 outputs")
    expect(page.locator(".output-card")).to_have_count(2)
    journey.look(page, "my outputs filtered")

    page.locator(".output-card").filter(has_text="Output 2.2").get_by_role("link", name="Report progress").click()
    page.get_by_label("On track").check()
    page.get_by_label("Progress (%)").fill("55")
    page.get_by_label("Evidence links").fill("https://example.org/toolkit")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".message-success")).to_contain_text("Draft saved")
    expect(page.get_by_role("link", name="https://example.org/toolkit")).to_be_visible()
    journey.look(page, "draft saved")
    page.get_by_role("link", name="Continue update").click()
    page.get_by_label("Narrative").fill("Typed before removing the link, not saved yet.")
    page.get_by_role("button", name="Remove https://example.org/toolkit").click()
    expect(page.locator(".message-success")).to_contain_text("Removed from the draft: https://example.org/toolkit")
    expect(page.get_by_role("link", name="https://example.org/toolkit")).to_have_count(0)
    expect(page.get_by_label("Narrative")).to_have_value("Typed before removing the link, not saved yet.")
    journey.look(page, "link removed from the draft")

    page.get_by_role("link", name="All outputs").click()
    page.get_by_label("Search").fill("transparency")
    page.get_by_label("Country").select_option(label="Malawi")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".result-count")).to_have_text("1 output")
    expect(page.locator("tbody tr")).to_contain_text("Tools to improve the transparency")
    journey.look(page, "outputs list filtered")

    page.get_by_label("Show as it stood on").fill("2025-06-30")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.locator(".asof-banner")).to_contain_text("30 June 2025")
    expect(page.locator(".result-count")).to_have_text("1 output")  # the filters are kept
    journey.look(page, "outputs list as of june")
    assert StatusUpdate.objects.get(output=seed_output("MW", "2.2")).review_state == ReviewState.DRAFT


# --- The other pages: empty states, the dashboard, the outputs list, error pages ---------------


@PHONE_ONLY
def test_empty_states_dashboard_and_error_pages(people, journeys, width):
    due_in(seed_output("MW", "3.4"), 90)  # every other output is past its deadline: "Overdue only" drops this one
    journey = journeys("other-pages", width)
    coordinator = journey.new_page()
    journey.login(coordinator, "coordinator", DEMO_PASSWORD)  # nothing to review: the dashboard
    expect(coordinator.get_by_role("heading", name="Outputs by country and status")).to_be_visible()
    expect(coordinator.locator(".empty-state").filter(has_text="No activity yet")).to_be_visible()
    journey.look(coordinator, "dashboard")
    if width == PHONE:  # the matrix's status headings wrap in Portuguese on a phone: icons keep their size
        in_each_language(coordinator, journey, "dashboard", languages=("pt",))
    coordinator.get_by_role("link", name="Review queue").click()
    expect(coordinator.locator(".empty-state")).to_contain_text("Nothing waits for review")
    journey.look(coordinator, "empty review queue")
    coordinator.get_by_role("link", name="All outputs").click()
    coordinator.get_by_label("Overdue only").check()
    coordinator.get_by_role("button", name="Apply").click()
    expect(coordinator.locator(".result-count")).to_have_text("62 outputs")
    journey.look(coordinator, "outputs list overdue")
    coordinator.get_by_label("Search").fill("no output says this")
    coordinator.get_by_role("button", name="Apply").click()
    expect(coordinator.locator(".empty-state")).to_contain_text("No output matches these filters.")
    journey.look(coordinator, "outputs list empty")

    coordinator.goto(f"/outputs/{seed_output('ZM', '1.1').pk}/")
    expect(coordinator.locator(".empty-state")).to_contain_text("No updates yet.")
    crumbs = coordinator.get_by_role("navigation", name="Breadcrumb").get_by_role("listitem")
    expect(crumbs).to_have_text(["GLO/22/31/IRL", "Zambia", "Output 1.1"])
    journey.look(coordinator, "output without updates")
    coordinator.get_by_role("link", name="Edit output").click()
    expect(coordinator.get_by_label("Output text")).to_be_visible()
    journey.look(coordinator, "edit output")
    if width == PHONE:  # the history table scrolls inside its box; the page keeps the screen's width
        coordinator.get_by_label("Reason for the change").fill("Wording agreed with the ministry")
        coordinator.get_by_role("button", name="Save").click()
        coordinator.get_by_text("Changes to this output").click()
        expect(coordinator.locator(".table-history")).to_contain_text("Wording agreed with the ministry")
        journey.look(coordinator, "output history")

    officer = journey.new_page()
    journey.login(officer, "officer-mw", DEMO_PASSWORD)
    officer.get_by_text("Filter outputs", exact=True).click()  # folded on a phone
    officer.get_by_label("Status").select_option(label="Achieved")
    officer.get_by_role("button", name="Filter").click()
    expect(officer.locator(".empty-state")).to_contain_text("No output matches these filters.")
    expect(officer.get_by_role("link", name="Show all my outputs")).to_be_visible()
    journey.look(officer, "my outputs empty")
    response = officer.goto("/reviews/")
    assert response.status == 403
    expect(officer.locator("main")).to_contain_text("The review queue is for coordinators.")
    journey.look(officer, "review queue refused 403")

    newcomer = journey.new_page()
    journey.login(newcomer, "nogrant", DEMO_PASSWORD)
    expect(newcomer.get_by_role("heading", name="No programme yet")).to_be_visible()
    journey.look(newcomer, "no programme yet")

    # The 500 page is static (it must render when the database is gone): served here as it would be.
    from django.template.loader import render_to_string

    server_error = render_to_string("500.html")
    newcomer.route("**/broken/", lambda route: route.fulfill(status=500, body=server_error,
                                                              content_type="text/html; charset=utf-8"))
    journey.expected_statuses.add(500)
    newcomer.goto("/broken/")
    expect(newcomer.get_by_role("heading", name="Something went wrong on our side")).to_be_visible()
    journey.look(newcomer, "server error 500")


# --- The checks themselves can fail ------------------------------------------------------------


def test_page_checks_report_what_they_look_for(chromium):
    from testing.browser import COLOUR_ONLY_BADGES, accessibility_problems

    context = chromium.new_context()
    page = context.new_page()
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"><button></button>'
                     '<span class="badge badge-on_track"></span>'
                     '<span class="badge badge-at_risk"><span class="badge-icon"></span>At risk</span></main></html>')
    problems = accessibility_problems(page)
    colour_only = page.evaluate(COLOUR_ONLY_BADGES)
    context.close()
    assert any("image-alt" in line for line in problems), problems
    assert any("button-name" in line for line in problems), problems
    assert colour_only == ['<span class="badge badge-on_track"></span>']


# --- Page weight: the country page on a first visit --------------------------------------------

PAGE_WEIGHT_BUDGET = 60 * 1024  # bytes over the wire, first visit, static files compressed


def test_country_page_stays_light(malawi_history, journeys):
    """Everything a first visit to a country page downloads, as served in production.

    The live server serves everything uncompressed; in production whitenoise serves static files
    pre-compressed (gzip, or brotli over HTTPS) and the reverse proxy compresses the page
    (docs/deployment.md), so compressed sizes are counted: gzip for the page, the smaller of gzip
    and brotli for static files.
    """
    import gzip

    import brotli

    journey = journeys("page-weight", DESKTOP)
    login_page = journey.new_page()
    journey.login(login_page, "donor", DEMO_PASSWORD)
    state = login_page.context.storage_state()
    fresh = journey.browser.new_context(base_url=journey.base_url, storage_state=state)  # empty cache
    journey.contexts.append(fresh)
    page = fresh.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto("/programmes/glo-22-31-irl/countries/mw/")
    page.wait_for_load_state("networkidle")

    rows = []
    for request in finished:
        response = request.response()
        body = response.body()
        sizes = request.sizes()
        kind = request.resource_type
        wire = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        if not wire:
            continue  # taken from the browser's memory cache (the favicon, asked for twice)
        if kind == "document":
            served = len(gzip.compress(body, 1)) + sizes["responseHeadersSize"]  # nginx's default gzip_comp_level
        else:
            served = min(len(gzip.compress(body, 9)), len(brotli.compress(body))) + sizes["responseHeadersSize"]
        rows.append((kind, request.url.replace(journey.base_url, ""), len(body), wire, served))
    total = sum(row[4] for row in rows)
    report = "\n".join(f"{kind:10} {url:50} body {raw:7} wire {wire:7} served {served:7}"
                       for kind, url, raw, wire, served in rows)
    (SCREENSHOTS.parent / "page-weight.txt").write_text(f"{report}\ntotal served {total}\n")
    kinds = {kind for kind, *_rest in rows}
    assert {"document", "stylesheet"} <= kinds, report
    assert "font" not in kinds and all(row[1].startswith("/") for row in rows), f"only the app's own files:\n{report}"
    assert total < PAGE_WEIGHT_BUDGET, f"the country page weighs {total} bytes:\n{report}"
