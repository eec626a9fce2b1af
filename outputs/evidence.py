"""Checks on evidence files: type by content (not only by extension) and size."""

import zipfile
from pathlib import PurePath

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .spreadsheets import check_zip_archive

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


def _zip_has_parts(upload, *names):
    """Whether the upload is a zip archive listing all these parts (nothing is decompressed)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            listed = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False
    finally:
        upload.seek(0)
    return all(name in listed for name in names)


def check_evidence_file(upload):
    """Return the file's MIME type, or raise ValidationError saying what is wrong with it."""
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s; evidence files may be at most %(limit)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(MAX_EVIDENCE_BYTES),
            },
            code="too_large",
        )
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
