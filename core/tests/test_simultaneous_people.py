"""Simultaneous people on the embedded default, as `make run` serves it: a SQLite database file, the
threaded development server (runserver, every request in one transaction) and a real task worker
(db_worker) polling the same file beside it. Real HTTP from threads released together:

- every demo account signs in at the same moment: each is signed in, none answered 503 or 500;
- five officers press "Save draft" at the same moment: every draft is stored, none answered 503 or 500;
- "Create a token" clicked twice at once leaves one working token and no error page;
- a save that meets the write lock held longer than the busy timeout is sent back (307) to be sent
  again as it was, and the second sending saves it: nothing typed is lost, no 503 or 500.

The server and worker start once for the module (a few seconds); needs no other server.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from testing.servers import free_port, stop_process

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "simultaneous-demo-password"
PEOPLE = ("admin", "coordinator", "donor", "officer-mw", "officer-mz", "officer-vn", "officer-zm", "officer-global")
OFFICERS = ("officer-mw", "officer-mz", "officer-vn", "officer-zm", "officer-global")


def answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/healthz/live", timeout=1).status_code == 200
    except requests.RequestException:
        return False




@pytest.fixture(scope="module")
def server():
    """`make run` on a SQLite file of its own: migrated, the demo loaded, runserver and db_worker."""
    (ROOT / "build").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="simultaneous-", dir=ROOT / "build"))
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    env.update(DJANGO_SETTINGS_MODULE="core.tests.fast_hashing_settings", BUILD_DIR=str(work),
               MEDIA_ROOT=str(work / "media"), DEMO_PASSWORD=PASSWORD, DEMO_ACTIVITY="0")
    prepare = ("import django; django.setup(); from django.core.management import call_command as run; "
               "run('migrate', verbosity=0); run('setup_demo', verbosity=0)")
    subprocess.run([str(BIN / "python"), "-c", prepare], cwd=ROOT, env=env, check=True, timeout=120,
                   stdout=subprocess.DEVNULL)
    url, impatient = f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"
    processes = []
    try:
        with open(work / "server.log", "wb") as log:
            # The worker polls often (make run's waits a second): more moments where both want the file.
            processes.append(subprocess.Popen(
                [str(BIN / "python"), "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.05",
                 "--skip-checks"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
            processes.append(subprocess.Popen(
                [str(BIN / "python"), "manage.py", "runserver", "--noreload", "--skip-checks", url.removeprefix("http://")],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
            # A second server on the same file that waits one second at most for the write lock.
            processes.append(subprocess.Popen(
                [str(BIN / "python"), "manage.py", "runserver", "--noreload", "--skip-checks",
                 impatient.removeprefix("http://")],
                cwd=ROOT, env={**env, "SQLITE_BUSY_TIMEOUT_SECONDS": "1"}, stdout=log, stderr=subprocess.STDOUT))
        deadline = time.monotonic() + 60  # a busy machine takes its time to start three processes
        while not (answers(url) and answers(impatient)):
            assert all(p.poll() is None for p in processes), (work / "server.log").read_text()
            assert time.monotonic() < deadline, "runserver did not answer within 60 s"
            time.sleep(0.1)
        yield SimpleNamespace(url=url, impatient=impatient, database=work / "db.sqlite3", worker=processes[0],
                              log=work / "server.log")
    finally:
        for process in processes:
            stop_process(process)
        shutil.rmtree(work, ignore_errors=True)


def query(server, sql: str, *params) -> list[tuple]:
    """Read the server's database file directly (a connection of this test's own)."""
    with closing(sqlite3.connect(server.database, timeout=30)) as connection:
        return connection.execute(sql, params).fetchall()


class Person:
    """One browser: a session of its own, its CSRF token read from the cookie as a form carries it."""

    def __init__(self, server, username: str):
        self.server, self.username = server, username
        self.session = requests.Session()

    def sign_in(self) -> "Person":
        assert self.get("/accounts/login/").status_code == 200
        assert self.post("/accounts/login/", {"username": self.username, "password": PASSWORD}).status_code == 302
        return self

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.server.url + path, allow_redirects=False, timeout=60)

    def post(self, path: str, data: dict, url: str = "") -> requests.Response:
        """To the server, or to ``url`` (another server on the same database: cookies go by host)."""
        url = url or self.server.url
        data = {**data, "csrfmiddlewaretoken": self.session.cookies["csrftoken"]}
        return self.session.post(url + path, data=data, allow_redirects=False, timeout=60,
                                 headers={"Referer": url + path})


def together(jobs: dict) -> dict:
    """Each job in its own thread, released at the same moment; their results by name."""
    barrier = threading.Barrier(len(jobs))
    results, errors = {}, []

    def run(name, job):
        try:
            barrier.wait(timeout=30)
            results[name] = job()
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=item) for item in jobs.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def statuses(responses: dict) -> dict:
    return {name: response.status_code for name, response in responses.items()}


@pytest.fixture(scope="module")
def signed_in(server):
    """Every demo account, signed in at the same moment (the first test checks the answers)."""
    people = {username: Person(server, username) for username in PEOPLE}
    for person in people.values():
        assert person.get("/accounts/login/").status_code == 200
    answers = together({
        username: (lambda person=person: person.post("/accounts/login/", {"username": person.username,
                                                                          "password": PASSWORD}))
        for username, person in people.items()
    })
    return people, answers


def test_everyone_signing_in_at_once_is_signed_in(signed_in):
    people, answers = signed_in
    assert statuses(answers) == dict.fromkeys(PEOPLE, 302), {
        name: response.text[:300] for name, response in answers.items() if response.status_code != 302}
    for person in people.values():
        assert person.get("/accounts/token/").status_code == 200  # signed in: not sent to the login page


def draft_form(server, officer: Person, nth: int = 0) -> tuple[int, dict]:
    """The officer's ``nth`` output and the update form as their browser fills it in."""
    (output_id,) = query(server, (
        "SELECT o.id FROM outputs_output o JOIN programme_outcome c ON c.id = o.outcome_id "
        "JOIN programme_accessgrant g ON g.country_id = c.country_id JOIN auth_user u ON u.id = g.user_id "
        "WHERE u.username = ? ORDER BY o.id LIMIT 1 OFFSET ?"), officer.username, nth)[0]
    page = officer.get(f"/outputs/{output_id}/update/")
    assert page.status_code == 200
    revision = re.search(r'name="base_revision" value="(\d+)"', page.text).group(1)
    return output_id, {
        "status": "at_risk", "progress": "35", "narrative": f"Typed by {officer.username}: the survey is late.",
        "as_of": time.strftime("%Y-%m-%d"), "links": "", "base_revision": revision, "save": "1",
    }


