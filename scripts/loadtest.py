"""`make loadtest`: wrk on loopback against nginx and gunicorn as `make serve` runs them.

Runs inside scripts/serve.sh (production settings, the local PostgreSQL cluster, migrated, static
files collected, seed data loaded). Generates once a 50 x 200 x 20 programme, signs its
coordinator in without the login form (a session made directly, and an API token: repeated
logins would meet the login throttling), starts gunicorn on a free loopback port with nginx in
front of it on another (scripts/nginx.sh), and runs wrk through nginx at 32 connections for 30 s
on each URL, with a trivial view as the ceiling. Prints a table, checks the targets and writes
build/loadtest/results.json.

The trivial view is measured before every page and after the last, and each page is compared with
the better of the two runs beside it (this machine's load changes while the test runs).

Environment: LOADTEST_DURATION (s, default 30), LOADTEST_CONNECTIONS (32), LOADTEST_THREADS (2),
LOADTEST_ONLY (only the pages whose name contains it, e.g. "country"),
and gunicorn's own (GUNICORN_WORKERS, GUNICORN_THREADS; see gunicorn.conf.py).
"""

import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

DURATION = int(os.environ.get("LOADTEST_DURATION", "30"))
CONNECTIONS = int(os.environ.get("LOADTEST_CONNECTIONS", "32"))
WRK_THREADS = int(os.environ.get("LOADTEST_THREADS", "2"))
ONLY = os.environ.get("LOADTEST_ONLY", "")  # measure only the pages whose name contains this
# Sent with every request, as every browser sends it: nginx compresses the answers, as in production.
BROWSER_HEADER = "Accept-Encoding: gzip, deflate, br"
COUNTRIES, OUTPUTS, UPDATES, SEED = 50, 200, 20, 1
# Target: p99 below this at 32 connections, with no errors. The share of the trivial view's
# requests/s is reported, not a target: pages are worth what their queries and templates cost.
MAX_P99_MS = 300


def ensure_wrk():
    if shutil.which("wrk"):
        return shutil.which("wrk")
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing Debian's wrk package ...", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, stdout=subprocess.DEVNULL)
        return shutil.which("wrk")
    sys.exit("wrk is not installed (Debian/Ubuntu: apt-get install wrk).")


