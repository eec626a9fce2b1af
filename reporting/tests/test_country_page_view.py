"""The country page: content against known data, natural order, flags, as-of, access, escaping, queries."""

import datetime

import pytest

from outputs.models import Output
from outputs.services.output_edits import output_edit
from programme.models import Outcome
from testing.workflow import seed_output

URL = "/programmes/glo-22-31-irl/countries/{}/"


def page(client, country="mw", **params):
    response = client.get(URL.format(country), params)
    assert response.status_code == 200
    return response.content.decode()


def test_summary_counts_and_shares(users, client_for, reported):
    html = page(client_for(users.donor))
    assert "Malawi: progress report" in html
    # 12 outputs: 1.1 achieved, 1.3 on track (September beats June), 10 not reported (1.2 is only pending).
    assert '<span class="stat-value">12</span><span class="stat-label">outputs</span>' in html
    assert '<span class="stat-value">8%</span><span class="stat-label">achieved</span>' in html
    assert '<span class="stat-value">0</span><span class="stat-label">overdue</span>' in html
    assert '<span class="stat-value">11</span><span class="stat-label">due within 30 days</span>' in html
    assert '<td class="num">10</td><td class="num">83%</td>' in html  # Not reported
    assert "Achieved</span></td><td class=\"num\">1</td><td class=\"num\">8%</td>" in html


def test_outputs_grouped_by_outcome_in_natural_order(users, client_for, reported):
    outcome = Outcome.objects.get(country__code="MW", number=1)
    Output.objects.create(outcome=outcome, code="1.10", title="The tenth output", deadline="2026-01-31")
    html = page(client_for(users.coordinator))
    positions = [html.index(f">Output {code}</h3>") for code in ["1.1", "1.2", "1.6", "1.10", "2.2", "3.1", "3.4"]]
    assert positions == sorted(positions)
    sections = [html.index(f'id="outcome-{n}-heading"') for n in (1, 2, 3)]
    assert sections == sorted(sections)
    assert html.index('id="outcome-1-heading"') < html.index(">Output 1.10</h3>") < html.index('id="outcome-2-heading"')


def test_latest_approved_narrative_and_flags(users, client_for, reported):
    html = page(client_for(users.donor))
    assert "Budget released." in html and "Budget delayed." not in html
    assert "Plan adopted by cabinet." in html
    assert "30 days left" in html  # 31.12.2025 seen from 1.12.2025
    zambia = page(client_for(users.donor), "zm")
    assert "220 days overdue" in zambia  # 25.04.2025 seen from 1.12.2025, status Off track
    assert 'class="deadline deadline-overdue"' in zambia
    assert "Partner withdrew." in zambia


def test_last_updated_by_and_evidence(users, client_for, reported, frozen_today, tmp_media):
    html = page(client_for(users.donor))
    assert "Updated 1 Sep 2025 by Chikondi Banda" in html


def test_donor_never_sees_pending_update(users, client_for, reported):
    donor = page(client_for(users.donor))
    assert "Pending narrative text." not in donor
    assert "(pending)" not in donor
    coordinator = page(client_for(users.coordinator))
    assert "(pending)" in coordinator
    assert "Submitted for review" in coordinator


def test_as_of_shows_statuses_approved_by_then(users, client_for, reported):
    html = page(client_for(users.donor), as_of="2025-06-30")
    assert "As of the end of 30 June 2025" in html
    assert "Budget delayed." in html and "Budget released." not in html  # September's not yet approved
    assert "Plan adopted by cabinet." not in html  # approved on 10 July
    assert '<span class="stat-value">0%</span><span class="stat-label">achieved</span>' in html


def test_as_of_shows_deadline_and_text_as_they_were(users, client_for, reported, frozen_today):
    output = seed_output("MW", "1.4")
    frozen_today.move_to("2025-10-01 12:00:00+00:00")
    output_edit(output=output, user=users.coordinator, base_revision=output.revision,
                         deadline=datetime.date(2026, 3, 31), title="Consultations are held (revised)")
    frozen_today.move_to("2025-12-01 09:00:00+00:00")
    now = page(client_for(users.donor))
    then = page(client_for(users.donor), as_of="2025-06-30")
    assert "Due 31 Mar 2026" in now and "Consultations are held (revised)" in now
    assert "Consultations are held (revised)" not in then
    assert "Consultations and constructive dialogue" in then
    start = then.index(">Output 1.4</h3>")
    assert "Due 31 Dec 2025" in then[start:start + 3000]


def test_global_component_page(users, client_for, reported):
    html = page(client_for(users.donor), "global")
    assert "Global: progress report" in html
    assert ">Output 4.2</h3>" in html


def test_bad_as_of_is_a_clear_400(users, client_for, frozen_today):
    client = client_for(users.donor)
    response = client.get(URL.format("mw"), {"as_of": "2025-13-40"})
    assert response.status_code == 400
    assert "is not a date" in response.content.decode()
    response = client.get(URL.format("mw"), {"as_of": "2026-01-01"})
    assert response.status_code == 400
    assert "is in the future" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("anon", 302), ("nogrant", 404), ("donor", 200), ("officer_zm", 200), ("coordinator", 200)],
)
def test_access(users, client_for, who, status):
    assert client_for(getattr(users, who)).get(URL.format("mw")).status_code == status


@pytest.mark.parametrize(("who", "country", "offered"), [
    ("officer_mw", "mw", True), ("officer_zm", "mw", False), ("coordinator", "mw", True), ("donor", "zm", True),
])
def test_downloads_are_offered_only_to_readers_who_may_export_the_country(users, client_for, who, country, offered):
    # officer_zm's page is rendered first for officer_mw's view and the reverse: each keeps their own links.
    for reader in ("officer_mw", "officer_zm", who):
        html = page(client_for(getattr(users, reader)), country)
    assert ("Download PDF report" in html) is offered
    assert (f"exports/outputs.xlsx?country={country}" in html) is offered


def test_unknown_component_is_404(users, client_for):
    assert client_for(users.donor).get(URL.format("fr")).status_code == 404


def test_output_text_is_escaped(users, client_for, reported):
    output = seed_output("MW", "2.2")
    output.title = 'Tools <script>alert("x")</script> & "quotes" \'here\''
    output.save()
    html = page(client_for(users.donor))
    assert "<script>alert" not in html
    assert "Tools &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot; &#x27;here&#x27;" in html


def test_printable(users, client_for, reported):
    html = page(client_for(users.donor))
    assert 'href="/static/css/print.css" media="print"' in html
    assert 'class="no-print"' in html
