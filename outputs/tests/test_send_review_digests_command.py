"""Coordinators get at most one e-mail a day listing the updates submitted for review since their
last one, from REVIEW_DIGEST_HOUR (local time) on, in their language, unless they switched it off."""

import datetime
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus

from core.services import user_language_set
from outputs.models import NotificationPreference, ReviewDigest, StatusUpdate
from outputs.notifications import review_digests_send
from outputs.tasks import send_review_digests
from programme.models import AccessGrant, Programme, Role
from testing.workers import run_worker
from testing.workflow import save_update, seed_output

DAY = datetime.date(2026, 3, 10)


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def submitted(country, code, officer, when=None):
    update = save_update(seed_output(country, code), officer)
    if when is not None:
        StatusUpdate.objects.filter(pk=update.pk).update(submitted_at=when)
    return update


@pytest.fixture
def french_coordinator(seed_programme):
    user = get_user_model().objects.create_user(
        "coordinator-fr", email="coordinator-fr@example.org", first_name="Camille", last_name="Martin"
    )
    AccessGrant.objects.create(user=user, programme=Programme.objects.get(code="GLO/22/31/IRL"), role=Role.COORDINATOR)
    user_language_set(user=user, language="fr")
    return user


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_the_command_queues_the_digests_and_the_worker_sends_each_coordinator_one(users, mailoutbox, settings):
    settings.SITE_URL = "https://tracker.example.org"
    settings.REVIEW_DIGEST_HOUR = 0  # whatever the hour the test runs at
    malawi = submitted("MW", "1.1", users.officer_mw)
    submitted("VN", "1.1", users.officer_vn)
    save_update(seed_output("ZM", "1.1"), users.officer_zm, submit=False)  # a draft: not for review

    out = io.StringIO()
    call_command("send_review_digests", stdout=out)
    queued = re.fullmatch(r"Review digests queued for the task worker \(task ([0-9a-f-]{36})\)\.\n", out.getvalue())
    assert queued, out.getvalue()
    assert mailoutbox == []
    run_worker()
    assert [message.to for message in mailoutbox] == [[users.coordinator.email]]
    digest = mailoutbox[0]
    assert digest.subject == "Output tracker: 2 updates submitted for review"
    assert "Malawi, Output 1.1" in digest.body and "Viet Nam, Output 1.1" in digest.body
    assert "Zambia" not in digest.body
    assert "submitted by Chikondi Banda on" in digest.body
    assert f"https://tracker.example.org/outputs/{malawi.output_id}/" in digest.body
    assert "https://tracker.example.org/reviews/" in digest.body
    result = send_review_digests.get_result(queued.group(1))
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == {"emails": 1, "updates": 2}

    # Run again the same day (a retry, the next hour's cron): nothing more.
    call_command("send_review_digests", stdout=io.StringIO())
    run_worker()
    assert len(mailoutbox) == 1


def test_at_most_one_digest_a_day_from_the_hour_on(users, french_coordinator, mailoutbox, settings):
    settings.REVIEW_DIGEST_HOUR = 7
    first = submitted("MW", "1.1", users.officer_mw, when=at(DAY - timedelta(days=1), 16))
    assert review_digests_send(now=at(DAY, 6, 59)) == (0, 0)  # before the hour
    assert mailoutbox == [] and not ReviewDigest.objects.exists()

    assert review_digests_send(now=at(DAY, 7, 17)) == (2, 2)
    by_recipient = {message.to[0]: message for message in mailoutbox}
    french = by_recipient["coordinator-fr@example.org"]
    assert french.subject == "Suivi des produits : 1 mise à jour soumise pour revue"
    assert "Cette mise à jour a été soumise depuis le" in french.body and "Malawi, Produit 1.1" in french.body
    assert "Bonjour Camille Martin," in french.body
    assert by_recipient[users.coordinator.email].subject == "Output tracker: 1 update submitted for review"

    # Submitted after the day's digest: it waits for tomorrow's, however often the command runs.
    later = submitted("MZ", "1.1", users.officer_mz, when=at(DAY, 9))
    assert review_digests_send(now=at(DAY, 10, 17)) == (0, 0)
    assert review_digests_send(now=at(DAY, 23, 17)) == (0, 0)
    assert len(mailoutbox) == 2

    assert review_digests_send(now=at(DAY + timedelta(days=1), 7, 17)) == (2, 2)
    tomorrow = {message.to[0]: message.body for message in mailoutbox[2:]}
    assert f"/outputs/{later.output_id}/" in tomorrow[users.coordinator.email]
    assert "Mozambique, Produit 1.1" in tomorrow["coordinator-fr@example.org"]
    # Each lists only what came since its last digest: Malawi was in yesterday's.
    assert not any(f"/outputs/{first.output_id}/" in body for body in tomorrow.values())


def test_reviewed_updates_and_quiet_days_send_nothing(users, mailoutbox, settings):
    settings.REVIEW_DIGEST_HOUR = 7
    update = submitted("MW", "1.1", users.officer_mw, when=at(DAY, 6))
    StatusUpdate.objects.filter(pk=update.pk).update(review_state="approved")  # reviewed before the digest
    assert review_digests_send(now=at(DAY, 8)) == (0, 0)
    assert mailoutbox == []
    # The quiet day is recorded: the next digest starts where it ended.
    assert ReviewDigest.objects.get(user=users.coordinator, day=DAY).up_to == at(DAY, 8)
    submitted("VN", "1.1", users.officer_vn, when=at(DAY, 9))
    assert review_digests_send(now=at(DAY + timedelta(days=1), 8)) == (1, 1)


def test_a_coordinator_who_switched_it_off_gets_none(users, french_coordinator, mailoutbox, settings):
    settings.REVIEW_DIGEST_HOUR = 7
    NotificationPreference.objects.create(user=users.coordinator, review_digest=False)
    submitted("MW", "1.1", users.officer_mw, when=at(DAY, 6))
    assert review_digests_send(now=at(DAY, 8)) == (1, 1)
    assert [message.to for message in mailoutbox] == [["coordinator-fr@example.org"]]


def test_now_sends_from_the_command_itself(users, mailoutbox, settings):
    settings.REVIEW_DIGEST_HOUR = 0
    submitted("MW", "1.1", users.officer_mw)
    out = io.StringIO()
    call_command("send_review_digests", "--now", stdout=out)
    assert out.getvalue() == "1 review digests sent, listing 1 updates (digest hour: 0:00).\n"
    call_command("send_review_digests", "--now", stdout=io.StringIO())
    assert len(mailoutbox) == 1
