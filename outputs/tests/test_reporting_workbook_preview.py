"""The reporting workbook's preview and confirmation as an officer meets them: links read one per line
(as the update form reads them), each row shown as it was and as it would be, its bad cells marked,
errors in column order, an unreadable date refused, and the rows of outputs changed since the
download left out of one save of the others."""

import datetime
import io

import lxml.html
import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from outputs.models import Evidence, ReviewEvent, ReviewState, StatusUpdate
from testing.workbook import DOWNLOADED, as_file, confirm, download_workbook, fill, upload, yesterday
from testing.workflow import approve, save_update, seed_output

pytestmark = pytest.mark.usefixtures("tmp_media")

SHAREPOINT = "https://contoso.sharepoint.com/sites/MW/Shared Documents/plan 2025.pdf"
COLUMNS = ["row", "code", "title", "was", "status", "progress", "as_of", "narrative", "links"]


@pytest.fixture
def malawi_workbook(users, client_for):
    """The Malawi officer's workbook as downloaded in English, shared with test_reporting_workbook."""
    if "en" not in DOWNLOADED:
        DOWNLOADED["en"] = download_workbook(client_for(users.officer_mw))
    return openpyxl.load_workbook(io.BytesIO(DOWNLOADED["en"]))


def fresh_workbook(client):
    """Malawi's workbook downloaded now, at the revisions this test's updates left."""
    return openpyxl.load_workbook(io.BytesIO(download_workbook(client)))


def table_row(response, code):
    """{column: cell} of the preview table's row for output ``code``."""
    page = lxml.html.fromstring(response.content)
    for row in page.xpath('//table[contains(@class, "workbook-rows")]/tbody/tr'):
        cells = row.xpath("./td")
        if cells[1].text_content().strip() == code:
            return dict(zip(COLUMNS, cells, strict=True))
    raise AssertionError(f"the preview shows no row for output {code}")


def text(cell):
    return " ".join(cell.text_content().split())


def short(day):
    return date_format(day, "SHORT_DATE_FORMAT")


def test_links_are_read_one_per_line_in_the_workbook_as_on_the_form(users, client_for, malawi_workbook):
    sheet = malawi_workbook["Malawi"]
    fill(sheet, "1.1", Status="On track", Progress=30, Links="not a url")
    fill(sheet, "1.2", Status="On track", Progress=40, Links=f"{SHAREPOINT}\nhttps://example.org/photos")
    client = client_for(users.officer_mw)

    refused = upload(client, as_file(malawi_workbook))
    assert [error.message for error in refused.context["preview"].errors] == [
        "not a url is not a valid http or https link."]

    fill(sheet, "1.1", Links="")
    assert confirm(client, upload(client, as_file(malawi_workbook)), "draft").status_code == 302
    stored = sorted(seed_output("MW", "1.2").pending_update.evidence.values_list("url", flat=True))
    assert stored == ["https://contoso.sharepoint.com/sites/MW/Shared%20Documents/plan%202025.pdf",
                      "https://example.org/photos"]

    # The update form reads its box the same way: one link a line, a space kept inside its link.
    output = seed_output("MW", "1.3")
    response = client.post(reverse("outputs:update", args=[output.pk]), {
        "status": "on_track", "progress": "10", "narrative": "", "as_of": timezone.localdate().isoformat(),
        "links": f"{SHAREPOINT}\r\n", "base_revision": str(output.revision), "save": "1",
    })
    assert response.status_code == 302
    assert list(Evidence.objects.filter(update__output=output).values_list("url", flat=True)) == [
        "https://contoso.sharepoint.com/sites/MW/Shared%20Documents/plan%202025.pdf"]


def test_preview_shows_each_row_as_it_was_and_as_it_would_be(users, client_for):
    approve(save_update(seed_output("MW", "1.1"), users.officer_mw, progress=40, as_of=datetime.date(2025, 5, 31)),
            users.coordinator)
    save_update(seed_output("MW", "1.1"), users.officer_mw, status="at_risk", progress=45, narrative="Delays.")
    client = client_for(users.officer_mw)
    workbook = fresh_workbook(client)
    fill(workbook["Malawi"], "1.1", Status="Achieved", Progress=100, Narrative="Adopted.", **{"As of": yesterday()})
    fill(workbook["Malawi"], "1.2", Status="On track", Progress=20)

    response = upload(client, as_file(workbook))

    assert response.status_code == 200
    first = table_row(response, "1.1")
    assert text(first["was"]) == f"On track, 40%, as of {short(datetime.date(2025, 5, 31))} Submitted for review: At risk, 45%"
    assert [text(first[key]) for key in ("status", "progress", "as_of", "narrative")] == [
        "Achieved", "100%", short(yesterday()), "Adopted."]
    second = table_row(response, "1.2")
    assert text(second["was"]) == "Not reported"
    # An empty As of is the day of the upload, as the instructions say; the page says so.
    assert text(second["as_of"]) == f"{short(timezone.localdate())} (empty: today)"
    assert "2 outputs would change." in response.content.decode()


