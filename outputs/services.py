"""Writes to outputs. Views, admin, API and commands all call these, so each rule lives once."""

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.audit import audit
from programme.access import ProgrammeAccess, programme_access
from programme.models import AccessGrant, Country, Programme, Role
from programme.selectors import user_languages
from programme.services import (
    country_resolve,
    outcome_get_or_create,
    programme_get_or_create,
    programme_touch,
)

from . import selectors, tasks
from .evidence import check_evidence_file
from .models import (
    NARRATIVE_REQUIRED,
    OPEN_REVIEW_STATES,
    Evidence,
    Output,
    ReminderSent,
    ReviewEvent,
    ReviewState,
    Status,
    StatusUpdate,
    evidence_name,
)
from .page_parser import ParsedPage
from .spreadsheets import strip_control_characters


@dataclass
class ImportReport:
    programme: object = None
    programme_created: bool = False
    programme_updated: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    per_component: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)

    @property
    def changed_anything(self):
        return bool(self.programme_created or self.programme_updated or self.created or self.updated)


def _pair_repeated(existing, incoming):
    """Match the page's outputs to stored ones sharing a code: same text first, then list order."""
    pairs = []
    unmatched_existing = list(existing)
    unmatched_incoming = []
    for parsed in incoming:
        same_text = next((o for o in unmatched_existing if o.title == parsed.title), None)
        if same_text is not None:
            unmatched_existing.remove(same_text)
            pairs.append((parsed, same_text))
        else:
            unmatched_incoming.append(parsed)
    unmatched_existing.sort(key=lambda output: output.position)
    for parsed in unmatched_incoming:
        pairs.append((parsed, unmatched_existing.pop(0) if unmatched_existing else None))
    return pairs, unmatched_existing


