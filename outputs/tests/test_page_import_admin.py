"""A second programme set up in the admin from its published outputs page, saved from the browser as
HTML (outputs/tests/pages/glo-24-07-lux-outputs.html: Senegal, Cambodia and Global, codes 1.10 after
1.2, a repeated code, other deadlines): preview, confirmation, the result, a re-import, a broken page,
a second confirmation, and who may import what."""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from outputs.models import Output
from programme.models import AccessGrant, Country, Outcome, Programme, Role

PAGE = Path(__file__).parent / "pages" / "glo-24-07-lux-outputs.html"
URL = "/admin/programme/programme/import-page/"
CODE = "GLO/24/07/LUX"
TITLE = "Extending Social Protection to Workers in the Informal Economy"
SEED_CODE = "GLO/22/31/IRL"


def snapshot():
    """Everything an import may write, to prove that a preview or a refusal wrote nothing."""
    return (
        list(Programme.objects.order_by("pk").values_list("code", "title", "funding_partner", "start_date",
                                                          "end_date", "data_version")),
        Country.objects.count(),
        list(Outcome.objects.order_by("pk").values_list("programme_id", "country_id", "number")),
        list(Output.objects.order_by("pk").values_list("outcome_id", "code", "title", "deadline", "position",
                                                       "revision")),
        Output.history.count(),
        LogEntry.objects.count(),
    )


def upload(content, name="glo-24-07-lux-outputs.html"):
    return SimpleUploadedFile(name, content, content_type="text/html")


def preview(client, content=None, *, code=CODE, name="glo-24-07-lux-outputs.html", **fields):
    data = {"code": code, "funding_partner": "Luxembourg", "start_date": "2025-01-01", "end_date": "2027-12-31",
            **fields}
    if content is not None:
        data["page_file"] = upload(content, name)
    response = client.post(URL, data)
    return response, response.content.decode()


def token_of(html):
    found = re.search(r'name="confirm" value="([^"]+)"', html)
    assert found, "the preview offers no confirmation"
    return found.group(1)


def confirm(client, html):
    return client.post(URL, {"confirm": token_of(html)})


def make_staff(username, coordinates=None):
    user = get_user_model().objects.create_user(username, password="pw-staff-1234", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(
        codename__in=["view_programme", "change_programme", "view_output", "change_output", "add_output"]))
    if coordinates is not None:
        AccessGrant.objects.create(user=user, programme=coordinates, role=Role.COORDINATOR)
    return user


@pytest.fixture
def superuser(users, client_for):
    return client_for(users.admin)


