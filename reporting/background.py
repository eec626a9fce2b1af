"""Large spreadsheets are built in a background thread and offered when ready.

A request never waits for a workbook of tens of thousands of rows: the reader gets a page that
refreshes itself (no JavaScript needed) until the file is ready, then downloads it. Files are kept
in the media storage (the local MEDIA_ROOT, or an S3-compatible bucket shared by every app server,
settings.MEDIA_STORAGE) under ``exports/`` and a random name that only the requesting session
knows. A ``.ready`` marker, written after the file, says it is complete (a poll reaching another
server must never offer half a file); a ``.failed`` marker says the build failed. Files are
removed after a day.
"""

import datetime
import logging
import threading
import uuid

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)
SESSION_KEY = "export_jobs"
KEEP = datetime.timedelta(days=1)
FOLDER = "exports"


def _name(job, marker=""):
    return f"{FOLDER}/{job}{marker}"


def _remove_old_files():
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
            pass  # removed meanwhile by another process


def start(request, build, *, filename):
    """Run ``build()`` (returning a file object) in a thread; returns the job id for this session."""
    _remove_old_files()
    job = uuid.uuid4().hex
    jobs = request.session.get(SESSION_KEY, {})
    jobs[job] = filename
    request.session[SESSION_KEY] = jobs

    def run():
        close_old_connections()
        try:
            handle = build()
            default_storage.save(_name(job), File(handle, name=job))
            default_storage.save(_name(job, ".ready"), ContentFile(b""))
        except Exception:
            logger.exception("Background export %s failed", job)
            default_storage.save(_name(job, ".failed"), ContentFile(b""))
        finally:
            connection.close()

    threading.Thread(target=run, name=f"export-{job}", daemon=True).start()
    return job


def state(request, job):
    """('ready', name, filename), ('failed', None, filename), ('running', None, filename) or None;
    ``name`` is the file's name in the media storage."""
    filename = request.session.get(SESSION_KEY, {}).get(job)
    if filename is None or not job.isalnum():
        return None
    if default_storage.exists(_name(job, ".ready")):
        return "ready", _name(job), filename
    if default_storage.exists(_name(job, ".failed")):
        return "failed", None, filename
    return "running", None, filename


def open_file(name):
    return default_storage.open(name, "rb")
