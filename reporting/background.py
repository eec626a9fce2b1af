"""Large spreadsheets are built in a background thread and offered when ready.

A request never waits for a workbook of tens of thousands of rows: the reader gets a page that
refreshes itself (no JavaScript needed) until the file is ready, then downloads it. Files live in
``MEDIA_ROOT/exports/`` under a random name that only the requesting session knows; a
``.failed`` marker says the build failed. Old files are removed after a day.
"""

import logging
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)
SESSION_KEY = "export_jobs"
KEEP_SECONDS = 24 * 3600


def export_dir():
    path = Path(settings.MEDIA_ROOT) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _remove_old_files():
    cutoff = time.time() - KEEP_SECONDS
    for path in export_dir().iterdir():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def start(request, build, *, filename):
    """Run ``build()`` (returning a file object) in a thread; returns the job id for this session."""
    _remove_old_files()
    job = uuid.uuid4().hex
    jobs = request.session.get(SESSION_KEY, {})
    jobs[job] = filename
    request.session[SESSION_KEY] = jobs
    target = export_dir() / job

    def run():
        close_old_connections()
        try:
            handle = build()
            partial = target.with_suffix(".part")
            with open(partial, "wb") as out:
                while chunk := handle.read(1024 * 1024):
                    out.write(chunk)
            partial.rename(target)
        except Exception:
            logger.exception("Background export %s failed", job)
            target.with_suffix(".failed").touch()
        finally:
            connection.close()

    threading.Thread(target=run, name=f"export-{job}", daemon=True).start()
    return job


def state(request, job):
    """('ready', path, filename), ('failed', None, filename), ('running', None, filename) or None."""
    filename = request.session.get(SESSION_KEY, {}).get(job)
    if filename is None or not job.isalnum():
        return None
    path = export_dir() / job
    if path.exists():
        return "ready", path, filename
    if path.with_suffix(".failed").exists():
        return "failed", None, filename
    return "running", None, filename
