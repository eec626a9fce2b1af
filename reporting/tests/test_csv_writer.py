"""reporting.exports' CSV writer: what it does to each kind of column, a chunk of columns at a time."""

import csv
import datetime
import io
import zoneinfo

from reporting.exports import _csv_stream


def read(chunks):
    data = b"".join(chunks)
    assert data.startswith("\ufeff".encode("utf-8"))
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_text_is_neutralised_and_control_characters_dropped():
    texts = ["=SUM(A1)", "plain", "\x01=hidden behind a control character", "mid\x07dle", "-5", "", None, "Viết"]
    rows = read(_csv_stream(["text", "n"], [[texts, list(range(len(texts)))]], ["text", "number"]))
    assert [row[0] for row in rows[1:]] == [
        "'=SUM(A1)", "plain", "'=hidden behind a control character", "middle", "'-5", "", "", "Viết",
    ]
    assert [row[1] for row in rows[1:]] == [str(number) for number in range(len(texts))]


def test_numbers_dates_and_times_keep_their_form():
    maputo = zoneinfo.ZoneInfo("Africa/Maputo")
    columns = [
        [-3, 0, None],
        [datetime.date(2025, 12, 31), None, datetime.date(2026, 1, 1)],
        [datetime.datetime(2025, 6, 30, 9, 5, 59, tzinfo=maputo), None, datetime.datetime(2026, 1, 1)],
    ]
    rows = read(_csv_stream(["n", "d", "t"], [columns], ["number", "date", "datetime"]))
    assert rows == [["n", "d", "t"], ["-3", "2025-12-31", "2025-06-30 09:05"], ["0", "", ""],
                    ["", "2026-01-01", "2026-01-01 00:00"]]


def test_chunks_stream_in_order_and_an_empty_export_keeps_its_header():
    chunks = [[["a", "b"]], [["c"]]]
    assert read(_csv_stream(["x"], chunks, ["text"])) == [["x"], ["a"], ["b"], ["c"]]
    assert read(_csv_stream(["x"], [], ["text"])) == [["x"]]
