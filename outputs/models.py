import datetime
import re
import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programme.models import Country, Outcome, Programme

CODE_RE = re.compile(r"^\d+(\.\d+)*$")


def history_by(instance: models.Model, user: object, reason: str | None = None) -> None:
    """What django-simple-history records with the instance's next save: who, and why."""
    vars(instance).update(_history_user=user, **({"_change_reason": reason} if reason is not None else {}))


def natural_sort_key(code: str | None) -> str:
    """``1.2`` -> ``00001.00002`` so that text ordering in the database is natural (1.2 < 1.10)."""
    parts = re.findall(r"\d+", code or "")
    return ".".join(f"{int(part):05d}" for part in parts) or (code or "")


class OutputQuerySet(models.QuerySet["Output"]):
    def with_repeated_code(self) -> "OutputQuerySet":
        """Annotate ``has_repeated_code``: another output of the same component shares the code."""
        same_code = Output.objects.filter(
            outcome__programme_id=OuterRef("outcome__programme_id"),
            outcome__country_id=OuterRef("outcome__country_id"),
            code=OuterRef("code"),
        ).exclude(pk=OuterRef("pk"))
        return self.annotate(has_repeated_code=Exists(same_code))

    def in_natural_order(self) -> "OutputQuerySet":
        return self.order_by(
            "outcome__programme__code", "outcome__country__name", "sort_key", "position", "pk"
        )


