"""Two app servers behind nginx, as docs/deployment.md's N-machine topology on one host: PostgreSQL,
a Redis cache, one task worker (kept running by scripts/keep-running.sh, as `make serve` runs it),
and two gunicorn instances (A and B) behind nginx round-robin. What one server does, the other
knows at its next request:

- (a) a grant revoked through A is refused on B;
- (b) an update approved through A shows at once on B's country page, which B had cached;
- (c) an export asked for on A in French is collected from B, in French;
- (d) an admin import previewed on A is confirmed on B;
- (e) with the worker killed mid-export, the reader is told the export failed as soon as its progress
  stops coming (never "being prepared" for ever); a new worker is started, and the export asked again
  is built;
- (g) PostgreSQL restarted under them: pages through nginx answer the 503 page meanwhile, the worker
  that exits on the database error is started again, and after the restart pages and exports work;
- (f) wrk across both servers through nginx: no error, both servers answering.

`make scaleout` runs this with a 30 s wrk run and prints the figures (docs/performance.md); `make test`
runs it on its PostgreSQL leg with a shorter one (SCALEOUT_WRK_SECONDS), alone, since (g) restarts
the cluster. Needs the throwaway PostgreSQL of scripts/with-postgres.sh, redis-server, nginx and wrk
(scripts/system-deps.sh scaleout).
"""

import csv
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from openpyxl import load_workbook

from testing.admin_spreadsheets import EXPORT_FIELDS, EXPORT_URL, IMPORT_URL, PROCESS_URL, confirmation
from testing.servers import free_port, start_database, stop_database

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "scaleout-demo-password"
WRK_SECONDS = int(os.environ.get("SCALEOUT_WRK_SECONDS", "30"))
WRK_CONNECTIONS = 32
# How long a building export may go without recording progress before its reader is told its worker
# stopped: short here, so that (e) ends soon (a record every 5/3 s while rows come).
WORKER_SILENT_SECONDS = 5
# How soon keep-running starts a worker again.
WORKER_RESTART_SECONDS = 1

# gunicorn's quick shutdown does not wait for kept-alive connections; the other processes stop on SIGTERM.
QUICK_STOP = {"a": signal.SIGINT, "b": signal.SIGINT}

pytestmark = pytest.mark.scaleout


def wait_until(check, what, within_s=30.0, every_s=0.1):
    deadline = time.monotonic() + within_s
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what}: not within {within_s} s"
        time.sleep(every_s)


def answers(port, path="/healthz/live"):
    try:
        return requests.get(f"http://127.0.0.1:{port}{path}", timeout=1).status_code == 200
    except requests.RequestException:
        return False


class Database:
    """The cluster's own database for these servers, read directly to find ids and check writes."""

    def __init__(self, url):
        import psycopg2

        self.url = url
        self.connection = psycopg2.connect(url)
        self.connection.autocommit = True

    def value(self, sql, *params):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return None if row is None else row[0]


