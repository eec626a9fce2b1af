"""The admin's spreadsheet import of outputs (a preview, then its confirmation) and its export, posted as a
staff user's browser posts them."""

import csv
import io
import re
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

IMPORT_URL = "/admin/outputs/output/import/"
PROCESS_URL = "/admin/outputs/output/process_import/"
EXPORT_URL = "/admin/outputs/output/export/"
HEADER = "programme,country,outcome,code,title,deadline\n"
EXPORT_FIELDS = ["id", "programme", "country", "outcome", "code", "title", "deadline"]
# The hidden fields of a preview that its confirmation sends back.
CONFIRMATION_FIELDS = re.compile(r'name="(import_file_name|original_file_name|format|resource)" value="([^"]*)"')


def preview(client: Client, content: bytes | str, name: str = "outputs.csv", fmt: str = "0") -> str:
    """The import page's preview of the file (CSV: format 0, XLSX: format 1), as HTML."""
    data = content.encode() if isinstance(content, str) else content
    response = client.post(IMPORT_URL, {"format": fmt, "import_file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    return response.content.decode()


def confirmation(html: str) -> dict[str, str]:
    """What the preview's confirmation form sends."""
    return {**dict(CONFIRMATION_FIELDS.findall(html)), "confirm": "Confirm import"}


def confirm(client: Client, html: str) -> "TestResponse":
    """The preview's "Confirm import" button."""
    return client.post(PROCESS_URL, confirmation(html))


def export_rows(client: Client, query: str = "") -> list[dict[str, str]]:
    """The outputs the admin's CSV export holds (``query``: the change list's filters)."""
    fields = {f"outputresource_{name}": "on" for name in EXPORT_FIELDS}
    response = client.post(EXPORT_URL + query, {"format": "0", "resource": "0", **fields})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
