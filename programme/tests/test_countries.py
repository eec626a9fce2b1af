import pytest

from programme.countries import (
    ILO_REGIONS,
    member_states,
    normalise_name,
    recognise_country,
)
from programme.models import Country, Region
from programme.services import country_resolve, region_table_load


def test_table_lists_every_ilo_member_state():
    states = member_states()
    assert len(states) == 187
    assert {state.region for state in states.values()} == set(ILO_REGIONS)
    counts = {region: sum(s.region == region for s in states.values()) for region in ILO_REGIONS}
    assert counts == {
        "Africa": 54,
        "Americas": 35,
        "Arab States": 11,
        "Asia and the Pacific": 36,
        "Europe and Central Asia": 51,
    }


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("VIET NAM", "VN"),
        ("Côte d'Ivoire", "CI"),
        ("Côte d’Ivoire", "CI"),
        ("Cote d'Ivoire", "CI"),
        ("Lao People's Democratic Republic", "LA"),
        ("Lao PDR", "LA"),
        ("United Republic of Tanzania", "TZ"),
        ("Tanzania", "TZ"),
        ("Tanzania, United Republic of", "TZ"),  # the ISO 3166 name
        ("Democratic Republic of the Congo", "CD"),
        ("Congo", "CG"),
        ("Malawi ", "MW"),
    ],
)
def test_recognise_country_variants(name, code):
    assert recognise_country(name).code == code


def test_unrecognised_name():
    assert recognise_country("Atlantis") is None


def test_non_member_iso_country_has_no_region():
    recognised = recognise_country("Andorra")
    assert recognised.code == "AD" and recognised.region is None


def test_normalise_name_folds_quotes_accents_and_case():
    assert normalise_name("Côte d’Ivoire") == normalise_name("COTE D'IVOIRE")


@pytest.mark.usefixtures("empty_database")
def test_region_table_load_is_idempotent():
    region_table_load()
    region_table_load()
    assert Region.objects.count() == 5
    assert Country.objects.filter(code__isnull=False).count() == 187
    assert Country.objects.get(code="MZ").region.name == "Africa"
    assert Country.objects.get(name="Global").slug == "global"


@pytest.mark.usefixtures("empty_database")
def test_country_resolve_reuses_rows():
    first = country_resolve("Viet Nam")
    second = country_resolve("Vietnam")
    assert first.created and not second.created
    assert first.country == second.country
    unknown = country_resolve("Atlantis")
    again = country_resolve("ATLANTIS")
    assert unknown.created and not again.created and unknown.warning
    assert Country.objects.filter(name__iexact="atlantis").count() == 1