def test_bad_cells_are_marked_errors_come_in_column_order_and_a_bad_date_is_no_today(users, client_for, malawi_workbook):
    sheet = malawi_workbook["Malawi"]
    number = fill(sheet, "1.1", Status="Maybe", Progress="lots", **{"As of": "30/06/2025"},
                  Links="ftp://example.org/file")
    fill(sheet, "1.2", Status="At risk", Progress=20, **{"As of": datetime.date(2099, 1, 1)})

    response = upload(client_for(users.officer_mw), as_file(malawi_workbook))

    assert response.status_code == 400
    errors = [(error.row, error.column) for error in response.context["preview"].errors]
    assert errors == [(number, "Status"), (number, "Progress"), (number, "As of"), (number, "Links"),
                      (number + 1, "Narrative"), (number + 1, "As of")]
    # A date that reads but breaks a rule is shown as the date it is.
    assert text(table_row(response, "1.2")["as_of"]) == f"{short(datetime.date(2099, 1, 1))} ⚠ Error 6"
    row = table_row(response, "1.1")
    # What was typed, in a cell marked by its class and by words: the number of its error, a link to it.
    assert text(row["as_of"]) == "30/06/2025 ⚠ Error 3"  # never today's date
    assert text(row["status"]) == "Maybe ⚠ Error 1"
    marked = [name for name, cell in row.items() if "cell-error" in cell.get("class", "")]
    assert marked == ["status", "progress", "as_of", "links"]
    page = lxml.html.fromstring(response.content)
    target = row["as_of"].xpath(".//a/@href")[0].removeprefix("#")
    assert " ".join(page.get_element_by_id(target).text_content().split()) == (
        f"Malawi, row {number}, As of: '30/06/2025' is not a date: use the form YYYY-MM-DD, e.g. 2025-06-30.")
    assert "To correct" in text(row["row"])
    assert "would change" not in response.content.decode()  # every row has errors: none is counted
    assert "Nothing was saved." in response.content.decode()


def test_a_row_changed_since_the_download_is_left_out_and_one_click_saves_the_others(users, client_for, malawi_workbook):
    sheet = malawi_workbook["Malawi"]
    for code, progress in (("1.1", 30), ("1.2", 50), ("1.3", 70)):
        fill(sheet, code, Status="On track", Progress=progress)
    client = client_for(users.officer_mw)
    preview = upload(client, as_file(malawi_workbook))
    assert preview.status_code == 200
    events = ReviewEvent.objects.count()

    # Another officer saves 1.2 after the preview: the confirmation saves nothing, and shows why.
    save_update(seed_output("MW", "1.2"), users.officer_mw2, submit=False, progress=60)
    refused = confirm(client, preview, "submit")
    assert refused.status_code == 409
    assert [change.output.code for change in refused.context["preview"].conflicts] == ["1.2"]
    assert StatusUpdate.objects.filter(output__in=[seed_output("MW", "1.1"), seed_output("MW", "1.3")]).count() == 0
    changed = table_row(refused, "1.2")
    assert text(changed["was"]) == "Not reported Draft: On track, 60%"  # the site now, beside the row's 50%
    assert text(changed["progress"]) == "50%"
    assert "Changed on the site: left out" in text(changed["row"])
    assert "2 outputs would change." in refused.content.decode()

    # One click saves the two others, all or nothing; 1.2 keeps the other officer's draft.
    saved = confirm(client, refused, "submit")
    assert saved.status_code == 302
    assert [seed_output("MW", code).pending_update.progress for code in ("1.1", "1.2", "1.3")] == [30, 60, 70]
    assert seed_output("MW", "1.1").pending_update.review_state == ReviewState.SUBMITTED
    assert ReviewEvent.objects.count() == events + 3  # the other officer's draft and the two saved
    warning = [str(message) for message in saved.wsgi_request._messages]
    assert warning[-1].startswith("Not saved, because they changed on the site after you downloaded the workbook: "
                                  "Output 1.2 · Malawi.")

    # A second click, or the first one again, saves nothing twice.
    assert confirm(client, refused, "submit").status_code == 409
    cache.clear()
    assert confirm(client, refused, "draft").status_code == 409
    assert confirm(client, preview, "draft").status_code == 409
    assert ReviewEvent.objects.count() == events + 3
    # The same file again: every row's output changed since its download, nothing to save.
    again = upload(client, as_file(malawi_workbook))
    assert again.status_code == 409 and again.context["token"] is None
    assert len(again.context["preview"].conflicts) == 3


def test_a_preview_with_a_conflict_offers_to_save_the_other_rows(users, client_for, malawi_workbook):
    fill(malawi_workbook["Malawi"], "1.1", Status="On track", Progress=30)
    fill(malawi_workbook["Malawi"], "1.2", Status="On track", Progress=50)
    save_update(seed_output("MW", "1.2"), users.officer_mw2, submit=False, progress=60)
    client = client_for(users.officer_mw)

    preview = upload(client, as_file(malawi_workbook))

    assert preview.status_code == 409 and preview.context["token"]
    assert "1 output would change." in preview.content.decode()
    assert confirm(client, preview, "draft").status_code == 302
    assert seed_output("MW", "1.1").pending_update.progress == 30
    assert seed_output("MW", "1.2").pending_update.progress == 60


def current_header_link(response):
    page = lxml.html.fromstring(response.content)
    return [" ".join(link.text_content().split()) for link in page.xpath('//nav[@class="main-nav"]//a[@aria-current="page"]')]


def test_the_workbook_page_sits_under_my_outputs_in_the_header_for_officers(users, client_for):
    url = reverse("outputs:reporting_workbook", args=["glo-22-31-irl"])
    assert current_header_link(client_for(users.officer_mw).get(url)) == ["My outputs"]
    # A coordinator has no My outputs: the overview, whose URL the page's lies under, stays marked.
    assert current_header_link(client_for(users.coordinator).get(url)) == ["Overview"]
