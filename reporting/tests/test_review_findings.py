"""Regressions found in review: control characters in exports, review data in the API, history revert."""

import io

import openpyxl
from lxml import etree

from outputs.models import ReviewState, StatusUpdate
from outputs.services.output_edits import output_edit
from outputs.services.updates import status_update_return, status_update_save
from testing.exports import IATI_SCHEMA
from testing.workflow import approve, save_update, seed_output


def test_control_characters_never_break_xlsx_or_iati(users, client_for):
    output = seed_output("MW", "1.3")
    update = save_update(output, users.officer_mw, status="at_risk", narrative="Pasted from Word:\x0b budget\x07 delayed")
    assert update.narrative == "Pasted from Word: budget delayed"  # stripped on the way in
    StatusUpdate.objects.filter(pk=update.pk).update(narrative="Stored before the fix:\x0b\x1f text")
    approve(update, users.coordinator)
    donor = client_for(users.donor)
    response = donor.get("/programmes/glo-22-31-irl/exports/outputs.xlsx", {"q": "\x00", "utm": "\x1b"})
    assert response.status_code == 400 and b"Null characters are not allowed" in response.content  # said, not a 500
    xlsx = donor.get("/programmes/glo-22-31-irl/exports/outputs.xlsx", {"country": "mw"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))["Outputs"]
    assert "Stored before the fix: text" in [cell.value for cell in sheet[4]]
    iati = donor.get("/programmes/glo-22-31-irl/exports/iati.xml")
    assert iati.status_code == 200
    etree.XMLSchema(etree.parse(str(IATI_SCHEMA))).assertValid(etree.fromstring(iati.content))


def test_odd_digits_in_filters_are_not_errors(users, client_for):
    assert client_for(users.officer_mw).get("/my-outputs/", {"outcome": "²"}).status_code == 200


def test_donors_get_no_review_trail_from_the_api(users, client_for):
    output = seed_output("MW", "1.3")
    update = save_update(output, users.officer_mw)
    output.refresh_from_db()
    status_update_return(update=update, user=users.coordinator, reason="CONFIDENTIAL: check the figures")
    save_update(output, users.officer_mw)
    approve(StatusUpdate.objects.get(pk=update.pk), users.coordinator)
    donor = client_for(users.donor)
    for url in (f"/api/outputs/{output.pk}/updates/", f"/api/updates/{update.pk}/"):
        body = donor.get(url).content.decode()
        assert "CONFIDENTIAL" not in body and "returned" not in body
        assert '"approved"' in body
    coordinator = client_for(users.coordinator).get(f"/api/updates/{update.pk}/").json()
    assert [event["action"] for event in coordinator["events"]] == ["submitted", "returned", "submitted", "approved"]


def test_racing_saves_without_a_revision_keep_one_open_update(users):
    """Two saves that loaded the output before either wrote (e.g. two API calls without base_revision)."""
    first_copy = seed_output("MW", "1.3")
    second_copy = seed_output("MW", "1.3")
    status_update_save(output=first_copy, user=users.officer_mw, base_revision=None, status="on_track",
                                progress=10, submit=True)
    status_update_save(output=second_copy, user=users.officer_mw2, base_revision=None, status="on_track",
                                progress=20, submit=True)
    open_updates = StatusUpdate.objects.filter(output=first_copy).exclude(review_state=ReviewState.APPROVED)
    assert open_updates.count() == 1
    assert open_updates.get().progress == 20


def test_history_cannot_be_reverted_in_the_admin(users, client_for):
    output = seed_output("MW", "1.3")
    update = approve(save_update(output, users.officer_mw), users.coordinator)
    first_version = update.history.earliest("history_date")
    admin = client_for(users.admin)
    admin.post(f"/admin/outputs/statusupdate/{update.pk}/history/{first_version.history_id}/", {})
    update.refresh_from_db()
    assert update.review_state == ReviewState.APPROVED and update.reviewed_at is not None


def test_output_history_cannot_be_reverted_either(users, client_for):
    output = seed_output("MW", "1.3")
    output_edit(output=output, user=users.coordinator, title="Edited text")
    first_version = output.history.earliest("history_date")
    response = client_for(users.admin).post(
        f"/admin/outputs/output/{output.pk}/history/{first_version.history_id}/",
        {"outcome": output.outcome_id, "code": "9.9", "title": "Reverted", "deadline": "2030-01-01", "position": 1},
    )
    assert response.status_code == 403
    output.refresh_from_db()
    assert output.title == "Edited text"
