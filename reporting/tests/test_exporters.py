"""The exporters' one naming scheme, the one refusal for a country outside the reader's, and the one
400 page for bad query input, dates out of the calendar's range included."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from programme.access import programme_access
from programme.models import EARLIEST_REPORT_DATE, Programme, programme_earliest_date
from reporting.exports import Exporter
from reporting.report_exports import EXPORTERS, CountryPdf, ReportingWorkbook
from reporting.selectors import ReportMoment

BASE = "/programmes/glo-22-31-irl"
REFUSAL = "Your downloads and reports hold the countries you report for (Malawi), not Zambia."


def exporter(users, who, kind: type[Exporter], query="", **kwargs) -> Exporter:
    programme = Programme.objects.get(code="GLO/22/31/IRL")
    user = getattr(users, who)
    return kind(programme, programme_access(user, programme), ReportMoment(datetime.date(2025, 6, 30)),
                QueryDict(query), user, **kwargs)


@pytest.mark.parametrize(("who", "kind", "query", "country", "name"), [
    ("donor", EXPORTERS["outputs.csv"], "", None, "glo-22-31-irl-outputs-2025-06-30.csv"),
    ("donor", EXPORTERS["outputs.xlsx"], "country=zm&status=none", None, "glo-22-31-irl-zm-outputs-2025-06-30.xlsx"),
    ("officer_mw", EXPORTERS["outputs.json"], "", None, "glo-22-31-irl-mw-outputs-2025-06-30.json"),
    ("officer_mw", EXPORTERS["history.csv"], "", None, "glo-22-31-irl-mw-history-2025-06-30.csv"),
    ("coordinator", EXPORTERS["iati.xml"], "", None, "glo-22-31-irl-outputs-2025-06-30.iati.xml"),
    ("donor", EXPORTERS["changes.xlsx"], "from=2025-04-01&to=2025-06-30", None,
     "glo-22-31-irl-changes-2025-04-01-2025-06-30.xlsx"),
    ("officer_mw", EXPORTERS["changes.pdf"], "from=2025-04-01&to=2025-06-30", None,
     "glo-22-31-irl-mw-changes-2025-04-01-2025-06-30.pdf"),
    ("donor", CountryPdf, "", "vn", "glo-22-31-irl-vn-report-2025-06-30.pdf"),
    ("coordinator", ReportingWorkbook, "", None, "glo-22-31-irl-reporting-workbook-{today}.xlsx"),
    ("officer_mw", ReportingWorkbook, "", None, "glo-22-31-irl-mw-reporting-workbook-{today}.xlsx"),
])
def test_every_exporter_names_its_file_by_one_scheme(users, who, kind, query, country, name):
    """<programme>-[<the countries it holds, when some only>-]<what>-<day, or window>.<suffix>"""
    made = exporter(users, who, kind, query, country=country)
    assert made.filename() == name.format(today=timezone.localdate().isoformat())


def test_the_same_refusal_for_a_country_outside_the_readers(users, client_for):
    client = client_for(users.officer_mw)
    for url in ("/exports/outputs.csv?country=zm", "/exports/iati.xml?country=zm",
                "/changes/?country=zm", "/exports/changes.xlsx?country=zm", "/countries/zm/report.pdf",
                "/reporting-workbook.xlsx?country=zm"):
        response = client.get(BASE + url)
        assert response.status_code == 403, url
        if "iati" in url:  # the IATI file is refused whatever the country: it describes every one
            assert "The IATI file describes the whole programme" in response.content.decode()
        else:
            assert REFUSAL in response.content.decode(), url


def test_an_unknown_country_is_a_400_page_with_a_way_back(users, client_for):
    client = client_for(users.coordinator)
    for url, back in (("/exports/outputs.csv?country=xx", "Back to the outputs list"),
                      ("/changes/?country=xx", 'name="from"'),
                      ("/reporting-workbook.xlsx?country=xx", 'href="/programmes/glo-22-31-irl/reporting-workbook/"')):
        response = client.get(BASE + url)
        page = response.content.decode()
        assert response.status_code == 400, url
        assert "This programme has no country component &#x27;xx&#x27;" in page
        assert back in page, url
        assert '<span class="header-programme">GLO/22/31/IRL</span>' in page


# 0001-01-01 and 9999-12-31, the ends of the calendar, answered 500 on some pages before.
BAD_AS_OF = {
    "0001-01-01": "1 Jan 0001 is before 1 Jan 2000, the first day this programme&#x27;s reports can show.",
    "9999-12-31": "9999-12-31 is in the future",
    "1999-12-31": "31 Dec 1999 is before 1 Jan 2000",
    "2025-02-30": "as_of: &#x27;2025-02-30&#x27; is not a date: use the form YYYY-MM-DD",
}


def test_a_bad_as_of_is_a_400_saying_why_on_every_page_and_export(users, client_for):
    client = client_for(users.coordinator)
    for path in ("/", "/dashboard/", "/outputs/", "/countries/mw/", "/exports/outputs.csv", "/exports/outputs.xlsx",
                 "/exports/iati.xml", "/countries/mw/report.pdf", "/changes/"):
        for value, reason in BAD_AS_OF.items():
            response = client.get(BASE + path, {"as_of": value, "status": "none"})
            page = response.content.decode()
            assert (response.status_code, reason in page) == (400, True), (path, value)
            # The way back is the as-of form, the other filters kept.
            assert 'name="as_of"' in page and '<input type="hidden" name="status" value="none">' in page, path
    assert client.get(BASE + "/dashboard/", {"as_of": "2000-01-01"}).status_code == 200  # the floor itself


@pytest.mark.parametrize(("window", "reason"), [
    ({"from": "0001-01-01", "to": "2025-06-30"}, "1 Jan 0001 is before 1 Jan 2000"),
    ({"from": "2025-01-01", "to": "9999-12-31"}, "9999-12-31 is in the future"),
    ({"from": "9999-12-31", "to": "2025-06-30"}, "9999-12-31 is in the future"),
    ({"from": "2025-01-01", "to": "0001-01-01"}, "1 Jan 0001 is before 1 Jan 2000"),
    ({"from": "2025-01-01", "to": "soon"}, "to: &#x27;soon&#x27; is not a date"),
])
def test_a_bad_window_is_a_400_saying_why_on_the_page_and_its_files(users, client_for, window, reason):
    client = client_for(users.donor)
    for path in ("/changes/", "/exports/changes.xlsx", "/exports/changes.pdf"):
        response = client.get(BASE + path, window)
        page = response.content.decode()
        assert response.status_code == 400 and reason in page, path
        assert 'name="from"' in page and 'min="2000-01-01"' in page  # the window form, from the floor on


def test_the_programmes_floor_is_its_start_or_the_fixed_one(users, client_for):
    programme = Programme.objects.get(code="GLO/22/31/IRL")
    assert programme.start_date is None and programme_earliest_date(programme) == EARLIEST_REPORT_DATE
    programme.start_date = datetime.date(2022, 3, 1)
    programme.save()
    assert programme_earliest_date(programme) == datetime.date(2022, 3, 1)
    response = client_for(users.donor).get(BASE + "/dashboard/", {"as_of": "2022-02-28"})
    assert response.status_code == 400
    assert "28 Feb 2022 is before 1 Mar 2022" in response.content.decode()
