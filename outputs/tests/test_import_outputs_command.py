"""`manage.py import_outputs` on the published seed page and on generated pages."""

import datetime
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from outputs.models import Output
from programme.models import Country, Outcome, Programme

SEED_CODE = "GLO/22/31/IRL"
# The importer is tested on the database as migrations leave it, as on a first `make run`.
pytestmark = pytest.mark.usefixtures("empty_database")


def run_import(path, *args):
    from io import StringIO

    out = StringIO()
    call_command("import_outputs", str(path), *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Everything the importer may write, to prove a failed import wrote nothing."""
    return (
        list(Programme.objects.values_list("code", "title", "funding_partner")),
        list(Country.objects.values_list("name", "code", "region_id")),
        list(Outcome.objects.values_list("programme_id", "country_id", "number")),
        list(Output.objects.values_list("outcome_id", "code", "title", "deadline", "position")),
        Output.history.count(),
    )


@pytest.fixture
def imported_seed(db, seed_page_path):
    output = run_import(seed_page_path, "--code", SEED_CODE, "--partner", "Ireland")
    return output


def test_seed_components_and_counts(imported_seed):
    programme = Programme.objects.get(code=SEED_CODE)
    assert programme.slug == "glo-22-31-irl"
    assert programme.funding_partner == "Ireland"
    assert programme.title == "Accelerating the Achievement of Universal Social Protection to Leave No One Behind"
    counts = {
        name: Output.objects.filter(outcome__programme=programme, outcome__country__name=name).count()
        for name in ["Malawi", "Mozambique", "Viet Nam", "Zambia", "Global"]
    }
    assert counts == {"Malawi": 12, "Mozambique": 15, "Viet Nam": 11, "Zambia": 15, "Global": 10}
    assert Output.objects.count() == 63
    assert "63 created, 0 updated, 0 unchanged" in imported_seed


def test_seed_quirks(imported_seed):
    zambia_21 = Output.objects.filter(outcome__country__name="Zambia", code="2.1")
    assert zambia_21.count() == 2
    assert len(set(zambia_21.values_list("title", flat=True))) == 2
    assert "Zambia: code 2.1 is used by 2 different outputs" in imported_seed

    malawi_15 = Output.objects.get(outcome__country__name="Malawi", code="1.5")
    assert malawi_15.title.startswith("a costing and fiscal space analysis")
    assert malawi_15.outcome.number == 1

    assert Output.objects.get(outcome__country__name="Zambia", code="1.1").deadline == datetime.date(2025, 4, 25)
    other_deadlines = set(
        Output.objects.exclude(outcome__country__name="Zambia", code="1.1").values_list("deadline", flat=True)
    )
    assert other_deadlines == {datetime.date(2025, 12, 31)}

    viet_nam = Country.objects.get(name="Viet Nam")
    assert viet_nam.code == "VN" and viet_nam.region.name == "Asia and the Pacific"
    assert viet_nam.slug == "vn"
    global_component = Country.objects.get(name="Global")
    assert global_component.code is None and global_component.region is None
    assert global_component.slug == "global"
    assert Output.objects.get(outcome__country__name="Mozambique", code="1.7").title.startswith("MOZMOD")


def test_titles_have_no_output_prefix(imported_seed):
    assert not Output.objects.filter(title__istartswith="output").exists()
    assert not Output.objects.filter(title__startswith="–").exists()


def test_reimport_is_idempotent(imported_seed, seed_page_path):
    before = snapshot()
    output = run_import(seed_page_path, "--code", SEED_CODE, "--partner", "Ireland")
    assert snapshot() == before
    assert "0 created, 0 updated, 63 unchanged" in output
    assert "Nothing changed" in output


def test_reimport_without_code_finds_programme_by_title(imported_seed, seed_page_path):
    output = run_import(seed_page_path)
    assert "63 unchanged" in output


def test_updated_page_updates_in_place(imported_seed, seed_page_path, write_page):
    text = seed_page_path.read_text(encoding="utf-8")
    text = text.replace("25.04.2025", "30.06.2025", 1)
    text = text.replace("Output 1.2 - studies identifying", "Output 1.2 - Studies identifying", 1)
    ids_before = set(Output.objects.values_list("pk", flat=True))
    output = run_import(write_page(text), "--code", SEED_CODE)
    assert "0 created, 2 updated, 61 unchanged" in output
    assert set(Output.objects.values_list("pk", flat=True)) == ids_before
    assert Output.objects.get(outcome__country__name="Zambia", code="1.1").deadline == datetime.date(2025, 6, 30)
    malawi_12 = Output.objects.get(outcome__country__name="Malawi", code="1.2")
    assert malawi_12.title.startswith("Studies identifying")
    assert malawi_12.history.count() == 2  # created, then updated: the change is on record


def test_repeated_code_is_matched_on_text(imported_seed, seed_page_path, write_page):
    """Editing one of Zambia's two 2.1 outputs updates that one, not its twin."""
    twin_a, twin_b = Output.objects.filter(outcome__country__name="Zambia", code="2.1").order_by("position")
    text = seed_page_path.read_text(encoding="utf-8")
    new_text = text.replace(twin_b.title, twin_b.title + " (revised)")
    assert new_text != text
    output = run_import(write_page(new_text), "--code", SEED_CODE)
    assert "0 created, 1 updated, 62 unchanged" in output
    twin_a.refresh_from_db()
    twin_b.refresh_from_db()
    assert twin_b.title.endswith("(revised)")
    assert not twin_a.title.endswith("(revised)")


def test_second_programme_imports_beside_the_first(imported_seed, write_page):
    path = write_page("Another Programme\nOutputs\nVietnam\n-\nOutput 1.1 - Something else.\n31.12.2026\n")
    output = run_import(path, "--code", "VNM/24/01/EU", "--partner", "European Union")
    assert "1 created" in output
    assert Programme.objects.count() == 2
    assert Output.objects.count() == 64
    second = Programme.objects.get(code="VNM/24/01/EU")
    assert second.slug == "vnm-24-01-eu"
    # "Vietnam" is the same country row as the seed's "Viet Nam".
    assert Output.objects.get(outcome__programme=second).outcome.country.name == "Viet Nam"
    assert Country.objects.filter(code="VN").count() == 1


@pytest.mark.parametrize(
    ("heading", "code", "region"),
    [
        ("Côte d’Ivoire", "CI", "Africa"),
        ("Cote d'Ivoire", "CI", "Africa"),
        ("Lao PDR", "LA", "Asia and the Pacific"),
        ("Lao People’s Democratic Republic", "LA", "Asia and the Pacific"),
        ("Vietnam", "VN", "Asia and the Pacific"),
        ("Jordan", "JO", "Arab States"),
        ("Türkiye", "TR", "Europe and Central Asia"),
        ("Bolivia", "BO", "Americas"),
    ],
)
def test_country_variants(db, write_page, heading, code, region):
    run_import(write_page(f"P\nOutputs\n{heading}\n-\nOutput 1.1 - x\n31.12.2025\n"), "--code", "P/1")
    country = Output.objects.get().outcome.country
    assert (country.code, country.region.name) == (code, region)


def test_unknown_country_is_created_without_code_and_reported(db, write_page):
    output = run_import(write_page("P\nOutputs\nAtlantis\n-\nOutput 1.1 - x\n31.12.2025\n"), "--code", "P/1")
    country = Country.objects.get(name="Atlantis")
    assert country.code is None and country.region is None
    assert "Warning: line 3: 'Atlantis' is not a recognised country name" in output


def test_progress_and_summary_are_printed(imported_seed):
    assert "63/63 outputs (100%)" in imported_seed
    assert "Malawi: 12 outputs" in imported_seed


FAILING_PAGES = {
    "impossible date": ("P\nOutputs\nMalawi\n-\nOutput 1.1 - x\n31.12.2025\n-\nOutput 1.2 - y\n31.09.2026\n",
                        "line 9", "not a real date"),
    "missing date": ("P\nOutputs\nMalawi\n-\nOutput 1.1 - x\n-\nOutput 1.2 - y\n31.12.2025\n",
                     "line 6", "expected the deadline of Output 1.1"),
    "unknown shape": ("P\nOutputs\nMalawi\n-\nOutput 1.1 - x\n31.12.2025\n#### 42\n", "line 7", "unknown shape"),
    "not utf-8": (b"P\nOutputs\nMalawi\n-\nOutput 1.1 - caf\xe9\n31.12.2025\n", "line 5", "not UTF-8"),
}


@pytest.mark.parametrize("case", FAILING_PAGES)
def test_bad_input_writes_nothing(imported_seed, write_page, case):
    content, line, expected = FAILING_PAGES[case]
    before = snapshot()
    with pytest.raises(CommandError) as caught:
        run_import(write_page(content), "--code", SEED_CODE)
    assert line in str(caught.value) and expected in str(caught.value)
    assert "Nothing was imported" in str(caught.value)
    assert snapshot() == before


def test_failure_in_the_middle_of_writing_rolls_back(imported_seed, write_page, monkeypatch):
    """A failure after some rows were written (here: a database error on the 3rd output) leaves nothing."""
    from outputs.services import page_import

    before = snapshot()
    calls = {"count": 0}
    real = page_import.outcome_get_or_create

    def failing(**kwargs):
        calls["count"] += 1
        if calls["count"] == 3:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(page_import, "outcome_get_or_create", failing)
    path = write_page("P\nOutputs\nGhana\n-\nOutput 1.1 - a\n31.12.2025\n-\nOutput 1.2 - b\n31.12.2025\n"
                      "-\nOutput 1.3 - c\n31.12.2025\n")
    with pytest.raises(RuntimeError):
        run_import(path, "--code", "NEW/1")
    assert snapshot() == before


def test_new_programme_without_code_is_refused(db, write_page):
    with pytest.raises(CommandError, match="Give its code with --code"):
        run_import(write_page("P\nOutputs\nMalawi\n-\nOutput 1.1 - x\n31.12.2025\n"))
    assert not Programme.objects.exists()


def test_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        run_import(tmp_path / "nope.txt", "--code", "X/1")


def test_exit_status_is_non_zero_on_bad_input(write_page):
    path = write_page("P\nOutputs\nMalawi\n-\nOutput 1.1 - x\n31.09.2026\n")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_outputs", str(path), "--code", "X/1"],
        capture_output=True, text=True, env={"DJANGO_SETTINGS_MODULE": "config.settings",
                                              "DATABASE_URL": f"sqlite:///{path.parent / 'cli.sqlite3'}",
                                              "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 1
    assert "line 6" in result.stderr and "not a real date" in result.stderr