class Cluster:
    """PostgreSQL (a database of its own), Redis, the worker, gunicorn A and B, nginx in front."""

    def __init__(self, work: Path):
        import psycopg2

        server_url = os.environ.get("DATABASE_URL", "")
        if not server_url.startswith("postgres"):
            pytest.fail("needs PostgreSQL in DATABASE_URL: run it through make scaleout (scripts/with-postgres.sh)")
        for program in ("redis-server", "wrk"):
            if not shutil.which(program):
                pytest.fail(f"{program} is not installed: run `scripts/system-deps.sh scaleout` as root")
        self.work = work
        self.processes: dict[str, subprocess.Popen] = {}
        parts = urlsplit(server_url)
        self.database_name = f"scaleout_{os.getpid()}"
        admin = psycopg2.connect(parts._replace(path="/postgres").geturl())
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{self.database_name}"')
        admin.close()
        self.server_url = server_url
        self.redis_port, self.port_a, self.port_b, self.public_port = (free_port() for _ in range(4))
        self.env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
        self.env.update(
            DATABASE_URL=parts._replace(path=f"/{self.database_name}").geturl(),
            CACHE_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            DJANGO_SETTINGS_MODULE="config.settings", DJANGO_DEBUG="0", DB_CONN_MAX_AGE="60", BUILD_DIR=str(work / "build"), MEDIA_ROOT=str(work / "media"),
            DEMO_PASSWORD=PASSWORD, DEMO_ACTIVITY="0", EXPORT_BACKGROUND_ROWS="10",
            EXPORT_WORKER_SILENT_SECONDS=str(WORKER_SILENT_SECONDS),
            # Two processes of two threads each: the two servers together are make serve's four.
            GUNICORN_WORKERS="2", GUNICORN_THREADS="2",
        )
        self.db = None

    def start(self):
        self.start_process("redis", ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
                                     "--save", "", "--appendonly", "no", "--dir", str(self.work)])
        # One process for the three commands (each process would spend seconds starting Django). BIG/1 is
        # a programme large enough that building its spreadsheet takes a while: (e) stops the worker mid-way.
        prepare = (
            "import django; django.setup(); from django.core.management import call_command as run; "
            "run('migrate', verbosity=0); run('setup_demo', verbosity=0); run('generate_demo_portfolio', "
            "countries=2, outputs_per_country=400, updates_per_output=1, code='BIG/1', verbosity=0)"
        )
        subprocess.run([str(BIN / "python"), "-c", prepare], cwd=ROOT, env=self.env, check=True, timeout=300,
                       stdout=subprocess.DEVNULL)
        self.db = Database(self.env["DATABASE_URL"])
        self.start_worker()
        for name, port in (("a", self.port_a), ("b", self.port_b)):
            self.start_process(name, [str(BIN / "gunicorn"), "config.wsgi"], GUNICORN_BIND=f"127.0.0.1:{port}",
                               GUNICORN_ACCESS_LOG=str(self.work / f"access-{name}.log"),
                               GUNICORN_ERROR_LOG=str(self.work / f"gunicorn-{name}.log"))
        static_root = self.work / "static"
        static_root.mkdir()
        self.start_process("nginx", [str(ROOT / "scripts" / "nginx.sh"), str(self.work / "nginx")],
                           env={"PATH": os.environ.get("PATH", "/usr/bin:/bin") + ":/usr/sbin",
                                "LISTEN": f"127.0.0.1:{self.public_port}", "STATIC_ROOT": str(static_root),
                                "APP_SERVERS": f"127.0.0.1:{self.port_a} 127.0.0.1:{self.port_b}"})
        for port in (self.port_a, self.port_b, self.public_port):
            wait_until(lambda port=port: answers(port), f"an answer on port {port}")

    def cached_keys(self, kind):
        """The shared cache's keys for one kind of value (core.caching names them "<kind>:<hash>")."""
        import redis

        return redis.Redis(port=self.redis_port).keys(f"*:{kind}:*")

    def start_process(self, name, command, env=None, **extra):
        with open(self.work / f"{name}.out", "ab") as log:  # the process keeps its own copy of the handle
            self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=env or {**self.env, **extra},
                                                    stdout=log, stderr=subprocess.STDOUT)

    def start_worker(self) -> None:
        self.start_process("worker", [str(ROOT / "scripts" / "keep-running.sh"), str(BIN / "python"), "manage.py",
                                      "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
                           RESTART_SECONDS=str(WORKER_RESTART_SECONDS))

    def worker_pids(self) -> list[int]:
        """The task workers keep-running has started, oldest first."""
        return [int(pid) for pid in re.findall(rb"keep-running: started pid (\d+)", (self.work / "worker.out").read_bytes())]

    def reconnect(self) -> None:
        """After a database restart: the test's own connection is gone."""
        self.db.connection.close()
        self.db = Database(self.env["DATABASE_URL"])

    def stop_all(self):
        for name, process in self.processes.items():  # all at once: gunicorn takes seconds to stop
            if process.poll() is None:
                process.send_signal(QUICK_STOP.get(name, signal.SIGTERM))
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.db is not None:
            self.db.connection.close()
        import psycopg2

        admin = psycopg2.connect(urlsplit(self.server_url)._replace(path="/postgres").geturl())
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="module")
def cluster():
    (ROOT / "build").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="scaleout-", dir=ROOT / "build"))
    work.chmod(0o755)  # nginx's workers run as nobody when it is started as root
    running = Cluster(work)
    try:
        running.start()
        yield running
    finally:
        running.stop_all()
        shutil.rmtree(work, ignore_errors=True)


