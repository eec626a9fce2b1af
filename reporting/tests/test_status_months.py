"""The dashboard's status over time: approved statuses at the end of each month, read in one query,
the same figures as the as-of report of each month's last day, drawn as inline SVG with a table."""

import datetime
import re

from reporting.selectors import ReportMoment, statuses_by_month, summaries_by_country
from reporting.selectors import combined as combined_summary
from testing.workflow import approve, save_update, seed_output

URL = "/programmes/glo-22-31-irl/dashboard/"


def _month_end(first):
    return (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def test_each_month_counts_what_the_as_of_report_of_its_last_day_shows(reported, seed_programme, users,
                                                                        frozen_today, django_assert_num_queries):
    # Approved later but describing an earlier day: the latest 'as of' date still decides, as in reports.
    frozen_today.move_to("2025-10-05 10:00:00+00:00")
    approve(save_update(seed_output("MW", "1.3"), users.officer_mw, status="off_track", narrative="Old news.",
                        as_of=datetime.date(2025, 8, 20)), users.coordinator)
    frozen_today.move_to("2025-12-01 09:00:00+00:00")

    with django_assert_num_queries(1):
        months = statuses_by_month(seed_programme)
    assert [month.month for month in months] == [datetime.date(2025, number, 1) for number in range(1, 13)]
    for month in months:
        end = min(_month_end(month.month), datetime.date(2025, 12, 1))
        as_of = combined_summary(summaries_by_country(seed_programme, ReportMoment(as_of=end)).values())
        assert +month.summary.counts == +as_of.counts, month.month
    by_month = {month.month.month: month.summary.counts for month in months}
    assert (by_month[5]["at_risk"], by_month[6]["at_risk"]) == (0, 1)  # Malawi 1.3, approved on 15 June
    assert (by_month[7]["achieved"], by_month[8]["off_track"], by_month[9]["on_track"]) == (1, 1, 1)
    assert by_month[10]["on_track"] == 1  # the October approval is of an August status: September's stands
    assert by_month[12][None] == by_month[12].total() - 3  # the update still in review is not counted


def test_months_never_start_before_the_programme(seed_programme, frozen_today):
    seed_programme.start_date = datetime.date(2025, 9, 15)
    months = statuses_by_month(seed_programme, ReportMoment(as_of=datetime.date(2025, 11, 30)))
    assert [month.month.month for month in months] == [9, 10, 11]
    seed_programme.start_date = datetime.date(2026, 1, 1)
    assert statuses_by_month(seed_programme, ReportMoment(as_of=datetime.date(2025, 11, 30))) == []


def test_the_dashboard_draws_the_months_with_a_table_for_screen_readers(reported, users, client_for):
    html = client_for(users.donor).get(URL).content.decode()
    section = html[html.index('id="months-heading"'):html.index('id="overdue-heading"')]
    assert ('aria-label="Approved status of the outputs at the end of each month, from January 2025 to '
            'December 2025; the table that follows gives the figures."') in section
    assert section.count("<g transform=") == 12
    assert "<title>June 2025, At risk: 1</title>" in section
    table = section[section.index('<div class="visually-hidden"><table>'):]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>((?:<td>\d+</td>)+)</tr>', table)
    assert [month for month, _cells in rows][:2] == ["January 2025", "February 2025"] and len(rows) == 12
    june = dict(zip(re.findall(r'<th scope="col">([^<]+)</th>', table)[1:], re.findall(r"\d+", rows[5][1]), strict=False))
    assert (june["At risk"], june["Achieved"]) == ("1", "0")
    assert "<script" not in section and "http" not in section.replace("http://www.w3.org", "")
