"""The conflict message names whose save came first: a person who saved the same output in another
tab is told so, not that someone else did."""

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.usefixtures("tmp_media")

MINE = "You saved a change to this output in another tab or window after you opened this form."
SOMEONE_ELSE = "Someone else saved a change to this output after you opened the form."


def _report(client, output, revision, narrative):
    return client.post(reverse("outputs:update", args=[output.pk]), {
        "status": "at_risk", "progress": "30", "narrative": narrative, "as_of": timezone.localdate().isoformat(),
        "links": "", "base_revision": str(revision), "save": "1",
    })


def test_officer_saving_from_two_tabs_is_told_the_other_save_was_their_own(users, malawi_output, client_for):
    officer = client_for(users.officer_mw)
    assert _report(officer, malawi_output, 0, "From the first tab.").status_code == 302
    refused = _report(officer, malawi_output, 0, "From the second tab.")
    html = refused.content.decode()
    assert refused.status_code == 200
    assert MINE in html and SOMEONE_ELSE not in html
    assert "From the second tab." in html  # the typed text is kept


def test_the_latest_save_decides_whose_it_was(users, malawi_output, client_for):
    """Saved first in another tab, then a colleague saved too: the colleague's is the change seen."""
    officer, colleague = client_for(users.officer_mw), client_for(users.officer_mw2)
    assert _report(officer, malawi_output, 0, "Mine, first.").status_code == 302
    assert _report(colleague, malawi_output, 1, "The colleague's, after.").status_code == 302
    html = _report(officer, malawi_output, 0, "Mine, from the old tab.").content.decode()
    assert SOMEONE_ELSE in html and MINE not in html


def test_coordinator_editing_in_two_tabs_is_told_the_other_edit_was_their_own(users, malawi_output, client_for):
    coordinator = client_for(users.coordinator)
    url = reverse("outputs:edit", args=[malawi_output.pk])
    revision = coordinator.get(url).context["form"]["base_revision"].value()
    edit = {"deadline": "2027-01-31", "reason": "", "base_revision": revision}
    assert coordinator.post(url, {**edit, "title": "First tab's wording"}).status_code == 302
    html = coordinator.post(url, {**edit, "title": "Second tab's wording"}).content.decode()
    assert "You changed this output in another tab or window after you opened this form." in html
    assert "Someone else changed this output" not in html