class Output(models.Model):
    """An output of a country component, due on a deadline.

    Codes are not unique: a published list may number two different outputs 2.1. Both are kept
    and flagged as a data-quality warning (``OutputQuerySet.with_repeated_code``).
    """

    outcome = models.ForeignKey(
        Outcome, verbose_name=_("outcome"), on_delete=models.CASCADE, related_name="outputs"
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. 1.1"))
    title = models.TextField(_("text"))
    deadline = models.DateField(_("deadline"))
    position = models.PositiveIntegerField(
        _("position in the published list"), default=0, db_index=True
    )
    sort_key = models.CharField(max_length=60, editable=False, db_index=True)
    # Bumped by every write to the output or its updates: a form posted from an older revision
    # is refused instead of silently overwriting what someone else saved meanwhile.
    revision = models.PositiveIntegerField(default=0, editable=False)
    # Kept by the services so that pages read an output's status without a query per row.
    reported_update = models.ForeignKey(
        "StatusUpdate",
        verbose_name=_("reported status"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("The latest approved update."),
    )
    pending_update = models.ForeignKey(
        "StatusUpdate",
        verbose_name=_("pending update"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("The update being drafted, awaiting review or returned."),
    )

    history = HistoricalRecords(
        excluded_fields=["sort_key", "revision", "reported_update", "pending_update"]
    )
    objects = OutputQuerySet.as_manager()

    class Meta:
        ordering = ["outcome__programme__code", "outcome__country__name", "sort_key", "position"]
        verbose_name = _("output")
        verbose_name_plural = _("outputs")
        indexes = [models.Index(fields=["deadline"], name="output_deadline_idx")]
        permissions = [("import_output", _("Can import outputs from a spreadsheet"))]

    def __str__(self) -> str:
        return _("Output %(code)s") % {"code": self.code} + f" – {self.title[:80]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_key = natural_sort_key(self.code)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "code" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_key"}
        super().save(*args, **kwargs)

    @property
    def country(self) -> Country:
        return self.outcome.country

    @property
    def programme(self) -> Programme:
        return self.outcome.programme


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    ACHIEVED = "achieved", _("Achieved")
    CANCELLED = "cancelled", _("Cancelled")


# An update with one of these statuses must explain itself.
NARRATIVE_REQUIRED = frozenset({Status.AT_RISK, Status.OFF_TRACK, Status.CANCELLED})
# An output whose reported status is one of these is no longer chased for its deadline.
CLOSED_STATUSES = frozenset({Status.ACHIEVED, Status.CANCELLED})


def is_overdue(deadline: datetime.date, status: str | None, today: datetime.date) -> bool:
    """Past its deadline without an approved Achieved or Cancelled status (``status``: a key or None).
    The same rule in SQL is ``overdue_q``."""
    return deadline < today and status not in CLOSED_STATUSES


def open_q(status: str = "reported_update__status") -> models.Q:
    """Outputs not closed: no reported Achieved or Cancelled status. ``status``: the lookup of the
    reported status (an annotation such as ``reported_status`` on report queries)."""
    return models.Q(**{f"{status}__isnull": True}) | ~models.Q(**{f"{status}__in": CLOSED_STATUSES})


def overdue_q(today: datetime.date, *, deadline: str = "deadline", status: str = "reported_update__status") -> models.Q:
    """is_overdue in SQL, on the lookups of the deadline and the reported status."""
    return models.Q(**{f"{deadline}__lt": today}) & open_q(status)


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")


OPEN_REVIEW_STATES = frozenset({ReviewState.DRAFT, ReviewState.SUBMITTED, ReviewState.RETURNED})


class StatusUpdateQuerySet(models.QuerySet["StatusUpdate"]):
    def approved_latest_first(self) -> "StatusUpdateQuerySet":
        """Approved updates, the one an output reports first: the latest 'as of' date, then the
        latest approval."""
        return self.filter(review_state=ReviewState.APPROVED).order_by("-as_of", "-reviewed_at", "-pk")


class StatusUpdate(models.Model):
    """An officer's report on an output: status, progress, narrative, evidence, and its review."""

    output = models.ForeignKey(
        Output, verbose_name=_("output"), on_delete=models.PROTECT, related_name="updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="status_updates",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    narrative = models.TextField(_("narrative"), blank=True)
    as_of = models.DateField(_("as of"))
    review_state = models.CharField(
        _("review state"), max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last edited"), auto_now=True)
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = StatusUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        indexes = [
            models.Index(fields=["review_state", "submitted_at"], name="update_review_queue_idx"),
            models.Index(fields=["output", "review_state", "reviewed_at"], name="update_output_state_idx"),
            # An output's reported update at any moment (approved_latest_first up to a cutoff) is the
            # first entry read backwards whose approval is by then, without reading the update itself
            # or sorting its output's history: as-of reports cost the same however long it is.
            models.Index(fields=["output", "review_state", "as_of", "reviewed_at", "id", "status"],
                         name="update_reported_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0, progress__lte=100), name="update_progress_0_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.output.code} – {self.get_status_display()} {self.progress}% ({self.as_of})"

    @property
    def is_open(self) -> bool:
        return self.review_state in OPEN_REVIEW_STATES

    @property
    def is_pending(self) -> bool:
        return self.review_state != ReviewState.APPROVED


class ReviewEventQuerySet(models.QuerySet["ReviewEvent"]):
    """Bulk writes would bypass ReviewEvent.save/delete: they are refused the same way."""

    def update(self, **kwargs: Any) -> int:
        raise ValueError("Review events are never rewritten.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError("Review events are never deleted.")


class ReviewEvent(models.Model):
    """One transition of an update (saved, submitted, approved, returned). Never edited or deleted."""

    class Action(models.TextChoices):
        CREATED = "created", _("Draft saved")
        EDITED = "edited", _("Edited")
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")

    update = models.ForeignKey(
        StatusUpdate, verbose_name=_("update"), on_delete=models.PROTECT, related_name="events"
    )
    # Copied from the update's output so that a programme's recent activity is one index scan.
    programme = models.ForeignKey(
        "programme.Programme", on_delete=models.PROTECT, related_name="+", editable=False
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=20, choices=ReviewState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=ReviewState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = ReviewEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        indexes = [models.Index(fields=["programme", "at"], name="event_programme_recent_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} – {self.actor} – {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Review events are never rewritten.")
        if self.programme_id is None:
            self.programme_id = self.update.output.outcome.programme_id
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Review events are never deleted.")


def evidence_name(output_id: int) -> str:
    """A random name: the stored file never carries the uploader's name or extension into a path."""
    return f"evidence/{output_id}/{uuid.uuid4().hex}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    return evidence_name(instance.update.output_id)


class Evidence(models.Model):
    """A file (PDF, DOCX, XLSX, PNG, JPEG) or an http(s) link supporting an update."""

    update = models.ForeignKey(
        StatusUpdate, verbose_name=_("update"), on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path, blank=True, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("type"), max_length=120, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    url = models.URLField(_("link"), max_length=2000, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(url="") & ~models.Q(file=""))
                | (~models.Q(url="") & models.Q(file="")),
                name="evidence_file_or_link",
            )
        ]

    def __str__(self) -> str:
        return self.original_name or self.url

    @property
    def is_link(self) -> bool:
        return bool(self.url)


class ReminderSent(models.Model):
    """A deadline reminder already e-mailed: the same output and threshold is never sent twice."""

    class Threshold(models.TextChoices):
        DAYS_30 = "30d", _("due soon")  # within settings.DUE_SOON_DAYS
        DAYS_7 = "7d", _("due within 7 days")
        OVERDUE = "overdue", _("overdue")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    output = models.ForeignKey(Output, on_delete=models.CASCADE, related_name="reminders")
    threshold = models.CharField(max_length=10, choices=Threshold.choices)
    deadline = models.DateField(help_text=_("The deadline the reminder was about."))
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "output", "threshold", "deadline"], name="reminder_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.output} – {self.get_threshold_display()} – {self.user}"


class NotificationPreference(models.Model):
    """Which review e-mails a person receives. Without a row, every kind that concerns them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    review_outcomes = models.BooleanField(
        _("When an update of my countries is approved or returned"), default=True,
        help_text=_("For country officers: one e-mail per review, with the coordinator's reason when returned."),
    )
    review_digest = models.BooleanField(
        _("A daily digest of the updates submitted for review"), default=True,
        help_text=_("For coordinators: at most one e-mail a day, listing the updates submitted since the last one."),
    )

    def __str__(self) -> str:
        return str(self.user)


class ReviewNotificationSent(models.Model):
    """An e-mail about a review (approved, returned) already sent to one person: never sent twice."""

    event = models.ForeignKey(ReviewEvent, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="review_notification_sent_once")
        ]

    def __str__(self) -> str:
        return f"{self.event} – {self.user}"


class ReviewDigest(models.Model):
    """A coordinator's review digest of one day: at most one per day. ``up_to`` is where the next
    digest starts; a day with nothing submitted keeps its row but sent no e-mail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    up_to = models.DateTimeField()
    update_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="review_digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user} – {self.day}"
