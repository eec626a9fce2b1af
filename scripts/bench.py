"""`make bench`: the size of the production code, and the median server time of the reporting pages
on a 50 x 200 x 20 programme, as ratios to the Django admin's changelist of the same outputs measured
on the same data in the same run: first reads (fragment cache empty) and repeat reads (cached). Then
the portfolio (/programmes/) of a coordinator of 100 programmes of the seed's size, against the admin's
changelist of the same programmes (`--portfolio`: that part only).

Server time is measured in-process through Django's test client (URL routing, middleware, view,
queries, template), which is what the server spends on a request before the network.
"""

import os
import statistics
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
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from outputs.demo_portfolio import demo_portfolio_generate  # noqa: E402
from programme.models import AccessGrant, Programme, Role  # noqa: E402

COUNTRIES, OUTPUTS, UPDATES, SEED = 50, 200, 20, 1
RUNS = int(os.environ.get("BENCH_RUNS", "15"))


SMALL = (2, 12, UPDATES, 2)  # a programme of Malawi's size with the same history: the query count must not grow
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
    """Median server time of ``url``, its query count and size. ``cached``: repeat reads, the
    fragment cache filled by the warm-up; otherwise every read is a first read."""
    response = client.get(url)  # warm-up: templates compiled, caches filled
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(RUNS):
        if not cached:
            cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        content = body(response)  # a streamed download is timed to its last byte
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    if not cached:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        body(client.get(url))
    return statistics.median(samples), len(queries), len(content)


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
    programme = portfolio(COUNTRIES, OUTPUTS, UPDATES, SEED)
    small = portfolio(*SMALL)
    country = first_country(programme)

    staff = staff_client()
    reader = reader_of(programme)
    base = f"/programmes/{programme.slug}"
    country_url = f"{base}/countries/{country.slug}/"
    # The admin's changelist of the same 200 outputs, all on one page.
    baseline, baseline_queries, _ = median_ms(
        staff, f"/admin/outputs/output/?outcome__programme__id__exact={programme.pk}"
               f"&outcome__country__id__exact={country.pk}&all=")
    pages = [
        ("country page (200 outputs), first read", country_url, "<= 0.25 x admin"),
        ("dashboard, first read", f"{base}/dashboard/", ""),
        ("outputs list", f"{base}/outputs/", ""),
        ("outputs list, filtered + sorted", f"{base}/outputs/?status=at_risk&overdue=on&sort=-deadline", ""),
        ("country page as of 2025-06-30, first", f"{country_url}?as_of=2025-06-30", ""),
    ]
    print(f"\nDatabase: {connection.vendor}; data: {COUNTRIES} countries x {OUTPUTS} outputs x {UPDATES} updates; "
          f"median of {RUNS} requests each")
    print(f"{'page':44} {'median ms':>10} {'queries':>8} {'x admin':>8}  target")
    print(f"{'admin changelist of the same outputs':44} {baseline:10.1f} {baseline_queries:8d} {1:8.2f}")
    for label, url, goal in pages:
        ms, queries, _size = median_ms(reader, url)
        print(f"{label:44} {ms:10.1f} {queries:8d} {ms / baseline:8.2f}  {goal}")
    for label, url in [("country page (200 outputs), repeat read", country_url), ("dashboard, repeat read", f"{base}/dashboard/")]:
        ms, queries, _size = median_ms(reader, url, cached=True)
        print(f"{label:44} {ms:10.1f} {queries:8d} {ms / baseline:8.2f}  {'<= 10 ms' if 'country' in label else ''}")

    small_url = f"/programmes/{small.slug}/countries/{first_country(small).slug}/"
    _ms, small_queries, _size = median_ms(reader_of(small), small_url)
    _ms, large_queries, _size = median_ms(reader, country_url)
    verdict = "fixed" if small_queries == large_queries else "GROWS WITH THE PAGE"
    print(f"\nCountry page queries, first read: {small_queries} for {SMALL[1]} outputs, "
          f"{large_queries} for {OUTPUTS} outputs ({verdict})")
    portfolio_bench(staff)


if __name__ == "__main__":
    main()