def prepare_data():
    """The generated programme, its coordinator's session cookie and API token, and the URLs."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from programme.models import Programme

    code = f"DEMO/{COUNTRIES}x{OUTPUTS}x{UPDATES}/{SEED}"
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        print(f"Generating {code} (once; kept in the serve database) ...", flush=True)
        call_command("generate_demo_portfolio", countries=COUNTRIES, outputs_per_country=OUTPUTS,
                     updates_per_output=UPDATES, seed=SEED)
        programme = Programme.objects.get(code=code)
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # planner statistics for the 200,000 rows just written
    coordinator = get_user_model().objects.get(username=f"demo-coordinator-{programme.slug}")
    country = programme.outcomes.select_related("country").order_by("country__name").first().country

    session = SessionStore()
    session[SESSION_KEY] = str(coordinator.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = coordinator.get_session_auth_hash()
    session.create()
    token, _ = Token.objects.get_or_create(user=coordinator)
    # As a signed-in browser sends them: the session and the CSRF cookie set at sign-in (a CSRF
    # secret is 32 letters and digits).
    from django.utils.crypto import get_random_string

    cookie = (
        f"Cookie: {settings.SESSION_COOKIE_NAME}={session.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={get_random_string(32)}"
    )
    base = f"/programmes/{programme.slug}"
    targets = [
        ("trivial view (ceiling)", "/healthz/live", None),
        (f"country page ({OUTPUTS} outputs)", f"{base}/countries/{country.slug}/", cookie),
        (f"dashboard ({COUNTRIES} countries)", f"{base}/dashboard/", cookie),
        ("API outputs list (50 per page)", f"/api/outputs/?programme={programme.slug}", f"Authorization: Token {token.key}"),
    ]
    from django.db import connection

    server = f"{connection.vendor} {connection.pg_version // 10000}" if connection.vendor == "postgresql" else connection.vendor
    connection.close()
    return targets, server


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url, header=None):
    request = urllib.request.Request(url)
    if header:
        name, value = header.split(": ", 1)
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.geturl()
    except urllib.error.HTTPError as error:
        return error.code, url


def start(name, command, env, port, log):
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{name} stopped at start; see {log}")
        try:
            if get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    process.terminate()
    sys.exit(f"{name} did not answer /healthz within 60 s; see {log}")


def start_servers(out_dir):
    """gunicorn on a free loopback port and nginx in front of it, as scripts/serve.sh starts them;
    returns both processes and nginx's port."""
    from django.conf import settings

    app_port, port = free_port(), free_port()
    gunicorn = start("gunicorn", [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi"],
                     {"GUNICORN_BIND": f"127.0.0.1:{app_port}", "GUNICORN_ACCESS_LOG": str(out_dir / "access.log"),
                      "GUNICORN_ERROR_LOG": str(out_dir / "gunicorn.log")},
                     app_port, out_dir / "gunicorn.log")
    try:
        nginx = start("nginx", [str(ROOT / "scripts" / "nginx.sh"), str(out_dir / "nginx")],
                      {"LISTEN": f"127.0.0.1:{port}", "APP_SERVERS": f"127.0.0.1:{app_port}",
                       "STATIC_ROOT": str(settings.STATIC_ROOT)},
                      port, out_dir / "nginx" / "logs" / "error.log")
    except SystemExit:
        gunicorn.terminate()
        raise
    return [nginx, gunicorn], port


def run_wrk(wrk, url, header, duration):
    command = [wrk, f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--timeout", "5s",
               "-s", str(ROOT / "scripts" / "wrk-report.lua")]
    for each in (BROWSER_HEADER, header):
        if each:
            command += ["-H", each]
    result = subprocess.run(command + [url], capture_output=True, text=True, check=True)
    report = {}
    for line in result.stdout.splitlines():
        if line.startswith("wrk-report "):
            _, key, value = line.split()
            report[key] = int(value)
    if "requests" not in report:
        sys.exit(f"wrk printed no report:\n{result.stdout}\n{result.stderr}")
    seconds = report["duration_us"] / 1e6
    return {
        "requests": report["requests"],
        "rps": report["requests"] / seconds,
        "p50_ms": report["latency_p50_us"] / 1000,
        "p90_ms": report["latency_p90_us"] / 1000,
        "p99_ms": report["latency_p99_us"] / 1000,
        "max_ms": report["latency_max_us"] / 1000,
        "non2xx": report["non2xx"],
        "last_bad_status": report["last_bad_status"],
        "errors": sum(report[key] for key in ("errors_connect", "errors_read", "errors_write", "errors_timeout")),
        "timeouts": report["errors_timeout"],
    }


def main():
    wrk = ensure_wrk()
    out_dir = ROOT / "build" / "loadtest"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "access.log").unlink(missing_ok=True)
    targets, server = prepare_data()
    servers, port = start_servers(out_dir)
    trivial, pages = targets[0], [t for t in targets[1:] if ONLY in t[0]]
    results, ceilings = [], []

    def measure(name, path, header):
        url = f"http://127.0.0.1:{port}{path}"
        status, final = get(url, header)
        if status != 200 or final != url:
            sys.exit(f"{name}: {path} answers {status} ({final}), not 200: check the data and the sign-in")
        run_wrk(wrk, url, header, 3)  # warm-up: templates compiled, fragments cached by the workers it reaches
        print(f"{name}: {CONNECTIONS} connections for {DURATION} s ...", flush=True)
        load_before = os.getloadavg()[0]
        return {"name": name, "path": path, "load_before": load_before, **run_wrk(wrk, url, header, DURATION)}

    try:
        # The trivial view is measured before each page and after the last: each page is compared
        # with the better of the two runs beside it, so that the ceiling is measured under the same
        # load as the page and one disturbed run of the trivial view cannot flatter a page.
        ceilings.append(measure(*trivial))
        for page in pages:
            results.append(measure(*page))
            ceilings.append(measure(*trivial))
    finally:
        for process in servers:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)

    for index, row in enumerate(results):
        row["ceiling_rps"] = max(ceilings[index]["rps"], ceilings[index + 1]["rps"])
    trivial_row = {**ceilings[0], "rps": sum(row["rps"] for row in ceilings) / len(ceilings),
                   "requests": sum(row["requests"] for row in ceilings),
                   "p50_ms": max(row["p50_ms"] for row in ceilings), "p90_ms": max(row["p90_ms"] for row in ceilings),
                   "p99_ms": max(row["p99_ms"] for row in ceilings), "max_ms": max(row["max_ms"] for row in ceilings),
                   "non2xx": sum(row["non2xx"] for row in ceilings), "errors": sum(row["errors"] for row in ceilings),
                   "runs_rps": [round(row["rps"]) for row in ceilings], "ceiling_rps": None}
    results.insert(0, trivial_row)
    import django
    import gunicorn as gunicorn_package

    workers = os.environ.get("GUNICORN_WORKERS", "4")  # gunicorn.conf.py's defaults
    threads = os.environ.get("GUNICORN_THREADS", "2")
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    print()
    print(f"Machine: {os.cpu_count()} cores ({cpu}); wrk, nginx, gunicorn and {server} on the same machine")
    print(f"Python {platform.python_version()}, Django {django.get_version()}, gunicorn {gunicorn_package.__version__} "
          f"({workers} workers x {threads} threads), DJANGO_ENV=production, DEBUG off; "
          f"wrk -t{WRK_THREADS} -c{CONNECTIONS} -d{DURATION}s")
    print()
    # The load average before each run shows whether something else was using the cores.
    header = ("| URL | requests/s | x trivial view (runs beside it) | p50 ms | p99 ms | non-2xx | socket errors "
              "| load before |")
    print(header)
    print("|" + "---|" * 8)
    failures = []
    for row in results:
        row["ratio"] = row["rps"] / row["ceiling_rps"] if row["ceiling_rps"] else 1.0
        ratio = (f"{row['ratio']:.2f} ({row['ceiling_rps']:.0f} req/s)" if row["ceiling_rps"]
                 else "1.00 (runs: " + ", ".join(str(rps) for rps in row["runs_rps"]) + ")")
        print(f"| {row['name']} | {row['rps']:.0f} | {ratio} | {row['p50_ms']:.1f} | "
              f"{row['p99_ms']:.1f} | {row['non2xx']} | {row['errors']} | {row['load_before']:.1f} |")
        if row["non2xx"] or row["errors"]:
            failures.append(f"{row['name']}: {row['non2xx']} non-2xx (last {row['last_bad_status']}), "
                            f"{row['errors']} socket errors")
        if row["p99_ms"] >= MAX_P99_MS:
            failures.append(f"{row['name']}: p99 {row['p99_ms']:.0f} ms (target < {MAX_P99_MS} ms)")
    (out_dir / "results.json").write_text(json.dumps(
        {"duration": DURATION, "connections": CONNECTIONS, "workers": workers, "threads": threads,
         "results": results}, indent=1))
    print()
    if failures:
        print("Targets missed:\n  " + "\n  ".join(failures))
        sys.exit(1)
    else:
        print(f"Targets met: no non-2xx, no socket errors, p99 < {MAX_P99_MS} ms at {CONNECTIONS} connections.")
    print(f"Results in {out_dir / 'results.json'}; access log in {out_dir / 'access.log'}")


if __name__ == "__main__":
    main()
