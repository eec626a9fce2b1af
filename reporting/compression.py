"""Gzip for cached pages, without compressing the whole page for every request.

A cached page is a short head, which changes per request (the CSRF token and the reader's name go
in there), and a long rest, which does not. The rest is deflated once, when the page is cached;
each request deflates only its head, ends it on a byte boundary (a sync flush) and appends the
rest's deflated bytes, which never refer back before their own start. The gzip trailer's CRC-32 of
the whole is combined from the two parts' CRCs (zlib's crc32_combine, which Python's zlib module
does not offer), so the long rest is not read again either.

As Django's GZipMiddleware does since 4.2 ("Heal The Breach"), the gzip header carries a file name
of random length, so that the compressed size says less about what the head holds.
"""

import secrets
import struct
import zlib
from dataclasses import dataclass

from django.utils.regex_helper import _lazy_re_compile

LEVEL = 6
MAX_RANDOM_BYTES = 100
HEAD_WINDOW_BITS, HEAD_MEM_LEVEL = 11, 4
_CRC_POLY = 0xEDB88320  # CRC-32 (ISO-HDLC), reflected, as zlib and gzip use it
_ACCEPTS_GZIP = _lazy_re_compile(r"\bgzip\b")  # as django.middleware.gzip reads Accept-Encoding


def accepts_gzip(request):
    return bool(_ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def _multmodp(a, b):
    """a(x) * b(x) modulo the CRC polynomial (zlib's multmodp)."""
    m = 1 << 31
    p = 0
    while True:
        if a & m:
            p ^= b
            if a & (m - 1) == 0:
                return p
        m >>= 1
        b = (b >> 1) ^ _CRC_POLY if b & 1 else b >> 1


def _x2n_table():
    table = [1 << 30]  # x^1
    for _ in range(31):
        table.append(_multmodp(table[-1], table[-1]))
    return table


_X2N = _x2n_table()


def crc32_shift(length):
    """The operator that moves a CRC past ``length`` further bytes: x^(8 * length) modulo the polynomial."""
    p = 1 << 31  # x^0
    k = 3  # 2^3 bits per byte
    while length:
        if length & 1:
            p = _multmodp(_X2N[k & 31], p)
        length >>= 1
        k += 1
    return p


def crc32_combine(crc1, crc2, length2, shift=None):
    """CRC-32 of A + B from crc32(A), crc32(B) and len(B); ``shift`` = crc32_shift(len(B)) if known."""
    return _multmodp(shift if shift is not None else crc32_shift(length2), crc1) ^ crc2


@dataclass(frozen=True)
class DeflatedRest:
    """The unchanging rest of a page, deflated once."""

    data: bytes
    crc: int
    length: int
    shift: int

    @classmethod
    def of(cls, rest):
        compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        data = compressor.compress(rest) + compressor.flush(zlib.Z_FINISH)
        return cls(data=data, crc=zlib.crc32(rest), length=len(rest), shift=crc32_shift(len(rest)))


def _gzip_header():
    # FLG.FNAME with a random name (no zero byte), MTIME 0, XFL 0, OS 255 (unknown).
    name = secrets.token_hex(secrets.randbelow(MAX_RANDOM_BYTES // 2) + 1).encode()
    return b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\xff" + name + b"\x00"


def gzip_join(head, rest):
    """A gzip file of ``head`` followed by the rest that ``rest`` (a DeflatedRest) holds."""
    # A head is a few kilobytes: a 2 KiB window and small hash tables compress it as well, and
    # setting up the default 32 KiB state cost more than compressing (25 against 90 us).
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -HEAD_WINDOW_BITS, HEAD_MEM_LEVEL)
    deflated_head = compressor.compress(head) + compressor.flush(zlib.Z_SYNC_FLUSH)
    crc = crc32_combine(zlib.crc32(head), rest.crc, rest.length, rest.shift)
    size = (len(head) + rest.length) & 0xFFFFFFFF
    return b"".join((_gzip_header(), deflated_head, rest.data, struct.pack("<II", crc, size)))
