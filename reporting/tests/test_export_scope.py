"""An officer's exports hold the countries they report for, and say so: on the XLSX About sheet, in
the files' names and the JSON's meta, and on the outputs list, whose download line counts what the
files will hold. A filter asking for another country, or filters that do not validate, get a page
that says why (403, 400), never an empty file."""

import csv
import io
import json
import re

import openpyxl
import pytest

from programme.models import AccessGrant, Country, Role
from testing.exports import body

BASE = "/programmes/glo-22-31-irl"
LIST = f"{BASE}/outputs/"
EXPORTS = ["outputs.csv", "outputs.xlsx", "outputs.json", "history.csv"]


def get(client, url, **params):
    response = client.get(BASE + url, params)
    return response, body(response)


def filename(response):
    return re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1)


def download_line(html):
    """The outputs list's download line, as text."""
    found = re.search(r'<p class="actions no-print exports">(.*?)</p>', html, re.DOTALL)
    return found and re.sub(r"\s+", " ", found.group(1))


def test_an_officers_xlsx_says_on_its_about_sheet_that_it_holds_their_countries(users, client_for, reported,
                                                                                 frozen_today):
    response, content = get(client_for(users.officer_mw), "/exports/outputs.xlsx")
    assert response.status_code == 200
    assert filename(response) == "glo-22-31-irl-mw-outputs-2025-12-01.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True)}
    assert about["Countries"] == "Malawi only: the country you report for"
    rows = list(workbook["Outputs"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 12 and {row[1] for row in rows} == {"Malawi"}


def test_an_officer_of_two_countries_is_told_both(users, client_for, reported):
    officer = users.officer_mw
    AccessGrant.objects.create(user=officer, programme=AccessGrant.objects.get(user=officer).programme,
                               role=Role.OFFICER, country=Country.objects.get(code="ZM"))
    response, content = get(client_for(officer), "/exports/outputs.json")
    meta = json.loads(content)["meta"]
    assert meta["countries"] == ["Malawi", "Zambia"]
    assert meta["scope"] == "Malawi, Zambia only: the countries you report for"
    assert "-mw-zm-outputs-" in filename(response)
    assert {output["country"] for output in json.loads(content)["outputs"]} == {"Malawi", "Zambia"}


def test_an_officers_csv_stays_machine_readable_and_names_its_countries(users, client_for, reported):
    response, content = get(client_for(users.officer_mw), "/exports/outputs.csv", status="none")
    assert "-mw-outputs-" in filename(response)
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))  # the first line is the header
    assert len(rows) == 10 and {row["Country"] for row in rows} == {"Malawi"}
    response, content = get(client_for(users.donor), "/exports/outputs.csv")
    assert filename(response).startswith("glo-22-31-irl-outputs-")  # a donor's export is the whole programme's
    assert len(list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))) == 63


@pytest.mark.parametrize("export", EXPORTS)
def test_another_country_is_refused_with_a_reason_not_an_empty_file(users, client_for, export):
    response, content = get(client_for(users.officer_mw), f"/exports/{export}", country="zm")
    assert response.status_code == 403 and response["Content-Type"].startswith("text/html")
    assert "Your downloads and reports hold the countries you report for (Malawi), not Zambia." in content.decode()
    assert get(client_for(users.officer_mw), f"/exports/{export}", country="mw")[0].status_code == 200
    assert get(client_for(users.donor), f"/exports/{export}", country="zm")[0].status_code == 200


@pytest.mark.parametrize("params, reason", [
    ({"country": "atlantis"}, "This programme has no country component &#x27;atlantis&#x27;."),
    ({"deadline_from": "someday"}, "Deadline from: Enter a valid date."),
    ({"outcome": "x"}, "Outcome: Enter a number."),
])
def test_filters_that_do_not_validate_get_a_400_page_naming_the_error(users, client_for, params, reason):
    for export in EXPORTS:
        response, content = get(client_for(users.donor), f"/exports/{export}", **params)
        assert response.status_code == 400 and response["Content-Type"].startswith("text/html"), export
        page = content.decode()
        assert reason in page
        assert '<span class="header-programme">GLO/22/31/IRL</span>' in page  # the programme's layout
        back = f'href="{LIST}?{next(iter(params))}={next(iter(params.values()))}"'
        assert back in page and "Back to the outputs list" in page


def test_the_programmes_iati_file_is_not_made_from_an_officers_countries(users, client_for):
    response, content = get(client_for(users.officer_mw), "/exports/iati.xml")
    assert response.status_code == 403
    assert "The IATI file describes the whole programme" in content.decode()
    assert get(client_for(users.donor), "/exports/iati.xml")[0].status_code == 200


def test_an_officers_outputs_list_counts_what_their_downloads_hold(users, client_for, reported):
    client = client_for(users.officer_mw)
    html = client.get(LIST).content.decode()
    assert '<p class="result-count">63 outputs</p>' in html  # the list shows the whole programme
    line = download_line(html)
    assert line.startswith("Download 12 outputs (Malawi only: the country you report for):")
    assert "XLSX" in line and "CSV" in line and "IATI" not in line
    _response, content = get(client, "/exports/outputs.xlsx")
    assert openpyxl.load_workbook(io.BytesIO(content))["Outputs"].max_row - 1 == 12  # as the line says

    filtered = download_line(client.get(LIST, {"status": "none"}).content.decode())
    assert filtered.startswith("Download 10 outputs (")
    elsewhere = download_line(client.get(LIST, {"country": "zm"}).content.decode())
    assert elsewhere == ("None of the outputs listed here is in the countries you report for (Malawi): "
                         "there is nothing to download.")


def test_a_donors_outputs_list_offers_every_export(users, client_for):
    line = download_line(client_for(users.donor).get(LIST, {"country": "zm"}).content.decode())
    assert line.startswith("Download these outputs:") and "IATI XML" in line


def test_an_officers_pdf_report_says_so_in_its_header(users, client_for, reported):
    from pypdf import PdfReader

    response, content = get(client_for(users.officer_mw), "/countries/mw/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    first_page = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert first_page.startswith("Malawi only: the country you report for")
    assert filename(response) == "glo-22-31-irl-mw-report-2025-12-01.pdf"
