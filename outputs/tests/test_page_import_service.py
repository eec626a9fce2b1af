"""The outputs-page import service on the seed programme: a preview writes nothing, an import checked
against its preview's digest, what a re-import writes (nothing) and what a change writes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from outputs.models import Output
from outputs.page_parser import parse_page
from outputs.services.page_import import ImportPlanChanged, outputs_import_page, outputs_import_page_preview
from programme.models import Country, Programme

SEED_CODE = "GLO/22/31/IRL"
ATLANTIS = "A Programme\nOutputs\nAtlantis\n-\nOutput 1.1 - Somewhere.\n31.12.2026\n"


@pytest.fixture
def seed_page(seed_page_path):
    return parse_page(seed_page_path.read_text(encoding="utf-8"))


def data_version():
    return Programme.objects.get(code=SEED_CODE).data_version


def test_a_preview_writes_nothing_the_import_does(db, users):
    page = parse_page(ATLANTIS)
    countries, histories = Country.objects.count(), Output.history.count()
    report = outputs_import_page_preview(page=page, code="ATL/1", user=users.admin)
    assert report.programme_created and report.components[0].country_created and report.created == 1
    assert "'Atlantis' is not a recognised country name" in report.warnings[0]
    assert not Programme.objects.filter(code="ATL/1").exists()
    assert (Country.objects.count(), Output.history.count()) == (countries, histories)

    imported = outputs_import_page(page=page, code="ATL/1", user=users.admin, expected_digest=report.digest)
    assert imported.digest == report.digest
    assert Output.objects.get(outcome__programme__code="ATL/1").outcome.country.name == "Atlantis"


def test_an_import_that_differs_from_its_preview_is_refused(seed_programme, seed_page_path, users):
    preview = outputs_import_page_preview(page=parse_page(ATLANTIS), code="ATL/1", user=users.admin)
    outputs_import_page(page=parse_page(ATLANTIS), code="ATL/1")  # another import, meanwhile
    with pytest.raises(ImportPlanChanged) as changed:
        outputs_import_page(page=parse_page(ATLANTIS), code="ATL/1", user=users.admin, expected_digest=preview.digest)
    assert changed.value.report.unchanged == 1 and not changed.value.report.changed_anything
    assert Output.objects.filter(outcome__programme__code="ATL/1").count() == 1


def test_a_reimport_writes_nothing_and_keeps_the_data_version(seed_programme, seed_page):
    version, histories = data_version(), Output.history.count()
    report = outputs_import_page(page=seed_page, code=SEED_CODE, funding_partner="Ireland")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 63)
    assert not report.changed_anything
    assert (data_version(), Output.history.count()) == (version, histories)


def test_a_change_is_written_with_a_new_revision_and_data_version(seed_programme, seed_page_path, users):
    text = seed_page_path.read_text(encoding="utf-8").replace("25.04.2025", "30.06.2025", 1)
    zambia_11 = Output.objects.get(outcome__programme=seed_programme, outcome__country__code="ZM", code="1.1")
    version = data_version()
    report = outputs_import_page(page=parse_page(text), code=SEED_CODE, user=users.coordinator)
    assert (report.updated, report.unchanged) == (1, 62)
    row = next(row for component in report.components for row in component.rows if row.action == "changed")
    assert (row.code, str(row.before["deadline"]), str(row.deadline)) == ("1.1", "2025-04-25", "2025-06-30")
    zambia_11.refresh_from_db()
    assert zambia_11.revision == 1  # a form opened before the import no longer saves over it
    assert data_version() != version


def test_who_may_import(seed_programme, seed_page, users):
    with pytest.raises(PermissionDenied):  # an officer of the programme
        outputs_import_page_preview(page=seed_page, code=SEED_CODE, user=users.officer_mw)
    with pytest.raises(PermissionDenied):  # a coordinator creating a programme
        outputs_import_page_preview(page=parse_page(ATLANTIS), code="ATL/1", user=users.coordinator)
    assert outputs_import_page_preview(page=seed_page, code=SEED_CODE, user=users.coordinator).unchanged == 63


def test_what_the_database_would_refuse_is_refused_first(seed_programme):
    long_title = parse_page(ATLANTIS.replace("A Programme", "A" * 301))
    with pytest.raises(ValidationError) as caught:
        outputs_import_page(page=long_title, code="ATL/1")
    assert "title" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        outputs_import_page(page=parse_page(ATLANTIS), code="glo.22.31.irl")  # the seed's web address
    assert "same web address" in caught.value.message_dict["code"][0]
    assert not Programme.objects.exclude(code=SEED_CODE).exists()


def test_an_output_the_page_no_longer_lists_is_kept_and_reported(seed_programme, seed_page_path):
    """Zambia lists 2.1 twice; a page listing it once leaves the other twin stored, and says so."""
    twin_a, twin_b = Output.objects.filter(outcome__programme=seed_programme, outcome__country__code="ZM",
                                           code="2.1").order_by("position")
    lines = seed_page_path.read_text(encoding="utf-8").splitlines()
    at = next(number for number, line in enumerate(lines) if line.endswith(twin_b.title))
    without_b = "\n".join(lines[: at - 1] + lines[at + 2:])  # its '-', its line and its deadline
    assert twin_a.title in without_b and twin_b.title not in without_b
    report = outputs_import_page(page=parse_page(without_b), code=SEED_CODE)
    assert (report.unchanged, [kept.title for kept in report.kept]) == (62, [twin_b.title])
    assert "Zambia Output 2.1 is no longer on the page; it was kept." in report.warnings
    assert Output.objects.filter(pk=twin_b.pk).exists()