def test_second_programme_imported_through_the_admin(superuser, users, django_capture_on_commit_callbacks, caplog):
    listing = superuser.get("/admin/programme/programme/").content.decode()
    assert f'href="{URL}"' in listing  # the programme list's object tools link to the import
    assert superuser.get(URL).status_code == 200

    before = snapshot()
    response, html = preview(superuser, PAGE.read_bytes())
    assert response.status_code == 200
    assert snapshot() == before  # the preview wrote nothing
    assert f"New programme {CODE}" in html and TITLE in html
    assert re.search(r"<dt>Funding partner</dt><dd>Luxembourg</dd><dt>Start date</dt><dd>1 Jan 2025</dd>", html)
    assert "13 outputs (Senegal, Cambodia, Global)" in html and "New: 13, changed: 0, unchanged: 0." in html
    # What the parser tolerated, by line of the HTML file; the repeated code the import keeps.
    assert "Code written &#x27;Output.1.5&#x27; (a dot after the word Output): line 61" in html
    assert "Deadline written with slashes (e.g. 31/12/2025): line 62" in html
    assert "A dash without a space on one side (e.g. &#x27;Output 2.1-text&#x27;): line 65" in html
    assert "Code and text separated by an em dash (—): line 69" in html
    assert "Cambodia: code 2.1 is used by 2 different outputs (lines 84, 88)" in html
    senegal = html[html.index("<caption>Senegal"):html.index("<caption>Cambodia")]
    assert re.findall(r'<td class="nowrap">(\d+\.\d+)</td>', senegal) == ["1.1", "1.2", "1.3", "1.10", "2.1", "2.2"]

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(superuser, html)
    assert response.status_code == 302
    programme = Programme.objects.get(code=CODE)
    assert response["Location"] == f"/admin/outputs/output/?outcome__programme__id__exact={programme.pk}"
    assert (programme.title, programme.funding_partner, programme.slug) == (TITLE, "Luxembourg", "glo-24-07-lux")
    assert (programme.start_date, programme.end_date) == (datetime.date(2025, 1, 1), datetime.date(2027, 12, 31))
    outputs = Output.objects.filter(outcome__programme=programme).in_natural_order()
    assert [(o.outcome.country.code, o.code) for o in outputs] == [
        ("KH", "1.1"), ("KH", "1.2"), ("KH", "2.1"), ("KH", "2.1"), ("KH", "3.1"),
        (None, "1.1"), (None, "1.2"),
        ("SN", "1.1"), ("SN", "1.2"), ("SN", "1.3"), ("SN", "1.10"), ("SN", "2.1"), ("SN", "2.2"),
    ]
    assert sorted(Outcome.objects.filter(programme=programme).values_list("country__name", "number")) == [
        ("Cambodia", 1), ("Cambodia", 2), ("Cambodia", 3), ("Global", 1), ("Senegal", 1), ("Senegal", 2)]
    tenth = outputs.get(outcome__country__code="SN", code="1.10")
    assert tenth.deadline == datetime.date(2027, 6, 30) and tenth.title.startswith("A financing strategy")
    assert outputs.get(outcome__country__code="SN", code="1.3").deadline == datetime.date(2026, 3, 31)
    record = tenth.history.get()
    assert (record.history_user, record.history_change_reason) == (users.admin, "Imported from the outputs page")
    entry = LogEntry.objects.get(object_id=str(programme.pk), content_type__model="programme")
    assert (entry.action_flag, entry.user) == (ADDITION, users.admin)
    assert "Outputs created: 13, changed: 0, unchanged: 0." in entry.change_message
    assert any("event=outputs_page_imported" in line and f"programme={CODE}" in line and "created=13" in line
               for line in caplog.messages)

    # The result in the admin: the programme's outputs, natural order.
    listing = superuser.get(response["Location"]).content.decode()
    assert "Outputs created: 13, changed: 0, unchanged: 0." in listing
    assert listing.index(">1.2<") < listing.index(">1.10<")

    # The same page again changes nothing, and offers nothing to confirm.
    after = snapshot()
    response, html = preview(superuser, PAGE.read_bytes())
    assert response.status_code == 200
    assert "New: 0, changed: 0, unchanged: 13." in html
    assert "Nothing to import" in html and 'name="confirm"' not in html
    assert snapshot() == after


def test_a_second_confirmation_imports_nothing_twice(superuser):
    _response, first_tab = preview(superuser, PAGE.read_bytes())
    _response, second_tab = preview(superuser, PAGE.read_bytes())
    assert confirm(superuser, first_tab).status_code == 302
    after = snapshot()

    double_click = confirm(superuser, first_tab)
    assert double_click.status_code == 302 and double_click["Location"] == "/admin/programme/programme/"
    assert "already confirmed" in superuser.get(double_click["Location"]).content.decode()

    other_tab = confirm(superuser, second_tab)  # previewed before the first import: it is told what changed
    html = other_tab.content.decode()
    assert other_tab.status_code == 409
    assert "The database changed since this preview" in html and "unchanged: 13." in html
    assert snapshot() == after
    assert Output.objects.filter(outcome__programme__code=CODE).count() == 13