class Person:
    """One signed-in browser, sending each request to the server it is told (A or B)."""

    def __init__(self, cluster, username, server="a"):
        self.cluster = cluster
        self.session = requests.Session()
        response = self.get(server, "/accounts/login/")
        assert response.status_code == 200
        response = self.post(server, "/accounts/login/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302, f"{username} could not sign in"

    def url(self, server: str, path: str) -> str:
        port = {"a": self.cluster.port_a, "b": self.cluster.port_b, "nginx": self.cluster.public_port}[server]
        return f"http://127.0.0.1:{port}{path}"

    def get(self, server, path, **kwargs):
        return self.session.get(self.url(server, path), allow_redirects=False, timeout=60, **kwargs)

    def post(self, server, path, data, **kwargs):
        data = {**data, "csrfmiddlewaretoken": self.session.cookies["csrftoken"]}
        return self.session.post(self.url(server, path), data=data, allow_redirects=False, timeout=60, **kwargs)


def seed_slug(cluster):
    return cluster.db.value("SELECT slug FROM programme_programme WHERE code = 'GLO/22/31/IRL'")


def test_a_grant_revoked_through_a_is_refused_on_b(cluster):
    officer = Person(cluster, "officer-zm")
    page = f"/programmes/{seed_slug(cluster)}/countries/zm/"
    assert officer.get("b", page).status_code == 200
    grant = cluster.db.value("SELECT g.id FROM programme_accessgrant g JOIN auth_user u ON u.id = g.user_id "
                             "WHERE u.username = 'officer-zm'")
    admin = Person(cluster, "admin")
    assert admin.post("a", f"/admin/programme/accessgrant/{grant}/delete/", {"post": "yes"}).status_code == 302

    assert officer.get("b", page).status_code in (403, 404)


def output_row(html, output_id):
    """The country page's card of one output, as text."""
    found = re.search(rf'<li class="card output-row" id="output-{output_id}">.*?</li>\s*(?=<li class="card|</ol>|</ul>|$)',
                      html, flags=re.DOTALL)
    assert found, f"no card for output {output_id}"
    return re.sub(r"<[^>]+>", " ", found.group(0))


def test_an_update_approved_through_a_shows_at_once_on_b_which_had_cached_the_page(cluster):
    slug = seed_slug(cluster)
    output_id = cluster.db.value(
        "SELECT o.id FROM outputs_output o JOIN programme_outcome c ON c.id = o.outcome_id "
        "JOIN programme_country k ON k.id = c.country_id WHERE k.code = 'MW' ORDER BY o.code LIMIT 1")
    officer = Person(cluster, "officer-mw")
    revision = cluster.db.value("SELECT revision FROM outputs_output WHERE id = %s", output_id)
    response = officer.post("a", f"/outputs/{output_id}/update/", {
        "status": "on_track", "progress": "60", "narrative": "Committee met twice.", "links": "",
        "as_of": time.strftime("%Y-%m-%d"), "base_revision": str(revision), "submit": "1",
    })
    assert response.status_code == 302, response.text[:2000]
    update = cluster.db.value("SELECT id FROM outputs_statusupdate WHERE output_id = %s AND review_state = 'submitted'",
                              output_id)

    donor = Person(cluster, "donor", server="b")
    page = f"/programmes/{slug}/countries/mw/"
    cached_before = cluster.cached_keys("report-country")
    before = donor.get("b", page)
    assert before.status_code == 200 and "On track" not in output_row(before.text, output_id)
    assert len(cluster.cached_keys("report-country")) == len(cached_before) + 1  # B cached the page in Redis

    coordinator = Person(cluster, "coordinator")
    revision = cluster.db.value("SELECT revision FROM outputs_output WHERE id = %s", output_id)
    assert coordinator.post("a", f"/updates/{update}/approve/", {"base_revision": str(revision)}).status_code == 302

    assert "On track" in output_row(donor.get("b", page).text, output_id)


def collect_export(person, server, job_page, within_s=60):
    """Waits on the job page until the file is ready or the page says it failed; returns the page."""
    def finished():
        html = person.get(server, job_page).text
        return html if ("?download=1" in html or "errorlist" in html) else None
    return wait_until(finished, f"the export at {job_page}", within_s=within_s, every_s=0.3)


def test_an_export_asked_for_on_a_in_french_is_collected_from_b_in_french(cluster):
    coordinator = Person(cluster, "coordinator")
    assert coordinator.post("a", "/i18n/setlang/", {"language": "fr", "next": "/"}).status_code == 302
    asked = coordinator.get("a", f"/programmes/{seed_slug(cluster)}/exports/outputs.xlsx")
    assert asked.status_code == 302, "63 outputs are over EXPORT_BACKGROUND_ROWS: the worker builds them"
    job_page = urlsplit(asked.headers["Location"]).path

    page = collect_export(coordinator, "b", job_page)
    assert "?download=1" in page and 'lang="fr"' in page
    download = coordinator.get("b", f"{job_page}?download=1")
    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(download.content), read_only=True)
    cells = {str(value) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
             for value in row if value is not None}
    assert "Non déclaré" in cells and "Not reported" not in cells


