"""Reporting through the offline workbook (``outputs.workbook``): what an officer's download holds,
the preview of an upload, and its all-or-nothing save. Every rule on what is reported is the
services' (``status_update_validate``, ``status_update_save``): this module only maps the rows to
them and their errors back to rows and columns.
"""

import dataclasses
from typing import IO

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from programme.access import ProgrammeAccess, programme_access
from programme.models import Country, Programme

from .. import selectors
from ..models import Output, Status, StatusUpdate
from ..vocabulary import status_label
from ..workbook import (
    CountrySheet,
    FilledRow,
    OutputLine,
    WorkbookContent,
    WorkbookRefused,
    column_label,
    write_reporting_workbook,
)
from .output_edits import EditConflict
from .updates import status_update_rule_errors, status_update_save


def _reported(update: StatusUpdate | None) -> str:
    if update is None:
        return status_label(None)
    return _("%(status)s, %(progress)s%%, as of %(date)s") % {
        "status": update.get_status_display(), "progress": update.progress,
        "date": date_format(update.as_of, "SHORT_DATE_FORMAT"),
    }


def _pending(update: StatusUpdate | None) -> str:
    if update is None:
        return ""
    return _("%(state)s: %(status)s, %(progress)s%%") % {
        "state": update.get_review_state_display(), "status": update.get_status_display(),
        "progress": update.progress,
    }


def reporting_workbook_write(*, programme: Programme, access: ProgrammeAccess, countries: list[Country]) -> IO[bytes]:
    """The workbook of the countries' outputs, in the active language, as the reader sees them:
    the pending update only where they may see it (``selectors.update_visibility_q``)."""
    outputs = (
        Output.objects.filter(outcome__programme=programme, outcome__country__in=countries)
        .select_related("outcome__country", "reported_update")
        .prefetch_related(Prefetch("pending_update", queryset=selectors.updates_seen_in(access)))
        .in_natural_order()
    )
    by_country: dict[int, list[OutputLine]] = {country.pk: [] for country in countries}
    for output in outputs:
        by_country[output.outcome.country_id].append(OutputLine(
            output_id=output.pk, revision=output.revision, code=output.code, title=output.title,
            deadline=output.deadline, reported=_reported(output.reported_update),
            pending=_pending(output.pending_update),
        ))
    return write_reporting_workbook(
        programme_slug=programme.slug, start=programme.start_date,
        sheets=[CountrySheet(name=country.name, lines=by_country[country.pk]) for country in countries],
    )


@dataclasses.dataclass
class RowError:
    sheet: str
    row: int
    column: str  # the column's header, in the active language
    message: str


@dataclasses.dataclass
class RowChange:
    """A filled row and the output it reports on."""

    row: FilledRow
    output: Output

    @property
    def status_label(self) -> str:
        return Status(self.row.status).label if self.row.status else ""

    @property
    def conflict(self) -> bool:
        """The output changed since the workbook was downloaded."""
        return self.output.revision != self.row.revision


@dataclasses.dataclass
class WorkbookPreview:
    changes: list[RowChange]
    errors: list[RowError]
    skipped: int

    @property
    def conflicts(self) -> list[RowChange]:
        return [change for change in self.changes if change.conflict]

    @property
    def confirmable(self) -> bool:
        return bool(self.changes) and not self.errors and not self.conflicts


class WorkbookNotSaved(Exception):
    """Nothing was saved: the preview holds the errors or conflicts found at the confirmation."""

    def __init__(self, preview: WorkbookPreview):
        super().__init__("The workbook was not saved.")
        self.preview = preview


def _row_errors(row: FilledRow, errors: dict[str, list[str]]) -> list[RowError]:
    return [
        RowError(sheet=row.sheet, row=row.number, column=column_label(key) if key != "files" else "", message=message)
        for key, messages in errors.items()
        for message in messages
    ]


