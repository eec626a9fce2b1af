"""'What changed' between two dates: the window, what each section holds against known data written
through the services, the same history as ``?as_of=``, access, bad dates, languages and queries."""

import datetime

import pytest
from django.urls import reverse

from outputs.models import Output
from programme.models import Programme
from reporting import changes, report_exports
from reporting.selectors import ReportMoment, outputs_at
from testing.workflow import approve, save_update, seed_output

URL = "/programmes/glo-22-31-irl/changes/"


def get(client, **params):
    return client.get(URL, params)


def test_default_window_is_the_last_full_quarter(users, client_for, today):
    response = get(client_for(users.donor))
    assert response.status_code == 200
    assert response.context["window"] == changes.ChangeWindow(datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    assert "From 1 July 2026 to 30 September 2026" in response.content.decode()
    # The report it starts from is that of the day before the window.
    assert "as the reports as of 30 Jun 2026 and as of 30 Sep 2026 show them" in response.content.decode()


@pytest.mark.parametrize("day, start, end", [
    ("2026-12-01", "2026-07-01", "2026-09-30"),
    ("2026-01-15", "2025-10-01", "2025-12-31"),
    ("2026-04-01", "2026-01-01", "2026-03-31"),
    ("2026-09-30", "2026-04-01", "2026-06-30"),
])
def test_last_full_quarter(day, start, end):
    window = changes.last_full_quarter(datetime.date.fromisoformat(day))
    assert (window.start.isoformat(), window.end.isoformat()) == (start, end)


def test_default_window_starts_no_earlier_than_the_programme():
    started = Programme(code="X/1", title="Started in August", start_date=datetime.date(2026, 8, 10))
    window = changes.change_window("", "", started, datetime.date(2026, 12, 1))
    assert window == changes.ChangeWindow(datetime.date(2026, 8, 10), datetime.date(2026, 9, 30))
    assert changes.change_window(None, None, Programme(code="X/2", title="Older"), datetime.date(2026, 12, 1)) == \
        changes.ChangeWindow(datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))


def test_sections_hold_the_approved_changes_of_the_window(users, client_for, q3):
    response = get(client_for(users.donor), **q3)
    assert response.status_code == 200
    report = response.context["report"]
    by_code = {part.country.code: part for part in report.countries}
    malawi, zambia = by_code["MW"], by_code["ZM"]
    assert [(c.code, c.before.status, c.after.status) for c in malawi.status_changes] == [
        ("1.1", "at_risk", "achieved"), ("1.2", None, "on_track"),
    ]
    assert [c.code for c in malawi.achieved] == ["1.1"]
    assert [c.code for c in malawi.became_overdue] == ["1.4"]
    assert [(c.code, c.title_changed, c.deadline_changed) for c in malawi.text_changes] == [("1.6", True, False)]
    assert (malawi.approved, malawi.evidence, zambia.approved, zambia.evidence) == (2, 1, 1, 0)
    assert [(c.code, c.after.status) for c in zambia.status_changes] == [("1.2", "on_track")]
    assert [(c.code, c.title_changed, c.deadline_changed, c.before.deadline, c.after.deadline)
            for c in zambia.text_changes] == [("1.3", False, True, datetime.date(2025, 12, 31), datetime.date(2027, 3, 31))]
    assert zambia.became_overdue == []
    totals = report.totals
    assert (totals.status_changes, totals.achieved, totals.became_overdue, totals.approved, totals.evidence,
            totals.text_changes) == (3, 1, 1, 3, 1, 2)

    html = response.content.decode()
    # A status change's row: from, to, progress, and the latest narrative approved in the window.
    plan = html[html.index(">1.1</a>"):]
    plan = plan[:plan.index("</tr>")]
    assert "Plan adopted by cabinet." in plan and "30%" in plan and "100%" in plan
    assert '<td class="num" data-label="Other updates approved">0</td>' in plan
    assert "Registry pilots running." in html and "Zambia registry live." in html
    assert "Social protection financing strategy costed and validated" in html
    # Approved before or after the window, submitted, returned or draft: none of it is shown.
    for text in ("Cabinet memo delayed.", "After the window.", "Submitted, not yet approved.",
                 "Returned narrative.", "A draft narrative."):
        assert text not in html
    assert '<span class="stat-value">3</span><span class="stat-label">status changes</span>' in html
    # Every country is counted, those where nothing changed too.
    mozambique = html[html.index('<tr id="changes-mz">'):]
    assert mozambique[:mozambique.index("</tr>")].count('<td class="num">0</td>') == 6


