"""`make bench`: the size of the production code, and the median server time of the reporting pages
on generated programmes at 1x, 10x and 50x the seed's size, each beside the Django admin's
changelist of one country's outputs of the same programme, measured in the same run: first reads
(fragment cache empty) and repeat reads (cached). Then "What changed"'s PDF over three years of the
largest, as the task worker builds it: its time and the peak memory of the process building it.
Last, the portfolio (/programmes/) of a coordinator of 100 programmes of the seed's size, against the
admin's changelist of the same programmes (`--portfolio`: that part only).

Server time is measured in-process through Django's test client (URL routing, middleware, view,
queries, template), which is what the server spends on a request before the network.
"""

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'build' / 'bench.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from outputs.demo_portfolio import demo_portfolio_generate  # noqa: E402
from outputs.models import Output  # noqa: E402
from programme.models import AccessGrant, Programme, Role  # noqa: E402

# The seed has 63 outputs in 5 components. Each size: countries x outputs a country x updates an output
# (monthly from January 2024), generated once into the bench database.
SIZES = [("1x", (5, 12, 20, 1)), ("10x", (15, 42, 20, 1)), ("50x", (50, 200, 20, 1))]
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
WINDOW = "from=2025-01-01&to=2025-12-31"  # a year of the generated history
PDF_WINDOW = "from=2023-01-01&to={today}"  # the generated programmes' first day to today

PRODUCTION_APPS = ("config", "core", "programme", "outputs", "reporting")
PRODUCTION_LINES_TARGET = 9800


def production_lines():
    """Lines of production Python: the apps and the top-level modules, without tests, migrations
    and scripts."""
    files = [path for app in PRODUCTION_APPS for path in (ROOT / app).rglob("*.py")
             if "tests" not in path.parts and "migrations" not in path.parts and path.name != "testing.py"]
    files += [ROOT / "manage.py", ROOT / "gunicorn.conf.py"]
    return sum(len(path.read_text().splitlines()) for path in files), len(files)


def median_ms(client, url, *, cached=False):
    """Median server time of ``url``, its query count and its size in KB. ``cached``: repeat reads,
    the fragment cache filled by the warm-up; otherwise every read is a first read."""
    response = client.get(url)  # warm-up: templates compiled, caches filled, ended months counted
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(RUNS):
        if not cached:
            clear_caches()
        started = time.perf_counter()
        response = client.get(url)
        content = body(response)  # a streamed download is timed to its last byte
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    if not cached:
        clear_caches()
    with CaptureQueriesContext(connection) as queries:
        body(client.get(url))
    return statistics.median(samples), len(queries), len(content) / 1024


def clear_caches():
    for each in caches.all():
        each.clear()


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def portfolio(countries, outputs, updates, seed):
    code = f"DEMO/{countries}x{outputs}x{updates}/{seed}"
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        print(f"Generating {code} (once; kept in the bench database) ...", flush=True)
        call_command(
            "generate_demo_portfolio", countries=countries, outputs_per_country=outputs,
            updates_per_output=updates, seed=seed,
        )
        programme = Programme.objects.get(code=code)
    return programme


def reader_of(programme):
    client = Client()
    client.force_login(get_user_model().objects.get(username=f"demo-coordinator-{programme.slug}"))
    return client


def first_country(programme):
    return programme.outcomes.select_related("country").order_by("country__name").first().country


# (label, path under the programme, target as a ratio to the admin changelist, repeat read)
PAGES = [
    ("country page, first read", "countries/{country}/", 0.25, False),
    ("programme overview", "", 0.25, False),
    ("outputs list", "outputs/", 0.25, False),
    ("outputs list, filtered + sorted", "outputs/?status=at_risk&overdue=on&sort=-deadline", 0.25, False),
    ("dashboard, first read", "dashboard/", 0.5, False),
    ("dashboard as of 2025-06-30, first", "dashboard/?as_of=2025-06-30", None, False),
    ("country page as of 2025-06-30, first", "countries/{country}/?as_of=2025-06-30", None, False),
    ("What changed in 2025", f"changes/?{WINDOW}", 1.0, False),
    ("country page, repeat read", "countries/{country}/", None, True),
    ("dashboard, repeat read", "dashboard/", None, True),
]


