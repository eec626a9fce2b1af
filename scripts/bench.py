"""`make bench`: median server time of the reporting pages on a 50 x 200 x 20 programme, as ratios
to the Django admin's changelist of outputs measured on the same data in the same run.

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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "programme.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'build' / 'bench.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from programme.models import Programme  # noqa: E402

COUNTRIES, OUTPUTS, UPDATES, SEED = 50, 200, 20, 1
RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def median_ms(client, url):
    response = client.get(url)  # warm-up: templates compiled, caches filled
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(RUNS):
        # The pages' own cost, as the first reader after a change pays it: not the page cache's.
        cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(samples), len(queries), len(response.content)


def main():
    call_command("migrate", verbosity=0)
    code = f"DEMO/{COUNTRIES}x{OUTPUTS}x{UPDATES}/{SEED}"
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        print(f"Generating {code} (once; kept in the bench database) ...", flush=True)
        call_command(
            "generate_demo_portfolio", countries=COUNTRIES, outputs_per_country=OUTPUTS,
            updates_per_output=UPDATES, seed=SEED,
        )
        programme = Programme.objects.get(code=code)
    User = get_user_model()
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_staff": True, "is_superuser": True})
    coordinator = User.objects.get(username=f"demo-coordinator-{programme.slug}")
    country = programme.outcomes.select_related("country").order_by("country__name").first().country

    staff = Client()
    staff.force_login(admin)
    reader = Client()
    reader.force_login(coordinator)
    base = f"/programmes/{programme.slug}"
    baseline, baseline_queries, _ = median_ms(staff, f"/admin/outputs/output/?outcome__programme__id__exact={programme.pk}")
    pages = [
        ("country page (200 outputs)", f"{base}/countries/{country.slug}/", 50),
        ("dashboard", f"{base}/dashboard/", 150),
        ("outputs list", f"{base}/outputs/", None),
        ("outputs list, filtered + sorted", f"{base}/outputs/?status=at_risk&overdue=on&sort=-deadline", None),
        ("country page as of 2025-06-30", f"{base}/countries/{country.slug}/?as_of=2025-06-30", None),
    ]
    vendor = connection.vendor
    print(f"\nDatabase: {vendor}; data: {COUNTRIES} countries x {OUTPUTS} outputs x {UPDATES} updates; "
          f"median of {RUNS} requests each")
    print(f"{'page':40} {'median ms':>10} {'queries':>8} {'x admin':>8}  target")
    print(f"{'admin changelist of outputs (baseline)':40} {baseline:10.1f} {baseline_queries:8d} {1:8.2f}")
    for label, url, target in pages:
        ms, queries, _size = median_ms(reader, url)
        goal = f"<= {target} ms and <= 1.00 x admin" if target else ""
        print(f"{label:40} {ms:10.1f} {queries:8d} {ms / baseline:8.2f}  {goal}")


if __name__ == "__main__":
    main()
