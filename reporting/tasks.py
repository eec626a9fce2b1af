"""Large spreadsheets and PDF reports, built by the task worker (``manage.py db_worker``) and offered when ready.

The request queues the export; the task rebuilds it from what the reader asked for, in their
language, and writes it to the media storage (shared by every app server) under ``exports/``.
The job is the asking reader's alone, and their access is read again at build and at download.
While it builds, the task records its progress (``ExportProgress``): an export whose worker died
is told from one still being built within EXPORT_WORKER_SILENT_SECONDS.
"""

import datetime
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import IO, Any, cast

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

from .models import ExportProgress
from .report_exports import ALL_EXPORTERS
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
    # Progress a killed worker left behind (a finished task removes its own).
    ExportProgress.objects.filter(beat_at__lt=cutoff).delete()


class Progress:
    """The rows an export has written, recorded at its start and then every third of
    EXPORT_WORKER_SILENT_SECONDS at most, as long as rows keep coming."""

    def __init__(self, job: str) -> None:
        self.job = job
        self.rows = 0
        self.every = settings.EXPORT_WORKER_SILENT_SECONDS / 3
        self.record()

    def record(self) -> None:
        ExportProgress.objects.update_or_create(job=self.job, defaults={"rows": self.rows, "beat_at": timezone.now()})
        self.recorded = time.monotonic()

    def counting(self, rows: Iterator[tuple]) -> Iterator[tuple]:
        for row in rows:
            self.rows += 1
            if time.monotonic() - self.recorded >= self.every:
                self.record()
            yield row

    def forget(self) -> None:
        ExportProgress.objects.filter(job=self.job).delete()


@task(takes_context=True)
def export_file(
    context: TaskContext, *, identifier: str, programme_id: int, user_id: int, query: str, as_of: str | None,
    language: str, filename: str, country: str | None = None, base_url: str | None = None,
) -> dict:
    """Build the export the reader asked for (``report_exports.ALL_EXPORTERS[identifier]``, for the
    component ``country`` its address names, its links relative to ``base_url``) into the media
    storage; returns the file's name there and the countries the reader could export when it was
    built (None: all)."""
    progress = Progress(context.task_result.id)
    try:
        _remove_old_files()
        programme = Programme.objects.get(pk=programme_id)
        user = get_user_model().objects.get(pk=user_id)
        access = programme_access(user, programme)
        if access is None:
            raise PermissionDenied("The reader no longer has access to the programme.")
        moment = ReportMoment(datetime.date.fromisoformat(as_of) if as_of else None)
        with translation.override(language):
            exporter = ALL_EXPORTERS[identifier](programme, access, moment, QueryDict(query), user,
                                                 country=country, base_url=base_url)
            exporter.rows_through = progress.counting
            content = exporter.render()  # a spreadsheet's file, or a PDF's bytes (never chunks: in_background)
            handle = io.BytesIO(content) if isinstance(content, bytes) else cast(IO[bytes], content)
        progress.record()  # every row written: saving and storing the file remain
        name = default_storage.save(f"{FOLDER}/{context.task_result.id}.{exporter.file_suffix}",
                                    File(handle, name=filename))
    finally:
        progress.forget()  # the task's result tells the rest
    countries = access.export_country_ids
    return {"file": name, "countries": None if countries is None else sorted(countries)}


@dataclass(frozen=True)
class ExportJob:
    # "queued" (no worker has taken it yet), "running" (a worker builds it), "ready", "failed" (the task
    # raised), "stalled" (no worker took it within EXPORT_JOB_LIMIT_SECONDS) or "stopped" (its worker
    # went silent for EXPORT_WORKER_SILENT_SECONDS: it died mid-way)
    status: str
    identifier: str  # which export (report_exports.ALL_EXPORTERS)
    filename: str
    query: str  # the export's filters, to ask for it again
    country: str | None  # the component its address names, if any
    file: str | None = None  # its name in the media storage, when ready
    rows: int = 0  # written so far, while running


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
    job = ExportJob(status="queued", identifier=asked["identifier"], filename=asked["filename"], query=asked["query"],
                    country=asked.get("country"))
    if result.status == TaskResultStatus.SUCCESSFUL:
        built = cast(dict[str, Any], result.return_value)  # what export_file returned
        allowed = access.export_country_ids
        if allowed is not None and (built["countries"] is None or not allowed.issuperset(built["countries"])):
            return None
        return replace(job, status="ready", file=built["file"])
    if result.status == TaskResultStatus.FAILED:
        return replace(job, status="failed")
    now = timezone.now()
    if result.status == TaskResultStatus.RUNNING:
        # A worker killed mid-task leaves it running for ever: its progress stops coming.
        progress = ExportProgress.objects.filter(job=job_id).first()
        heard = max(progress.beat_at, result.started_at or now) if progress else result.started_at or now
        if now - heard > datetime.timedelta(seconds=settings.EXPORT_WORKER_SILENT_SECONDS):
            return replace(job, status="stopped")
        return replace(job, status="running", rows=progress.rows if progress else 0)
    # Waiting for a worker: past the limit, the reader is told and may ask again.
    if now - (result.enqueued_at or now) > datetime.timedelta(seconds=settings.EXPORT_JOB_LIMIT_SECONDS):
        return replace(job, status="stalled")
    return job
