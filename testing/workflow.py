"""The workflow's steps as the pages make them: updates written through the services, from the output's
current revision, as a freshly loaded form would; outputs of the seed found by country and code."""

import datetime
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from outputs.models import Output, StatusUpdate
from outputs.services.updates import status_update_approve, status_update_save

from .seed import SEED_CODE


def seed_output(country_code: str, code: str) -> Output:
    """An output of the seed programme GLO/22/31/IRL, by country ISO code and output code."""
    return Output.objects.get(
        outcome__programme__code=SEED_CODE, outcome__country__code=country_code, code=code
    )


def save_update(output: Output, user: User, *, submit: bool = True, status: str = "on_track", progress: int = 40,
                narrative: str = "Work is under way.", as_of: datetime.date | None = None,
                files: Sequence[UploadedFile] = (), links: Sequence[str] = ()) -> StatusUpdate:
    """status_update_save from the output's current revision, as a freshly loaded form would."""
    output.refresh_from_db()
    return status_update_save(
        output=output,
        user=user,
        base_revision=output.revision,
        status=status,
        progress=progress,
        narrative=narrative,
        as_of=as_of,
        files=files,
        links=links,
        submit=submit,
    )


def approve(update: StatusUpdate, user: User) -> StatusUpdate:
    """status_update_approve of the update as its output stands now, as the review queue would."""
    update.output.refresh_from_db()
    return status_update_approve(update=update, user=user, base_revision=update.output.revision)


def due_in(output: Output, days: int, today: datetime.date | None = None) -> Output:
    """The output's deadline moved to ``days`` from today (or from ``today``), written directly."""
    Output.objects.filter(pk=output.pk).update(deadline=(today or timezone.localdate()) + datetime.timedelta(days=days))
    output.refresh_from_db()
    return output
