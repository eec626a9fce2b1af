"""People with several programmes: `/` sends them to the portfolio (officers to My outputs), and the
header's programme badge becomes a switcher whose links, and the header's, lead into the programme a
page is in."""

import lxml.html
import pytest

from programme.models import AccessGrant, Programme, Role

SEED, SECOND = "glo-22-31-irl", "glo-24-07-lux"


@pytest.fixture
def grant(second_programme):
    """Give a person a role in the second programme as well."""

    def give(user, role, country=None):
        AccessGrant.objects.create(user=user, programme=second_programme, role=role, country=country)

    return give


def header(response):
    """The header's switcher (None for a plain badge): its summary and its links, the marked one
    with a star; and the main navigation's links, the current one with a star."""
    page = lxml.html.fromstring(response.content)
    switch = page.xpath("//header//details[@class='programme-switch']")
    links = [("*" if a.get("aria-current") else "") + a.get("href") for a in page.xpath("//nav[@class='main-nav']//a")]
    if not switch:
        return None, links
    summary = " ".join(switch[0].xpath("./summary")[0].text_content().split())
    items = [("*" if a.get("aria-current") else "") + a.get("href") for a in switch[0].xpath(".//a")]
    return (summary, items), links


@pytest.mark.parametrize(("who", "role", "landing"), [
    ("coordinator", Role.COORDINATOR, "/programmes/"),
    ("donor", Role.DONOR, "/programmes/"),
    ("officer_mw", Role.OFFICER, "/my-outputs/"),
    ("officer_zm", Role.DONOR, "/my-outputs/"),  # an officer in the seed, a donor in the other
])
def test_people_with_several_programmes_land_on_the_portfolio_officers_on_my_outputs(
        users, client_for, grant, who, role, landing):
    person = getattr(users, who)
    grant(person, role, Programme.objects.get(slug=SECOND).outcomes.first().country if role == Role.OFFICER else None)
    response = client_for(person).get("/")
    assert (response.status_code, response["Location"]) == (302, landing)


def test_people_with_one_programme_land_where_they_did(users, client_for):
    assert client_for(users.donor).get("/")["Location"] == f"/programmes/{SEED}/"
    assert client_for(users.coordinator).get("/")["Location"] == f"/programmes/{SEED}/dashboard/"
    (badge, links) = header(client_for(users.donor).get(f"/programmes/{SEED}/"))
    assert badge is None and "/programmes/" not in links  # a plain badge, no portfolio link


def test_the_switcher_marks_the_programme_the_page_is_in_and_the_header_leads_into_it(users, client_for, grant):
    grant(users.coordinator, Role.COORDINATOR)
    client = client_for(users.coordinator)
    every = [f"/programmes/{SEED}/", f"/programmes/{SECOND}/", "/programmes/"]

    switch, links = header(client.get(f"/programmes/{SECOND}/dashboard/"))
    assert switch == ("Programme: GLO/24/07/LUX – switch programme", [every[0], "*" + every[1], every[2]])
    assert links == ["/reviews/", "/programmes/", f"/programmes/{SECOND}/", f"*/programmes/{SECOND}/dashboard/",
                     f"/programmes/{SECOND}/outputs/"]

    output = Programme.objects.get(slug=SEED).outcomes.first().outputs.first()
    switch, links = header(client.get(f"/outputs/{output.pk}/"))  # an output's page is in its programme
    assert switch[1][0] == "*" + every[0] and f"/programmes/{SEED}/dashboard/" in links

    switch, links = header(client.get("/programmes/"))  # in none: the portfolio, no programme's pages
    assert switch == ("Programme: All programmes – switch programme", [every[0], every[1], "*" + every[2]])
    assert links == ["/reviews/", "*/programmes/"]


def test_a_superusers_switcher_lists_the_first_programmes_then_all(users, client_for, second_programme):
    from reporting.navigation import SWITCHER_PROGRAMMES

    Programme.objects.bulk_create(Programme(code=f"ZZZ/{number:02d}", slug=f"zzz-{number:02d}", title="More")
                                  for number in range(SWITCHER_PROGRAMMES))
    switch, _links = header(client_for(users.admin).get(f"/programmes/{SECOND}/"))
    assert len(switch[1]) == SWITCHER_PROGRAMMES + 1 and switch[1][-1] == "/programmes/"
    assert switch[1][:2] == [f"/programmes/{SEED}/", f"*/programmes/{SECOND}/"]