def test_a_row_gives_the_latest_narrative_and_counts_the_others(users, client_for, q3, today):
    """Three updates of one output approved in the window: one row, the last approved's narrative."""
    output = seed_output("MZ", "1.1")
    for day, status, narrative in (("2026-07-02", "on_track", "First."), ("2026-07-20", "at_risk", "Second."),
                                   ("2026-08-30", "off_track", "Third, the latest.")):
        today.move_to(f"{day} 10:00:00+00:00")
        approve(save_update(output, users.officer_mz, status=status, narrative=narrative), users.coordinator)
    today.move_to("2026-12-01 09:00:00+00:00")
    response = get(client_for(users.donor), country="mz", **q3)
    [change] = response.context["status_changes"]
    assert (change.code, change.before.status, change.after.status) == ("1.1", None, "off_track")
    assert (change.details.narrative, change.details.approved, change.details.others) == ("Third, the latest.", 3, 2)
    html = response.content.decode()
    assert "Third, the latest." in html and "First." not in html and "Second." not in html
    assert '<td class="num" data-label="Other updates approved">2</td>' in html


def test_status_changes_are_paged_and_lists_bounded(users, client_for, q3, monkeypatch):
    monkeypatch.setattr(report_exports, "STATUS_CHANGES_PER_PAGE", 2)
    monkeypatch.setattr(report_exports, "LISTED_AT_MOST", 1)
    client = client_for(users.coordinator)
    first = get(client, **q3)
    assert [change.code for change in first.context["status_changes"]] == ["1.1", "1.2"]  # Malawi's
    html = first.content.decode()
    assert "Outputs 1 to 2 of 3 whose reported status changed" in html
    assert 'href="?from=2026-07-01&amp;to=2026-09-30&amp;page=2#status-changes-heading" rel="next"' in html
    assert html.count("The first 1 of 2; the spreadsheet (XLSX) lists them all") == 2  # achieved or overdue, texts
    second = get(client, page="2", **q3)
    assert [(change.country.code, change.code) for change in second.context["status_changes"]] == [("ZM", "1.2")]
    assert "Zambia registry live." in second.content.decode() and "Plan adopted" not in second.content.decode()
    assert get(client, page="99", **q3).context["page"].number == 2  # past the end: the last page


def test_ends_are_the_as_of_reports_of_the_two_days(users, client_for, q3):
    """The status at each end is what ``?as_of=`` of that day shows, for every output reported."""
    programme = Programme.objects.get(code="GLO/22/31/IRL")
    report = get(client_for(users.coordinator), **q3).context["report"]
    changed = {change.pk: change for part in report.countries for change in part.changes}
    assert len(changed) >= 3  # Malawi 1.1, 1.2 and Zambia's output at least: the loop below checks something
    for day, side in (("2026-06-30", "before"), ("2026-09-30", "after")):
        as_of = dict(outputs_at(programme, ReportMoment(datetime.date.fromisoformat(day))).values_list("pk", "reported_status"))
        for pk, change in changed.items():
            assert getattr(change, side).status == as_of[pk]
    # Both days belong to the window: an approval on its first day is a change in it, and not in a
    # window starting the day after.
    on_the_day = get(client_for(users.coordinator), **{"from": "2026-08-14", "to": "2026-09-30"}).context["report"]
    assert "1.1" in [c.code for part in on_the_day.countries for c in part.status_changes]
    shifted = get(client_for(users.coordinator), **{"from": "2026-08-15", "to": "2026-09-30"}).context["report"]
    assert "1.1" not in [c.code for part in shifted.countries for c in part.status_changes]


def test_country_filter_and_officer_scope(users, client_for, q3):
    zambia = get(client_for(users.coordinator), country="zm", **q3)
    assert [part.country.code for part in zambia.context["report"].countries] == ["ZM"]
    officer = get(client_for(users.officer_mw), **q3)
    assert [part.country.code for part in officer.context["report"].countries] == ["MW"]
    assert "Malawi only: the country you report for" in officer.content.decode()
    refused = get(client_for(users.officer_mw), country="zm", **q3)
    assert refused.status_code == 403
    assert "not Zambia" in refused.content.decode()
    assert get(client_for(users.nogrant), **q3).status_code == 404
    assert get(client_for(None), **q3).status_code == 302