def test_a_changed_page_shows_before_and_after_then_updates_in_place(superuser, users):
    preview_html = preview(superuser, PAGE.read_bytes())[1]
    confirm(superuser, preview_html)
    ids = set(Output.objects.filter(outcome__programme__code=CODE).values_list("pk", flat=True))
    changed = (PAGE.read_bytes().replace(b"30.06.2027", b"31.12.2027")
               .replace(b"published in Khmer and English", b"published in Khmer, French and English"))
    response, html = preview(superuser, changed, funding_partner="Grand Duchy of Luxembourg", start_date="",
                             end_date="")
    assert response.status_code == 200
    assert "New: 0, changed: 2, unchanged: 11." in html
    assert re.search(r"Before: <del>30 Jun 2027</del>", html)
    assert "Before: <del>Knowledge products on informality and social protection are published in Khmer and English." in html
    assert re.search(r"Funding partner</th>\s*<td><del>Luxembourg</del></td>\s*<td><ins>Grand Duchy of Luxembourg</ins>", html)
    assert confirm(superuser, html).status_code == 302
    tenth = Output.objects.get(outcome__programme__code=CODE, outcome__country__code="SN", code="1.10")
    assert tenth.deadline == datetime.date(2027, 12, 31) and tenth.revision == 1
    assert set(Output.objects.filter(outcome__programme__code=CODE).values_list("pk", flat=True)) == ids
    programme = Programme.objects.get(code=CODE)
    assert programme.funding_partner == "Grand Duchy of Luxembourg"
    assert programme.end_date == datetime.date(2027, 12, 31)  # an empty date keeps the stored one
    entry = LogEntry.objects.filter(object_id=str(programme.pk)).latest("action_time")
    assert entry.action_flag == CHANGE and "changed: 2," in entry.change_message and "funding partner" in entry.change_message


def line_of(content: bytes, needle: bytes) -> int:
    return content[: content.index(needle)].count(b"\n") + 1


BROKEN = {
    # An impossible date: the line of the HTML file that holds it.
    "bad date": (lambda page: page.replace(b">31.10.2026<", b">31.09.2026<"), b">31.09.2026<", "not a real date", {}),
    # The list cut short after an output's text: its deadline is missing.
    "truncated": (lambda page: page[: page.index(b"</p>", page.index(b"Output 3.1"))] + b"</p>\n",
                  b"Output 3.1", "expected the deadline of Output 3.1", {}),
    # A byte Windows-1252 does not define, in a file said to be Windows-1252.
    "unreadable": (lambda page: page.replace(b"Thi\xc3\xa8s", b"Thi\x81s").replace(b"charset=UTF-8", b""),
                   b"Thi\x81s", "not Windows-1252 text", {"encoding": "windows-1252"}),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_page_is_refused_with_its_line_and_nothing_changes(superuser, case, caplog):
    break_page, needle, reason, fields = BROKEN[case]
    content = break_page(PAGE.read_bytes())
    before = snapshot()
    response, html = preview(superuser, content, **fields)
    assert response.status_code == 400
    expected_line = line_of(content, needle) + (1 if case == "truncated" else 0)
    assert f"Line {expected_line}: " in html and reason in html and "Nothing was imported." in html
    assert 'name="confirm"' not in html
    assert snapshot() == before
    assert any("event=outputs_page_refused" in line and f"line={expected_line}" in line for line in caplog.messages)


def test_pasted_text_in_utf16_and_windows_1252(superuser):
    text = ("Decent Work in Agriculture\nOutputs\nSénégal\n-\nOutput 1.1 – The farmers’ cooperatives are registered.\n"
            "30.06.2026\n")
    response, html = preview(superuser, code="SEN/25/01/EU", page_text=text)
    assert response.status_code == 200 and "New: 1," in html and "farmers’ cooperatives" in html
    for encoding, fields in [("utf-16", {}), ("cp1252", {"encoding": "windows-1252"})]:
        response, html = preview(superuser, text.encode(encoding), code="SEN/25/01/EU", name="page.txt", **fields)
        assert response.status_code == 200, html
        assert "“Sénégal” on the page" in html and "farmers’ cooperatives" in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "glo-22-31-irl"}, "Another programme&#x27;s code gives the same web address (glo-22-31-irl)"),
        ({"end_date": "2024-12-31"}, "The end date cannot be before the start date."),
        ({"page_text": "Something\nOutputs\n"}, "Give the page as a file or as pasted text, not both."),
    ],
)
def test_what_the_form_refuses(superuser, fields, message):
    before = snapshot()
    response, html = preview(superuser, PAGE.read_bytes(), **fields)
    assert response.status_code == 400
    assert message in html
    assert snapshot() == before


