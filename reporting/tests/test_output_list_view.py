import re

import pytest

URL = "/programmes/glo-22-31-irl/outputs/"


def listing(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def shown(client, **params):
    """The list's count line and the (country, code) of the outputs on its first page, sorted."""
    response = client.get(URL, params)
    assert response.status_code == 200
    count = re.search(r'<p class="result-count">([^<]+)</p>', response.content.decode()).group(1)
    return count, sorted((output.outcome.country.slug, output.code) for output in response.context["page"])


MALAWI = [("mw", code) for code in ("1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.2", "2.3", "3.1", "3.2", "3.3", "3.4")]
CONVENTION_102 = [("mw", "1.3"), ("mw", "3.2"), ("mz", "1.2"), ("mz", "1.3"), ("mz", "3.2"), ("vn", "1.3"),
                  ("vn", "3.2"), ("zm", "1.3"), ("zm", "3.2")]


def test_each_filter_keeps_exactly_the_outputs_it_names(users, client_for, deadlines):
    """Seen on 1 December 2025 (``deadlines``): each filter, and filters together, keep some outputs and
    drop others; as of a past date, the statuses and deadlines of that date decide."""
    client = client_for(users.donor)
    assert shown(client)[0] == "63 outputs"
    cases = [
        ({"country": "mw"}, MALAWI),
        ({"country": "mw", "status": "none"}, [row for row in MALAWI if row[1] not in ("1.1", "1.3")]),
        ({"status": ["on_track", "achieved"]}, [("mw", "1.1"), ("mw", "1.3")]),
        ({"status": ["off_track", "cancelled"]}, [("mz", "1.1"), ("zm", "1.1")]),
        ({"status": "at_risk"}, []),
        ({"overdue": "on"}, [("vn", "1.1"), ("zm", "1.1")]),
        ({"overdue": "on", "country": "vn"}, [("vn", "1.1")]),
        ({"outcome": "4"}, [("global", "4.1"), ("global", "4.2")]),
        ({"deadline_from": "2025-11-15", "deadline_to": "2025-12-01"}, [("mw", "1.1"), ("mz", "1.1"), ("vn", "2.1")]),
        ({"deadline_from": "2026-01-01"}, [("mz", "2.1")]),
        ({"q": "Convention No. 102"}, CONVENTION_102),
        ({"q": "2.1", "country": "zm"}, [("zm", "2.1"), ("zm", "2.1")]),
        ({"as_of": "2025-06-30", "status": "at_risk"}, [("mw", "1.3")]),
        ({"as_of": "2025-06-30", "overdue": "on"}, [("zm", "1.1")]),  # Viet Nam 1.1 was due on 31 December then
        ({"as_of": "2025-06-30", "deadline_to": "2025-10-31"}, [("zm", "1.1")]),
    ]
    for params, expected in cases:
        count = f"{len(expected)} output" if len(expected) == 1 else f"{len(expected)} outputs"
        assert shown(client, **params) == ((count if expected else "0 outputs"), expected), params


def test_pagination_and_sorting(users, client_for, reported):
    client = client_for(users.donor)
    first = listing(client)
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert "Page 2 of 2" in listing(client, page=2)
    by_deadline = listing(client, sort="deadline")
    assert by_deadline.index("Zambia") < by_deadline.index("Global")  # 25.04.2025 first
    descending = listing(client, sort="-deadline", country="zm")
    rows = descending.split("<tr>")[2:]
    assert ">1.1</a>" in rows[-1]  # Zambia 1.1 (25.04.2025) comes last


def test_invalid_filter_values_are_said_and_list_nothing(users, client_for, reported):
    client = client_for(users.donor)
    for params, message in [({"outcome": "abc"}, "Enter a number."), ({"deadline_from": "31.12.2025"}, "Enter a valid date.")]:
        html = listing(client, **params)
        assert message in html and '<p class="result-count">0 outputs</p>' in html, params
    assert client.get(URL, {"status": "nonsense"}).status_code == 200
    assert "Page 2 of 2" in listing(client, page="999")  # past the end: the last page


def test_text_is_escaped(users, client_for, reported):
    from testing.workflow import seed_output

    output = seed_output("VN", "1.1")
    output.title = "A <b>bold</b> & \"quoted\" plan"
    output.save()
    html = listing(client_for(users.donor), country="vn")
    assert "A &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; plan" in html
    assert "<b>bold</b>" not in html


def test_pending_shown_to_officers_not_donors(users, client_for, reported):
    assert "pending: On track" in listing(client_for(users.officer_mw), country="mw")
    assert "pending" not in listing(client_for(users.donor), country="mw")


@pytest.mark.parametrize(("who", "status"), [("anon", 302), ("nogrant", 404), ("donor", 200), ("officer_zm", 200)])
def test_access(users, client_for, who, status):
    assert client_for(getattr(users, who)).get(URL).status_code == status
