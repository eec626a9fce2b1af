"""Status updates and their review: what officers report, the rules every entry point shares, and
coordinators' approvals and returns."""


import datetime
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import PurePath
from typing import cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.audit import audit
from core.dates import too_early
from programme.models import programme_earliest_date

from .. import selectors, tasks
from ..evidence import check_evidence_file
from ..models import (
    NARRATIVE_REQUIRED,
    OPEN_REVIEW_STATES,
    Evidence,
    Output,
    ReviewEvent,
    ReviewState,
    Status,
    StatusUpdate,
    evidence_name,
    history_by,
)
from ..spreadsheets import strip_control_characters
from . import output_edits
from .output_edits import _access_for

MAX_NARRATIVE_CHARS = 20_000
MAX_LINKS = 20  # per update, counting the links it already holds
MAX_LINK_CHARS = cast(int, Evidence._meta.get_field("url").max_length)  # 2,000: the column is as wide as the rule
_validate_http_link = URLValidator(schemes=["http", "https"])


def _normalised_narrative(narrative: str | None) -> str:
    """Without control characters and with ``\n`` line endings: browsers send CRLF, some
    spreadsheets CR alone."""
    text = strip_control_characters(narrative or "")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _normalised_links(links: Sequence[str]) -> list[str]:
    """Stripped, blank ones dropped; the spaces inside an http(s) link written %20, as a browser
    sends them (a SharePoint path copied with its spaces is one valid link)."""
    stripped = [link.strip() for link in links if link and link.strip()]
    return [
        re.sub(r"\s", "%20", link) if link[:8].lower().startswith(("http://", "https://")) else link
        for link in stripped
    ]


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
    earliest = programme_earliest_date(output.outcome.programme)
    if as_of is None:
        errors["as_of"].append(_("Give the date this status is as of."))
    elif as_of > timezone.localdate():
        errors["as_of"].append(_("The 'as of' date cannot be in the future."))
    elif as_of < earliest:
        errors["as_of"].append(too_early(as_of, earliest))
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
    access.require_report_on(output.outcome.country)
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
            output=output, user=user, base_revision=base_revision, status=status,
            progress=cast(int, progress),  # status_update_validate refused None
            narrative=narrative, as_of=as_of, links=links, submit=submit,
            files=[(upload, content_type, name) for upload, content_type, name in zip(files, file_types, stored, strict=False)],
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
        output_edits.output_revision_claim(output, base_revision)
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
        history_by(update, user)
        update.save()
        if submit:
            action = ReviewEvent.Action.SUBMITTED
        ReviewEvent.objects.create(
            update=update, action=action, from_state=from_state, to_state=new_state, actor=user
        )
        Evidence.objects.bulk_create(
            [
                Evidence(update=update, file=name, original_name=PurePath(upload.name or "").name[:255],
                         content_type=content_type, size=upload.size or 0, added_by=user)
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
    access.require_report_on(output.outcome.country)
    with transaction.atomic():
        output_edits.output_revision_claim(output, base_revision)
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
        history_by(update, user)
        update.save(update_fields=["last_edited_by", "updated_at"])
        ReviewEvent.objects.create(
            update=update, action=ReviewEvent.Action.EDITED, from_state=update.review_state,
            to_state=update.review_state, actor=user,
            reason=_("Evidence removed: %(name)s") % {"name": evidence.original_name or evidence.url},
        )
        if evidence.file:
            transaction.on_commit(partial(evidence.file.storage.delete, str(evidence.file.name)))


def _reviewable(update: StatusUpdate, user: User) -> None:
    access = _access_for(user, update.output)
    access.require_review()
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
        output_edits.output_revision_claim(output, base_revision)
        update = StatusUpdate.objects.select_for_update().get(pk=update.pk)
        update.output = output  # already read, with its programme: not read again
        _reviewable(update, user)  # re-checked under the lock: a concurrent review may have won
        update.review_state = to_state
        update.reviewed_at = timezone.now()
        update.reviewed_by = user
        history_by(update, user)
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
            reported = selectors.output_reported_update(output)
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
