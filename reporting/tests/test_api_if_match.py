"""A change refused with 412 says what is wrong with its If-Match: the output changed since the
revision it names, a weak tag (which never matches: If-Match compares strongly), or a tag that was
never this output's. Nothing is written in any case."""

import pytest
from rest_framework.test import APIClient

from outputs.models import StatusUpdate
from testing.workflow import save_update, seed_output

CHANGED = ("The output changed since you read it: it is now at revision 1. "
           "Read it again, check what changed, and retry with its new ETag.")
WEAK = ('A weak ETag (W/"1") is not accepted: a change compares ETags strongly. Send the ETag as the '
        'ETag header gave it, without W/, for example "1".')


def never(tag):
    return (f"{tag} was never an ETag of this output, which is at revision 1: send the ETag that a GET of "
            "the output, or of its update, gave you.")


@pytest.mark.parametrize("if_match, detail", [
    ('"0"', CHANGED),
    ('W/"1"', WEAK),
    ('W/"0"', CHANGED),  # weak, and of an earlier revision: that matters first
    ('"7"', never('"7"')),  # a revision the output has not reached
    ('"abc"', never('"abc"')),
    ('W/"1", "0"', CHANGED),  # an earlier revision among them: read again first
])
def test_each_refused_if_match_says_what_is_wrong(users, if_match, detail):
    output = seed_output("MW", "1.1")
    save_update(output, users.officer_mw, submit=False)  # revision 1
    client = APIClient()
    client.force_login(users.officer_mw2)
    refused = client.post(
        f"/api/outputs/{output.pk}/updates/", {"status": "off_track", "progress": 5, "narrative": "Mine."},
        format="json", headers={"If-Match": if_match})
    assert refused.status_code == 412
    assert refused.json() == {"detail": detail}
    assert StatusUpdate.objects.get().narrative == "Work is under way."