def status_updates_import_preview(*, programme: Programme, user: User, content: WorkbookContent) -> WorkbookPreview:
    """What saving the workbook's rows would change, with every error at once by row and column.

    Raises WorkbookRefused for a workbook of another programme and PermissionDenied when a row is
    an output of a country the user does not report for; writes nothing."""
    if content.programme_slug != programme.slug:
        raise WorkbookRefused(
            _("This workbook is for another programme (%(other)s), not %(programme)s: upload it on its own "
              "programme's page, or download this programme's workbook.")
            % {"other": content.programme_slug[:60] or "?", "programme": programme.code}
        )
    outputs = {
        output.pk: output
        for output in selectors.outputs_with_status().filter(
            outcome__programme=programme, pk__in=[row.output_id for row in content.rows if row.output_id]
        )
    }
    access = programme_access(user, programme)
    refused = sorted({
        output.outcome.country.name for output in outputs.values()
        if access is None or not access.can_report_on(output.outcome.country_id)
    })
    if refused:
        raise PermissionDenied(
            _("This workbook reports on %(countries)s, which you do not report for: only their officers may upload it.")
            % {"countries": ", ".join(refused)}
        )
    today = timezone.localdate()
    changes, errors, seen = [], [], {}
    for row in content.rows:
        output = outputs.get(row.output_id)
        if output is None or row.revision is None:
            errors.append(RowError(
                sheet=row.sheet, row=row.number, column=column_label("code"),
                message=_("This row names no output of %(programme)s (its hidden columns were changed): "
                          "download the workbook again.") % {"programme": programme.code},
            ))
            continue
        if output.pk in seen:
            errors.append(RowError(
                sheet=row.sheet, row=row.number, column=column_label("code"),
                message=_("Output %(code)s is already in row %(row)s: report on each output once.")
                % {"code": output.code, "row": seen[output.pk]},
            ))
            continue
        seen[output.pk] = row.number
        row.as_of = row.as_of or today  # as on the form and in the API: the day of the report
        errors.extend(_row_errors(row, status_update_rule_errors(
            output=output, user=user, unreadable=row.errors, fields={
                "status": row.status, "progress": row.progress, "narrative": row.narrative, "as_of": row.as_of,
                "links": row.links,
            },
        )))
        errors.extend(_row_errors(row, row.errors))
        changes.append(RowChange(row=row, output=output))
    errors.sort(key=lambda error: (error.sheet, error.row))
    return WorkbookPreview(changes=changes, errors=errors, skipped=content.skipped)


def status_updates_import(
    *, programme: Programme, user: User, content: WorkbookContent, submit: bool
) -> list[StatusUpdate]:
    """Save every filled row of the workbook as the output's open update (drafts, or submitted for
    review), all or nothing: in one transaction, each from the revision the workbook was downloaded
    at. Raises WorkbookNotSaved, with the errors and the rows whose output changed since, when any
    row cannot be saved; nothing is written then."""
    preview = status_updates_import_preview(programme=programme, user=user, content=content)
    if not preview.confirmable:
        raise WorkbookNotSaved(preview)
    saved, conflicts = [], []
    try:
        with transaction.atomic():
            for change in preview.changes:
                row = change.row
                try:
                    saved.append(status_update_save(
                        output=change.output, user=user, base_revision=row.revision, status=row.status,
                        progress=row.progress, narrative=row.narrative, as_of=row.as_of, links=row.links,
                        submit=submit,
                    ))
                except EditConflict as conflict:
                    change.output = conflict.output
                    conflicts.append(change)
                except ValidationError as error:
                    preview.errors.extend(_row_errors(row, error.message_dict))
            if conflicts or preview.errors:
                raise WorkbookNotSaved(preview)
    except WorkbookNotSaved:
        # The rows saved before the refusal were rolled back: their outputs are at the workbook's
        # revision again (the conflicts hold the output as it is now).
        for change in preview.changes:
            if change not in conflicts:
                change.output.revision = change.row.revision
        raise
    return saved
