"""Files the app sends, read back: a response's bytes whether streamed or not, a download that must
succeed, and what the export tests compare the files with."""

from pathlib import Path

from django.http import HttpResponseBase
from django.test import Client

from .seed import ROOT

SCHEMA_FILE = Path("shared") / "iati" / "iati-activities-schema.xsd"
# The IATI activity schema, kept beside the repository (in the nearest folder above it that holds it).
IATI_SCHEMA = next((folder / SCHEMA_FILE for folder in ROOT.parents if (folder / SCHEMA_FILE).is_file()),
                   ROOT.parent / SCHEMA_FILE)
# Phrases of the English PDF report, which a report in another language must not hold.
ENGLISH_PDF = ["progress report", "Summary", "Outputs by status", "Not reported", "Latest approved narrative", "days left"]


def body(response: HttpResponseBase) -> bytes:
    """The response's content, joined when it is streamed."""
    return b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]


def download(client: Client, url: str, headers: dict[str, str] | None = None, **params: str) -> bytes:
    """GET ``url`` with ``params`` as its query; the file it answers, which must be a 200."""
    response = client.get(url, params, headers=headers)
    assert response.status_code == 200, (response.status_code, body(response)[:300])
    return body(response)
