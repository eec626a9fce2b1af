"""Checks on evidence files: a name that is text, type by content (not only by extension) and size;
and how typed evidence links are read."""

import zipfile
from pathlib import PurePath
from typing import IO, Any, cast

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, QueryDict
from django.http.multipartparser import MultiPartParser
from django.template.defaultfilters import filesizeformat
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from .spreadsheets import MACRO_EXTENSIONS, check_no_macros, check_zip_archive, macros_refused

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

# extension -> the MIME type its content must have
ALLOWED_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
ALLOWED_LABEL = "PDF, DOCX, XLSX, PNG, JPEG"
SNIFF_BYTES = 8192
# The part every genuine file of the type has (ECMA-376 packages).
OOXML_MAIN_PARTS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


def links_from_text(text: str | None) -> list[str]:
    """The links typed in the update form's box or a workbook's cell: one per line, so that a link
    holding a space (a SharePoint folder path) stays one link; blank lines are dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _zip_has_parts(upload: IO[bytes], *names: str) -> bool:
    """Whether the upload is a zip archive listing all these parts (nothing is decompressed)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            listed = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False
    finally:
        upload.seek(0)
    return all(name in listed for name in names)


def undecodable_name_error() -> ValidationError:
    return ValidationError(
        _("A file's name is not valid UTF-8 text, so the file was not accepted. Rename it and attach it again."),
        code="undecodable_name",
    )


def check_evidence_file(upload: UploadedFile) -> str:
    """Return the file's MIME type, or raise ValidationError saying what is wrong with it."""
    name = PurePath(upload.name or "").name
    # Django decodes a name sent as RFC 2231 bytes with U+FFFD for what is not UTF-8; a caller
    # in Python may hand over a name read from disk with its undecodable bytes as surrogates.
    if "\ufffd" in name or not _encodes_as_utf8(name):
        raise undecodable_name_error()
    extension = PurePath(name).suffix.lower()
    if (size := upload.size or 0) > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s; evidence files may be at most %(limit)s.")
            % {
                "name": name,
                "size": filesizeformat(size),
                "limit": filesizeformat(MAX_EVIDENCE_BYTES),
            },
            code="too_large",
        )
    if extension in MACRO_EXTENSIONS:
        raise macros_refused(name)
    expected = ALLOWED_TYPES.get(extension)
    if expected is None:
        raise ValidationError(
            _("%(name)s: only %(types)s files are accepted.") % {"name": name, "types": ALLOWED_LABEL},
            code="wrong_type",
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if extension in OOXML_MAIN_PARTS:
        check_zip_archive(upload)  # a zip bomb is refused before anyone opens it
        check_no_macros(upload, name)  # a .docm or .xlsm renamed is refused by what it holds
    if extension in OOXML_MAIN_PARTS and mime in (None, "application/zip"):
        # Office files are zip archives whose type shows in their part names. filetype reads only
        # the first 8 KB, where a thumbnail may come before the document: read the zip's index.
        if _zip_has_parts(upload, "[Content_Types].xml", OOXML_MAIN_PARTS[extension]):
            mime = expected
    if mime != expected:
        raise ValidationError(
            _("%(name)s does not contain what its name says (%(extension)s); only genuine %(types)s files are accepted.")
            % {"name": name, "extension": extension, "types": ALLOWED_LABEL},
            code="content_mismatch",
        )
    return expected


def _encodes_as_utf8(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


class UndecodableFileNames(FileUploadHandler):
    """Counts the files of a multipart body whose part headers are not UTF-8 text.

    Django's parser skips such a part without a word (it decodes part headers strictly), so a
    file named in Latin-1, or with a name's raw bytes from a disk, would vanish while the save
    reports success. Installed first in ``request.upload_handlers``, this handler lets Django's
    own parser read the body through a scan of its part headers, and the view reports the count.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.count = 0

    def handle_raw_input(self, input_data: IO[bytes], META: dict[str, str], content_length: int,
                         boundary: bytes,  # type: ignore[override]  # Django passes bytes; its stubs say str
                         encoding: str | None = None) -> tuple[QueryDict, MultiValueDict[str, UploadedFile]]:
        scan = _PartHeaderScan(input_data, boundary)
        others = [handler for handler in cast(HttpRequest, self.request).upload_handlers if handler is not self]
        parsed = MultiPartParser(META, cast(Any, scan), others, encoding).parse()
        self.count = scan.undecodable_file_parts
        return parsed


class _PartHeaderScan:
    """A multipart body read through as it streams, looking only at each part's header block."""

    HEADER_LIMIT = 10 * 1024  # Django's parser refuses longer part headers itself

    def __init__(self, source: IO[bytes], boundary: bytes) -> None:
        self.source = source
        self.delimiter = b"\r\n--" + boundary
        self.unread = b"\r\n"  # the body's first delimiter has no line break before it
        self.in_headers = False
        self.undecodable_file_parts = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        self._scan(chunk)
        return chunk

    def _scan(self, chunk: bytes) -> None:
        data = self.unread + chunk
        position = 0
        while True:
            if self.in_headers:
                end = data.find(b"\r\n\r\n", position)
                if end == -1 and len(data) - position <= self.HEADER_LIMIT:
                    self.unread = data[position:]
                    return
                if end != -1:
                    block = data[position:end]
                    try:
                        block.decode()
                    except UnicodeDecodeError:
                        self.undecodable_file_parts += b"filename" in block.lower()
                    position = end + 4
                self.in_headers = False
            else:
                start = data.find(self.delimiter, position)
                if start == -1:
                    # Keep what could be the start of a delimiter cut by the end of the chunk.
                    self.unread = data[max(position, len(data) - len(self.delimiter) + 1):]
                    return
                position = start + len(self.delimiter)
                self.in_headers = True
