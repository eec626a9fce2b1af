"""The suite's seed (testing/seed.py): loaded once per session, found again after a flush, put back
from its snapshot."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from outputs.models import Output, StatusUpdate
from testing.seed import DEMO_PASSWORD, SNAPSHOT
from testing.workflow import save_update, seed_output


@pytest.mark.django_db(transaction=True)
def test_the_seed_is_loaded_again_after_a_flush(request):
    call_command("flush", interactive=False, verbosity=0)  # as pytest-django does after a transactional test
    programme = request.getfixturevalue("seed_programme")
    users = request.getfixturevalue("users")
    assert Output.objects.filter(outcome__programme=programme).count() == 63
    assert users.officer_mw.check_password(DEMO_PASSWORD) and users.officer_mw2.check_password(DEMO_PASSWORD)
    assert users.officer_mw.access_grants.get().country.code == "MW"


@pytest.mark.django_db(transaction=True)
def test_the_snapshot_puts_the_seed_back_as_it_was(users):
    save_update(seed_output("MW", "1.1"), users.officer_mw)  # committed, as a transactional test's writes are
    call_command("flush", interactive=False, verbosity=0)
    assert not Output.objects.exists()
    SNAPSHOT.restore()
    assert Output.objects.count() == 63 and not StatusUpdate.objects.exists()
    officer = type(users.officer_mw).objects.get(username="officer-mw")
    assert officer.check_password(DEMO_PASSWORD) and officer.access_grants.get().country.code == "MW"
    # The content types are those the permissions name again, as the flush's post_migrate had made others.
    assert Permission.objects.get(codename="change_output").content_type.model_class() is Output
    assert officer.has_perm("outputs.view_output") is False
