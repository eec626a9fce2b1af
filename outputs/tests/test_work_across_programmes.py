"""People who work in two programmes: My outputs lists an officer's outputs of both, with a programme
column and filter; the review queue holds every programme a coordinator coordinates, with a filter;
reminders and digests list their outputs and updates under each programme's name."""

import datetime
import re

import lxml.html
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outputs.notifications import deadline_reminders_send, review_digests_send
from programme.models import AccessGrant, Role
from testing.workflow import save_update, second_output, seed_output

MY_OUTPUTS, QUEUE = reverse("outputs:my_outputs"), reverse("outputs:review_queue")
READ_ON = "2025-12-01 09:00:00+00:00"  # Senegal 1.1 overdue, 2.1 due on 15 December; the seed's on 31 December


@pytest.fixture
def in_two(users, second_programme):
    """officer-mw reports for Malawi in the seed and for Senegal in GLO/24/07/LUX, which the
    coordinator coordinates too."""
    with time_machine.travel(READ_ON, tick=False):
        AccessGrant.objects.create(user=users.officer_mw, programme=second_programme, role=Role.OFFICER,
                                   country=second_output("SN", "1.1").outcome.country)
        AccessGrant.objects.create(user=users.coordinator, programme=second_programme, role=Role.COORDINATOR)
        yield users


def listed(response):
    """(programme, "Country · Output code") of each row of My outputs' table."""
    page = lxml.html.fromstring(response.content)
    return [(" ".join(row.xpath("./td[1]")[0].text_content().split()),
             " ".join(row.xpath("./td[2]")[0].text_content().split())) for row in page.xpath("//tr[@class='output-row']")]


def test_my_outputs_lists_both_programmes_with_a_programme_column_and_filter(in_two, client_for):
    officer = client_for(in_two.officer_mw)
    by_code = listed(officer.get(MY_OUTPUTS, {"sort": "code"}))
    assert len(by_code) == 16 and {row[0] for row in by_code} == {"GLO/22/31/IRL", "GLO/24/07/LUX"}
    # Within a programme, by country and code: 1.10 comes after 1.2.
    assert by_code[-4:] == [("GLO/24/07/LUX", f"Senegal · Output {code}") for code in ("1.1", "1.2", "1.10", "2.1")]
    assert listed(officer.get(MY_OUTPUTS))[0] == ("GLO/24/07/LUX", "Senegal · Output 1.1")  # the overdue one first
    html = officer.get(MY_OUTPUTS, {"programme": "glo-24-07-lux", "view": "table"}).content.decode()
    assert '<option value="glo-24-07-lux" selected>GLO/24/07/LUX</option>' in html
    assert [row[1] for row in listed(officer.get(MY_OUTPUTS, {"programme": "glo-24-07-lux", "view": "table"}))] == [
        "Senegal · Output 1.1", "Senegal · Output 2.1", "Senegal · Output 1.2", "Senegal · Output 1.10"]
    cards = officer.get(MY_OUTPUTS, {"programme": "glo-24-07-lux"}).content.decode()  # four: cards
    assert cards.count('<p class="card-kicker">GLO/24/07/LUX · Senegal · Output ') == 4


def test_one_programme_shows_no_programme_column_nor_filter_and_costs_no_more_queries(in_two, users, client_for):
    single = client_for(users.officer_zm)
    html = single.get(MY_OUTPUTS, {"view": "table"}).content.decode()
    assert 'id="f-programme"' not in html and '<th scope="col">Programme</th>' not in html
    double = client_for(in_two.officer_mw)
    with CaptureQueriesContext(connection) as one:
        single.get(MY_OUTPUTS)
    with CaptureQueriesContext(connection) as two:
        double.get(MY_OUTPUTS)
    assert len(one) == len(two)


def test_the_review_queue_holds_both_programmes_with_a_filter(in_two, client_for, users):
    save_update(seed_output("MW", "1.1"), in_two.officer_mw)
    save_update(second_output("SN", "1.2"), in_two.officer_mw)
    coordinator = client_for(users.coordinator)
    kickers = re.findall(r'<p class="card-kicker">([^<]+)</p>', coordinator.get(QUEUE).content.decode())
    assert kickers == ["GLO/22/31/IRL · Malawi · Output 1.1", "GLO/24/07/LUX · Senegal · Output 1.2"]
    narrowed = coordinator.get(QUEUE, {"programme": "glo-24-07-lux"})
    assert [update.output.code for update in narrowed.context["updates"]] == ["1.2"]
    assert '<option value="glo-24-07-lux" selected>GLO/24/07/LUX</option>' in narrowed.content.decode()
    AccessGrant.objects.filter(user=users.coordinator, programme__code="GLO/24/07/LUX").delete()
    html = coordinator.get(QUEUE, {"programme": "glo-24-07-lux"}).content.decode()  # not theirs: every one of theirs
    assert 'id="f-programme"' not in html and "GLO/24/07/LUX" not in html and "Malawi · Output 1.1" in html


def test_the_empty_queue_of_one_programme_says_so(in_two, client_for, users):
    html = client_for(users.coordinator).get(QUEUE, {"programme": "glo-24-07-lux"}).content.decode()
    assert "Nothing waits for review in GLO/24/07/LUX." in html


def test_reminders_list_each_programmes_outputs_under_its_name(in_two, mailoutbox):
    deadline_reminders_send(today=datetime.date(2025, 12, 1))
    (message,) = [message for message in mailoutbox if message.to == [in_two.officer_mw.email]]
    lines = message.body.splitlines()
    headings = [line for line in lines if line.startswith("GLO/")]
    assert headings == ["GLO/22/31/IRL – Accelerating the Achievement of Universal Social Protection to Leave No One Behind",
                        "GLO/24/07/LUX – Extending Social Protection to Workers in the Informal Economy"]
    second = lines[lines.index(headings[1]) + 1:]
    assert [line.split(":")[0] for line in second if line.startswith("- ")] == [
        "- Senegal, Output 1.1", "- Senegal, Output 2.1"]
    first = lines[lines.index(headings[0]):lines.index(headings[1])]
    assert sum(line.startswith("- Malawi, Output ") for line in first) == 12


def test_a_digest_lists_each_programmes_updates_under_its_name(in_two, mailoutbox, settings, users):
    settings.REVIEW_DIGEST_HOUR = 0
    save_update(second_output("SN", "1.2"), in_two.officer_mw)
    save_update(seed_output("MW", "1.1"), in_two.officer_mw)
    review_digests_send(now=timezone.now() + datetime.timedelta(minutes=1))
    (digest,) = [message for message in mailoutbox if message.to == [users.coordinator.email]]
    body = digest.body
    seed_at, second_at = body.index("GLO/22/31/IRL – "), body.index("GLO/24/07/LUX – ")
    assert seed_at < body.index("- Malawi, Output 1.1") < second_at < body.index("- Senegal, Output 1.2")
