"""Large XLSX exports go to the task queue (the database backend) and are built by its worker:
in the reader's language, into the media storage, offered to that reader only while their access
lasts, and shown as failed when their worker dies (its progress stops coming) or no worker takes
them in time."""

import io
import subprocess
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.db.models.signals import post_save
from django_tasks_db.models import DBTaskResult

from outputs.models import ReviewState, StatusUpdate
from programme.models import AccessGrant, Country, Role
from reporting.models import ExportProgress
from reporting.tasks import Progress
from testing.exports import body
from testing.files import stored_files
from testing.workers import run_worker

BASE = "/programmes/glo-22-31-irl"
EXPORT = f"{BASE}/exports/outputs.xlsx"


@pytest.fixture
def background(settings, tmp_media):
    """Every spreadsheet of more than 10 outputs is built in the background, into a fresh media folder."""
    settings.EXPORT_BACKGROUND_ROWS = 10
    return tmp_media


def ask(client, **filters):
    """Ask for the spreadsheet; returns the waiting page's address."""
    response = client.get(EXPORT, filters)
    assert response.status_code == 302, response.status_code
    return response["Location"]


def workbook_values(response):
    """The sheets' names and every cell's value."""
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(body(response)))
    return {*workbook.sheetnames, *(value for sheet in workbook for row in sheet.iter_rows(values_only=True) for value in row)}


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_a_french_readers_export_is_built_by_the_worker_in_french(users, client_for, reported, background, settings):
    client = client_for(users.donor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    job_page = ask(client)
    waiting = client.get(job_page).content.decode()
    assert 'http-equiv="refresh"' in waiting and "?download=1" not in waiting
    assert stored_files(background) == []  # the request only queued it

    settings.EXPORT_WORKER_SILENT_SECONDS = 0  # progress recorded at every row
    recorded: list[int] = []

    def heard(sender: type, instance: ExportProgress, **kwargs: object) -> None:
        recorded.append(instance.rows)

    post_save.connect(heard, sender=ExportProgress)
    try:
        run_worker()
    finally:
        post_save.disconnect(heard, sender=ExportProgress)
    # From its start, then at every output and history row, and once more before the file is stored.
    rows = 63 + StatusUpdate.objects.filter(review_state=ReviewState.APPROVED).count()
    assert recorded == [0, *range(1, rows + 1), rows]
    ready = client.get(job_page).content.decode()
    assert "?download=1" in ready and 'http-equiv="refresh"' not in ready
    assert [path.name for path in (background / "exports").iterdir()] == [f"{job_page.rstrip('/').split('/')[-1]}.xlsx"]
    assert not ExportProgress.objects.exists()  # the finished task removed its progress
    values = workbook_values(client.get(job_page, {"download": "1"}))
    assert {"En bonne voie", "Atteint", "À risque", "Hors trajectoire"} <= values  # reported statuses, in French
    assert {"Produits", "Historique", "À propos", "Pays", "Code du produit", "Statut", "non", "oui"} <= values
    assert not {"On track", "Achieved", "At risk", "Off track", "Outputs", "About", "Country", "Status", "no"} & values


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_only_the_reader_who_asked_may_download_while_their_access_lasts(users, client_for, reported, background):
    job_page = ask(client_for(users.donor))
    run_worker()
    assert client_for(users.donor).get(job_page, {"download": "1"}).status_code == 200
    # A coordinator of the same programme did not ask for it; someone without a grant sees no programme.
    assert client_for(users.coordinator).get(job_page, {"download": "1"}).status_code == 404
    assert client_for(users.nogrant).get(job_page, {"download": "1"}).status_code == 404
    assert client_for(users.donor).get(f"{BASE}/exports/jobs/not-a-job/").status_code == 404

    AccessGrant.objects.filter(user=users.donor).delete()
    assert client_for(users.donor).get(job_page, {"download": "1"}).status_code == 404


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_an_officer_who_lost_a_country_no_longer_downloads_its_export(users, client_for, reported, background):
    officer = users.officer_mw
    malawi = AccessGrant.objects.get(user=officer)
    zambia = AccessGrant.objects.create(user=officer, programme=malawi.programme, role=Role.OFFICER,
                                        country=Country.objects.get(code="ZM"))
    job_page = ask(client_for(officer))
    run_worker()
    assert client_for(officer).get(job_page, {"download": "1"}).status_code == 200
    zambia.delete()  # the file holds Zambia's outputs: Malawi's officer may not have it any more
    assert client_for(officer).get(job_page, {"download": "1"}).status_code == 404


def taken_by_a_worker(job_page: str) -> str:
    """The job, claimed as db_worker claims it, by a worker that then records nothing of its own
    (killed, or not yet started on it); returns its id."""
    job = job_page.rstrip("/").rsplit("/", 1)[1]
    DBTaskResult.objects.ready().get(pk=job).claim("worker-under-test")
    return job


def test_a_job_whose_worker_died_is_shown_as_failed_within_the_silence(users, client_for, reported, background,
                                                                      frozen_today) -> None:
    client = client_for(users.donor)
    job_page = ask(client, country="mw")
    progress = Progress(taken_by_a_worker(job_page))
    assert list(progress.counting(iter([("row",)] * 7))) == [("row",)] * 7
    progress.record()

    frozen_today.shift(settings.EXPORT_WORKER_SILENT_SECONDS - 5)
    waiting = client.get(job_page).content.decode()
    assert 'http-equiv="refresh"' in waiting and "7 rows written so far" in waiting
    assert "says so within 1 minute" in waiting  # the page says how soon a stopped worker shows

    frozen_today.shift(10)  # nothing heard for longer than EXPORT_WORKER_SILENT_SECONDS: the worker died
    stopped = client.get(job_page).content.decode()
    assert 'http-equiv="refresh"' not in stopped and "?download=1" not in stopped
    assert "stopped before it was ready" in stopped
    assert f'href="{EXPORT}?country=mw"' in stopped  # ask again, with the same filters


def test_a_long_export_whose_worker_keeps_writing_is_still_being_prepared(users, client_for, reported, background,
                                                                         frozen_today) -> None:
    client = client_for(users.donor)
    job_page = ask(client)
    progress = Progress(taken_by_a_worker(job_page))
    progress.every = 0  # a record at every row (the interval runs on the real clock, not the frozen one)
    rows = progress.counting(iter(range(1000)))
    minutes = settings.EXPORT_JOB_LIMIT_SECONDS // 60 + 5  # well past the queue's limit
    for _half_minute in range(2 * minutes):
        frozen_today.shift(30)
        next(rows)
    waiting = client.get(job_page).content.decode()
    assert 'http-equiv="refresh"' in waiting and f"{2 * minutes} rows written so far" in waiting

    frozen_today.shift(settings.EXPORT_WORKER_SILENT_SECONDS + 1)
    assert "stopped before it was ready" in client.get(job_page).content.decode()


def test_a_job_no_worker_takes_is_shown_as_failed_after_the_limit(users, client_for, reported, background,
                                                                frozen_today) -> None:
    client = client_for(users.donor)
    job_page = ask(client, country="mw")

    frozen_today.shift(settings.EXPORT_JOB_LIMIT_SECONDS - 60)
    waiting = client.get(job_page).content.decode()
    assert 'http-equiv="refresh"' in waiting and "rows written" not in waiting
    assert f"takes it within {settings.EXPORT_JOB_LIMIT_SECONDS // 60} minutes" in waiting  # how long at most

    frozen_today.shift(120)
    stalled = client.get(job_page).content.decode()
    assert 'http-equiv="refresh"' not in stalled and "?download=1" not in stalled
    assert "none is running, or all are busy" in stalled
    assert f'href="{EXPORT}?country=mw"' in stalled  # ask again, with the same filters


def test_no_thread_is_started_by_production_code():
    root = Path(__file__).resolve().parents[2]
    found = subprocess.run(
        ["grep", "-rln", "--include=*.py", "--exclude-dir=tests", "threading",
         "core", "programme", "outputs", "reporting"],
        cwd=root, capture_output=True, text=True, check=False,
    )
    assert found.returncode == 1, found.stdout  # grep's "nothing found"
