"""Spreadsheet safety shared by every export (the admin's and the donor exports) and upload.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (OWASP "CSV injection"). Such text gets a leading quote, which shows it as
typed; numbers and dates are left alone so they stay numbers and dates. Uploaded zip-based files
are measured from their index before anything opens them (``check_zip_archive``), and refused
when they carry macros (``check_no_macros``). A previewed upload is confirmed once
(``confirmation_claim``).
"""

import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.cache_backend import CacheUnavailable

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Control characters other than tab, newline and carriage return: XML (XLSX, IATI) cannot carry them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def strip_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text) if text else text


def neutralise(value: object) -> object:
    """Text without control characters, quoted when it starts with a formula trigger; other values
    as they are."""
    if not isinstance(value, str):
        return value
    if not value.isprintable():  # control characters, or only a tab or newline (most text has none)
        value = strip_control_characters(value)
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def check_zip_archive(source: str | PurePath | bytes | bytearray | IO[bytes]) -> None:
    """Refuse a zip-based file (XLSX, DOCX) that would unpack to far more than it weighs, from the
    sizes its index declares, before anything is decompressed: beyond
    SPREADSHEET_MAX_UNCOMPRESSED_BYTES in all, or a part more than SPREADSHEET_MAX_RATIO times its
    compressed size (a zip bomb). ``source`` is a path, bytes or a seekable file, left at its start.
    Raises ValidationError; a file that is not a zip archive passes (other checks judge it)."""
    handle = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return
    finally:
        if hasattr(handle, "seek"):
            handle.seek(0)
    total = sum(member.file_size for member in members)
    limit, ratio = settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES, settings.SPREADSHEET_MAX_RATIO
    # Small parts compress well without harm (an empty sheet is all markup): judge the ratio from 1 MB.
    inflated = [m for m in members if m.file_size > 1024 * 1024 and m.file_size > ratio * max(m.compress_size, 1)]
    if total > limit or inflated:
        raise ValidationError(
            _("This file would unpack to %(size)s, far more than its own size: it is refused as unsafe "
              "(at most %(limit)s unpacked, and %(ratio)s times compressed size for any part).")
            % {"size": filesizeformat(total), "limit": filesizeformat(limit), "ratio": ratio},
            code="zip_bomb",
        )


# Office files named for macros (code that runs when the file is opened), and what a package's
# content types name for them: a macro-enabled main part (.xlsm, .xltm, .xlam, .docm, .dotm ...),
# a VBA project, an Excel 4 macro sheet.
MACRO_EXTENSIONS = (".xlsm", ".xltm", ".xlam", ".docm", ".dotm", ".pptm", ".potm", ".ppam", ".ppsm", ".sldm")
MACRO_MARKS = (b"macroenabled", b"vbaproject", b"macrosheet")
CONTENT_TYPES_READ_BYTES = 1024 * 1024


def macros_refused(name: str) -> ValidationError:
    return ValidationError(
        _("%(name)s contains macros, code that runs when the file is opened: files with macros (.xlsm, .docm "
          "and the like) are not accepted. Save it without macros, as .xlsx or .docx, and upload it again.")
        % {"name": PurePath(name or "").name},
        code="macros",
    )


def check_no_macros(source: IO[bytes], name: str) -> None:
    """Refuse a zip-based Office file (XLSX, DOCX) that carries macros, by what its package holds
    whatever its name says: a VBA project part, or content types naming a macro-enabled main part, a
    VBA project or a macro sheet. Run after check_zip_archive; reads the index and at most 1 MB of
    [Content_Types].xml. A file that is not a zip archive passes (other checks judge it). ``source``
    is left at its start."""
    try:
        with zipfile.ZipFile(source) as archive:
            names = archive.namelist()
            listed = next((part for part in names if part.lower() == "[content_types].xml"), None)
            declared = b""
            if listed is not None:
                with archive.open(listed) as part:
                    declared = part.read(CONTENT_TYPES_READ_BYTES).lower()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        return
    finally:
        source.seek(0)
    if any("vbaproject" in part.lower() for part in names) or any(mark in declared for mark in MACRO_MARKS):
        raise macros_refused(name)



class AlreadyClaimed(Exception):
    """Another confirmation of the same preview came first (a second click, another tab)."""


@contextmanager
def confirmation_claim(key: str, *, proceed_unclaimed: bool = False) -> Iterator[None]:
    """Hold ``key`` in the shared cache for one confirmation of a previewed upload: raises
    AlreadyClaimed when it is held already. The claim is kept when the body ends, even by returning a
    refusal (the file is gone or cannot be saved as it is), and given back when an error escapes it
    (the file is still there: it may be confirmed again). Two confirmations arriving at once on
    different processes or servers are told apart. When a shared cache (CACHE_URL) does not answer,
    no claim can be taken: CacheUnavailable, unless ``proceed_unclaimed`` (the save refuses a second
    confirmation by itself)."""
    try:
        # Held as long as a preview waits for its confirmation (outputs.previews removes it then).
        claimed = cache.add(key, True, settings.UPLOAD_PREVIEW_HOURS * 3600)
    except CacheUnavailable:
        if not proceed_unclaimed:
            raise
        yield
        return
    if not claimed:
        raise AlreadyClaimed(key)
    try:
        yield
    except BaseException:
        cache.delete(key)
        raise
