"""nginx in front of gunicorn as `make serve` runs them (scripts/nginx.sh with deploy/nginx.conf),
on free loopback ports against a throwaway SQLite database: slow clients wait at nginx and never
hold gunicorn's threads, pages leave compressed, static files come from nginx, bodies are capped.

Needs nginx (scripts/system-deps.sh installs it); fails, saying so, without it.
"""

import gzip
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from testing.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SLOW_CLIENTS = 64
# Two gunicorn processes of production's shape (2 threads, 8 connections each; gunicorn.conf.py's four
# are checked in test_gunicorn_config.py): fewer to start, and the slow clients still outnumber them.
WORKERS = 2
HEADER_EVERY_S = 2
ANSWER_WITHIN_S = 1.0

pytestmark = pytest.mark.nginx


def request(port, path, method="GET", headers=None, timeout=10):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, headers=headers or {})
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


def stop(process, sig):
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def served():
    """gunicorn on a private port and nginx in front of it; nginx's STATIC_ROOT holds a file the
    app's own static folders do not, so only nginx can serve it."""
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is not installed: run scripts/system-deps.sh as root (apt-get install nginx)")
    # Under build/ and readable by all: nginx's workers run as nobody when it is started as root.
    (ROOT / "build").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="nginx-test-", dir=ROOT / "build"))
    work.chmod(0o755)
    static_root = work / "static"
    (static_root / "css").mkdir(parents=True)
    (static_root / "css" / "probe.0123456789ab.css").write_text("body { color: #123456; }\n" * 40)
    app_port, public_port = free_port(), free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        BUILD_DIR=str(work / "build"), DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}", DJANGO_DEBUG="0",
        GUNICORN_BIND=f"127.0.0.1:{app_port}", GUNICORN_WORKERS=str(WORKERS),
        GUNICORN_ACCESS_LOG=str(work / "gunicorn-access.log"), GUNICORN_ERROR_LOG=str(work / "gunicorn.log"),
    )
    subprocess.run([str(BIN / "python"), "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=60)
    gunicorn = subprocess.Popen([str(BIN / "gunicorn"), "config.wsgi"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    nginx = subprocess.Popen(
        [str(ROOT / "scripts" / "nginx.sh"), str(work / "nginx")], cwd=ROOT, stdout=subprocess.DEVNULL,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin") + ":/usr/sbin", "LISTEN": f"127.0.0.1:{public_port}",
             "APP_SERVERS": f"127.0.0.1:{app_port}", "STATIC_ROOT": str(static_root)},
    )
    try:
        wait_for(app_port, gunicorn, work / "gunicorn.log")
        wait_for(public_port, nginx, work / "nginx" / "logs" / "error.log")
        warm_every_worker(app_port)
        yield {"app": app_port, "public": public_port}
    finally:
        stop(nginx, signal.SIGTERM)  # nginx's fast shutdown
        stop(gunicorn, signal.SIGINT)  # gunicorn's quick shutdown: held connections are not waited for
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
