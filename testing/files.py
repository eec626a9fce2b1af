"""Real files built in memory (PDF, PNG, JPEG, DOCX, XLSX, the start of a Windows executable), as
uploads, and the update page's form submitted with them."""

import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outputs.models import Output

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


def pdf_bytes(text: str = "Evidence") -> bytes:
    """A valid one-page PDF 1.4 with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def png_bytes(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (200, 30, 60)) -> bytes:
    """A valid RGB PNG built with zlib and struct (IHDR, IDAT, IEND with their CRCs)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width  # filter type 0 per scanline
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    """A valid baseline JPEG: one 8x8 mid-grey block (JFIF, DQT, SOF0, DHT, SOS, EOI).

    A flat block at level 128 has DC difference 0 and no AC coefficients, so each Huffman table
    needs one code: DC category 0 and AC end-of-block, both coded as the single bit 0. The scan is
    then the bits 00, padded with ones: 0x3F.
    """

    def segment(marker: int, payload: bytes) -> bytes:
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload

    jfif = segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    dqt = segment(0xDB, b"\x00" + bytes([1] * 64))
    sof0 = segment(0xC0, struct.pack(">BHHB", 8, 8, 8, 1) + b"\x01\x11\x00")
    one_code_of_length_1 = b"\x01" + b"\x00" * 15
    dht_dc = segment(0xC4, b"\x00" + one_code_of_length_1 + b"\x00")
    dht_ac = segment(0xC4, b"\x10" + one_code_of_length_1 + b"\x00")
    sos = segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    return b"\xff\xd8" + jfif + dqt + sof0 + dht_dc + dht_ac + sos + b"\x3f" + b"\xff\xd9"


CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="jpeg" ContentType="image/jpeg"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
DOCUMENT_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
)


def docx_bytes(text: str = "Evidence of progress", thumbnail_bytes: int = 0) -> bytes:
    """A real DOCX: a zip with [Content_Types].xml, _rels/.rels and word/document.xml.

    ``thumbnail_bytes`` adds a stored docProps/thumbnail.jpeg (and a padded core properties
    part) before the document, as Word for Mac writes it, so the word/ part starts past the
    first 8 KB of the file.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML)
        archive.writestr("_rels/.rels", RELS_XML)
        if thumbnail_bytes:
            thumbnail = jpeg_bytes() + bytes(range(256)) * (thumbnail_bytes // 256)
            archive.writestr(zipfile.ZipInfo("docProps/thumbnail.jpeg"), thumbnail, zipfile.ZIP_STORED)
            core = (
                '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.'
                'openxmlformats.org/package/2006/metadata/core-properties"><!--'
                + "".join(f"{i:04x}" for i in range(1000))
                + "--></cp:coreProperties>"
            )
            archive.writestr(zipfile.ZipInfo("docProps/core.xml"), core, zipfile.ZIP_STORED)
        archive.writestr("word/document.xml", DOCUMENT_XML.format(text=text))
    return buffer.getvalue()


def xlsx_bytes(rows: int = 3) -> bytes:
    """A real XLSX saved by openpyxl."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Progress"
    sheet.append(["Output", "Status", "Progress"])
    for number in range(1, rows + 1):
        sheet.append([f"1.{number}", "On track", number * 10])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def exe_bytes() -> bytes:
    """The start of a Windows executable: 'MZ', the DOS stub, a PE header at 0x80."""
    header = bytearray(b"MZ" + b"\x90\x00" + b"\x00" * 56 + struct.pack("<I", 0x80))
    header += b"This program cannot be run in DOS mode.\r\r\n$".ljust(0x80 - len(header), b"\x00")
    return bytes(header) + b"PE\x00\x00" + b"\x00" * 200


FILE_MAKERS: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "pdf": (pdf_bytes, "report.pdf", "application/pdf"),
    "docx": (docx_bytes, "minutes.docx",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (xlsx_bytes, "indicators.xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "png": (png_bytes, "photo.png", "image/png"),
    "jpeg": (jpeg_bytes, "photo.jpeg", "image/jpeg"),
    "jpg": (jpeg_bytes, "workshop.jpg", "image/jpeg"),
}


def upload(kind: str, name: str | None = None, content: bytes | None = None) -> SimpleUploadedFile:
    """A SimpleUploadedFile of a real file of the kind ('pdf', 'docx', ...), or of given bytes."""
    if kind in FILE_MAKERS:
        maker, default_name, mime = FILE_MAKERS[kind]
        data = content if content is not None else maker()
    else:
        assert content is not None, f"no maker of .{kind} files: give the content"
        default_name, mime, data = f"file.{kind}", "application/octet-stream", content
    return SimpleUploadedFile(name or default_name, data, content_type=mime)


def post_update(client: Client, output: Output, uploads: Sequence[SimpleUploadedFile],
                narrative: str = "Typed narrative") -> "TestResponse":
    """The update page's form, submitted by ``client`` with ``uploads`` attached."""
    output.refresh_from_db()
    return client.post(reverse("outputs:update", args=[output.pk]), {
        "status": "on_track", "progress": "60", "narrative": narrative,
        "as_of": timezone.localdate().isoformat(), "links": "", "base_revision": str(output.revision),
        "submit": "1", "files": uploads,
    })


def stored_files(media_root: Path) -> list[Path]:
    """The files under the media folder, sorted (none when the folder was never made)."""
    return sorted(path for path in media_root.rglob("*") if path.is_file()) if media_root.exists() else []
