"""Writes to outputs themselves: creation, edits, and the revision every write claims first."""


import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from programme.access import ProgrammeAccess, programme_access
from programme.models import Country, Programme
from programme.services import (
    outcome_get_or_create,
    programme_touch,
)

from .. import selectors
from ..models import (
    Output,
    history_by,
)
from ..spreadsheets import strip_control_characters


class EditConflict(Exception):
    """The output changed after the form was loaded: the save is refused, nothing is written.

    ``saved_by`` made the latest change (None when nobody is recorded): a person who saved in
    another tab is told so, not that someone else did."""

    def __init__(self, output: Output, saved_by: User | None = None) -> None:
        self.output = output
        self.saved_by = saved_by
        super().__init__(f"Output {output.pk} changed meanwhile (now at revision {output.revision}).")


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
            saved_by=selectors.output_latest_change_by(output),
        )
    output.revision = base_revision + 1


def _access_for(user: User, output: Output) -> ProgrammeAccess:
    return access_for_programme(user, output.outcome.programme)


def access_for_programme(user: User, programme: Programme) -> ProgrammeAccess:
    """The user's access to the programme; PermissionDenied without one."""
    access = programme_access(user, programme)
    if access is None:
        raise PermissionDenied(_("No access to this programme."))
    return access


OUTPUT_EDITABLE_FIELDS = ("title", "deadline", "code", "outcome", "position")


def output_edit(*, output: Output, user: User, base_revision: int | None = None, reason: str = "",
                **changes: Any) -> Output:
    """Change an output's details (coordinators, or staff with the admin's change permission).

    Every change is kept in the output's history with its before/after values, who and when.
    """
    unknown = set(changes) - set(OUTPUT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    if not user.has_perm("outputs.change_output"):
        _access_for(user, output).require_edit_outputs()
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
        history_by(output, user, reason or "Edited")
        output.save(update_fields=list(changes))
    return output


def output_create(
    *, programme: Programme, country: Country, outcome_number: int, code: str, title: str,
    deadline: datetime.date | str, user: User, reason: str = "Created",
) -> Output:
    """A new output in the component's outcome (created if needed), recorded in its history."""
    if not user.has_perm("outputs.add_output"):
        access_for_programme(user, programme).require_edit_outputs()
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("The output's text cannot be empty.")})
    with transaction.atomic():
        programme_touch(programme.pk)
        outcome, _created = outcome_get_or_create(programme=programme, country=country, number=outcome_number)
        last = Output.objects.filter(outcome__programme=programme).order_by("-position").values_list("position", flat=True).first()
        output = Output(outcome=outcome, code=code, title=title, deadline=deadline, position=(last or 0) + 1)
        history_by(output, user, reason)
        output.save()
    return output