def measure(size, programme, staff):
    country = first_country(programme)
    outputs = Output.objects.filter(outcome__programme=programme, outcome__country=country).count()
    reader = reader_of(programme)
    base = f"/programmes/{programme.slug}/"
    admin_url = (f"/admin/outputs/output/?outcome__programme__id__exact={programme.pk}"
                 f"&outcome__country__id__exact={country.pk}&all=")
    baseline, baseline_queries, baseline_kb = median_ms(staff, admin_url)
    print(f"\n{size}: {programme.code} ({Output.objects.filter(outcome__programme=programme).count():,} outputs); "
          f"median of {RUNS} requests each")
    print(f"{'page':40} {'median ms':>10} {'queries':>8} {'KB':>8} {'x admin':>8}  target")
    print(f"{f'admin changelist ({outputs} outputs)':40} {baseline:10.1f} {baseline_queries:8d} {baseline_kb:8.0f} {1:8.2f}")
    ratios = {}
    for label, path, target, cached in PAGES:
        ms, queries, kb = median_ms(reader, base + path.format(country=country.slug), cached=cached)
        ratios[label] = (ms / baseline, queries)
        goal = f"<= {target} x admin" if target else ""
        print(f"{label:40} {ms:10.1f} {queries:8d} {kb:8.0f} {ms / baseline:8.2f}  {goal}")
    return baseline, ratios


def pdf_in_a_worker(programme):
    """What changed's PDF from the programme's first day to today, built as the task worker builds
    it, in a process of its own: seconds and peak memory (MB)."""
    today = time.strftime("%Y-%m-%d")
    code = (
        "import resource, sys, time; sys.path.insert(0, sys.argv[1]); import django; django.setup();"
        "from django.contrib.auth import get_user_model; from django.http import QueryDict;"
        "from programme.access import programme_access; from programme.models import Programme;"
        "from reporting.report_exports import ChangesPdf; from reporting.selectors import ReportMoment;"
        "p = Programme.objects.get(pk=int(sys.argv[2])); u = get_user_model().objects.get(username=sys.argv[3]);"
        "started = time.perf_counter();"
        "pdf = ChangesPdf(p, programme_access(u, p), ReportMoment(), QueryDict(sys.argv[4]), u).render();"
        "print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, len(pdf))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), str(programme.pk), f"demo-coordinator-{programme.slug}",
         PDF_WINDOW.format(today=today)],
        capture_output=True, text=True, check=True, env={**os.environ},
    )
    seconds, megabytes, size = done.stdout.split()
    return float(seconds), int(megabytes), int(size) / 1024


# 100 programmes of the seed's size: 7 components of 9 outputs (63), each output with 3 updates.
PORTFOLIO = 100
PORTFOLIO_SHAPE = (7, 9, 3)