def outputs_import_page(
    *, page: ParsedPage, code: str, funding_partner: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Create or update a programme's outputs from a parsed outputs page, in one transaction.

    Outputs are matched on programme, country and code, and on text where a code repeats; a
    re-import of the same page changes nothing. Outputs missing from the page are kept (their
    history matters) and reported.
    """
    report = ImportReport()
    total = page.output_count
    done = 0
    with transaction.atomic():
        programme, report.programme_created, report.programme_updated = programme_get_or_create(
            code=code, title=page.title, funding_partner=funding_partner
        )
        report.programme = programme
        programme_touch(programme.pk)  # first: cached pages of the programme go stale with this import

        existing = defaultdict(list)
        for output in Output.objects.filter(outcome__programme=programme).select_related(
            "outcome"
        ):
            existing[(output.outcome.country_id, output.code)].append(output)

        seen = set()
        for component in page.components:
            resolution = country_resolve(component.name)
            country = resolution.country
            if resolution.warning:
                report.warnings.append(f"line {component.line_number}: {resolution.warning}")
            report.per_component[country.name] = report.per_component.get(country.name, 0) + len(
                component.outputs
            )

            by_code = defaultdict(list)
            for parsed in component.outputs:
                by_code[parsed.code].append(parsed)

            for output_code, incoming in by_code.items():
                if len(incoming) > 1:
                    lines = ", ".join(str(parsed.line_number) for parsed in incoming)
                    report.warnings.append(
                        f"{country.name}: code {output_code} is used by {len(incoming)} different "
                        f"outputs (lines {lines}); all are kept. Check the published numbering."
                    )
                key = (country.id, output_code)
                seen.add(key)
                pairs, _ = _pair_repeated(existing.get(key, []), incoming)
                for parsed, output in pairs:
                    outcome, _ = outcome_get_or_create(
                        programme=programme, country=country, number=parsed.outcome_number
                    )
                    if output is None:
                        Output.objects.create(
                            outcome=outcome,
                            code=parsed.code,
                            title=parsed.title,
                            deadline=parsed.deadline,
                            position=parsed.position,
                        )
                        report.created += 1
                    else:
                        changes = {
                            name: value
                            for name, value in (
                                ("title", parsed.title),
                                ("deadline", parsed.deadline),
                                ("position", parsed.position),
                            )
                            if getattr(output, name) != value
                        }
                        if changes:
                            for name, value in changes.items():
                                setattr(output, name, value)
                            output._change_reason = "Imported from the outputs page"
                            output.save()
                        if changes.keys() - {"position"}:
                            report.updated += 1
                        else:
                            report.unchanged += 1
                    done += 1
                    if progress:
                        progress(done, total)

        for (country_id, output_code), outputs in existing.items():
            if (country_id, output_code) not in seen:
                for output in outputs:
                    report.warnings.append(
                        f"{output.outcome.country.name} Output {output.code} is no longer on the page; "
                        "it was kept."
                    )
    return report


# --- Status updates and their review -----------------------------------------------------------


class EditConflict(Exception):
    """The output changed after the form was loaded: the save is refused, nothing is written.

    ``saved_by`` made the latest change (None when nobody is recorded): a person who saved in
    another tab is told so, not that someone else did."""

    def __init__(self, output: Output, saved_by: User | None = None):
        self.output = output
        self.saved_by = saved_by
        super().__init__(f"Output {output.pk} changed meanwhile (now at revision {output.revision}).")


def output_latest_change_by(output: Output) -> User | None:
    """Who made the output's latest change: the actor of its updates' latest review event or the
    author of its latest edit, whichever came later."""
    event = ReviewEvent.objects.filter(update__output=output).select_related("actor").order_by("at", "pk").last()
    edit = output.history.select_related("history_user").order_by("history_date", "history_id").last()
    changes = ([(event.at, event.actor)] if event else []) + ([(edit.history_date, edit.history_user)] if edit else [])
    return max(changes, key=lambda change: change[0])[1] if changes else None


def output_revision_claim(output: Output, base_revision: int | None) -> None:
    """Compare-and-swap on the output's revision, the first write of every change.

    On PostgreSQL a concurrent request blocks on the row until this transaction ends, then finds
    the revision moved on and gets EditConflict: of two saves from the same page state, one wins.
    The programme's data version changes first (QuerySet.update() below sends no signal), which
    also keeps one lock order, programme then output, with the admin's saves.
    """
    programme_touch(output.outcome.programme_id)
    if base_revision is None:
        Output.objects.filter(pk=output.pk).update(revision=F("revision") + 1)
        output.revision = Output.objects.values_list("revision", flat=True).get(pk=output.pk)
        return
    claimed = Output.objects.filter(pk=output.pk, revision=base_revision).update(
        revision=F("revision") + 1
    )
    if not claimed:
        raise EditConflict(
            Output.objects.select_related("pending_update__last_edited_by", "reported_update").get(
                pk=output.pk
            ),
            saved_by=output_latest_change_by(output),
        )
    output.revision = base_revision + 1


def _access_for(user: User, output: Output) -> ProgrammeAccess:
    access = programme_access(user, output.outcome.programme)
    if access is None:
        raise PermissionDenied(_("No access to this programme."))
    return access


MAX_NARRATIVE_CHARS = 20_000
MAX_LINKS = 20  # per update, counting the links it already holds
MAX_LINK_CHARS = Evidence._meta.get_field("url").max_length  # 2,000: the column is as wide as the rule
_validate_http_link = URLValidator(schemes=["http", "https"])


def _normalised_narrative(narrative: str | None) -> str:
    """Without control characters and with ``\n`` line endings: browsers send CRLF, some
    spreadsheets CR alone."""
    text = strip_control_characters(narrative or "")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _normalised_links(links: Sequence[str]) -> list[str]:
    return [link.strip() for link in links if link and link.strip()]


def _shown(link: str) -> str:
    return Truncator(link).chars(100)


def _link_errors(output: Output, links: list[str]) -> list[str]:
    """One message per bad link, naming it, after the count if the update would hold too many."""
    errors = []
    held = (
        Evidence.objects.filter(update_id=output.pending_update_id).exclude(url="").count()
        if output.pending_update_id
        else 0
    )
    if held + len(links) > MAX_LINKS:
        errors.append(
            _("An update holds at most %(limit)s links; this one would hold %(count)s.")
            % {"limit": MAX_LINKS, "count": held + len(links)}
        )
    for link in links:
        if len(link) > MAX_LINK_CHARS:
            errors.append(
                _("%(link)s is longer than %(limit)s characters.")
                % {"link": _shown(link), "limit": number_format(MAX_LINK_CHARS, force_grouping=True)}
            )
            continue
        try:
            _validate_http_link(link)
        except ValidationError:
            errors.append(_("%(link)s is not a valid http or https link.") % {"link": _shown(link)})
    return errors


def _field_errors(
    *, output: Output, status: str | None, progress: int | None, narrative: str,
    as_of: datetime.date | None, links: list[str],
) -> dict[str, list[str]]:
    errors = defaultdict(list)
    if status not in Status.values:
        errors["status"].append(_("Choose a status."))
    if progress is None or not 0 <= progress <= 100:
        errors["progress"].append(_("Progress is a percentage from 0 to 100."))
    if len(narrative) > MAX_NARRATIVE_CHARS:
        errors["narrative"].append(
            _("The narrative may be at most %(limit)s characters long; it has %(count)s.")
            % {"limit": number_format(MAX_NARRATIVE_CHARS, force_grouping=True),
               "count": number_format(len(narrative), force_grouping=True)}
        )
    if status in NARRATIVE_REQUIRED and not narrative:
        errors["narrative"].append(
            _("Explain the status: a narrative is required for %(status)s.") % {"status": Status(status).label}
        )
    start = output.outcome.programme.start_date
    if as_of is None:
        errors["as_of"].append(_("Give the date this status is as of."))
    elif as_of > timezone.localdate():
        errors["as_of"].append(_("The 'as of' date cannot be in the future."))
    elif start is not None and as_of < start:
        errors["as_of"].append(
            _("The 'as of' date cannot be before the programme started (%(date)s).")
            % {"date": date_format(start, "SHORT_DATE_FORMAT")}
        )
    if link_errors := _link_errors(output, links):
        errors["links"] = link_errors
    return errors


def status_update_validate(
    *, output: Output, user: User, status: str | None, progress: int | None, narrative: str | None,
    as_of: datetime.date | None, links: Sequence[str] = (), files: Sequence[UploadedFile] = (),
) -> list[str]:
    """Check what is reported against the rules every entry point shares, all of them at once.

    Returns the evidence files' MIME types. Raises one ValidationError holding every error, by
    field, so that a form or an API client can show them all after one try. Refused files are
    recorded in the audit log.
    """
    errors = _field_errors(
        output=output, status=status, progress=progress, narrative=_normalised_narrative(narrative),
        as_of=as_of, links=_normalised_links(links),
    )
    file_types = []
    for upload in files:
        try:
            file_types.append(check_evidence_file(upload))
        except ValidationError as error:
            audit("upload_refused", user=user, level=logging.WARNING, file=PurePath(upload.name or "").name,
                  reason=error.code, size=upload.size, output=output.pk)
            errors["files"].extend(error.messages)
    if errors:
        raise ValidationError(dict(errors))
    return file_types


def status_update_rule_errors(*, output: Output, user: User, fields: dict, unreadable: Iterable[str] = ()) -> dict:
    """The rules' errors on what an entry point could read, by field, so that one try shows every
    error: ``fields`` holds what parsed (status, progress, narrative, as_of, links, files; a missing
    one counts as empty), and the fields in ``unreadable`` keep their own parse errors only."""
    try:
        status_update_validate(
            output=output, user=user, status=fields.get("status"), progress=fields.get("progress"),
            narrative=fields.get("narrative"), as_of=fields.get("as_of"), links=fields.get("links") or [],
            files=fields.get("files") or [],
        )
    except ValidationError as error:
        return {field: messages for field, messages in error.message_dict.items() if field not in unreadable}
    return {}


def status_update_save(
    *,
    output: Output,
    user: User,
    base_revision: int | None,
    status: str,
    progress: int | None,
    narrative: str = "",
    as_of: datetime.date | None = None,
    files: Sequence[UploadedFile] = (),
    links: Sequence[str] = (),
    submit: bool = False,
) -> StatusUpdate:
    """Create or edit the output's open update (draft, returned or submitted); optionally submit it.

    Only officers of the output's country may report. Raises PermissionDenied, ValidationError
    (nothing written) or EditConflict (the output changed since ``base_revision``).
    """
    access = _access_for(user, output)
    if not access.can_report_on(output.outcome.country_id):
        raise PermissionDenied(_("Only officers of this country may report on this output."))
    as_of = as_of or timezone.localdate()
    narrative = _normalised_narrative(narrative)
    links = _normalised_links(links)
    file_types = status_update_validate(
        output=output, user=user, status=status, progress=progress, narrative=narrative, as_of=as_of,
        links=links, files=files,
    )

    # Files are stored before any row is locked (an upload to a bucket may take seconds); if the
    # rows are not written after all, they are removed again.
    stored = [default_storage.save(evidence_name(output.pk), upload) for upload in files]
    try:
        return _status_update_write(
            output=output, user=user, base_revision=base_revision, status=status, progress=progress,
            narrative=narrative, as_of=as_of, links=links, submit=submit,
            files=[(upload, content_type, name) for upload, content_type, name in zip(files, file_types, stored)],
        )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def _status_update_write(
    *, output: Output, user: User, base_revision: int | None, status: str, progress: int, narrative: str,
    as_of: datetime.date, links: list[str], submit: bool, files: list[tuple[UploadedFile, str, str]],
) -> StatusUpdate:
    """status_update_save's rows, in one transaction: the programme and the output are locked from
    the first statement to the commit, milliseconds."""
    with transaction.atomic():
        # Every write moves the revision on: an object read at the revision the claim confirms holds
        # the current pending pointer; otherwise it is read again under the claim.
        current = base_revision is not None and output.revision == base_revision
        output_revision_claim(output, base_revision)
        if not current:
            output.pending_update_id = Output.objects.values_list("pending_update_id", flat=True).get(pk=output.pk)
        update = (
            StatusUpdate.objects.select_for_update()
            .filter(pk=output.pending_update_id, review_state__in=OPEN_REVIEW_STATES)
            .first()
            if output.pending_update_id
            else None
        )
        new_state = ReviewState.SUBMITTED if submit else ReviewState.DRAFT
        now = timezone.now()
        if update is None:
            update = StatusUpdate(output=output, author=user)
            from_state = ""
            action = ReviewEvent.Action.CREATED
        else:
            from_state = update.review_state
            action = ReviewEvent.Action.EDITED
        update.status = status
        update.progress = progress
        update.narrative = narrative
        update.as_of = as_of
        update.review_state = new_state
        update.last_edited_by = user
        if submit:
            update.submitted_at = now
        update._history_user = user
        update.save()
        if submit:
            action = ReviewEvent.Action.SUBMITTED
        ReviewEvent.objects.create(
            update=update, action=action, from_state=from_state, to_state=new_state, actor=user
        )
        Evidence.objects.bulk_create(
            [
                Evidence(update=update, file=name, original_name=PurePath(upload.name).name[:255],
                         content_type=content_type, size=upload.size, added_by=user)
                for upload, content_type, name in files
            ]
            + [Evidence(update=update, url=link, added_by=user) for link in links]
        )
        Output.objects.filter(pk=output.pk).update(pending_update=update)
        output.pending_update = update
    return update


EVIDENCE_REMOVABLE_STATES = frozenset({ReviewState.DRAFT, ReviewState.RETURNED})


def evidence_remove(*, evidence: Evidence, user: User, base_revision: int | None = None) -> None:
    """Remove a file or link from a draft (or returned) update, by an officer of its country.

    The removal is an edit of the update: its event names what was removed. A file leaves storage
    once the removal is committed. Raises PermissionDenied, ValidationError (the update is under
    review or approved) or EditConflict (the output changed since ``base_revision``).
    """
    update = evidence.update
    output = update.output
    access = _access_for(user, output)
    if not access.can_report_on(output.outcome.country_id):
        raise PermissionDenied(_("Only officers of this country may change its updates."))
    with transaction.atomic():
        output_revision_claim(output, base_revision)
        update = StatusUpdate.objects.select_for_update().get(pk=update.pk)
        if update.review_state not in EVIDENCE_REMOVABLE_STATES:
            raise ValidationError(
                _("Evidence can be removed from a draft only; this update is %(state)s.")
                % {"state": update.get_review_state_display().lower()}
            )
        removed, _counts = Evidence.objects.filter(pk=evidence.pk, update=update).delete()
        if not removed:
            raise ValidationError(_("This evidence was already removed."))
        update.last_edited_by = user
        update._history_user = user
        update.save(update_fields=["last_edited_by", "updated_at"])
        ReviewEvent.objects.create(
            update=update, action=ReviewEvent.Action.EDITED, from_state=update.review_state,
            to_state=update.review_state, actor=user,
            reason=_("Evidence removed: %(name)s") % {"name": evidence.original_name or evidence.url},
        )
        if evidence.file:
            transaction.on_commit(partial(evidence.file.storage.delete, evidence.file.name))


def _reviewable(update: StatusUpdate, user: User) -> None:
    access = _access_for(user, update.output)
    if not access.can_review:
        raise PermissionDenied(_("Only coordinators review updates."))
    if update.review_state != ReviewState.SUBMITTED:
        raise ValidationError(
            _("This update is %(state)s; only updates submitted for review can be reviewed.")
            % {"state": update.get_review_state_display().lower()}
        )


def _review(
    *, update: StatusUpdate, user: User, base_revision: int | None, to_state: str, action: str, reason: str = ""
) -> StatusUpdate:
    """Move a submitted update to approved or returned, under a lock, with its event."""
    _reviewable(update, user)
    output = update.output
    with transaction.atomic():
        output_revision_claim(output, base_revision)
        update = StatusUpdate.objects.select_for_update().get(pk=update.pk)
        update.output = output  # already read, with its programme: not read again
        _reviewable(update, user)  # re-checked under the lock: a concurrent review may have won
        update.review_state = to_state
        update.reviewed_at = timezone.now()
        update.reviewed_by = user
        update._history_user = user
        update.save()
        event = ReviewEvent.objects.create(
            update=update,
            action=action,
            from_state=ReviewState.SUBMITTED,
            to_state=to_state,
            actor=user,
            reason=reason,
        )
        # The officers' e-mail is queued once the review is committed: a rolled-back one sends
        # nothing. Robust: the review stands even if queuing fails (it is logged).
        transaction.on_commit(partial(tasks.send_review_outcome.enqueue, event_id=event.pk), robust=True)
        if to_state == ReviewState.APPROVED:
            reported = output_reported_update(output)
            Output.objects.filter(pk=output.pk).update(reported_update=reported)
            if Output.objects.filter(pk=output.pk, pending_update=update).update(pending_update=None):
                output.pending_update = None
            output.reported_update = reported
    return update


def status_update_approve(*, update: StatusUpdate, user: User, base_revision: int | None = None) -> StatusUpdate:
    """Approve a submitted update: it becomes the output's reported status if it is the latest."""
    return _review(
        update=update, user=user, base_revision=base_revision,
        to_state=ReviewState.APPROVED, action=ReviewEvent.Action.APPROVED,
    )


def status_update_return(
    *, update: StatusUpdate, user: User, reason: str, base_revision: int | None = None
) -> StatusUpdate:
    """Return a submitted update to its officer with a reason; they edit and resubmit it."""
    reason = strip_control_characters(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the update is returned, so the officer can fix it.")})
    return _review(
        update=update, user=user, base_revision=base_revision,
        to_state=ReviewState.RETURNED, action=ReviewEvent.Action.RETURNED, reason=reason,
    )


def output_reported_update(output: Output) -> StatusUpdate | None:
    """The latest approved update: by 'as of' date, then by approval time."""
    return (
        StatusUpdate.objects.filter(output=output).approved_latest_first().first()
    )


OUTPUT_EDITABLE_FIELDS = ("title", "deadline", "code", "outcome", "position")


def output_edit(*, output: Output, user: User, base_revision: int | None = None, reason: str = "", **changes) -> Output:
    """Change an output's details (coordinators, or staff with the admin's change permission).

    Every change is kept in the output's history with its before/after values, who and when.
    """
    unknown = set(changes) - set(OUTPUT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    access = programme_access(user, output.outcome.programme)
    if not (user.has_perm("outputs.change_output") or (access and access.can_edit_outputs)):
        raise PermissionDenied(_("Only coordinators may edit outputs."))
    if "title" in changes and not (changes["title"] or "").strip():
        raise ValidationError({"title": _("The output's text cannot be empty.")})
    if "deadline" in changes and changes["deadline"] is None:
        raise ValidationError({"deadline": _("Give the output's deadline.")})
    with transaction.atomic():
        output_revision_claim(output, base_revision)
        # Reload under the claim: saving a copy loaded earlier would put back stale status
        # pointers (an update submitted meanwhile would lose its place as the pending one).
        output.refresh_from_db()
        for name, value in changes.items():
            setattr(output, name, strip_control_characters(value).strip() if isinstance(value, str) else value)
        output._history_user = user
        output._change_reason = reason or "Edited"
        output.save(update_fields=list(changes))
    return output


# --- Deadline reminders ---------------------------------------------------------------------------

REMINDER_HORIZON_DAYS = 30


def reminder_threshold(deadline: datetime.date, today: datetime.date) -> str | None:
    days = (deadline - today).days
    if days < 0:
        return ReminderSent.Threshold.OVERDUE
    if days <= 7:
        return ReminderSent.Threshold.DAYS_7
    if days <= REMINDER_HORIZON_DAYS:
        return ReminderSent.Threshold.DAYS_30
    return None


def deadline_reminders_send(*, today: datetime.date | None = None) -> tuple[int, int]:
    """E-mail each officer the outputs of their countries that newly crossed a deadline threshold.

    Thresholds: due within 30 days, within 7 days, overdue; outputs whose reported status is
    Achieved or Cancelled are not chased. Each (officer, output, threshold, deadline) is sent at
    most once: the record is written in the same transaction as the e-mail is sent, so a failed
    send is retried next run and two overlapping runs cannot both send it.
    Returns (e-mails sent, outputs reminded).
    """
    today = today or timezone.localdate()
    due = selectors.outputs_due_for_reminders(today + timedelta(days=REMINDER_HORIZON_DAYS))
    by_component = defaultdict(list)
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

    languages = user_languages(user.pk for user in per_user)
    emails = reminded = 0
    for user, outputs in per_user.items():
        with transaction.atomic():
            items = []
            for output in sorted(outputs, key=lambda o: (o.deadline, o.sort_key)):
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
            with translation.override(languages.get(user.pk, settings.LANGUAGE_CODE)):
                subject = render_to_string("outputs/email/deadline_reminder_subject.txt", context).strip()
                message = render_to_string("outputs/email/deadline_reminder.txt", context)
            send_mail(subject=subject, message=message, from_email=None, recipient_list=[user.email])
            emails += 1
            reminded += len(items)
    return emails, reminded


def output_create(
    *, programme: Programme, country: Country, outcome_number: int, code: str, title: str,
    deadline: datetime.date | str, user: User, reason: str = "Created",
) -> Output:
    """A new output in the component's outcome (created if needed), recorded in its history."""
    access = programme_access(user, programme)
    if not (user.has_perm("outputs.add_output") or (access and access.can_edit_outputs)):
        raise PermissionDenied(_("Only coordinators may add outputs."))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("The output's text cannot be empty.")})
    with transaction.atomic():
        programme_touch(programme.pk)
        outcome, _created = outcome_get_or_create(programme=programme, country=country, number=outcome_number)
        last = Output.objects.filter(outcome__programme=programme).order_by("-position").values_list("position", flat=True).first()
        output = Output(outcome=outcome, code=code, title=title, deadline=deadline, position=(last or 0) + 1)
        output._history_user = user
        output._change_reason = reason
        output.save()
    return output
