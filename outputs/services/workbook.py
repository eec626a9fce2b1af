"""Reporting through the offline workbook (``outputs.workbook``): what an officer's download holds,
the preview of an upload, and its all-or-nothing save. Every rule on what is reported is the
services' (``status_update_validate``, ``status_update_save``): this module only maps the rows to
them and their errors back to rows and columns.
"""

import dataclasses
from collections.abc import Collection
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
    KEYS,
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
    key: str = ""  # the column's key (outputs.workbook.KEYS), for the order of the list
    number: int = 0  # its place in the preview's list, which the row's marked cell names


@dataclasses.dataclass
class RowChange:
    """A filled row and the output it reports on, as the output is now."""

    row: FilledRow
    output: Output
    errors: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # {column key: messages}
    marks: dict[str, list[int]] = dataclasses.field(default_factory=dict)  # {column key: numbers of its errors}

    @property
    def status_label(self) -> str:
        return str(Status(self.row.status).label) if self.row.status else ""

    @property
    def conflict(self) -> bool:
        """The output changed since the workbook was downloaded."""
        return self.output.revision != self.row.revision

    @property
    def ready(self) -> bool:
        """Saved by the confirmation: no error, and the output as it was downloaded."""
        return not self.errors and not self.conflict

    @property
    def was_reported(self) -> str:
        return _reported(self.output.reported_update)

    @property
    def was_pending(self) -> str:
        return _pending(self.output.pending_update)


@dataclasses.dataclass
class WorkbookPreview:
    changes: list[RowChange]
    errors: list[RowError]
    skipped: int

    @property
    def conflicts(self) -> list[RowChange]:
        return [change for change in self.changes if change.conflict]

    @property
    def ready(self) -> list[RowChange]:
        return [change for change in self.changes if change.ready]

    @property
    def confirmable(self) -> bool:
        """Every row reads and passes the rules, and at least one output is as it was downloaded
        (the rows of outputs changed since are left out of the save)."""
        return not self.errors and bool(self.ready)

    @property
    def left_out(self) -> list[int]:
        """The outputs of the rows a confirmation leaves out, for the confirmation to name."""
        return sorted(change.output.pk for change in self.conflicts)


@dataclasses.dataclass
class WorkbookSaved:
    updates: list[StatusUpdate]
    left_out: list[RowChange]  # rows whose output changed since the download: not saved


class WorkbookNotSaved(Exception):
    """Nothing was saved: the preview holds the errors or conflicts found at the confirmation."""

    def __init__(self, preview: WorkbookPreview) -> None:
        super().__init__("The workbook was not saved.")
        self.preview = preview


def _row_errors(row: FilledRow, errors: dict[str, list[str]]) -> list[RowError]:
    return [
        RowError(sheet=row.sheet, row=row.number, column=column_label(key) if key in KEYS else "", message=message,
                 key=key)
        for key, messages in errors.items()
        for message in messages
    ]


def _preview(changes: list[RowChange], errors: list[RowError], content: WorkbookContent) -> WorkbookPreview:
    """The errors listed by sheet as the workbook orders them, row, then column left to right, and
    numbered; each row's bad cells marked with the numbers of their errors."""
    sheets = list(dict.fromkeys(row.sheet for row in content.rows))

    def position(error: RowError) -> tuple[int, int, int]:
        column = KEYS.index(error.key) if error.key in KEYS else len(KEYS)
        return sheets.index(error.sheet) if error.sheet in sheets else len(sheets), error.row, column

    errors = sorted(errors, key=position)
    by_cell: dict[tuple[str, int, str], list[int]] = {}
    for number, error in enumerate(errors, start=1):
        error.number = number
        by_cell.setdefault((error.sheet, error.row, error.key), []).append(number)
    for change in changes:
        change.marks = {key: by_cell.get((change.row.sheet, change.row.number, key), []) for key in change.errors}
    return WorkbookPreview(changes=changes, errors=errors, skipped=content.skipped)


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
    changes: list[RowChange] = []
    errors: list[RowError] = []
    seen: dict[int, int] = {}  # {output id: the row that reports on it}
    for row in content.rows:
        output = outputs.get(row.output_id) if row.output_id is not None else None
        if output is None or row.revision is None:
            errors.append(RowError(
                sheet=row.sheet, row=row.number, column=column_label("code"), key="code",
                message=_("This row names no output of %(programme)s (its hidden columns were changed): "
                          "download the workbook again.") % {"programme": programme.code},
            ))
            continue
        if output.pk in seen:
            errors.append(RowError(
                sheet=row.sheet, row=row.number, column=column_label("code"), key="code",
                message=_("Output %(code)s is already in row %(row)s: report on each output once.")
                % {"code": output.code, "row": seen[output.pk]},
            ))
            continue
        seen[output.pk] = row.number
        if row.as_of is None and "as_of" not in row.errors:
            row.as_of = today  # an empty As of: the day of the report, as on the form and in the API
        row_errors = {**row.errors, **status_update_rule_errors(
            output=output, user=user, unreadable=row.errors, fields={
                "status": row.status, "progress": row.progress, "narrative": row.narrative, "as_of": row.as_of,
                "links": row.links,
            },
        )}
        errors.extend(_row_errors(row, row_errors))
        changes.append(RowChange(row=row, output=output, errors=row_errors))
    return _preview(changes, errors, content)


def status_updates_import(
    *, programme: Programme, user: User, content: WorkbookContent, submit: bool, left_out: Collection[int] = ()
) -> WorkbookSaved:
    """Save the workbook's filled rows as their outputs' open updates (drafts, or submitted for
    review), all or nothing, in one transaction, each from the revision the workbook was downloaded at.

    ``left_out``: the outputs changed since the download that the confirmed preview showed; their
    rows are not saved. Raises WorkbookNotSaved, with the preview as it is now, when a row cannot
    be saved or another output changed since the preview; nothing is written then."""
    preview = status_updates_import_preview(programme=programme, user=user, content=content)
    if not preview.confirmable or preview.left_out != sorted(left_out):
        raise WorkbookNotSaved(preview)
    left = preview.conflicts  # before the save moves the saved outputs' revisions on
    saved: list[StatusUpdate] = []
    refused: dict[int, dict[str, list[str]]] = {}  # {output id: the save's errors, by column}
    try:
        with transaction.atomic():
            for change in preview.ready:
                row = change.row
                try:
                    saved.append(status_update_save(
                        output=change.output, user=user, base_revision=row.revision, status=row.status or "",
                        progress=row.progress, narrative=row.narrative, as_of=row.as_of, links=row.links,
                        submit=submit,
                    ))
                except EditConflict:
                    refused[change.output.pk] = {}
                except ValidationError as error:
                    refused[change.output.pk] = error.message_dict
            if refused:
                raise WorkbookNotSaved(preview)
    except WorkbookNotSaved:
        # Rolled back: the preview read again shows the outputs as they are (a row that met a change
        # made since the preview now conflicts), with the errors only the save found.
        again = status_updates_import_preview(programme=programme, user=user, content=content)
        errors = list(again.errors)
        for change in again.changes:
            for key, messages in refused.get(change.output.pk, {}).items():
                new = [message for message in messages if message not in change.errors.get(key, [])]
                change.errors[key] = change.errors.get(key, []) + new
                errors.extend(_row_errors(change.row, {key: new}))
        raise WorkbookNotSaved(_preview(again.changes, errors, content)) from None
    return WorkbookSaved(updates=saved, left_out=left)
