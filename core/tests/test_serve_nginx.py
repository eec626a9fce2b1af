"""nginx in front of gunicorn as `make serve` runs them (scripts/nginx.sh with deploy/nginx.conf),
on free loopback ports against a throwaway SQLite database: slow clients wait at nginx and never
hold gunicorn's threads, pages leave compressed, static files come from nginx, bodies are capped,
API writes work for clients that accept gzip (and for one generated from the schema), and one
client's excess connections and sign-in bursts are refused while others are served. Two app servers
(A, as make serve's, and B, of one process) behind nginx, on the settings' default cache without
CACHE_URL: the limits counted for one address hold across both servers and their processes.

Needs nginx (`scripts/system-deps.sh test` installs it); fails, saying so, without it.
"""

import gzip
import http.client
import http.cookies
import importlib
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest
import requests

from testing.servers import free_port, stop_process

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SLOW_CLIENTS = 64
# Two gunicorn processes of production's shape (2 threads, 8 connections each; gunicorn.conf.py's four
# are checked in test_gunicorn_config.py): fewer to start, and the slow clients still outnumber them.
WORKERS = 2
HEADER_EVERY_S = 2
ANSWER_WITHIN_S = 1.0
PASSWORD = "nginx-test-password"
# Loaded into the servers' database: the seed programme, a Malawi officer with a password and an API
# token, and two of the officer's outputs (one per test that writes). Prints what the tests need.
PREPARE = """
import json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from outputs.models import Output
from programme.models import AccessGrant, Country, Programme, Role
call_command("migrate", verbosity=0)
call_command("loaddata", "fixtures/ilo_regions_countries.json", "fixtures/glo-22-31-irl.json", verbosity=0)
officer = get_user_model().objects.create_user("officer-mw", password=os.environ["OFFICER_PASSWORD"])
programme = Programme.objects.get(code="GLO/22/31/IRL")
AccessGrant.objects.create(user=officer, programme=programme, country=Country.objects.get(code="MW"), role=Role.OFFICER)
outputs = Output.objects.filter(outcome__programme=programme, outcome__country__code="MW").order_by("code")
print(json.dumps({"token": Token.objects.create(user=officer).key, "outputs": [o.pk for o in outputs[:2]]}))
"""

pytestmark = pytest.mark.nginx