def test_coordinators_reimport_their_programme_only(seed_programme, client_for, seed_page_path):
    other = Programme.objects.create(code="TST/99/01/XYZ", title="Other programme")
    coordinator = make_staff("staff-coordinator", coordinates=seed_programme)
    client = client_for(coordinator)
    assert f'href="{URL}"' in client.get("/admin/programme/programme/").content.decode()
    change_page = client.get(f"/admin/programme/programme/{seed_programme.pk}/change/").content.decode()
    assert f'href="{URL}?code=GLO/22/31/IRL"' in change_page
    assert 'value="GLO/22/31/IRL"' in client.get(URL, {"code": SEED_CODE}).content.decode()
    before = snapshot()
    refusal = "You may import the outputs page of a programme you coordinate; only superusers create programmes."
    for code in [CODE, other.code]:  # a new programme, another's: the same refusal, nothing written
        response, html = preview(client, PAGE.read_bytes(), code=code)
        assert response.status_code == 403
        assert refusal.replace("'", "&#x27;") in html
    assert snapshot() == before

    changed = seed_page_path.read_bytes().replace(b"25.04.2025", b"30.06.2025", 1)
    response, html = preview(client, changed, code=SEED_CODE, name="seed.txt", funding_partner="", start_date="",
                             end_date="")
    assert response.status_code == 200 and "New: 0, changed: 1, unchanged: 62." in html
    assert confirm(client, html).status_code == 302
    updated = Output.objects.get(outcome__programme=seed_programme, outcome__country__code="ZM", code="1.1")
    assert updated.deadline == datetime.date(2025, 6, 30)
    assert updated.history.first().history_user == coordinator


def test_staff_without_a_coordinator_grant_cannot_import(seed_programme, client_for):
    client = client_for(make_staff("staff-without-grant"))
    assert f'href="{URL}"' not in client.get("/admin/programme/programme/").content.decode()
    assert client.get(URL).status_code == 403
    assert preview(client, PAGE.read_bytes())[0].status_code == 403


def test_the_preview_and_a_refusal_in_french(superuser, settings):
    superuser.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = preview(superuser, PAGE.read_bytes())[1]
    assert f"Nouveau programme {CODE}" in html and "Nouveaux : 13, modifiés : 0, inchangés : 0." in html
    assert "Code écrit « Output.1.5 » (un point après le mot Output) : ligne 61" in html
    broken = PAGE.read_bytes().replace(b">31.10.2026<", b">31.09.2026<")
    html = preview(superuser, broken)[1]
    assert "Ligne 85 : « 31.09.2026 » n’est pas une date réelle" in html and "Rien n’a été importé." in html


def test_a_confirmation_holds_only_for_its_preview_and_its_person(superuser, seed_programme, client_for):
    html = preview(superuser, PAGE.read_bytes())[1]
    before = snapshot()
    tampered = token_of(html)[:-3] + "abc"
    someone_else = client_for(make_staff("staff-coordinator", coordinates=seed_programme))
    for client, token in [(superuser, tampered), (someone_else, token_of(html))]:
        response = client.post(URL, {"confirm": token})
        assert response.status_code == 302 and response["Location"] == URL
        assert "This preview is no longer valid" in client.get(URL).content.decode()
    assert snapshot() == before


def test_a_file_over_the_limit_is_refused_unread(superuser, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response, html = preview(superuser, PAGE.read_bytes())
    assert response.status_code == 400
    assert "an import takes at most 1000\xa0bytes" in html