def test_an_admin_import_previewed_on_a_is_confirmed_on_b(cluster):
    admin = Person(cluster, "admin")
    output_id = cluster.db.value(
        "SELECT o.id FROM outputs_output o JOIN programme_outcome c ON c.id = o.outcome_id "
        "JOIN programme_programme p ON p.id = c.programme_id WHERE p.code = 'GLO/22/31/IRL' ORDER BY o.id LIMIT 1")
    columns = {f"outputresource_{name}": "on" for name in EXPORT_FIELDS}
    exported = admin.post("b", EXPORT_URL, {"format": "0", "resource": "0", **columns})
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    row = next(row for row in rows if row["id"] == str(output_id))
    row["title"] = "Renamed through an import previewed on A"
    upload = io.StringIO()
    writer = csv.DictWriter(upload, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)

    preview = admin.post("a", IMPORT_URL, {"format": "0"},
                         files={"import_file": ("outputs.csv", upload.getvalue().encode())})
    assert preview.status_code == 200 and "import_file_name" in preview.text, preview.text[:2000]
    confirmed = admin.post("b", PROCESS_URL, confirmation(preview.text))
    assert confirmed.status_code == 302
    assert cluster.db.value("SELECT title FROM outputs_output WHERE id = %s", output_id) == row["title"]
    again = admin.post("a", PROCESS_URL, confirmation(preview.text))
    assert again.status_code == 302 and again.headers["Location"].endswith(IMPORT_URL)
    told = admin.get("a", IMPORT_URL)
    assert "This preview was already confirmed" in told.text
    assert cluster.db.value("SELECT title FROM outputs_output WHERE id = %s", output_id) == row["title"]


def task_status(cluster, job):
    """The task's row as django-tasks-db keeps it."""
    return cluster.db.value("SELECT status FROM django_tasks_database_dbtaskresult WHERE id::text = %s", job)


def test_an_export_whose_worker_is_killed_is_shown_as_failed_and_can_be_asked_again(cluster: Cluster) -> None:
    admin = Person(cluster, "admin")
    slug = cluster.db.value("SELECT slug FROM programme_programme WHERE code = 'BIG/1'")
    for _attempt in range(3):
        asked = admin.get("a", f"/programmes/{slug}/exports/outputs.xlsx")
        assert asked.status_code == 302
        job_page = urlsplit(asked.headers["Location"]).path
        job = job_page.rstrip("/").rsplit("/", 1)[1]
        state = wait_until(lambda job=job: task_status(cluster, job) in ("RUNNING", "SUCCESSFUL") and task_status(
            cluster, job), "the worker taking the export", every_s=0.02)
        if state == "RUNNING":
            killed = cluster.worker_pids()[-1]
            os.kill(killed, signal.SIGKILL)  # no chance to record anything
            killed_at = time.monotonic()
            break
        # Finished before it could be stopped: ask again.
    else:
        pytest.fail("the export always finished before the worker could be stopped")
    assert task_status(cluster, job) == "RUNNING"  # as the killed worker left it

    page = admin.get("b", job_page).text
    assert "rows written so far" in page and "errorlist" not in page  # its progress came a moment ago
    page = collect_export(admin, "b", job_page, within_s=WORKER_SILENT_SECONDS + 10)
    assert "stopped before it was ready" in page
    told_after = time.monotonic() - killed_at
    assert told_after < WORKER_SILENT_SECONDS + 5, told_after

    # keep-running has started another worker meanwhile: asked again, the export is built.
    wait_until(lambda: cluster.worker_pids()[-1] != killed, "a new worker", within_s=10)
    ask_again = re.search(r'<a class="button" href="([^"]+)">Ask for it again', page).group(1).replace("&amp;", "&")
    asked = admin.get("b", ask_again)
    assert asked.status_code == 302
    page = collect_export(admin, "a", urlsplit(asked.headers["Location"]).path)
    assert "?download=1" in page


