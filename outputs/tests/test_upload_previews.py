"""Previewed uploads waiting for their confirmation in the media storage: a few reporting-workbook
previews per person (a new one removes their oldest), and none older than UPLOAD_PREVIEW_HOURS once
the task worker's sweep has run, which is queued when a preview is stored and queues itself again
while previews wait. Real files in a throwaway media folder; the real worker (db_worker)."""

import datetime
import io
import os
import time

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from outputs.previews import IMPORT_FOLDER, WORKBOOK_FOLDER, previews_remove_abandoned
from testing.workers import run_worker

SLUG = "glo-22-31-irl"
SWEEP = "outputs.tasks.remove_abandoned_previews"
DOWNLOADED = {}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def filled_workbook(client, progress: int) -> io.BytesIO:
    """The Malawi officer's workbook as downloaded, with output 1.1 filled in."""
    if "mw" not in DOWNLOADED:
        response = client.get(reverse("reporting:reporting_workbook_download", args=[SLUG]) + "?country=mw")
        DOWNLOADED["mw"] = b"".join(response.streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(DOWNLOADED["mw"]))
    sheet = workbook["Malawi"]
    number = next(row[0].row for row in sheet.iter_rows(min_row=2) if row[0].value == "1.1")
    sheet.cell(number, 6, "On track")
    sheet.cell(number, 7, progress)
    handle = io.BytesIO()
    workbook.save(handle)
    handle.seek(0)
    handle.name = "malawi.xlsx"
    return handle


def preview(client, progress: int = 40):
    response = client.post(reverse("outputs:reporting_workbook", args=[SLUG]),
                           {"workbook": filled_workbook(client, progress)})
    assert response.status_code == 200 and response.context["token"]
    return response


def confirm(client, response):
    return client.post(reverse("outputs:reporting_workbook", args=[SLUG]),
                       {"confirm": response.context["token"], "action": "draft"})


def waiting(media, folder):
    path = media / folder
    return sorted(p.name for p in path.iterdir() if p.is_file()) if path.exists() else []


def age(path, hours: float) -> None:
    """Make the file look ``hours`` old."""
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_each_person_keeps_a_few_previews_and_a_new_one_removes_their_oldest(users, client_for, media, settings):
    settings.WORKBOOK_PREVIEWS_PER_PERSON = 2
    officer, colleague = client_for(users.officer_mw), client_for(users.officer_mw2)
    theirs = preview(colleague)
    folder = f"{WORKBOOK_FOLDER}/{users.officer_mw.pk}"
    first = preview(officer, 10)
    age(media / folder / waiting(media, folder)[0], 0.2)
    second = preview(officer, 20)
    assert len(waiting(media, folder)) == 2

    third = preview(officer, 30)
    assert len(waiting(media, folder)) == 2  # the oldest went
    assert len(waiting(media, f"{WORKBOOK_FOLDER}/{users.officer_mw2.pk}")) == 1  # another person's stays

    gone = confirm(officer, first)
    assert gone.status_code == 409
    assert "its preview is too old: upload it again" in gone.content.decode()
    assert confirm(officer, third).status_code == 302
    assert confirm(officer, second).status_code == 409  # the revisions refuse a second save of 1.1
    assert confirm(colleague, theirs).status_code == 409


def test_the_sweep_removes_previews_older_than_the_limit_only(users, client_for, media, settings):
    settings.UPLOAD_PREVIEW_HOURS = 24
    officer = client_for(users.officer_mw)
    preview(officer, 10)
    preview(officer, 20)
    folder = media / WORKBOOK_FOLDER / str(users.officer_mw.pk)
    old, recent = sorted(folder.iterdir())
    age(old, 25)
    age(recent, 23)
    (media / IMPORT_FOLDER).mkdir()
    (media / IMPORT_FOLDER / "abandoned").write_bytes(b"programme,code\n")
    age(media / IMPORT_FOLDER / "abandoned", 30)
    (media / WORKBOOK_FOLDER / "before-folders.xlsx").write_bytes(b"PK")  # stored before per-person folders
    age(media / WORKBOOK_FOLDER / "before-folders.xlsx", 48)

    assert previews_remove_abandoned() == {"removed": 3, "waiting": 1}
    assert list(folder.iterdir()) == [recent]
    assert waiting(media, IMPORT_FOLDER) == [] and waiting(media, WORKBOOK_FOLDER) == []


def sweeps(status=TaskResultStatus.READY):
    return DBTaskResult.objects.filter(task_path=SWEEP, status=status)


@pytest.mark.django_db(transaction=True)  # the worker closes its connection
def test_the_worker_sweeps_every_hour_while_previews_wait(users, client_for, media):
    officer = client_for(users.officer_mw)
    started = timezone.now()
    preview(officer, 10)
    preview(officer, 20)  # a sweep is queued already: not a second one
    (queued,) = sweeps()
    assert datetime.timedelta(minutes=59) < queued.run_after - started < datetime.timedelta(minutes=61)

    run_worker()  # not due yet: nothing runs
    assert sweeps().count() == 1 and not sweeps(TaskResultStatus.SUCCESSFUL).exists()

    folder = media / WORKBOOK_FOLDER / str(users.officer_mw.pk)
    old, recent = sorted(folder.iterdir(), key=lambda path: path.stat().st_mtime)
    age(old, 25)
    sweeps().update(run_after=timezone.now())  # an hour later
    run_worker()

    (done,) = sweeps(TaskResultStatus.SUCCESSFUL)
    assert done.return_value == {"removed": 1, "waiting": 1}
    assert list(folder.iterdir()) == [recent]
    (next_sweep,) = sweeps()  # one preview still waits: the sweep queued itself again
    assert next_sweep.run_after > timezone.now() + datetime.timedelta(minutes=59)

    age(recent, 25)
    sweeps().update(run_after=timezone.now())
    run_worker()
    assert list(folder.iterdir()) == [] and not sweeps().exists()  # nothing waits: no sweep queued
