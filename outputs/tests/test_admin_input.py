"""Bad input in the admin is told, never a server error: values too long or out of range, codes that
clash once saved, and query parameters the lists and the export cannot apply. Run on SQLite and on
PostgreSQL (which enforces column lengths and integer ranges), by make test's two legs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from outputs.models import Output
from programme.models import AccessGrant, Country, Outcome, Programme, Region

TOO_BIG = "9" * 25  # past every integer column, 64-bit included


@pytest.fixture
def admin_seed(admin_client, seed_programme, tmp_media):
    return admin_client


def malawi_outcome():
    return Outcome.objects.get(programme__code="GLO/22/31/IRL", country__code="MW", number=1)


def outcome_form(**values):
    return {"programme": Programme.objects.get(code="GLO/22/31/IRL").pk, "country": Country.objects.get(code="MW").pk,
            "number": 7, "title": "An outcome", "outputs-TOTAL_FORMS": 0, "outputs-INITIAL_FORMS": 0, **values}


def output_form(**values):
    return {"outcome": malawi_outcome().pk, "code": "1.9", "title": "An output", "deadline": "2026-03-31",
            "position": 1, **values}


def programme_form(**values):
    return {"code": "NEW/26/01/ABC", "title": "A programme", "funding_partner": "", **values}


CASES = [
    # (model, form, values, the message shown)
    ("programme_region", lambda **v: {"name": "A region", "position": 1, **v}, {"name": "x" * 101}, "at most 100 characters"),
    ("programme_region", lambda **v: {"name": "A region", "position": 1, **v}, {"position": TOO_BIG}, "less than or equal to"),
    ("programme_country", lambda **v: {"name": "Somewhere", "code": "QQ", "slug": "qq", **v}, {"code": "mw"}, "already exists"),
    ("programme_country", lambda **v: {"name": "Somewhere", "code": "QQ", "slug": "qq", **v}, {"code": "QQQ"}, "at most 2 characters"),
    ("programme_country", lambda **v: {"name": "Somewhere", "code": "QQ", "slug": "qq", **v}, {"slug": "q" * 151}, "at most 150 characters"),
    ("programme_programme", programme_form, {"code": "N" * 51}, "at most 50 characters"),
    ("programme_programme", programme_form, {"title": "T" * 301}, "at most 300 characters"),
    ("programme_programme", programme_form, {"code": "GLO-22-31-IRL"}, "gives the same web address"),
    ("programme_programme", programme_form, {"code": "///"}, "needs letters or digits"),
    ("programme_programme", programme_form, {"start_date": "2026-01-01", "end_date": "2025-01-01"}, "cannot be before the start date"),
    ("programme_programme", programme_form, {"start_date": "10000-01-01"}, "Enter a valid date"),
    ("programme_outcome", outcome_form, {"number": 1}, "already exists"),
    ("programme_outcome", outcome_form, {"number": TOO_BIG}, "less than or equal to"),
    ("programme_outcome", outcome_form, {"number": -1}, "greater than or equal to"),
    ("programme_outcome", outcome_form, {"title": "T" * 501}, "at most 500 characters"),
    ("outputs_output", output_form, {"code": "1." + "1" * 30}, "at most 20 characters"),
    ("outputs_output", output_form, {"position": TOO_BIG}, "less than or equal to"),
    ("outputs_output", output_form, {"title": "Null\x00byte"}, "Null characters are not allowed"),
    ("outputs_output", output_form, {"deadline": "99999-01-01"}, "Enter a valid date"),
]


@pytest.mark.parametrize("name, form, values, message", CASES, ids=lambda value: getattr(value, "__name__", str(value))[:40])
def test_bad_values_are_told_and_nothing_is_written(admin_seed, name, form, values, message):
    counts = [model.objects.count() for model in (Region, Country, Programme, Outcome, Output)]
    response = admin_seed.post(reverse(f"admin:{name}_add"), form(**values))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert [model.objects.count() for model in (Region, Country, Programme, Outcome, Output)] == counts


def test_a_small_integer_past_postgresql_range_is_told_there(admin_seed):
    """PostgreSQL keeps an outcome's number in a smallint; SQLite stores any integer."""
    response = admin_seed.post(reverse("admin:programme_outcome_add"), outcome_form(number=40000))
    if connection.vendor == "postgresql":
        assert response.status_code == 200 and "less than or equal to 32767" in response.content.decode()
    else:
        assert response.status_code == 302


