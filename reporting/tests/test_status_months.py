"""The dashboard's status over time: approved statuses at the end of each month, the same figures as
the as-of report of each month's last day, ended months counted once by the database and kept; drawn
as columns on a count axis, each month a link to its report, with a table."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.models import MonthStatuses
from reporting.months import statuses_by_month
from reporting.selectors import ReportMoment, summaries_by_country
from reporting.selectors import combined as combined_summary
from reporting.templatetags.charts import count_ticks
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

    # The moment's summary; the kept months; those not kept yet counted in one statement, then kept.
    with django_assert_num_queries(4):
        months = statuses_by_month(seed_programme)
    with django_assert_num_queries(2):  # the moment's summary and the kept months: counted once
        assert statuses_by_month(seed_programme) == months
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


def test_kept_months_are_read_and_a_write_dated_into_one_counts_it_again(reported, seed_programme, users,
                                                                         frozen_today):
    statuses_by_month(seed_programme)
    kept = MonthStatuses.objects.filter(programme=seed_programme)
    assert sorted(month.month for month in kept) == [datetime.date(2025, number, 1) for number in range(1, 12)]
    assert kept.get(month=datetime.date(2025, 6, 1)).counts == {"at_risk": 1}
    # What is kept is what the chart shows: the months are not counted again.
    kept.filter(month=datetime.date(2025, 6, 1)).update(counts={"at_risk": 2})
    assert statuses_by_month(seed_programme)[5].summary.counts["at_risk"] == 2

    # An approval dated in August (a data fix, the demo set-up) drops the kept months from August on.
    frozen_today.move_to("2025-08-20 10:00:00+00:00")
    approve(save_update(seed_output("ZM", "1.2"), users.officer_zm, status="achieved", progress=100,
                        narrative="Done."), users.coordinator)
    assert sorted(month.month.month for month in kept.all()) == [1, 2, 3, 4, 5, 6, 7]
    frozen_today.move_to("2025-12-01 09:00:00+00:00")
    by_month = {month.month.month: month.summary.counts for month in statuses_by_month(seed_programme)}
    assert (by_month[7]["achieved"], by_month[8]["achieved"], by_month[11]["achieved"]) == (1, 2, 2)
    assert kept.count() == 11  # counted again and kept


def test_an_approval_made_now_keeps_the_ended_months(reported, seed_programme, users):
    statuses_by_month(seed_programme)
    update = save_update(seed_output("ZM", "1.2"), users.officer_zm, status="on_track", narrative="On its way.")
    with CaptureQueriesContext(connection) as captured:
        approve(update, users.coordinator)
    assert len([query for query in captured.captured_queries if "reporting_monthstatuses" in query["sql"]]) == 1
    assert MonthStatuses.objects.filter(programme=seed_programme).count() == 11


@pytest.mark.parametrize("largest, ticks", [
    (0, [0, 1]), (3, [0, 1, 2, 3]), (12, [0, 5, 10, 15]), (63, [0, 20, 40, 60, 80]), (200, [0, 50, 100, 150, 200]),
    (10_000, [0, 2000, 4000, 6000, 8000, 10_000]),
])
def test_the_count_axis_has_round_ticks_up_to_the_largest_month(largest, ticks):
    assert count_ticks(largest) == ticks


def section_of(html):
    return html[html.index('id="months-heading"'):html.index('id="overdue-heading"')]


def test_the_chart_has_a_count_axis_month_labels_and_a_link_per_month(reported, users, client_for):
    section = section_of(client_for(users.donor).get(URL).content.decode())
    axis = section[section.index('<svg class="month-axis"'):section.index("</svg>")]
    assert re.findall(r">(\d+)</text>", axis) == ["0", "20", "40", "60", "80"]  # 63 outputs
    assert section.count('<line x1="0" x2="100%"') == 5  # a grid line a tick
    columns = re.findall(r'<li><a class="month-col" href="([^"]+)">(.*?)</a></li>', section)
    assert [href for href, _column in columns] == [
        *(f"{URL}?as_of={day}" for day in ("2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31",
                                           "2025-06-30", "2025-07-31", "2025-08-31", "2025-09-30", "2025-10-31",
                                           "2025-11-30")),
        URL,  # December so far: the report as it stands
    ]
    labels = [re.sub(r"<[^>]+>", " ", column[column.index("<span class=\"month-name"):column.index("<span class=\"month-tip")]).split()
              for _href, column in columns]  # the month's name, its number (shown on a phone) and the year
    assert labels[0] == ["Jan", "1", "2025"] and labels[1] == ["Feb", "2"] and labels[11] == ["Dec", "12"]
    june = columns[5][1]
    # Its figures are the link's name (and its tip on hover or focus): 1 at risk, 62 not reported.
    tip = re.sub(r"<[^>]+>", " ", june[june.index('<span class="month-tip'):]).split()
    assert " ".join(tip) == "As of 30 June 2025 At risk: 1 Not reported: 62"
    heights = {key: float(height) for height, key in re.findall(r'height="([\d.]+)" class="seg seg-(\w+)"',
                                                                    june[:june.index("month-label")])}
    assert heights == {"at_risk": 2.0, "none": 124.0}  # 160 px for 80 outputs
    assert 'class="month-tip month-tip-end"' in columns[11][1] and 'class="month-tip"' in june
    assert "<script" not in section and "style=" not in section


def test_the_table_gives_every_figure_with_a_link_per_month(reported, users, client_for):
    section = section_of(client_for(users.donor).get(URL).content.decode())
    assert ('aria-label="Approved status of the outputs at the end of each month, from January 2025 to '
            'December 2025; the table that follows gives the figures."') in section
    table = section[section.index('<details class="month-figures">'):]
    rows = re.findall(r'<tr><th scope="row"><a href="([^"]+)">([^<]+)</a></th>((?:<td class="num">\d+</td>)+)</tr>', table)
    assert [(href, month) for href, month, _cells in rows][:2] == [
        (f"{URL}?as_of=2025-01-31", "January 2025"), (f"{URL}?as_of=2025-02-28", "February 2025")]
    assert len(rows) == 12
    june = dict(zip(re.findall(r'<th scope="col" class="num">([^<]+)</th>', table), re.findall(r"\d+", rows[5][2]),
                    strict=True))
    assert (june["At risk"], june["Achieved"], june["Not reported"]) == ("1", "0", "62")


def test_as_of_a_past_day_the_last_month_links_to_that_day(reported, users, client_for):
    section = section_of(client_for(users.donor).get(URL, {"as_of": "2025-06-15"}).content.decode())
    hrefs = re.findall(r'<a class="month-col" href="([^"]+)">', section)
    assert hrefs[0] == f"{URL}?as_of=2024-07-31" and hrefs[-1] == f"{URL}?as_of=2025-06-15"
    assert "As of 15 June 2025" in section
