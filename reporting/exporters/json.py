"""JSON: ``{"meta": {...}, "outputs": [{column key: value}, ...]}``, streamed an output at a time.
Dates and times are ISO 8601; text is neutralised as in the spreadsheets, which import JSON too."""

import json
from collections.abc import Iterable, Iterator

from django.core.serializers.json import DjangoJSONEncoder

from outputs.spreadsheets import neutralise

from . import OUTPUT_KEYS


def json_chunks(meta: dict, rows: Iterable[tuple]) -> Iterator[bytes]:
    """``rows``: rows of ``exporters.output_rows``."""
    yield ('{"meta": ' + json.dumps(meta, cls=DjangoJSONEncoder) + ', "outputs": [').encode()
    separator = "\n"
    for row in rows:
        item = {key: neutralise(value) for key, value in zip(OUTPUT_KEYS, row, strict=False)}
        yield (separator + json.dumps(item, cls=DjangoJSONEncoder, ensure_ascii=False)).encode()
        separator = ",\n"
    yield b"\n]}\n"