def test_good_values_save(admin_seed):
    """The forms of the cases above, without the bad value, are accepted: each case fails for its value."""
    assert admin_seed.post(reverse("admin:programme_programme_add"), programme_form()).status_code == 302
    assert admin_seed.post(reverse("admin:programme_outcome_add"), outcome_form()).status_code == 302
    assert admin_seed.post(reverse("admin:outputs_output_add"), output_form()).status_code == 302
    country = {"name": "Somewhere", "code": "qq", "slug": "qq"}
    assert admin_seed.post(reverse("admin:programme_country_add"), country).status_code == 302
    assert Country.objects.get(name="Somewhere").code == "QQ"


def test_a_repeated_grant_is_told(admin_seed, users, seed_programme):
    response = admin_seed.post(reverse("admin:programme_accessgrant_add"),
                               {"user": users.coordinator.pk, "programme": seed_programme.pk, "role": "coordinator"})
    # The constraint's own message says what is repeated; nothing reaches the database.
    assert response.status_code == 200
    assert "This person already has a grant for the whole programme." in response.content.decode()
    assert AccessGrant.objects.filter(user=users.coordinator).count() == 1


LIST_QUERIES = [
    "bogus=1",
    "outcome__programme__id__exact=" + TOO_BIG,
    "outcome__programme__id__exact=abc",
    "outcome_number=" + TOO_BIG,
    "outcome_number=%C2%B2",
    "deadline__year=" + TOO_BIG,
    "deadline__year=9999",
    "deadline__year=9999&deadline__month=12",
    "deadline__year=2025&deadline__month=13",
    "deadline__gte=abc",
    "q=%00",
    "q=" + "x" * 5000,
    "o=abc",
    "p=" + TOO_BIG,
    "repeated_code=%00",
]


@pytest.mark.parametrize("query", LIST_QUERIES)
def test_list_and_export_parameters_they_cannot_apply_answer_without_failing(admin_seed, query):
    listed = admin_seed.get(reverse("admin:outputs_output_changelist") + "?" + query)
    assert listed.status_code in (200, 302, 400)
    exported = admin_seed.get(reverse("admin:outputs_output_export") + "?" + query)
    assert exported.status_code in (200, 302, 400)
    posted = admin_seed.post(reverse("admin:outputs_output_export") + "?" + query, {"format": "0", "resource": "0"})
    assert posted.status_code in (200, 302, 400)


def test_an_unknown_export_parameter_goes_back_to_the_list_with_a_message(admin_seed):
    response = admin_seed.get(reverse("admin:outputs_output_export") + "?bogus=1", follow=True)
    assert response.redirect_chain[0] == (reverse("admin:outputs_output_changelist"), 302)
    assert "filters were not understood" in response.content.decode()


@pytest.mark.parametrize("query", ["review_state__exact=%00", "q=%00", "output__outcome__programme__id__exact=" + TOO_BIG])
def test_update_list_parameters_answer_without_failing(admin_seed, query):
    assert admin_seed.get(reverse("admin:outputs_statusupdate_changelist") + "?" + query).status_code in (200, 302, 400)


IMPORT_HEADER = "id,programme,country,outcome,code,title,deadline\n"


@pytest.mark.parametrize("row, message", [
    (f",GLO/22/31/IRL,MW,1,1.{'1' * 30},Long code,2026-03-31", "at most 20 characters"),
    (f",GLO/22/31/IRL,MW,{TOO_BIG},{TOO_BIG}.1,Big outcome,2026-03-31", "less than or equal to"),
    (f"{TOO_BIG},GLO/22/31/IRL,MW,1,1.1,Big id,2026-03-31", "less than or equal to"),
    ("abc,GLO/22/31/IRL,MW,1,1.1,Letter id,2026-03-31", "must be an integer"),
    (",GLO/22/31/IRL,MW,\u00b2,\u00b2.1,Superscript,2026-03-31", "does not match code"),
    (",GLO/22/31/IRL\x00,MW,1,1.9,Null byte,2026-03-31", "Confirm import"),
])
def test_import_rows_that_do_not_fit_are_row_errors(admin_seed, row, message):
    before = sorted(Output.objects.values_list("pk", "code", "title"))
    upload = SimpleUploadedFile("outputs.csv", (IMPORT_HEADER + row + "\n").encode())
    response = admin_seed.post("/admin/outputs/output/import/", {"format": "0", "import_file": upload})
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert "Traceback" not in html and "Line number" not in html  # no unexpected error
    assert sorted(Output.objects.values_list("pk", "code", "title")) == before
