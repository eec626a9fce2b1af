"""Officers are e-mailed when an update of their country is approved or returned: by the task
worker, in each officer's language, with an absolute link, once, and only after the review is
committed. Each person can switch these e-mails off on their notification settings page."""

import re
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.services import user_language_set
from outputs import notifications
from outputs.models import NotificationPreference, ReviewEvent
from outputs.services.updates import status_update_return
from outputs.tasks import send_review_outcome
from testing.workers import run_together, run_worker
from testing.workflow import approve, save_update, seed_output


def _return(update, coordinator, reason):
    update.output.refresh_from_db()
    return status_update_return(
        update=update, user=coordinator, reason=reason, base_revision=update.output.revision
    )


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_a_returned_update_is_mailed_by_the_worker_to_the_countrys_officers_once(users, mailoutbox, settings):
    settings.SITE_URL = "https://tracker.example.org"
    user_language_set(user=users.officer_mw, language="fr")
    output = seed_output("MW", "1.1")
    update = _return(save_update(output, users.officer_mw2), users.coordinator, "Attach the workshop report.")
    assert mailoutbox == []  # the review only queues the e-mail

    run_worker()
    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert set(by_recipient) == {users.officer_mw.email, users.officer_mw2.email}  # Malawi's officers only
    french = by_recipient[users.officer_mw.email]
    assert french.subject == "Suivi des produits : mise à jour renvoyée pour modification – Malawi, Produit 1.1"
    assert "Claire Coordinator a renvoyé cette mise à jour pour modification" in french.body
    assert "Motif :\nAttach the workshop report." in french.body
    assert f"https://tracker.example.org/outputs/{output.pk}/update/" in french.body
    assert "https://tracker.example.org/accounts/notifications/" in french.body
    english = by_recipient[users.officer_mw2.email]
    assert english.subject == "Output tracker: update returned for changes – Malawi, Output 1.1"
    assert "Reason:\nAttach the workshop report." in english.body and "Hello Tiyamike Phiri," in english.body

    # The same task run again (a retry, a second worker) finds both e-mails recorded.
    event = ReviewEvent.objects.get(update=update, action=ReviewEvent.Action.RETURNED)
    again = send_review_outcome.enqueue(event_id=event.pk)
    run_worker()
    assert len(mailoutbox) == 2
    result = send_review_outcome.get_result(again.id)
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == {"emails": 0}


