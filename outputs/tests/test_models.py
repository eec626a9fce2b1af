
from outputs.models import Output, natural_sort_key


def test_natural_sort_key_orders_codes_naturally():
    codes = ["1.10", "1.2", "2.1", "1.1", "10.1", "1.9"]
    assert sorted(codes, key=natural_sort_key) == ["1.1", "1.2", "1.9", "1.10", "2.1", "10.1"]


def test_seed_outputs_are_in_natural_order(seed_programme):
    from programme.models import Outcome

    outcome = Outcome.objects.get(programme=seed_programme, country__name="Malawi", number=1)
    Output.objects.create(outcome=outcome, code="1.10", title="Tenth", deadline="2026-01-01", position=99)
    codes = list(
        Output.objects.filter(outcome=outcome).in_natural_order().values_list("code", flat=True)
    )
    assert codes == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.10"]


def test_repeated_code_annotation(seed_programme):
    flagged = Output.objects.with_repeated_code().filter(has_repeated_code=True)
    assert sorted((o.outcome.country.name, o.code) for o in flagged) == [("Zambia", "2.1"), ("Zambia", "2.1")]


def test_update_fields_with_code_keeps_sort_key(seed_programme):
    output = Output.objects.get(outcome__country__name="Global", code="4.2")
    output.code = "4.10"
    output.save(update_fields=["code"])
    assert Output.objects.filter(pk=output.pk, sort_key="00004.00010").exists()
