import pytest

URL = "/programmes/glo-22-31-irl/"


def test_cards_per_component(users, client_for, reported):
    response = client_for(users.donor).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Accelerating the Achievement of Universal Social Protection" in html
    assert "GLO/22/31/IRL · Funded by Ireland" in html
    names = ["Malawi", "Mozambique", "Viet Nam", "Zambia", "Global"]
    positions = [html.index(f'countries/{slug}/">{name}</a>') for slug, name in zip(["mw", "mz", "vn", "zm", "global"], names, strict=False)]
    assert positions == sorted(positions)  # countries by name, the Global component last
    assert '<span class="stat-value">63</span>' in html
    # Zambia: 1 overdue (1.1, off track since 25.04.2025), linked to the filtered list.
    assert 'href="/programmes/glo-22-31-irl/outputs/?country=zm&amp;overdue=on">1</a>' in html
    assert "Achieved: 1" in html and "On track: 1" in html and "Off track: 1" in html
    assert "Next deadline" in html and "31 Dec 2025" in html


def test_status_chart_has_a_text_equivalent(users, client_for, reported):
    html = client_for(users.donor).get(URL).content.decode()
    assert '<svg class="chart status-bar"' in html
    assert 'aria-label="Malawi: On track: 1, Achieved: 1, Not reported: 10"' in html


def test_as_of(users, client_for, reported):
    html = client_for(users.donor).get(URL, {"as_of": "2025-06-30"}).content.decode()
    assert "Achieved: 1" not in html
    assert "At risk: 1" in html
    assert 'href="/programmes/glo-22-31-irl/countries/mw/?as_of=2025-06-30"' in html


@pytest.mark.parametrize(("who", "status"), [("anon", 302), ("nogrant", 404), ("donor", 200), ("officer_mw", 200)])
def test_access(users, client_for, who, status):
    assert client_for(getattr(users, who)).get(URL).status_code == status
