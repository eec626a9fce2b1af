"""CSV: UTF-8 with a byte-order mark (so that Excel reads it as UTF-8), streamed a batch of rows at
a time. Text that a spreadsheet would run as a formula is neutralised and control characters are
dropped; dates are ISO dates and times are written to the minute, as they read in the site's zone.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from itertools import islice

from outputs.spreadsheets import neutralise

BATCH = 1000  # rows per streamed chunk: small enough to start at once, large enough to be cheap


def _csv_row(row: tuple) -> list:
    """Text neutralised and times to the minute (without the offset); csv.writer writes the rest
    as it should (None as empty, numbers as numbers, dates as ISO dates)."""
    return [
        neutralise(value) if isinstance(value, str)
        else value.isoformat(" ", "minutes")[:16] if isinstance(value, datetime.datetime)
        else value
        for value in row
    ]


def csv_chunks(header: list[str], rows: Iterable[tuple]) -> Iterator[bytes]:
    """The header and ``rows`` as CSV, in chunks of encoded bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    rows = iter(rows)
    while True:
        writer.writerows(map(_csv_row, islice(rows, BATCH)))
        chunk = buffer.getvalue()
        if not chunk:
            return
        yield chunk.encode("utf-8")
        buffer.seek(0)
        buffer.truncate()

