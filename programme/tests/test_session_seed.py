"""The suite's seed (testing/seed.py): loaded once per session, found again after a flush."""

import pytest
from django.core.management import call_command

from outputs.models import Output
from testing.seed import DEMO_PASSWORD


@pytest.mark.django_db(transaction=True)
def test_the_seed_is_loaded_again_after_a_flush(request):
    call_command("flush", interactive=False, verbosity=0)  # as pytest-django does after a transactional test
    programme = request.getfixturevalue("seed_programme")
    users = request.getfixturevalue("users")
    assert Output.objects.filter(outcome__programme=programme).count() == 63
    assert users.officer_mw.check_password(DEMO_PASSWORD) and users.officer_mw2.check_password(DEMO_PASSWORD)
    assert users.officer_mw.access_grants.get().country.code == "MW"
