"""The tracker's e-mails, sent by the task worker (outputs.tasks).

Deadline reminders: officers hear of their outputs coming due or overdue, listed by programme.

Review e-mails. Officers hear when an update of their country is approved or returned;
coordinators get at most one digest a day of the updates submitted for review, by programme. The
task worker sends them (outputs.tasks), each in its recipient's language, each once: the row recording it is
claimed in the transaction that sends it, so a second run of the same task finds it and sends
nothing, and a failed send leaves no row and is sent by the next run."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core.selectors import user_languages
from programme.access import user_grants
from programme.models import AccessGrant, Role

from . import selectors
from .models import (
    NotificationPreference,
    Output,
    ReminderSent,
    ReviewDigest,
    ReviewEvent,
    ReviewNotificationSent,
    ReviewState,
    StatusUpdate,
)
from .vocabulary import due_soon_until

# Which kinds of e-mail each role receives (the preference fields).
KINDS_BY_ROLE = {Role.OFFICER: "review_outcomes", Role.COORDINATOR: "review_digest"}


def notification_kinds(user: User) -> list[str]:
    """The preference fields that concern this person, by the roles they hold."""
    roles = {grant.role for grant in user_grants(user)}
    return [kind for role, kind in KINDS_BY_ROLE.items() if role in roles]


def notification_preference(user: User) -> NotificationPreference:
    """The person's choices; everything on when they never chose (an unsaved row)."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def _recipients(kind: str, users: QuerySet) -> list[User]:
    """Active people with an address who did not switch this kind off."""
    return list(
        users.filter(is_active=True)
        .exclude(email="")
        .exclude(**{f"notification_preference__{kind}": False})
        .distinct()
        .order_by("pk")
    )


def _send(user: User, language: str, template: str, context: dict) -> None:
    with translation.override(language):
        subject = render_to_string(f"outputs/email/{template}_subject.txt", context).strip()
        message = render_to_string(f"outputs/email/{template}.txt", context)
    send_mail(subject=subject, message=message, from_email=None, recipient_list=[user.email])


def _settings_link() -> str:
    return settings.SITE_URL + reverse("outputs:notification_settings")


def _languages(users: Iterable[User]) -> dict[int, str]:
    return user_languages(user.pk for user in users)


def review_outcome_send(event_id: int) -> int:
    """E-mail the officers of the update's country that it was approved or returned (with the
    reason), except the reviewer themselves. Returns the number of e-mails sent."""
    event = (
        ReviewEvent.objects.select_related(
            "actor", "update__author", "update__output__outcome__country", "update__output__outcome__programme"
        )
        .filter(pk=event_id, action__in=[ReviewEvent.Action.APPROVED, ReviewEvent.Action.RETURNED])
        .first()
    )
    if event is None:
        return 0
    output = event.update.output
    officers = _recipients(
        "review_outcomes",
        User.objects.filter(
            access_grants__role=Role.OFFICER,
            access_grants__programme_id=output.outcome.programme_id,
            access_grants__country_id=output.outcome.country_id,
        ).exclude(pk=event.actor_id),
    )
    returned = event.action == ReviewEvent.Action.RETURNED
    page = reverse("outputs:update" if returned else "outputs:detail", args=[output.pk])
    languages = _languages(officers)
    sent = 0
    for officer in officers:
        with transaction.atomic():
            _, claimed = ReviewNotificationSent.objects.get_or_create(event=event, user=officer)
            if not claimed:
                continue
            context = {"user": officer, "event": event, "update": event.update, "output": output,
                       "returned": returned, "link": settings.SITE_URL + page, "settings_link": _settings_link()}
            _send(officer, languages.get(officer.pk, settings.LANGUAGE_CODE), "review_outcome", context)
        sent += 1
    return sent


def _submitted_between(programme_ids: Iterable[int], since: datetime.datetime, until: datetime.datetime) -> list[StatusUpdate]:
    """Updates of these programmes submitted in (since, until] and still awaiting review."""
    return list(
        StatusUpdate.objects.filter(
            review_state=ReviewState.SUBMITTED,
            submitted_at__gt=since,
            submitted_at__lte=until,
            output__outcome__programme_id__in=list(programme_ids),
        )
        .select_related("author", "output__outcome__country", "output__outcome__programme")
        .order_by("output__outcome__programme__code", "output__outcome__country__name", "output__sort_key",
                  "submitted_at")
    )


