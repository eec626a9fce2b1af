"""Large spreadsheets, built by the task worker (``manage.py db_worker``) and offered when ready.

The request queues the export; the task rebuilds it from what the reader asked for, in their
language, and writes it to the media storage (shared by every app server) under ``exports/``.
The job is the asking reader's alone, and their access is read again at build and at download.
"""

import datetime
from dataclasses import dataclass, replace
from typing import IO, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.utils import timezone, translation
from django_tasks import TaskContext, TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

from programme.access import ProgrammeAccess, programme_access
from programme.models import Programme

from .report_exports import EXPORTERS
from .selectors import ReportMoment

KEEP = datetime.timedelta(days=1)  # older files are removed by the next export
FOLDER = "exports"


def _remove_old_files() -> None:
    cutoff = timezone.now() - KEEP
    try:
        _folders, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    for name in names:
        try:
            if default_storage.get_modified_time(f"{FOLDER}/{name}") < cutoff:
                default_storage.delete(f"{FOLDER}/{name}")
        except FileNotFoundError:
            pass  # removed meanwhile by another worker


@task(takes_context=True)
def export_file(
    context: TaskContext, *, identifier: str, programme_id: int, user_id: int, query: str, as_of: str | None,
    language: str, filename: str,
) -> dict:
    """Build the export the reader asked for (``report_exports.EXPORTERS[identifier]``) into the media
    storage; returns the file's name there and the countries the reader could export when it was
    built (None: all)."""
    _remove_old_files()
    programme = Programme.objects.get(pk=programme_id)
    user = get_user_model().objects.get(pk=user_id)
    access = programme_access(user, programme)
    if access is None:
        raise PermissionDenied("The reader no longer has access to the programme.")
    moment = ReportMoment(datetime.date.fromisoformat(as_of) if as_of else None)
    with translation.override(language):
        exporter = EXPORTERS[identifier](programme, access, moment, QueryDict(query), user)
        handle = cast(IO[bytes], exporter.render())  # those large enough to queue write a file (in_background)
    name = default_storage.save(f"{FOLDER}/{context.task_result.id}.{exporter.file_suffix}",
                                File(handle, name=filename))
    countries = access.export_country_ids
    return {"file": name, "countries": None if countries is None else sorted(countries)}


@dataclass(frozen=True)
class ExportJob:
    status: str  # "running", "ready", "failed", or "stalled" (not finished within EXPORT_JOB_LIMIT_SECONDS)
    identifier: str  # which export (report_exports.EXPORTERS)
    filename: str
    query: str  # the export's filters, to ask for it again
    file: str | None = None  # its name in the media storage, when ready


def export_job(job_id: str, user: AbstractBaseUser, access: ProgrammeAccess) -> ExportJob | None:
    """The reader's export, or None (callers answer 404) when there is no such job, it was asked for
    by someone else or in another programme, or the reader may no longer export what it holds."""
    try:
        result = export_file.get_result(job_id)
    except (TaskResultDoesNotExist, TaskResultMismatch):
        return None
    asked = result.kwargs
    if asked["user_id"] != user.pk or asked["programme_id"] != access.programme.pk or not access.can_export:
        return None
    job = ExportJob(status="running", identifier=asked["identifier"], filename=asked["filename"], query=asked["query"])
    if result.status == TaskResultStatus.SUCCESSFUL:
        built = result.return_value
        allowed = access.export_country_ids
        if allowed is not None and (built["countries"] is None or not allowed.issuperset(built["countries"])):
            return None
        return replace(job, status="ready", file=built["file"])
    if result.status == TaskResultStatus.FAILED:
        return replace(job, status="failed")
    # A worker stopped mid-task leaves it running, and a queue no worker reads leaves it waiting:
    # either way, past the limit the reader is told and may ask again.
    since = result.started_at or result.enqueued_at
    if timezone.now() - since > datetime.timedelta(seconds=settings.EXPORT_JOB_LIMIT_SECONDS):
        return replace(job, status="stalled")
    return job