def portfolio_reader():
    """A coordinator of the PORTFOLIO generated programmes (generated once, kept in the bench database)."""
    countries, outputs, updates = PORTFOLIO_SHAPE
    prefix = f"DEMO/{countries}x{outputs}x{updates}/"
    held = set(Programme.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    missing = [seed for seed in range(1, PORTFOLIO + 1) if f"{prefix}{seed}" not in held]
    if missing:
        print(f"Generating {len(missing)} programmes of {countries * outputs} outputs (once) ...", flush=True)
    for seed in missing:
        demo_portfolio_generate(countries=countries, outputs_per_country=outputs, updates_per_output=updates, seed=seed)
    reader, _ = get_user_model().objects.get_or_create(username="bench-portfolio")
    AccessGrant.objects.bulk_create(
        [AccessGrant(user=reader, programme=programme, role=Role.COORDINATOR)
         for programme in Programme.objects.filter(code__startswith=prefix)], ignore_conflicts=True)
    return reader, prefix


def portfolio_bench(staff):
    """The portfolio of 100 programmes against the admin's changelist of the same programmes (with
    their output counts), and its query count against a reader of two of them."""
    reader, prefix = portfolio_reader()
    country = first_country(Programme.objects.filter(code__startswith=prefix).order_by("code").first()).slug
    client = Client()
    client.force_login(reader)
    baseline, baseline_queries, _ = median_ms(staff, f"/admin/programme/programme/?q={prefix}")
    print(f"\nPortfolio: {PORTFOLIO} programmes of {PORTFOLIO_SHAPE[0] * PORTFOLIO_SHAPE[1]} outputs "
          f"({PORTFOLIO_SHAPE[2]} updates each); median of {RUNS} requests each")
    print(f"{'page':44} {'median ms':>10} {'queries':>8} {'x admin':>8}")
    print(f"{'admin changelist of the same programmes':44} {baseline:10.1f} {baseline_queries:8d} {1:8.2f}")
    for label, url, cached in [
        ("portfolio, first read", "/programmes/", False),
        ("portfolio, filtered + sorted, first read", f"/programmes/?country={country}&sort=-overdue", False),
        ("portfolio, repeat read (figures cached)", "/programmes/", True),
        ("portfolio CSV, first read", "/programmes/exports/portfolio.csv", False),
        ("API /api/programmes/, first read", "/api/programmes/", False),
    ]:
        ms, queries, _size = median_ms(client, url, cached=cached)
        print(f"{label:44} {ms:10.1f} {queries:8d} {ms / baseline:8.2f}")
    two, _ = get_user_model().objects.get_or_create(username="bench-portfolio-two")
    AccessGrant.objects.bulk_create([AccessGrant(user=two, programme=programme, role=Role.COORDINATOR) for programme
                                     in Programme.objects.filter(code__startswith=prefix)[:2]], ignore_conflicts=True)
    small = Client()
    small.force_login(two)
    _ms, two_queries, _size = median_ms(small, "/programmes/")
    _ms, many_queries, _size = median_ms(client, "/programmes/")
    verdict = "fixed" if two_queries == many_queries else "GROWS WITH THE PROGRAMMES"
    print(f"\nPortfolio queries, first read: {two_queries} for 2 programmes, {many_queries} for {PORTFOLIO} ({verdict})")


def staff_client():
    admin, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True})
    staff = Client()
    staff.force_login(admin)
    return staff


def main():
    if "--portfolio" in sys.argv:
        call_command("migrate", verbosity=0)
        portfolio_bench(staff_client())
        return
    lines, files = production_lines()
    print(f"\nProduction Python: {lines:,} lines in {files} files (target <= {PRODUCTION_LINES_TARGET:,})")

    call_command("migrate", verbosity=0)
    programmes = [(size, portfolio(*shape)) for size, shape in SIZES]
    staff = staff_client()
    print(f"\nDatabase: {connection.vendor}; load average before: {os.getloadavg()[0]:.1f}")
    results = [(size, *measure(size, programme, staff)) for size, programme in programmes]

    print("\nGrowth: each page as a ratio to the admin changelist of the same size (queries in brackets)")
    print(f"{'page':40} " + " ".join(f"{size:>14}" for size, _baseline, _ratios in results) + "  target")
    print(f"{'admin changelist, ms':40} " + " ".join(f"{baseline:14.1f}" for _size, baseline, _ratios in results))
    for label, _path, target, _cached in PAGES:
        cells = " ".join(f"{ratios[label][0]:8.2f} ({ratios[label][1]:2d})" for _size, _baseline, ratios in results)
        print(f"{label:40} {cells}  {f'<= {target}' if target else ''}")
    missed = [f"{label} at {size}: {ratios[label][0]:.2f} x admin" for size, _baseline, ratios in results
              for label, _path, target, _cached in PAGES if target and ratios[label][0] > target]
    print("Targets: " + ("met" if not missed else "MISSED: " + "; ".join(missed)))

    largest = programmes[-1][1]
    print(f"\nWhat changed PDF, {PDF_WINDOW.split('&')[0][5:]} to today, {largest.code}, as the task worker builds it ...",
          flush=True)
    seconds, megabytes, kb = pdf_in_a_worker(largest)
    print(f"  {seconds:.1f} s, peak memory of the process {megabytes} MB, {kb:,.0f} KB "
          f"(this process, for comparison: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB)")

    portfolio_bench(staff)


if __name__ == "__main__":
    main()