def review_digests_send(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Send each coordinator their digest of the day, once the day's REVIEW_DIGEST_HOUR (local
    time) has come: the updates of their programmes submitted since their last digest (the last
    day for a first one) and still awaiting review. Before the hour, and for a coordinator whose
    digest of the day is recorded, nothing is sent; a day with nothing submitted is recorded
    without an e-mail. Returns (e-mails sent, updates listed)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.REVIEW_DIGEST_HOUR:
        return 0, 0
    today = local.date()
    grants = AccessGrant.objects.filter(role=Role.COORDINATOR)
    coordinators = _recipients("review_digest", User.objects.filter(access_grants__in=grants))
    programmes: dict[int, list[int]] = {}
    for user_id, programme_id in grants.filter(user__in=coordinators).values_list("user_id", "programme_id"):
        programmes.setdefault(user_id, []).append(programme_id)
    languages = _languages(coordinators)
    emails = listed = 0
    for coordinator in coordinators:
        with transaction.atomic():
            since = (
                ReviewDigest.objects.filter(user=coordinator, day__lt=today)
                .order_by("-day").values_list("up_to", flat=True).first()
            ) or now - timedelta(days=1)
            updates = _submitted_between(programmes[coordinator.pk], since, now)
            _, claimed = ReviewDigest.objects.get_or_create(
                user=coordinator, day=today, defaults={"up_to": now, "update_count": len(updates)}
            )
            if not claimed or not updates:
                continue
            context = {"user": coordinator, "updates": updates, "since": since,
                       "link": settings.SITE_URL + reverse("outputs:review_queue"), "site_url": settings.SITE_URL,
                       "settings_link": _settings_link()}
            _send(coordinator, languages.get(coordinator.pk, settings.LANGUAGE_CODE), "review_digest", context)
        emails += 1
        listed += len(updates)
    return emails, listed


def notification_preference_set(*, user: User, choices: dict[str, bool]) -> NotificationPreference:
    """Record the person's choices for the kinds that concern them (others keep their value)."""
    kinds = notification_kinds(user)
    preference, _ = NotificationPreference.objects.get_or_create(user=user)
    for kind in kinds:
        setattr(preference, kind, bool(choices.get(kind)))
    if kinds:
        preference.save(update_fields=kinds)
    return preference


# --- Deadline reminders ---------------------------------------------------------------------------

def reminder_threshold(deadline: datetime.date, today: datetime.date) -> str | None:
    days = (deadline - today).days
    if days < 0:
        return ReminderSent.Threshold.OVERDUE
    if days <= 7:
        return ReminderSent.Threshold.DAYS_7
    if deadline <= due_soon_until(today):
        return ReminderSent.Threshold.DAYS_30
    return None


def deadline_reminders_send(*, today: datetime.date | None = None) -> tuple[int, int]:
    """E-mail each officer the outputs of their countries that newly crossed a deadline threshold.

    Thresholds: due soon (settings.DUE_SOON_DAYS), within 7 days, overdue; outputs whose reported status is
    Achieved or Cancelled are not chased. Each (officer, output, threshold, deadline) is sent at
    most once: the record is written in the same transaction as the e-mail is sent, so a failed
    send is retried next run and two overlapping runs cannot both send it.
    Returns (e-mails sent, outputs reminded).
    """
    today = today or timezone.localdate()
    due = selectors.outputs_due_for_reminders(due_soon_until(today))
    by_component: defaultdict[tuple[int, int | None], list[Output]] = defaultdict(list)
    for output in due:
        by_component[(output.outcome.programme_id, output.outcome.country_id)].append(output)

    grants = (
        AccessGrant.objects.filter(role=Role.OFFICER, country__isnull=False, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    per_user = defaultdict(list)
    for grant in grants:
        per_user[grant.user].extend(by_component.get((grant.programme_id, grant.country_id), []))

    languages = _languages(per_user)
    emails = reminded = 0
    for user, outputs in per_user.items():
        with transaction.atomic():
            items = []
            # By programme (the e-mail lists each programme's outputs under its name), soonest deadline first.
            for output in sorted(outputs, key=lambda o: (o.outcome.programme.code, o.deadline, o.sort_key)):
                threshold = reminder_threshold(output.deadline, today)
                _, created = ReminderSent.objects.get_or_create(
                    user=user, output=output, threshold=threshold, deadline=output.deadline
                )
                if created:
                    days = (output.deadline - today).days
                    items.append({"output": output, "threshold": threshold, "days": days, "overdue": -days})
            if not items:
                continue
            context = {"user": user, "items": items, "today": today, "site_url": settings.SITE_URL}
            # In the language the officer chose in the app (the site's default if they never did).
            _send(user, languages.get(user.pk, settings.LANGUAGE_CODE), "deadline_reminder", context)
            emails += 1
            reminded += len(items)
    return emails, reminded
