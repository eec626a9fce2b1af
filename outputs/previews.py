"""Uploads waiting in the media storage (which every app server shares) between their preview and its
confirmation: the reporting workbooks, under ``reporting-workbooks/<person's id>/``, and the admin
import's files, under ``django-import-export/`` (django-import-export's MediaStorage names them).

Each person keeps at most WORKBOOK_PREVIEWS_PER_PERSON workbook previews: storing a new one removes
their oldest first (a corrected workbook uploaded again is never refused; the preview it replaces
could only be confirmed by going back to an older page). No preview is kept longer than
UPLOAD_PREVIEW_HOURS: the task worker removes abandoned ones with ``previews_remove_abandoned``
(``outputs.tasks.remove_abandoned_previews``), a task queued when a preview is stored that queues
itself again every SWEEP_EVERY while previews wait.
"""

import datetime
import uuid
from typing import IO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.utils import timezone

from core.cache_backend import CacheUnavailable

WORKBOOK_FOLDER = "reporting-workbooks"
IMPORT_FOLDER = "django-import-export"
SWEEP_EVERY = datetime.timedelta(hours=1)
SWEEP_QUEUED = "previews-sweep-queued"


def _files(folder: str) -> list[str]:
    """The files directly in ``folder`` of the media storage (none when it does not exist)."""
    try:
        _folders, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    return [f"{folder}/{name}" for name in names]


def _preview_files() -> list[str]:
    """Every waiting preview: each person's workbooks (and any stored before they had folders of
    their own), and the admin import's files."""
    try:
        people, _names = default_storage.listdir(WORKBOOK_FOLDER)
    except FileNotFoundError:
        people = []
    names = _files(WORKBOOK_FOLDER) + _files(IMPORT_FOLDER)
    return names + [name for person in people for name in _files(f"{WORKBOOK_FOLDER}/{person}")]


def _remove(name: str) -> None:
    try:
        default_storage.delete(name)
    except FileNotFoundError:
        pass  # removed meanwhile, by a confirmation or another sweep


def workbook_preview_store(*, user: AbstractBaseUser, upload: IO[bytes]) -> str:
    """Keep the person's previewed workbook until its confirmation; its name in the media storage.
    Their oldest previews go first, so that at most WORKBOOK_PREVIEWS_PER_PERSON wait."""
    folder = f"{WORKBOOK_FOLDER}/{user.pk}"
    waiting = sorted(_files(folder), key=default_storage.get_modified_time)
    for name in waiting[:max(0, len(waiting) - settings.WORKBOOK_PREVIEWS_PER_PERSON + 1)]:
        _remove(name)
    name = default_storage.save(f"{folder}/{uuid.uuid4().hex}.xlsx", upload)
    previews_sweep_schedule()
    return name


def previews_remove_abandoned() -> dict[str, int]:
    """Remove the previews older than UPLOAD_PREVIEW_HOURS: how many were removed and still wait."""
    cutoff = timezone.now() - datetime.timedelta(hours=settings.UPLOAD_PREVIEW_HOURS)
    removed = waiting = 0
    for name in _preview_files():
        try:
            abandoned = default_storage.get_modified_time(name) < cutoff
        except FileNotFoundError:
            continue
        if abandoned:
            _remove(name)
            removed += 1
        else:
            waiting += 1
    return {"removed": removed, "waiting": waiting}


def previews_sweep_schedule(*, again: bool = False) -> None:
    """Queue the sweep for the worker, SWEEP_EVERY from now, unless one is queued already: the
    shared cache remembers it for that long, so every process and server queues one between them.
    ``again``: from the sweep itself, whose own mark is then forgotten first."""
    from .tasks import remove_abandoned_previews  # the tasks module imports this one

    if again:
        cache.delete(SWEEP_QUEUED)
    try:
        first = cache.add(SWEEP_QUEUED, True, SWEEP_EVERY.total_seconds())
    except CacheUnavailable:
        first = True  # one sweep too many costs a listing; none would leave files behind
    if first:
        remove_abandoned_previews.using(run_after=timezone.now() + SWEEP_EVERY).enqueue()
