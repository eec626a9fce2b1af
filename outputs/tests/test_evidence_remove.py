"""An officer removes evidence files and links from their country's draft: a POST with the page's
revision, the removal recorded as an edit of the update, the file gone from storage once committed."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outputs.models import Evidence, ReviewEvent, ReviewState
from testing.files import pdf_bytes
from testing.pages import messages_of
from testing.workflow import approve, save_update

pytestmark = pytest.mark.usefixtures("tmp_media")


@pytest.fixture
def draft(users, malawi_output):
    """Malawi 1.1's draft with a PDF and a link."""
    return save_update(malawi_output, users.officer_mw, submit=False, links=["https://example.org/minutes"],
                       files=[SimpleUploadedFile("minutes.pdf", pdf_bytes("Minutes"), content_type="application/pdf")])


def _items(update):
    pdf = update.evidence.get(original_name="minutes.pdf")
    link = update.evidence.get(url="https://example.org/minutes")
    return pdf, link


def _remove(client, evidence, revision):
    """The Remove button beside ``evidence`` on its output's update form (nothing typed)."""
    url = reverse("outputs:update", args=[evidence.update.output_id])
    return client.post(url, {"remove_evidence": evidence.pk, **({} if revision is None else {"base_revision": revision})})


def test_officer_removes_a_file_and_a_link_from_their_draft(users, draft, client_for, tmp_media,
                                                            django_capture_on_commit_callbacks):
    pdf, link = _items(draft)
    stored = tmp_media / pdf.file.name
    assert stored.is_file()
    officer = client_for(users.officer_mw2)  # a colleague of the same country may tidy the draft too
    form = officer.get(reverse("outputs:update", args=[draft.output_id]))
    html = form.content.decode()
    assert html.count('name="remove_evidence"') == 2 and 'class="visually-hidden"> minutes.pdf</span>' in html
    revision = form.context["form"]["base_revision"].value()

    with django_capture_on_commit_callbacks(execute=True):
        response = _remove(officer, pdf, revision)
    assert response.status_code == 200 and response.request["PATH_INFO"] == reverse("outputs:update", args=[draft.output_id])
    assert not stored.exists(), "the file leaves storage with its row"
    assert list(draft.evidence.all()) == [link]
    event = ReviewEvent.objects.filter(update=draft).last()
    assert (event.action, event.actor, event.from_state, event.to_state, event.reason) == (
        "edited", users.officer_mw2, "draft", "draft", "Evidence removed: minutes.pdf")
    draft.refresh_from_db()
    assert (draft.last_edited_by, draft.review_state) == (users.officer_mw2, ReviewState.DRAFT)

    assert "Removed from the draft: minutes.pdf" in messages_of(response)
    assert _remove(officer, link, response.context["form"]["base_revision"].value()).status_code == 200
    assert not Evidence.objects.exists()
    assert ReviewEvent.objects.filter(update=draft).last().reason == "Evidence removed: https://example.org/minutes"


def test_a_page_loaded_before_another_save_removes_nothing(users, draft, client_for, tmp_media):
    pdf, _link = _items(draft)
    officer = client_for(users.officer_mw)
    stale = officer.get(reverse("outputs:update", args=[draft.output_id])).context["form"]["base_revision"].value()
    save_update(draft.output, users.officer_mw2, submit=False, narrative="A colleague's edit.")
    response = _remove(officer, pdf, stale)
    assert response.status_code == 200
    assert "nothing was removed" in messages_of(response)[0]
    assert draft.evidence.count() == 2 and (tmp_media / pdf.file.name).is_file()
    again = _remove(officer, pdf, stale)  # the same stale page cannot remove it on a second try either
    assert draft.evidence.count() == 2 and "nothing was removed" in messages_of(again)[0]


def test_only_open_drafts_lose_evidence(users, draft, client_for, tmp_media):
    pdf, _link = _items(draft)
    submitted = save_update(draft.output, users.officer_mw, submit=True)
    officer = client_for(users.officer_mw)
    form = officer.get(reverse("outputs:update", args=[draft.output_id]))
    assert 'name="remove_evidence"' not in form.content.decode()  # under review: no buttons
    response = _remove(officer, pdf, form.context["form"]["base_revision"].value())
    assert messages_of(response) == ["Evidence can be removed from a draft only; this update is submitted for review."]

    approve(submitted, users.coordinator)
    submitted.output.refresh_from_db()
    _remove(officer, pdf, submitted.output.revision)
    # Approved evidence is public in the programme: another country's officer sees it, removes nothing.
    assert _remove(client_for(users.officer_mz), pdf, submitted.output.revision).status_code == 403
    assert submitted.evidence.count() == 2 and (tmp_media / pdf.file.name).is_file()