def request(port: int, path: str, method: str = "GET", headers: dict | None = None, timeout: float = 10,
            source: str = "127.0.0.1", body: str | None = None) -> tuple[http.client.HTTPResponse, bytes]:
    """One request on a connection of its own, from the loopback address ``source``: each address
    is another client for nginx's per-client limits."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def wait_for(port, process, log):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, f"stopped at start:\n{log.read_text() if log.exists() else ''}"
        try:
            if request(port, "/healthz/live", timeout=1)[0].status == 200:
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"no answer on port {port} within 30 s; see {log}")




@pytest.fixture(scope="module")
def served():
    """gunicorn on a private port and nginx in front of it; nginx's STATIC_ROOT holds a file the
    app's own static folders do not, so only nginx can serve it."""
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is not installed: run `scripts/system-deps.sh test` as root (apt-get install nginx)")
    # Under build/ and readable by all: nginx's workers run as nobody when it is started as root.
    (ROOT / "build").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="nginx-test-", dir=ROOT / "build"))
    work.chmod(0o755)
    static_root = work / "static"
    (static_root / "css").mkdir(parents=True)
    (static_root / "css" / "probe.0123456789ab.css").write_text("body { color: #123456; }\n" * 40)
    shutil.copytree(ROOT / "static" / "errors", static_root / "errors")  # as collectstatic copies it
    app_port, other_port, public_port = free_port(), free_port(), free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_"))}
    env.update(
        BUILD_DIR=str(work / "build"), DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}", DJANGO_DEBUG="0",
        # A failed sign-in costs a hash, even for an unknown name: milliseconds here, not a second.
        DJANGO_SETTINGS_MODULE="core.tests.fast_hashing_settings",
        GUNICORN_BIND=f"127.0.0.1:{app_port}", GUNICORN_WORKERS=str(WORKERS),
        GUNICORN_ACCESS_LOG=str(work / "gunicorn-access.log"), GUNICORN_ERROR_LOG=str(work / "gunicorn.log"),
    )
    prepared = subprocess.run([str(BIN / "python"), "-c", PREPARE], cwd=ROOT, env={**env, "OFFICER_PASSWORD": PASSWORD},
                              check=True, timeout=120, capture_output=True, text=True)
    data = json.loads(prepared.stdout.strip().splitlines()[-1])
    # A: the shape gunicorn.conf.py gives production (processes x 2 threads, 8 connections each).
    # B: a second app server on the same database, of one process.
    gunicorn = subprocess.Popen([str(BIN / "gunicorn"), "config.wsgi"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    other = subprocess.Popen([str(BIN / "gunicorn"), "config.wsgi"], cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL,
                             env={**env, "GUNICORN_BIND": f"127.0.0.1:{other_port}", "GUNICORN_WORKERS": "1",
                                  "GUNICORN_ERROR_LOG": str(work / "gunicorn-b.log")})
    nginx = subprocess.Popen(
        [str(ROOT / "scripts" / "nginx.sh"), str(work / "nginx")], cwd=ROOT, stdout=subprocess.DEVNULL,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin") + ":/usr/sbin", "LISTEN": f"127.0.0.1:{public_port}",
             "APP_SERVERS": f"127.0.0.1:{app_port} 127.0.0.1:{other_port}", "STATIC_ROOT": str(static_root)},
    )
    try:
        wait_for(app_port, gunicorn, work / "gunicorn.log")
        wait_for(other_port, other, work / "gunicorn-b.log")
        wait_for(public_port, nginx, work / "nginx" / "logs" / "error.log")
        warm_every_worker(app_port)
        yield {"app": app_port, "other": other_port, "public": public_port, "work": work, **data}
    finally:
        stop_process(nginx, signal.SIGTERM)  # nginx's fast shutdown
        # gunicorn's quick shutdown (held connections are not waited for), both servers at once.
        for server in (gunicorn, other):
            server.send_signal(signal.SIGINT)
        for server in (gunicorn, other):
            stop_process(server, signal.SIGINT)
        shutil.rmtree(work, ignore_errors=True)


def warm_every_worker(port):
    """A worker process loads the URLs and middleware on its first request, which may take over a
    second on a busy machine: 8 requests per process at once reach every one (each holds 8 connections at most)."""
    threads = [threading.Thread(target=request, args=(port, "/healthz/live"), kwargs={"timeout": 30})
               for _ in range(8 * WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def live_answers_while_slow_clients_hold(port, rounds):
    """Opens SLOW_CLIENTS connections that each send one header line every HEADER_EVERY_S seconds
    and never finish their request; meanwhile asks /healthz/live once per round. Returns, per
    round, the probe's time to answer in seconds (None: no answer within ANSWER_WITHIN_S)."""
    clients = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(SLOW_CLIENTS)]
    stopped = threading.Event()

    def drip():
        line = 0
        while not stopped.is_set():
            for client in clients:
                try:
                    client.sendall(b"GET /healthz/live HTTP/1.1\r\n" if line == 0 else b"X-Slow-%d: 1\r\n" % line)
                except OSError:
                    pass  # dropped by the server: the others go on
            line += 1
            stopped.wait(HEADER_EVERY_S)

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    times = []
    try:
        for _ in range(rounds):
            time.sleep(HEADER_EVERY_S / 2)  # between two lines: every slow client mid-request
            started = time.monotonic()
            try:
                response, body = request(port, "/healthz/live", timeout=ANSWER_WITHIN_S)
                assert (response.status, body) == (200, b"ok")
                times.append(time.monotonic() - started)
            except TimeoutError:
                times.append(None)
            time.sleep(HEADER_EVERY_S / 2)
    finally:
        stopped.set()
        dripper.join()
        for client in clients:
            client.close()
    return times


def answered_again(port, within_s=15):
    """Waits until the app answers /healthz/live directly again (bounded)."""
    deadline = time.monotonic() + within_s
    while True:
        try:
            response, _body = request(port, "/healthz/live", timeout=ANSWER_WITHIN_S)
            if response.status == 200:
                return
        except (TimeoutError, OSError):
            pass
        assert time.monotonic() < deadline, f"the app did not answer again within {within_s} s"
        time.sleep(0.2)


def test_slow_clients_do_not_stop_the_app_answering_through_nginx(served):
    # Without nginx: the slow clients take every gunicorn thread, and the probe waits behind them.
    assert live_answers_while_slow_clients_hold(served["app"], rounds=1) == [None]
    answered_again(served["app"])  # those clients gone, gunicorn's threads are free again
    # Through nginx: it reads the slow requests itself and hands gunicorn only complete ones.
    times = live_answers_while_slow_clients_hold(served["public"], rounds=2)
    assert None not in times and max(times) < ANSWER_WITHIN_S, times


def test_pages_are_compressed_by_nginx(served):
    direct, _ = request(served["app"], "/accounts/login/", headers={"Accept-Encoding": "gzip"})
    assert direct.status == 200 and direct.getheader("Content-Encoding") is None  # the app never compresses
    response, body = request(served["public"], "/accounts/login/", headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in response.getheader("Vary")
    assert b"<form" in gzip.decompress(body)
    plain, body = request(served["public"], "/accounts/login/")
    assert plain.getheader("Content-Encoding") is None and b"<form" in body


def test_static_files_are_served_by_nginx(served):
    path = "/static/css/probe.0123456789ab.css"
    assert request(served["app"], path)[0].status == 404  # not among the app's own static files
    response, body = request(served["public"], path)
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/css"
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"  # a hashed name
    assert body.startswith(b"body { color: #123456; }")


def test_request_bodies_over_32_mb_are_refused_by_nginx_unread(served):
    connection = http.client.HTTPConnection("127.0.0.1", served["public"], timeout=5)
    try:
        # Only the headers are sent: nginx answers from Content-Length without waiting for the body.
        connection.putrequest("POST", "/accounts/login/")
        connection.putheader("Content-Length", str(32 * 1024 * 1024 + 1))
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 413
        assert b"nginx" in response.read()  # nginx's own page, not the app's 413.html
    finally:
        connection.close()


def test_an_api_write_with_the_etag_read_through_nginx_is_accepted(served: dict) -> None:
    """Python requests asks for gzip by default: the ETag it reads stays strong, so If-Match matches."""
    session = requests.Session()
    session.headers["Authorization"] = f"Token {served['token']}"
    base = f"http://127.0.0.1:{served['public']}/api/outputs"
    output = served["outputs"][0]
    read = session.get(f"{base}/{output}/", timeout=10)
    assert "gzip" in read.request.headers["Accept-Encoding"]
    assert read.status_code == 200
    assert read.headers["ETag"] == f'"{read.json()["revision"]}"'  # strong: not W/"..."
    assert "Content-Encoding" not in read.headers

    written = session.post(f"{base}/{output}/updates/", json={"status": "on_track", "progress": 40},
                           headers={"If-Match": read.headers["ETag"]}, timeout=10)
    assert written.status_code == 201, written.text
    assert written.headers["ETag"] == f'"{read.json()["revision"] + 1}"'
    stale = session.post(f"{base}/{output}/updates/", json={"status": "on_track", "progress": 45},
                         headers={"If-Match": read.headers["ETag"]}, timeout=10)
    assert stale.status_code == 412  # the ETag still means what it says

    listed = session.get(f"{base}/", timeout=10)  # the lists carry no ETag, and are still compressed
    assert listed.status_code == 200 and listed.headers["Content-Encoding"] == "gzip"


def raised_open_files_limit(needed: int) -> None:
    """Each socket is a file: the test opens a few thousand."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            pytest.fail(f"needs {needed} open files; the hard limit is {hard} (ulimit -Hn)")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def slow_connections(port: int, source: str, count: int, first_bytes: bytes) -> list[socket.socket]:
    """``count`` connections from ``source`` that send ``first_bytes`` and nothing more."""
    opened = []
    for _ in range(count):
        client = socket.socket()
        client.bind((source, 0))
        client.settimeout(5)
        client.connect(("127.0.0.1", port))
        client.sendall(first_bytes)
        opened.append(client)
    return opened


def test_one_clients_excess_connections_are_refused_while_another_client_is_served(served: dict) -> None:
    port = served["public"]
    raised_open_files_limit(6000)
    held: list[socket.socket] = []
    try:
        # 2,500 connections whose headers never end (nginx holds them until client_header_timeout), and
        # 2,500 whose request body never comes (each a request in progress): all from one client.
        held += slow_connections(port, "127.0.0.5", 2500, b"GET /healthz/live HTTP/1.1\r\nHost: x\r\n")
        held += slow_connections(port, "127.0.0.5", 2500, b"POST /healthz/live HTTP/1.1\r\nHost: x\r\n"
                                                          b"Content-Length: 100\r\n\r\n")
        refused, body = request(port, "/healthz/live", source="127.0.0.5")
        assert refused.status == 429  # past its 64 requests in progress
        assert refused.getheader("Retry-After") == "60"
        assert "Too many requests" in body.decode() and "Trop de requêtes" in body.decode()
        started = time.monotonic()
        other, body = request(port, "/healthz/live", source="127.0.0.6", timeout=ANSWER_WITHIN_S)
        assert (other.status, body) == (200, b"ok") and time.monotonic() - started < ANSWER_WITHIN_S
    finally:
        for client in held:
            client.close()
    deadline = time.monotonic() + 5
    while request(port, "/healthz/live", source="127.0.0.5")[0].status != 200:  # its connections gone
        assert time.monotonic() < deadline, "the client was still refused after closing its connections"
        time.sleep(0.1)


def test_a_burst_of_sign_ins_from_one_client_is_refused_while_another_signs_in(served: dict) -> None:
    port = served["public"]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    statuses = [request(port, "/accounts/login/", "POST", form, source="127.0.0.7", body="username=x&password=y")[0].status
                for _ in range(14)]
    # The first 11 (one, then a burst of 10) reach the app, which refuses a form without its CSRF token.
    assert statuses[:11] == [403] * 11 and statuses[-2:] == [429, 429], statuses
    for path in ("/admin/login/", "/accounts/password_reset/"):  # the same count for every sign-in form
        assert request(port, path, "POST", form, source="127.0.0.7", body="")[0].status == 429
    assert request(port, "/accounts/login/", source="127.0.0.7")[0].status == 200  # reading the form is free

    other = requests.Session()
    login = f"http://127.0.0.1:{port}/accounts/login/"
    assert other.get(login, timeout=10).status_code == 200
    signed_in = other.post(login, {"username": "officer-mw", "password": PASSWORD,
                                   "csrfmiddlewaretoken": other.cookies["csrftoken"]},
                           allow_redirects=False, timeout=10)
    assert signed_in.status_code == 302  # another client (127.0.0.1) signs in meanwhile


@pytest.fixture(scope="module")
def generated_client(served: dict) -> Iterator[dict[str, ModuleType]]:
    """The client openapi-python-client generates from the schema the server serves, imported as a
    package: once for the module (about two seconds)."""
    schema = requests.get(f"http://127.0.0.1:{served['public']}/api/schema/?format=json", timeout=10,
                          headers={"Authorization": f"Token {served['token']}"})
    assert schema.status_code == 200
    (served["work"] / "schema.json").write_bytes(schema.content)
    package = served["work"] / "tracker_client"
    # ruff on the PATH, as where the generator is installed: it tidies the generated code.
    generated = subprocess.run(
        [str(BIN / "openapi-python-client"), "generate", "--path", str(served["work"] / "schema.json"),
         "--output-path", str(package), "--meta", "none", "--fail-on-warning"],
        env={**os.environ, "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}, capture_output=True, text=True, timeout=60,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    sys.path.insert(0, str(served["work"]))
    try:
        modules = ["tracker_client", "tracker_client.api.outputs.outputs_retrieve",
                   "tracker_client.api.outputs.outputs_updates_create", "tracker_client.models"]
        yield {name.rsplit(".", 1)[-1]: importlib.import_module(name) for name in modules}
    finally:
        sys.path.remove(str(served["work"]))
        for name in [name for name in sys.modules if name.split(".")[0] == "tracker_client"]:
            del sys.modules[name]


def test_a_client_generated_from_the_schema_reads_and_reports_with_the_etag(
    served: dict, generated_client: dict[str, ModuleType]
) -> None:
    api, models = generated_client["tracker_client"], generated_client["models"]
    sent: list[httpx.Request] = []
    client = api.AuthenticatedClient(base_url=f"http://127.0.0.1:{served['public']}", token=served["token"],
                                     prefix="Token", httpx_args={"event_hooks": {"request": [sent.append]}})
    output = str(served["outputs"][1])
    read = generated_client["outputs_retrieve"].sync_detailed(id=output, client=client)
    assert read.status_code == 200 and isinstance(read.parsed, models.Output)
    assert "gzip" in sent[-1].headers["Accept-Encoding"]
    etag = read.headers["ETag"]
    assert etag == f'"{read.parsed.revision}"'

    report = models.StatusUpdateWriteRequest(status=models.StatusEnum.AT_RISK, progress=35,
                                             narrative="Budget delayed.", submit=True)
    written = generated_client["outputs_updates_create"].sync_detailed(id=output, client=client, body=report,
                                                                       if_match=etag)
    assert sent[-1].headers["Content-Type"] == "application/json"
    assert written.status_code == 201, written.content
    assert isinstance(written.parsed, models.StatusUpdate)
    assert (written.parsed.status, written.parsed.progress, written.parsed.review_state) == (
        models.StatusEnum.AT_RISK, 35, models.ReviewStateEnum.SUBMITTED)
    assert written.headers["ETag"] == f'"{read.parsed.revision + 1}"'


class Browser:
    """One browser's cookies, sending each request to the app server it is told (A or B)."""

    def __init__(self, served):
        self.served, self.cookies = served, http.cookies.SimpleCookie()

    def send(self, server, method, path, fields=None):
        body = urllib.parse.urlencode({**(fields or {}), "csrfmiddlewaretoken": self.cookies["csrftoken"].value}
                                      ) if fields is not None else None
        headers = {"Cookie": "; ".join(f"{name}={morsel.value}" for name, morsel in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        response, _body = request(self.served[server], path, method, headers=headers, body=body)
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        return response.status


def test_the_password_reset_limit_for_one_address_holds_across_both_servers(served):
    browser = Browser(served)
    assert browser.send("app", "GET", "/accounts/password_reset/") == 200
    answers = [browser.send(server, "POST", "/accounts/password_reset/", {"email": "officer-mw@example.org"})
               for server in ["app", "other"] * 4]
    assert answers == [302, 302, 302, 429, 429, 429, 429, 429]  # PASSWORD_RESET_LIMIT_PER_ADDRESS: 3


def test_failed_sign_ins_lock_out_across_both_servers(served):
    """django-axes counts in the database, which both servers share."""
    browser = Browser(served)
    assert browser.send("other", "GET", "/accounts/login/") == 200
    answers = [browser.send(server, "POST", "/accounts/login/", {"username": "nobody", "password": "wrong"})
               for server in ["app", "other"] * 3]
    assert answers == [200, 200, 200, 200, 429, 429]  # LOGIN_FAILURE_LIMIT: 5
