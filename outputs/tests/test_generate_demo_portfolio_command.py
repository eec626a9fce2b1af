from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from outputs.models import Output, ReviewEvent, ReviewState, StatusUpdate
from programme.models import AccessGrant, Programme


def generate(**kwargs):
    out = StringIO()
    call_command("generate_demo_portfolio", stdout=out, **kwargs)
    return out.getvalue()


@pytest.mark.django_db
def test_sizes_and_consistency():
    output = generate(countries=3, outputs_per_country=10, updates_per_output=4, seed=5)
    assert "Generated DEMO/3x10x4/5" in output
    programme = Programme.objects.get(code="DEMO/3x10x4/5")
    outputs = Output.objects.filter(outcome__programme=programme)
    assert outputs.count() == 30
    assert StatusUpdate.objects.filter(output__outcome__programme=programme).count() == 120
    assert ReviewEvent.objects.filter(programme=programme).count() == 120
    assert Output.history.filter(id__in=outputs.values("pk")).count() == 30
    assert AccessGrant.objects.filter(programme=programme).count() == 4  # a coordinator and 3 officers
    for output in outputs.select_related("reported_update", "pending_update"):
        approved = output.updates.filter(review_state=ReviewState.APPROVED).order_by("-as_of").first()
        assert output.reported_update == approved
        if output.pending_update:
            assert output.pending_update.review_state == ReviewState.SUBMITTED


@pytest.mark.django_db
def test_deterministic_from_the_seed():
    def snapshot(code):
        return list(
            Output.objects.filter(outcome__programme__code=code)
            .order_by("position")
            .values_list("outcome__country__code", "code", "title", "deadline", "reported_update__status")
        )

    generate(countries=2, outputs_per_country=6, updates_per_output=3, seed=9, code="A/1")
    generate(countries=2, outputs_per_country=6, updates_per_output=3, seed=9, code="A/2")
    generate(countries=2, outputs_per_country=6, updates_per_output=3, seed=10, code="A/3")
    assert snapshot("A/1") == snapshot("A/2")
    assert snapshot("A/1") != snapshot("A/3")


@pytest.mark.usefixtures("empty_database")
def test_bad_sizes_are_refused():
    with pytest.raises(CommandError, match="at least 1"):
        generate(countries=0, outputs_per_country=10, updates_per_output=1)
    assert not Programme.objects.exists()