def test_the_site_stays_up_through_a_database_restart_and_the_worker_is_started_again(cluster: Cluster) -> None:
    coordinator = Person(cluster, "coordinator")
    page = f"/programmes/{seed_slug(cluster)}/countries/mw/"
    assert coordinator.get("nginx", page).status_code == 200
    workers = cluster.worker_pids()

    stop_database()
    try:
        away = coordinator.get("nginx", page)  # the app's page (in French, chosen in (c)), not nginx's 502
        assert away.status_code == 503 and "Retry-After" in away.headers and 'class="site-header"' in away.text
        # The worker's next look at the queue fails: it exits, and keep-running starts another.
        wait_until(lambda: len(cluster.worker_pids()) > len(workers), "the worker started again", within_s=15)
    finally:
        start_database()
        cluster.reconnect()

    assert coordinator.get("nginx", page).status_code == 200
    assert all(process.poll() is None for process in cluster.processes.values())  # nothing else stopped
    asked = coordinator.get("nginx", f"/programmes/{seed_slug(cluster)}/exports/outputs.xlsx")
    assert asked.status_code == 302
    assert "?download=1" in collect_export(coordinator, "nginx", urlsplit(asked.headers["Location"]).path)


def test_wrk_across_both_servers_through_nginx_has_no_error(cluster, capsys):
    donor = Person(cluster, "donor")
    path = f"/programmes/{seed_slug(cluster)}/countries/mw/"
    assert donor.get("a", path).status_code == 200
    sizes = {name: (cluster.work / f"access-{name}.log").stat().st_size for name in ("a", "b")}
    result = subprocess.run(
        ["wrk", "-t2", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", "--timeout", "5s",
         "-s", str(ROOT / "scripts" / "wrk-report.lua"), "-H", "Accept-Encoding: gzip",
         "-H", f"Cookie: sessionid={donor.session.cookies['sessionid']}",
         f"http://127.0.0.1:{cluster.public_port}{path}"],
        capture_output=True, text=True, check=True, timeout=WRK_SECONDS + 60,
    )
    report = dict(line.split()[1:] for line in result.stdout.splitlines() if line.startswith("wrk-report "))
    report = {key: int(value) for key, value in report.items()}
    served = {}
    for name in ("a", "b"):
        with open(cluster.work / f"access-{name}.log", "rb") as log:
            log.seek(sizes[name])
            served[name] = sum(1 for line in log if path.encode() in line)
    errors = sum(report[key] for key in ("errors_connect", "errors_read", "errors_write", "errors_timeout"))
    seconds = report["duration_us"] / 1e6
    with capsys.disabled():
        print(f"\nscaleout wrk: {WRK_SECONDS} s, {WRK_CONNECTIONS} connections, country page through nginx: "
              f"{report['requests']} requests, {report['requests'] / seconds:.0f} req/s, "
              f"p50 {report['latency_p50_us'] / 1000:.0f} ms, p99 {report['latency_p99_us'] / 1000:.0f} ms, "
              f"max {report['latency_max_us'] / 1000:.0f} ms; server A {served['a']}, server B {served['b']}; "
              f"non-2xx {report['non2xx']}, socket errors {errors}")
    assert report["non2xx"] == 0 and errors == 0
    # wrk counts the answers it read; the servers also logged those still in flight when it stopped.
    assert report["requests"] <= served["a"] + served["b"] <= report["requests"] + WRK_CONNECTIONS
    assert min(served.values()) > 0.4 * report["requests"]  # round-robin: each takes about half
