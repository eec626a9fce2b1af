"""`make bench` (exports): the outputs CSV and XLSX of 10,000 outputs, each as a ratio to other ways of
exporting the same outputs, measured in the same run:

- django-import-export's default ModelResource for Output (its CSV and its XLSX);
- for the CSV, the floor: the export's own SQL through a raw database cursor and csv.writer, with no
  formatting at all.

The CSV is the download as a reader gets it (URL, middleware, view, streamed body). The XLSX is the
exporter writing the Outputs sheet alone, as the default resource writes one sheet (the download
adds the History sheet of every approved update). The database is build/bench.sqlite3 (or
DATABASE_URL), with the 50 x 200 x 20 programme that scripts/bench.py also uses, generated the
first time (a few minutes).
"""

import csv
import io
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
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from import_export.resources import modelresource_factory  # noqa: E402

from outputs.models import Output  # noqa: E402
from programme.models import Programme  # noqa: E402
from reporting import selectors  # noqa: E402
from reporting.exporters import output_rows  # noqa: E402
from reporting.exporters.xlsx import write_workbook  # noqa: E402

RUNS = int(os.environ.get("BENCH_EXPORT_RUNS", "5"))
COUNTRIES, OUTPUTS, UPDATES, SEED = 50, 200, 20, 1  # as scripts/bench.py


def bench_programme():
    call_command("migrate", verbosity=0)
    code = f"DEMO/{COUNTRIES}x{OUTPUTS}x{UPDATES}/{SEED}"
    if not Programme.objects.filter(code=code).exists():
        print(f"Generating {code} (once; kept in the bench database) ...", flush=True)
        call_command("generate_demo_portfolio", countries=COUNTRIES, outputs_per_country=OUTPUTS,
                     updates_per_output=UPDATES, seed=SEED)
    return Programme.objects.get(code=code)


def median_seconds(cases):
    """{label: median seconds} of the cases ({label: function}), timed in turns (a, b, c, a, b, c,
    ...) after one warm-up each, so that whatever else the machine does weighs on each alike."""
    times = {label: [] for label in cases}
    for run in cases.values():
        run()
    for _round in range(RUNS):
        for label, run in cases.items():
            started = time.perf_counter()
            run()
            times[label].append(time.perf_counter() - started)
    return {label: statistics.median(samples) for label, samples in times.items()}


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def raw_csv(sql):
    """The floor: rows straight from a database cursor into csv.writer."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        out = io.StringIO()
        writer = csv.writer(out)
        while rows := cursor.fetchmany(selectors.EXPORT_CHUNK_SIZE):
            writer.writerows(rows)
            out.seek(0)
            out.truncate()


def main():
    programme = bench_programme()
    reader = get_user_model().objects.get(username=f"demo-coordinator-{programme.slug}")
    client = Client()
    client.force_login(reader)
    csv_url = f"/programmes/{programme.slug}/exports/outputs.csv"
    with CaptureQueriesContext(connection) as captured:
        download(client, csv_url)
    export_sql = next(query["sql"] for query in captured if '"evidence_count"' in query["sql"])
    outputs = Output.objects.filter(outcome__programme=programme)
    resource = modelresource_factory(Output)()
    today = timezone.localdate()

    csv_times = median_seconds({
        "ours": lambda: download(client, csv_url),
        "default resource": lambda: resource.export(outputs).csv,
        "raw floor": lambda: raw_csv(export_sql),
    })
    xlsx_times = median_seconds({
        "ours": lambda: write_workbook(
            output_rows(selectors.export_rows(selectors.outputs_for_list(programme)), today), [], []
        ),
        "default resource": lambda: resource.export(outputs).xlsx,
    })

    print(f"\n{connection.vendor}, {outputs.count()} outputs; median of {RUNS} runs taken in turns")
    for kind, times in (("CSV", csv_times), ("XLSX", xlsx_times)):
        for label, seconds in times.items():
            print(f"  outputs {kind:4}  {label:17} {seconds:6.2f} s")
    ratios = [
        ("outputs CSV: default resource / ours", csv_times["default resource"] / csv_times["ours"], ">=", 3),
        ("outputs CSV: ours / raw floor", csv_times["ours"] / csv_times["raw floor"], "<=", 2),
        ("outputs XLSX: default resource / ours", xlsx_times["default resource"] / xlsx_times["ours"], ">=", 1.5),
    ]
    print("\nRatios [target]:")
    for label, ratio, comparison, target in ratios:
        met = ratio >= target if comparison == ">=" else ratio <= target
        print(f"  {label:38} {ratio:5.1f}x  [{comparison} {target}x] {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
