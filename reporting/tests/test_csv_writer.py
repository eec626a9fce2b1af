"""reporting.exporters.csv: what the CSV writer does to each kind of value, batch after batch."""

import csv
import datetime
import io
import zoneinfo

from reporting.exporters.csv import BATCH, csv_chunks


def read(chunks):
    data = b"".join(chunks)
    assert data.startswith("\ufeff".encode("utf-8"))  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_text_is_neutralised_and_control_characters_dropped():
    texts = ["=SUM(A1)", "plain", "\x01=hidden behind a control character", "mid\x07dle", "-5", "", None, "Viết"]
    rows = read(csv_chunks(["text", "n"], [(text, number) for number, text in enumerate(texts)]))
    assert [row[0] for row in rows[1:]] == [
        "'=SUM(A1)", "plain", "'=hidden behind a control character", "middle", "'-5", "", "", "Viết",
    ]
    assert [row[1] for row in rows[1:]] == [str(number) for number in range(len(texts))]


def test_numbers_dates_and_times_keep_their_form():
    maputo = zoneinfo.ZoneInfo("Africa/Maputo")
    rows = [
        (-3, datetime.date(2025, 12, 31), datetime.datetime(2025, 6, 30, 9, 5, 59, tzinfo=maputo)),
        (0, None, None),
        (None, datetime.date(2026, 1, 1), datetime.datetime(2026, 1, 1)),
    ]
    assert read(csv_chunks(["n", "d", "t"], rows)) == [
        ["n", "d", "t"], ["-3", "2025-12-31", "2025-06-30 09:05"], ["0", "", ""], ["", "2026-01-01", "2026-01-01 00:00"],
    ]


def test_rows_stream_in_batches_in_order_and_an_empty_export_keeps_its_header():
    count = 2 * BATCH + 1
    chunks = list(csv_chunks(["x"], ((index,) for index in range(count))))
    assert len(chunks) == 3
    assert read(chunks) == [["x"], *([str(index)] for index in range(count))]
    assert read(csv_chunks(["x"], [])) == [["x"]]
