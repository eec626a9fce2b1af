"""The shipped fixtures load with loaddata and hold what the importer makes of the seed page."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from outputs.models import Output
from programme.models import Country, Outcome, Programme, Region

ROOT = Path(__file__).resolve().parents[2]


def test_seed_page_copy_matches_the_published_page():
    published = ROOT.parent / "shared" / "seeds" / "000_2c4c0ae2769c72c9.txt"
    if published.exists():  # the shared folder sits beside the project on developer machines and CI
        assert (ROOT / "fixtures" / "glo-22-31-irl-outputs.txt").read_bytes() == published.read_bytes()
    assert (ROOT / "fixtures" / "glo-22-31-irl-outputs.txt").stat().st_size > 10_000


def test_fixtures_load(seed_programme):
    assert Region.objects.count() == 5
    assert Country.objects.filter(code__isnull=False).count() == 187
    assert seed_programme.funding_partner == "Ireland"
    assert seed_programme.slug == "glo-22-31-irl"
    assert Output.objects.filter(outcome__programme=seed_programme).count() == 63
    assert Outcome.objects.filter(programme=seed_programme).count() == 5 * 3 + 1  # Global has outcome 4
    assert Output.objects.get(outcome__country__code="ZM", code="1.1").deadline == datetime.date(2025, 4, 25)


def test_fixtures_are_what_the_importer_makes(seed_programme, seed_page_path):
    """Regenerating the fixtures (make fixtures) from the page changes nothing."""
    from io import StringIO

    out = StringIO()
    call_command("import_outputs", str(seed_page_path), "--code", "GLO/22/31/IRL", "--partner", "Ireland",
                 stdout=out)
    assert "0 created, 0 updated, 63 unchanged" in out.getvalue()


@pytest.mark.usefixtures("empty_database")
def test_setup_demo_loads_once_and_keeps_data(capsys, monkeypatch, settings):
    """The empty start (DEMO_ACTIVITY=0): the published outputs alone, no demonstration activity
    (outputs/tests/test_demo_activity.py runs set-up with it)."""
    monkeypatch.setenv("DEMO_PASSWORD", "a-demo-password-1")
    settings.DEMO_ACTIVITY = False
    call_command("setup_demo", verbosity=0)
    assert Output.objects.count() == 63
    assert not Output.objects.filter(updates__isnull=False).exists()
    assert not Programme.objects.get().demo
    output = Output.objects.first()
    output.title = "Edited by a user"
    output.save()
    call_command("setup_demo", verbosity=0)
    output.refresh_from_db()
    assert output.title == "Edited by a user"
    assert Programme.objects.count() == 1
