"""The admin follows grants: a staff user who is not a superuser sees, finds, picks, exports,
imports and changes only the rows of the programmes they coordinate. Here that staff user
coordinates the seed programme only; a second programme holds an output, a submitted update with
its evidence, a review event and a reminder they must never see."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from outputs.models import Evidence, Output, ReminderSent, ReviewEvent, StatusUpdate
from programme.models import AccessGrant, Country, Outcome, Programme, Role
from testing.admin_spreadsheets import HEADER, confirm, export_rows, preview
from testing.workflow import save_update

OTHER_CODE = "TST/99/01/XYZ"
OTHER_OUTPUT_TITLE = "Hidden output of the other programme"
OTHER_NARRATIVE = "Pending narrative of the other programme"
STAFF_PERMISSIONS = [
    f"{action}_{model}"
    for model in ["programme", "outcome", "output", "statusupdate", "reviewevent", "evidence",
                  "remindersent", "accessgrant", "country"]
    for action in ["view", "change", "add"]
] + ["import_output"]


pytestmark = pytest.mark.usefixtures("tmp_media")


@pytest.fixture
def other(users):
    """A second programme with a Zambian output, a submitted update with a link, its review event
    and a reminder."""
    programme = Programme.objects.create(code=OTHER_CODE, title="Other programme")
    zambia = Country.objects.get(code="ZM")
    outcome = Outcome.objects.create(programme=programme, country=zambia, number=1, title="Other outcome")
    output = Output.objects.create(outcome=outcome, code="1.1", title=OTHER_OUTPUT_TITLE, deadline="2026-06-30")
    AccessGrant.objects.create(user=users.officer_zm, programme=programme, country=zambia, role=Role.OFFICER)
    save_update(output, users.officer_zm, narrative=OTHER_NARRATIVE, links=["https://example.org/other"])
    ReminderSent.objects.create(user=users.officer_zm, output=output, threshold="overdue", deadline=output.deadline)
    return programme


def make_staff(username, *, coordinates=None):
    user = get_user_model().objects.create_user(username, password="pw-staff-1234", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=STAFF_PERMISSIONS))
    if coordinates is not None:
        AccessGrant.objects.create(user=user, programme=coordinates, role=Role.COORDINATOR)
    return user


@pytest.fixture
def staff(seed_programme, other, client_for):
    """Staff with view, change and add permissions and import, coordinating the seed programme only."""
    return client_for(make_staff("seed-staff", coordinates=seed_programme))


def other_rows(programme):
    """One row of each admin model that belongs to the other programme."""
    update = StatusUpdate.objects.get(output__outcome__programme=programme)
    return {
        "programme_programme": programme,
        "programme_outcome": Outcome.objects.get(programme=programme),
        "programme_accessgrant": AccessGrant.objects.get(programme=programme),
        "outputs_output": update.output,
        "outputs_statusupdate": update,
        "outputs_reviewevent": ReviewEvent.objects.get(update=update),
        "outputs_evidence": Evidence.objects.get(update=update),
        "outputs_remindersent": ReminderSent.objects.get(output=update.output),
    }


def test_changelists_show_only_the_coordinated_programme(staff, admin_client, other):
    for name, row in other_rows(other).items():
        url = reverse(f"admin:{name}_changelist") + "?all="  # every row on one page
        mine, everything = staff.get(url), admin_client.get(url)
        assert mine.status_code == everything.status_code == 200, name
        # Rows and list-filter choices alike: the other programme's code appears nowhere for the
        # staff user, while a superuser sees it on every list (as a row or a filter choice).
        assert OTHER_CODE not in mine.content.decode(), name
        assert f"/{row.pk}/change/" not in mine.content.decode(), name
        assert f"/{row.pk}/change/" in everything.content.decode(), name
    assert "63 outputs" in staff.get(reverse("admin:outputs_output_changelist")).content.decode()
    assert "64 outputs" in admin_client.get(reverse("admin:outputs_output_changelist")).content.decode()


def test_search_and_lookups_stay_in_the_coordinated_programme(staff, admin_client, other):
    url = reverse("admin:outputs_statusupdate_changelist") + "?q=" + OTHER_NARRATIVE.replace(" ", "+")
    assert "0 status updates" in staff.get(url).content.decode()
    assert "1 status update" in admin_client.get(url).content.decode()
    url = reverse("admin:outputs_output_changelist") + "?q=" + OTHER_OUTPUT_TITLE.replace(" ", "+")
    assert "0 outputs" in staff.get(url).content.decode()
    # A filter on the other programme by its id is not one the staff user is offered: it is left out, and the
    # list shows their own programme's outputs only.
    url = reverse("admin:outputs_output_changelist") + f"?outcome__programme__id__exact={other.pk}"
    response = staff.get(url)
    assert response.status_code == 200 and "63 outputs" in response.content.decode()
    assert OTHER_OUTPUT_TITLE not in response.content.decode()


def autocomplete(client, **params):
    response = client.get("/admin/autocomplete/", {"app_label": "outputs", "model_name": "output",
                                                   "field_name": "outcome", **params})
    assert response.status_code == 200
    return {int(result["id"]) for result in response.json()["results"]}


def test_autocomplete_offers_only_the_coordinated_programme(staff, admin_client, seed_programme, other):
    other_outcome = Outcome.objects.get(programme=other)
    assert autocomplete(staff, term="TST") == set()
    assert autocomplete(admin_client, term="TST") == {other_outcome.pk}
    offered = autocomplete(staff, term="")
    assert offered and other_outcome.pk not in offered
    assert offered <= set(Outcome.objects.filter(programme=seed_programme).values_list("pk", flat=True))


def test_history_of_another_programme_is_missing(staff, admin_client, other, seed_programme):
    rows = other_rows(other)
    for name in ["outputs_output", "outputs_statusupdate"]:
        row = rows[name]
        assert staff.get(reverse(f"admin:{name}_history", args=[row.pk])).status_code == 404, name
        assert admin_client.get(reverse(f"admin:{name}_history", args=[row.pk])).status_code == 200, name
        version = row.history.first().history_id
        assert staff.get(reverse(f"admin:{name}_simple_history", args=[row.pk, version])).status_code == 404, name
    own = Output.objects.filter(outcome__programme=seed_programme).first()
    assert staff.get(reverse("admin:outputs_output_history", args=[own.pk])).status_code == 200
    assert staff.get(reverse("admin:outputs_output_history", args=["not-a-number"])).status_code == 404


def test_change_pages_of_another_programme_answer_as_missing(staff, other):
    for name, row in other_rows(other).items():
        response = staff.get(reverse(f"admin:{name}_change", args=[row.pk]))
        assert response.status_code == 302 and response["Location"] == reverse("admin:index"), name
    output = other_rows(other)["outputs_output"]
    response = staff.post(reverse("admin:outputs_output_change", args=[output.pk]), {
        "outcome": output.outcome_id, "code": "1.1", "title": "Overwritten", "deadline": "2026-03-31", "position": 1,
    })
    assert response.status_code == 302
    output.refresh_from_db()
    assert output.title == OTHER_OUTPUT_TITLE


def test_foreign_key_choices_offer_only_the_coordinated_programme(staff, admin_client, other, seed_programme):
    for name in ["programme_outcome_add", "programme_accessgrant_add"]:
        assert OTHER_CODE not in staff.get(reverse(f"admin:{name}")).content.decode(), name
        assert OTHER_CODE in admin_client.get(reverse(f"admin:{name}")).content.decode(), name
    # Posting the other programme's outcome, or the other programme, is refused by the form.
    response = staff.post(reverse("admin:outputs_output_add"), {
        "outcome": Outcome.objects.get(programme=other).pk, "code": "1.9", "title": "Sneaked in",
        "deadline": "2026-03-31", "position": 1,
    })
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    response = staff.post(reverse("admin:programme_outcome_add"), {
        "programme": other.pk, "country": Country.objects.get(code="MW").pk, "number": 9, "title": "Sneaked in",
        "outputs-TOTAL_FORMS": 0, "outputs-INITIAL_FORMS": 0,
    })
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Output.objects.filter(title="Sneaked in").exists()
    assert not Outcome.objects.filter(title="Sneaked in").exists()
    # Within their programme the same forms work.
    response = staff.post(reverse("admin:outputs_output_add"), {
        "outcome": Outcome.objects.get(programme=seed_programme, country__code="MW", number=1).pk,
        "code": "1.9", "title": "Added by the coordinator", "deadline": "2026-03-31", "position": 1,
    })
    assert response.status_code == 302
    assert Output.objects.filter(title="Added by the coordinator", outcome__programme=seed_programme).exists()


def test_only_superusers_add_programmes(staff, admin_client):
    assert staff.get(reverse("admin:programme_programme_add")).status_code == 403
    assert admin_client.get(reverse("admin:programme_programme_add")).status_code == 200


def test_shared_countries_are_read_not_changed_by_staff(staff, admin_client):
    malawi = Country.objects.get(code="MW")
    url = reverse("admin:programme_country_change", args=[malawi.pk])
    assert staff.get(url).status_code == 200  # their view permission: read only
    form = {"name": "Renamed", "code": "MW", "slug": "mw"}
    assert staff.post(url, form).status_code == 403
    assert staff.get(reverse("admin:programme_country_add")).status_code == 403
    malawi.refresh_from_db()
    assert malawi.name == "Malawi"
    assert admin_client.post(url, form).status_code == 302


def test_export_holds_only_the_coordinated_programme(staff, admin_client, other):
    mine = export_rows(staff)
    assert len(mine) == 63 and {row["programme"] for row in mine} == {"GLO/22/31/IRL"}
    assert OTHER_CODE in {row["programme"] for row in export_rows(admin_client)}
    malawi = export_rows(staff, f"?outcome__country__id__exact={Country.objects.get(code='MW').pk}")
    assert len(malawi) == 12


def test_no_grant_gives_an_empty_admin(seed_programme, other, client_for):
    client = client_for(make_staff("no-grant-staff"))
    assert client.get(reverse("admin:index")).status_code == 200
    assert "0 outputs" in client.get(reverse("admin:outputs_output_changelist")).content.decode()
    assert "0 status updates" in client.get(reverse("admin:outputs_statusupdate_changelist")).content.decode()
    assert "0 programmes" in client.get(reverse("admin:programme_programme_changelist")).content.decode()
    assert export_rows(client) == []


def test_import_into_another_programme_is_refused(staff, other, seed_programme):
    before = sorted(Output.objects.values_list("pk", "title", "deadline"))
    html = preview(staff, HEADER
                   + "GLO/22/31/IRL,MW,1,1.3,The ratification campaign is implemented (revised),2026-03-31\n"
                   + f"{OTHER_CODE},ZM,1,1.1,Taken over,2026-03-31\n")
    assert "Confirm import" not in html
    assert "No programme you coordinate has the code &#x27;TST/99/01/XYZ&#x27;" in html
    # The other programme's output named by its id under the coordinated programme's code.
    other_output = Output.objects.get(outcome__programme=other)
    html = preview(staff, "id," + HEADER + f"{other_output.pk},GLO/22/31/IRL,ZM,1,1.1,Taken over,2026-03-31\n")
    assert "Confirm import" not in html and f"No output {other_output.pk} in GLO/22/31/IRL" in html
    assert sorted(Output.objects.values_list("pk", "title", "deadline")) == before
    # The same file's own row alone imports.
    html = preview(staff, HEADER + "GLO/22/31/IRL,MW,1,1.3,The ratification campaign is implemented (revised),2026-03-31\n")
    assert confirm(staff, html).status_code == 302
    assert Output.objects.get(outcome__programme=seed_programme, outcome__country__code="MW", code="1.3").title.endswith("(revised)")


def test_drafts_stay_with_their_country_in_the_admin_too(staff, admin_client, users, seed_programme, client_for):
    """The coordinator-staff user reads submitted work of their programme, not a country's draft,
    which its officers read (as on the app's pages)."""
    draft = save_update(Output.objects.get(outcome__programme=seed_programme, outcome__country__code="MW", code="1.3"),
                        users.officer_mw, submit=False, narrative="Unfinished Malawi draft", links=["https://example.org/d"])
    submitted = save_update(Output.objects.get(outcome__programme=seed_programme, outcome__country__code="ZM", code="1.1"),
                            users.officer_zm, narrative="Submitted Zambia work")
    officer_staff = make_staff("mw-officer-staff", coordinates=seed_programme)
    AccessGrant.objects.create(user=officer_staff, programme=seed_programme, country=draft.output.outcome.country, role=Role.OFFICER)
    officer = client_for(officer_staff)
    evidence = Evidence.objects.get(update=draft)
    for name, row in [("outputs_statusupdate", draft), ("outputs_evidence", evidence)]:
        assert f"/{row.pk}/change/" not in staff.get(reverse(f"admin:{name}_changelist")).content.decode(), name
        assert staff.get(reverse(f"admin:{name}_change", args=[row.pk])).status_code == 302, name
        assert f"/{row.pk}/change/" in officer.get(reverse(f"admin:{name}_changelist")).content.decode(), name
        assert f"/{row.pk}/change/" in admin_client.get(reverse(f"admin:{name}_changelist")).content.decode(), name
    assert staff.get(reverse("admin:outputs_statusupdate_history", args=[draft.pk])).status_code == 404
    assert "0 status updates" in staff.get(reverse("admin:outputs_statusupdate_changelist") + "?q=Unfinished").content.decode()
    assert staff.get(reverse("admin:outputs_statusupdate_change", args=[submitted.pk])).status_code == 200