def test_officers_saving_drafts_at_once_each_have_their_draft_stored(server):
    people = {username: Person(server, username).sign_in() for username in OFFICERS}
    forms = {username: draft_form(server, people[username]) for username in OFFICERS}

    answers = together({
        username: (lambda username=username: people[username].post(f"/outputs/{forms[username][0]}/update/",
                                                                   forms[username][1]))
        for username in OFFICERS
    })

    assert statuses(answers) == dict.fromkeys(OFFICERS, 302), {
        name: response.text[:300] for name, response in answers.items() if response.status_code != 302}
    stored = dict(query(server, "SELECT output_id, narrative FROM outputs_statusupdate WHERE review_state = 'draft'"))
    assert {stored.get(output_id) for output_id, _form in forms.values()} == {
        form["narrative"] for _output, form in forms.values()}
    assert server.worker.poll() is None  # the worker polled the same file throughout


def test_a_save_meeting_a_lock_held_past_the_timeout_is_sent_again_whole_and_saved(server):
    officer = Person(server, "officer-mw").sign_in()
    output_id, form = draft_form(server, officer, nth=1)
    form["narrative"] = "Typed while someone else held the database for a long time."
    path = f"/outputs/{output_id}/update/"
    holder = sqlite3.connect(server.database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # the write lock, held past the impatient server's one second
        started = time.monotonic()
        answer = officer.post(path, form, url=server.impatient)
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert answer.status_code == 307 and answer.headers["Location"] == path and waited >= 1
    # The browser repeats the request with its method and body, as 307 asks: the form, as typed.
    again = officer.post(answer.headers["Location"], form, url=server.impatient)
    assert again.status_code == 302 and again.headers["Location"] == f"/outputs/{output_id}/"
    assert query(server, "SELECT narrative FROM outputs_statusupdate WHERE output_id = ?", output_id) == [
        (form["narrative"],)]


def test_create_a_token_clicked_twice_at_once_leaves_one_token_and_no_error(server):
    first = Person(server, "donor").sign_in()
    second = Person(server, "donor")  # the same browser's second click: the same cookies
    second.session.cookies.update(first.session.cookies)
    for _attempt in range(5):
        answers = together({person: (lambda person=person: person.post("/accounts/token/", {"action": "create"}))
                            for person in (first, second)})
        assert [response.status_code for response in answers.values()] == [200, 200]
        shown = {re.search(r'id="token-key" value="(\w+)"', response.text).group(1) for response in answers.values()}
        stored = query(server, "SELECT t.key FROM authtoken_token t JOIN auth_user u ON u.id = t.user_id "
                               "WHERE u.username = 'donor'")
        assert len(stored) == 1 and stored[0][0] in shown  # the page shown last holds the token that works