def test_an_approval_is_queued_on_commit_and_tells_the_officers_what_was_approved(
    users, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://tracker.example.org"
    user_language_set(user=users.officer_mw2, language="pt")
    output = seed_output("MW", "1.2")
    update = save_update(output, users.officer_mw, status="achieved", progress=100)
    with django_capture_on_commit_callbacks() as queued:
        approve(update, users.coordinator)
    assert not DBTaskResult.objects.filter(task_path="outputs.tasks.send_review_outcome").exists()
    for callback in queued:
        callback()  # the commit: the e-mail task is queued on the database backend
    (task,) = DBTaskResult.objects.filter(task_path="outputs.tasks.send_review_outcome")
    event = ReviewEvent.objects.get(update=update, action=ReviewEvent.Action.APPROVED)
    assert task.args_kwargs["kwargs"] == {"event_id": event.pk}

    assert send_review_outcome.call(event_id=event.pk) == {"emails": 2}
    by_recipient = {message.to[0]: message for message in mailoutbox}
    english = by_recipient[users.officer_mw.email]
    assert english.subject == "Output tracker: update approved – Malawi, Output 1.2"
    assert "Claire Coordinator approved this update:" in english.body
    assert "Status: Achieved, 100%" in english.body and "reported by Chikondi Banda" in english.body
    assert f"https://tracker.example.org/outputs/{output.pk}/\n" in english.body
    portuguese = by_recipient[users.officer_mw2.email]
    assert portuguese.subject == "Acompanhamento de produtos: atualização aprovada – Malawi, Produto 1.2"
    assert "Estado: Alcançado, 100%" in portuguese.body
    assert "Reason" not in english.body


def test_a_review_rolled_back_queues_and_sends_nothing(users, mailoutbox, django_capture_on_commit_callbacks):
    update = save_update(seed_output("MW", "1.3"), users.officer_mw)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        with pytest.raises(RuntimeError), transaction.atomic():
            _return(update, users.coordinator, "Wrong figures.")
            raise RuntimeError("the request failed after the review")
    assert queued == []
    assert not DBTaskResult.objects.filter(task_path="outputs.tasks.send_review_outcome").exists()
    assert not ReviewEvent.objects.filter(update=update, action=ReviewEvent.Action.RETURNED).exists()
    assert mailoutbox == []


def test_an_officer_who_switched_them_off_gets_none(users, mailoutbox):
    NotificationPreference.objects.create(user=users.officer_mw2, review_outcomes=False)
    update = _return(save_update(seed_output("MW", "1.1"), users.officer_mw), users.coordinator, "Too vague.")
    event = ReviewEvent.objects.get(update=update, action=ReviewEvent.Action.RETURNED)
    assert send_review_outcome.call(event_id=event.pk) == {"emails": 1}
    assert [message.to for message in mailoutbox] == [[users.officer_mw.email]]


def test_the_settings_page_offers_each_person_the_kinds_that_concern_them(users, client_for):
    url = reverse("outputs:notification_settings")
    officer_page = client_for(users.officer_mw).get(url).content.decode()
    assert 'name="review_outcomes"' in officer_page and 'name="review_digest"' not in officer_page
    assert re.search(r'<input type="checkbox" name="review_outcomes"[^>]* checked', officer_page)  # on until switched off
    coordinator_page = client_for(users.coordinator).get(url).content.decode()
    assert 'name="review_digest"' in coordinator_page and 'name="review_outcomes"' not in coordinator_page
    donor_page = client_for(users.donor).get(url).content.decode()
    assert "You hold neither role" in donor_page and "<form method=\"post\" class=\"form\">" not in donor_page
    assert client_for(None).get(url).status_code == 302  # to the login page
    # Linked from the header's user menu.
    assert f'href="{url}"' in client_for(users.officer_mw).get(reverse("outputs:my_outputs")).content.decode()


def test_switching_off_is_saved_with_csrf_and_in_the_persons_language(users, client_for):
    from django.test import Client

    url = reverse("outputs:notification_settings")
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(users.officer_mw)
    assert guarded.post(url, {}).status_code == 403  # no CSRF token
    assert not NotificationPreference.objects.filter(user=users.officer_mw).exists()

    client = client_for(users.officer_mw)
    response = client.post(url, {}, follow=True, HTTP_ACCEPT_LANGUAGE="fr")  # the box unticked
    assert response.redirect_chain == [(url, 302)]
    assert NotificationPreference.objects.get(user=users.officer_mw).review_outcomes is False
    assert "Vos préférences de notification sont enregistrées." in response.content.decode()
    assert client.post(url, {"review_outcomes": "on"}).status_code == 302
    assert NotificationPreference.objects.get(user=users.officer_mw).review_outcomes is True
    # A field the person has no say in (they are no coordinator) is ignored.
    client.post(url, {"review_outcomes": "on", "review_digest": ""})
    assert NotificationPreference.objects.get(user=users.officer_mw).review_digest is True
    assert client.put(url).status_code == 405


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time: PostgreSQL shows row locks")
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_same_task_at_once_send_each_email_once(users, mailoutbox, monkeypatch):
    """Each send is slowed, so the other worker, going through the same officers in the same order,
    reaches the first officer's record while it is claimed and not yet committed: it waits on the
    row, finds it taken, and sends nothing for that officer."""
    update = _return(save_update(seed_output("MW", "1.1"), users.officer_mw), users.coordinator, "Too vague.")
    event = ReviewEvent.objects.get(update=update, action=ReviewEvent.Action.RETURNED)
    original, runs = notifications.send_mail, []

    def slow_send(**message):
        original(**message)
        time.sleep(0.5)

    def worker():
        started = time.monotonic()
        result = send_review_outcome.call(event_id=event.pk)
        runs.append((started, time.monotonic()))
        return result

    monkeypatch.setattr(notifications, "send_mail", slow_send)
    results = run_together({"a": worker, "b": worker})

    assert sorted(message.to[0] for message in mailoutbox) == sorted([users.officer_mw.email, users.officer_mw2.email])
    assert sum(result["emails"] for result in results.values()) == 2
    (_, first_end), (second_start, _) = sorted(runs)
    assert second_start < first_end  # the two workers ran at the same time
