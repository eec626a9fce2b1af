"""Cached pages sent gzip-compressed (reporting/compression.py): every part of the joined file must be
what a gzip reader expects, and the page must be the same page."""

import gzip
import random
import zlib

import pytest

from reporting.compression import DeflatedRest, accepts_gzip, crc32_combine, gzip_join

COUNTRY = "/programmes/glo-22-31-irl/countries/mw/"
DASHBOARD = "/programmes/glo-22-31-irl/dashboard/"


def samples():
    rng = random.Random(7)
    yield b"", b""
    yield b"head", b""
    yield b"", b"rest"
    yield b"<header>" * 500, b"<li>an output</li>" * 20000  # longer than the 32 KiB window
    for _ in range(40):
        yield rng.randbytes(rng.randrange(0, 5000)), rng.randbytes(rng.randrange(0, 70000))


@pytest.mark.parametrize("head, rest", list(samples()))
def test_crc32_combine_is_zlib_s_crc32_of_the_whole(head, rest):
    assert crc32_combine(zlib.crc32(head), zlib.crc32(rest), len(rest)) == zlib.crc32(head + rest)


@pytest.mark.parametrize("head, rest", list(samples()))
def test_joined_file_is_read_back_by_gzip_and_zlib(head, rest):
    joined = gzip_join(head, DeflatedRest.of(rest))
    assert gzip.decompress(joined) == head + rest  # checks the CRC and the length too
    reader = zlib.decompressobj(16 + zlib.MAX_WBITS)
    assert reader.decompress(joined) + reader.flush() == head + rest and reader.eof


def test_a_damaged_crc_is_noticed():
    """The trailer is really checked by the readers above, so a wrong combination would fail them."""
    joined = bytearray(gzip_join(b"head", DeflatedRest.of(b"rest" * 100)))
    joined[-8] ^= 1
    with pytest.raises(gzip.BadGzipFile):
        gzip.decompress(bytes(joined))


def test_headers_differ_in_length_from_response_to_response():
    """Random-length padding in the header, as Django's GZipMiddleware adds against BREACH."""
    rest = DeflatedRest.of(b"rest" * 100)
    assert len({len(gzip_join(b"head", rest)) for _ in range(30)}) > 1


@pytest.mark.parametrize("header, expected", [
    ("gzip, deflate, br", True), ("br, gzip", True), ("deflate, br", False), ("", False), ("x-gzipped", False),
])
def test_accepts_gzip(rf, header, expected):
    assert accepts_gzip(rf.get("/", HTTP_ACCEPT_ENCODING=header)) is expected


@pytest.mark.parametrize("url", [COUNTRY, DASHBOARD])
def test_pages_are_sent_compressed_to_browsers_that_accept_it(url, users, client_for, reported):
    client = client_for(users.coordinator)
    plain = client.get(url)
    assert plain.status_code == 200 and "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"]
    for _ in range(2):  # the first request caches the page, the second is served from the cache
        compressed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert compressed.status_code == 200
        assert compressed["Content-Encoding"] == "gzip" and "Accept-Encoding" in compressed["Vary"]
        page = gzip.decompress(compressed.content).decode()
        assert len(compressed.content) < len(page) / 3
        # The same page, with the reader's name and a CSRF token put into its head.
        name = users.coordinator.get_full_name() or users.coordinator.get_username()
        assert name in page and 'name="csrfmiddlewaretoken" value="' in page
        assert page.split("<main")[1] == plain.content.decode().split("<main")[1]
