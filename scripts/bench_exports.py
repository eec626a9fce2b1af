"""`make bench` (exports): CSV and XLSX of 10,000 outputs and the CSV of their 200,000 history rows,
next to django-import-export's default ModelResource export of the same rows and to a raw database
cursor written with csv.writer (the floor). The XLSX download also carries the History sheet, so it
is compared with the default resources' workbook of the same 209,015 rows; its Outputs sheet alone
with the default resource's XLSX of the outputs. Peak Python memory is measured with tracemalloc.
"""

import csv
import io
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "programme.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'build' / 'bench.sqlite3'}")
os.environ.setdefault("EXPORT_BACKGROUND_ROWS", "1000000")  # measure the in-request build

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
import tablib  # noqa: E402
from django.utils import timezone  # noqa: E402
from import_export.resources import modelresource_factory  # noqa: E402

from outputs.models import Output, ReviewState, StatusUpdate  # noqa: E402
from programme.models import Programme  # noqa: E402
from reporting import selectors  # noqa: E402
from reporting.exports import write_xlsx  # noqa: E402

RUNS = int(os.environ.get("BENCH_EXPORT_RUNS", "3"))
CODE = "DEMO/50x200x20/1"


class Case:
    def __init__(self, label, func, runs=None, heavy=False):
        self.label, self.func, self.runs, self.heavy = label, func, runs or RUNS, heavy
        self.times, self.peak_mb, self.bytes = [], None, 0

    @property
    def seconds(self):
        return statistics.median(self.times)


def measure(*cases):
    """Times the cases of one comparison in turns (a, b, c, a, b, c, ...) so that whatever else
    the machine does weighs on each alike; median of RUNS; then one traced run each for peak
    memory (skipped for the heavy default workbook, whose tracing would take several minutes)."""
    for case in cases:
        if not case.heavy:
            case.func()  # warm-up
    for round_ in range(max(case.runs for case in cases)):
        for case in cases:
            if round_ < case.runs:
                started = time.perf_counter()
                case.bytes = case.func()
                case.times.append(time.perf_counter() - started)
    for case in cases:
        if not case.heavy:
            tracemalloc.start()
            case.func()
            case.peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
    return list(cases)


def workbook_size(handle):
    handle.seek(0, 2)
    return handle.tell()


def consume(response):
    assert response.status_code == 200, response.status_code
    size = 0
    if response.streaming:
        for chunk in response.streaming_content:
            size += len(chunk)
    else:
        size = len(response.content)
    return size


def raw_csv_of(queryset):
    """The floor: the very SQL the export runs, through a raw cursor and csv.writer, no formatting."""
    sql, params = queryset.query.sql_with_params()
    return raw_csv(sql, params)


def raw_csv(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        out = io.StringIO()
        writer = csv.writer(out)
        size = 0
        while rows := cursor.fetchmany(5000):
            writer.writerows(rows)
            size += out.tell()
            out.seek(0)
            out.truncate()
    return size


def main():
    programme = Programme.objects.filter(code=CODE).first()
    if programme is None:
        sys.exit("Run scripts/bench.py first: it generates the 50 x 200 x 20 programme.")
    reader = get_user_model().objects.get(username=f"demo-coordinator-{programme.slug}")
    client = Client()
    client.force_login(reader)
    base = f"/programmes/{programme.slug}/exports"
    outputs = Output.objects.filter(outcome__programme=programme)
    history = StatusUpdate.objects.filter(output__outcome__programme=programme, review_state=ReviewState.APPROVED)
    OutputResource = modelresource_factory(Output)
    UpdateResource = modelresource_factory(StatusUpdate)
    n_outputs, n_history = outputs.count(), history.count()
    today = timezone.localdate()

    results = [
        *measure(
            Case("outputs CSV (ours)", lambda: consume(client.get(f"{base}/outputs.csv"))),
            Case("outputs CSV (import-export ModelResource)", lambda: len(OutputResource().export(outputs).csv)),
            Case("outputs CSV (raw cursor + csv.writer, floor)", lambda: raw_csv_of(
                selectors.export_queryset(selectors.outputs_for_list(programme)))),
        ),
        *measure(
            Case("outputs XLSX, Outputs sheet only (ours)", lambda: workbook_size(write_xlsx(
                selectors.export_rows(selectors.export_queryset(selectors.outputs_for_list(programme)), today),
                [], [])[0])),
            Case("outputs XLSX (import-export ModelResource)", lambda: len(OutputResource().export(outputs).xlsx)),
        ),
        *measure(
            Case("XLSX download with History (ours)", lambda: consume(client.get(f"{base}/outputs.xlsx"))),
            # The same 209,015 rows through the default resources, as one workbook: minutes a run.
            Case("same rows, two sheets (import-export ModelResource)", lambda: len(tablib.Databook([
                OutputResource().export(outputs), UpdateResource().export(history)]).export("xlsx")),
                runs=1, heavy=True),
        ),
        *measure(
            Case("history CSV, 200k rows (ours)", lambda: consume(client.get(f"{base}/history.csv"))),
            Case("history CSV (import-export ModelResource)", lambda: len(UpdateResource().export(history).csv)),
            Case("history CSV (raw cursor + csv.writer, floor)", lambda: raw_csv_of(selectors.approved_history(
                programme, output_ids=selectors.outputs_for_list(programme).order_by().values("pk")))),
        ),
    ]
    by_label = {case.label: case for case in results}
    print(f"\nDatabase: {connection.vendor}; {n_outputs} outputs, {n_history} approved history rows; "
          f"median of {RUNS} runs, taken in turns within each comparison; peak = tracemalloc peak of one run")
    print(f"{'export':52} {'seconds':>8} {'peak MB':>8} {'MB out':>7}")
    for case in results:
        peak = f"{case.peak_mb:8.1f}" if case.peak_mb is not None else f"{'-':>8}"
        print(f"{case.label:52} {case.seconds:8.2f} {peak} {case.bytes / 1e6:7.1f}")

    def ratio(a, b):
        return by_label[a].seconds / by_label[b].seconds

    print("\nRatios (target in brackets):")
    print(f"  outputs CSV: default resource / ours = {ratio('outputs CSV (import-export ModelResource)', 'outputs CSV (ours)'):.1f}x  [>= 5x]")
    print(f"  outputs CSV: ours / raw floor      = {ratio('outputs CSV (ours)', 'outputs CSV (raw cursor + csv.writer, floor)'):.1f}x  [<= 2x]")
    print(f"  outputs XLSX: default resource / ours = {ratio('outputs XLSX (import-export ModelResource)', 'outputs XLSX, Outputs sheet only (ours)'):.1f}x  [>= 2x]")
    print(f"  XLSX with History: default resources / ours = {ratio('same rows, two sheets (import-export ModelResource)', 'XLSX download with History (ours)'):.1f}x  [>= 2x]")
    print(f"  history CSV: default resource / ours = {ratio('history CSV (import-export ModelResource)', 'history CSV, 200k rows (ours)'):.1f}x  [>= 5x]")
    print(f"  history CSV: ours / raw floor      = {ratio('history CSV, 200k rows (ours)', 'history CSV (raw cursor + csv.writer, floor)'):.1f}x  [<= 2x]")
    print(f"  peak memory, CSV of 10k outputs vs 200k history rows: {by_label['outputs CSV (ours)'].peak_mb:.1f} MB vs "
          f"{by_label['history CSV, 200k rows (ours)'].peak_mb:.1f} MB  [flat]")


if __name__ == "__main__":
    main()