@pytest.mark.parametrize("who, status", [
    ("officer_mz", 403),  # officers of Malawi only report on (and tidy) its outputs' updates
    ("coordinator", 403),
    ("donor", 403),
    ("anon", 302),  # to the login page
])
def test_nobody_else_removes_evidence(users, draft, client_for, who, status):
    pdf, _link = _items(draft)
    draft.output.refresh_from_db()
    assert _remove(client_for(getattr(users, who)), pdf, draft.output.revision).status_code == status
    assert draft.evidence.count() == 2


def test_removal_is_a_post_with_the_csrf_token(users, draft):
    pdf, _link = _items(draft)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users.officer_mw)
    url = reverse("outputs:update", args=[draft.output_id])
    assert browser.post(url, {"remove_evidence": pdf.pk, "base_revision": 1}).status_code == 403
    assert draft.evidence.count() == 2


def test_a_removal_without_the_pages_revision_removes_nothing(users, draft, client_for):
    pdf, _link = _items(draft)
    response = _remove(client_for(users.officer_mw), pdf, None)
    assert response.status_code == 200
    assert "nothing was removed" in " ".join(messages_of(response))
    assert draft.evidence.count() == 2


# --- From the update form: what was typed and not yet saved stays -----------------------------


def _typed(revision, **extra):
    return {"status": "at_risk", "progress": "55", "narrative": "Typed, not saved yet.",
            "as_of": timezone.localdate().isoformat(), "links": "https://example.org/agenda",
            "base_revision": revision, **extra}


def test_a_remove_button_of_the_form_keeps_what_was_typed(users, draft, client_for, django_capture_on_commit_callbacks):
    pdf, link = _items(draft)
    officer = client_for(users.officer_mw)
    url = reverse("outputs:update", args=[draft.output_id])
    page = officer.get(url)
    # Enter in a field still sends the form's first button, the hidden "Submit for review", not a Remove.
    first_button = re.search(r'<form method="post" enctype="multipart/form-data".*?(<button[^>]*>)', page.content.decode(), re.S)
    assert 'name="submit"' in first_button.group(1)

    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(url, _typed(page.context["form"]["base_revision"].value(), remove_evidence=pdf.pk))

    assert response.status_code == 200
    assert list(draft.evidence.all()) == [link]
    assert messages_of(response) == ["Removed from the draft: minutes.pdf"]
    form = response.context["form"]
    assert [form[name].value() for name in ("status", "progress", "narrative", "links")] == [
        "at_risk", "55", "Typed, not saved yet.", "https://example.org/agenda"]
    assert "Typed, not saved yet." in response.content.decode() and not form.errors
    draft.refresh_from_db()
    assert draft.narrative == "Work is under way."  # nothing typed was saved by the removal
    # The form comes back at the removal's revision: saving the kept text is no conflict.
    saved = officer.post(url, _typed(form["base_revision"].value(), save="1"))
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert (draft.narrative, draft.progress, draft.status) == ("Typed, not saved yet.", 55, "at_risk")


def test_a_remove_button_on_a_stale_page_removes_nothing_and_keeps_the_text(users, draft, client_for):
    pdf, _link = _items(draft)
    officer = client_for(users.officer_mw)
    url = reverse("outputs:update", args=[draft.output_id])
    stale = officer.get(url).context["form"]["base_revision"].value()
    save_update(draft.output, users.officer_mw2, submit=False, narrative="A colleague's edit.")

    response = officer.post(url, _typed(stale, remove_evidence=pdf.pk))
    assert response.status_code == 200 and "nothing was removed" in messages_of(response)[0]
    assert draft.evidence.count() == 2
    assert response.context["form"]["narrative"].value() == "Typed, not saved yet."
    # Still the page's revision: saving now shows the colleague's change instead of overwriting it.
    assert response.context["form"]["base_revision"].value() == stale
    assert officer.post(url, _typed(stale, save="1")).status_code == 200
    draft.refresh_from_db()
    assert draft.narrative == "A colleague's edit."