@pytest.mark.parametrize("params, message", [
    ({"from": "2026-09-30", "to": "2026-07-01"}, "The window must end after it starts"),
    ({"from": "2026-07-01", "to": "2026-07-01"}, "The window must end after it starts"),
    ({"from": "last year", "to": "2026-09-30"}, "from: &#x27;last year&#x27; is not a date"),
    ({"from": "2026-07-01", "to": "2026-13-01"}, "to: &#x27;2026-13-01&#x27; is not a date"),
    ({"from": "2026-07-01", "to": "2027-01-01"}, "2027-01-01 is in the future"),
    ({"from": "2019-01-01", "to": "2026-01-01"}, "1 Jan 2019 is before 1 Mar 2022, the first day this programme&#x27;s reports can show."),
    ({"from": "2026-07-01"}, "Give both dates"),
    ({"country": "xx"}, "This programme has no country component &#x27;xx&#x27;"),
])
def test_bad_requests_get_a_400_page_saying_why(users, client_for, today, params, message):
    Programme.objects.filter(code="GLO/22/31/IRL").update(start_date=datetime.date(2022, 3, 1))
    for url in (URL, "/programmes/glo-22-31-irl/exports/changes.xlsx", "/programmes/glo-22-31-irl/exports/changes.pdf"):
        response = client_for(users.donor).get(url, params)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_linked_from_the_overview_and_the_dashboard(users, client_for, today):
    client = client_for(users.coordinator)
    link = f'href="{reverse("reporting:changes", args=["glo-22-31-irl"])}"'
    for page in ("/programmes/glo-22-31-irl/", "/programmes/glo-22-31-irl/dashboard/"):
        assert link in client.get(page).content.decode()


@pytest.mark.parametrize("language, heading", [
    ("fr", "Ce qui a changé"), ("pt", "O que mudou"), ("vi", "Những gì đã thay đổi"),
])
def test_translated(users, client_for, q3, language, heading):
    html = client_for(users.donor).get(URL, q3, headers={"accept-language": language}).content.decode()
    assert f"<h1>{heading}</h1>" in html


def test_exports_offered_with_the_same_query(users, client_for, q3):
    html = get(client_for(users.donor), country="mw", **q3).content.decode()
    assert 'href="/programmes/glo-22-31-irl/exports/changes.pdf?from=2026-07-01&amp;to=2026-09-30&amp;country=mw"' in html
    assert 'href="/programmes/glo-22-31-irl/exports/changes.xlsx?from=2026-07-01&amp;to=2026-09-30&amp;country=mw"' in html


# The page's queries, the same at any size: the session, the user, their grants (with the programme);
# every output's status and deadline at both ends, the outputs edited since the window started and
# their texts and deadlines at each end, the updates approved in the window and their evidence counted
# by country, the countries; what the rows shown show (progress, text, latest narrative, approvals);
# the components for the country choice, and the navigation's count of updates waiting for review.
CHANGES_PAGE_QUERIES = 13


def test_query_count_does_not_grow_with_the_rows(users, client_for, q3, today, django_assert_max_num_queries):
    client = client_for(users.coordinator)
    with django_assert_max_num_queries(CHANGES_PAGE_QUERIES):
        small = get(client, **q3)
    assert small.context["report"].totals.approved == 3

    # Thirty more outputs approved in the window, in four countries, each with a link.
    today.move_to("2026-08-20 10:00:00+00:00")
    outputs = Output.objects.filter(outcome__country__code__in=["MZ", "VN", "ZM", "MW"]).exclude(
        pk__in=Output.objects.filter(pending_update__isnull=False).values("pk")
    ).select_related("outcome__country")[:30]
    for output in outputs:
        officer = getattr(users, f"officer_{output.outcome.country.code.lower()}")
        update = save_update(output, officer, status="at_risk", progress=20, narrative="Slower than planned.",
                             links=["https://example.org/note"])
        approve(update, users.coordinator)
    today.move_to("2026-12-01 09:00:00+00:00")
    with django_assert_max_num_queries(CHANGES_PAGE_QUERIES):
        large = get(client, **q3)
    assert large.context["report"].totals.approved >= 30
    # Each output whose status changed shows its latest narrative (one was at risk already).
    shown = [change for change in large.context["status_changes"] if change.details.narrative == "Slower than planned."]
    assert large.content.decode().count("Slower than planned.") == len(shown) >= 29
