"""Outputs pages read from files as browsers save them: text or HTML, in every encoding the import
accepts, with the lines of the file; and what it refuses, by line. Pure: no database."""

import codecs
import datetime
from pathlib import Path

import pytest

from outputs.page_files import read_page
from outputs.page_parser import PageError

PAGE = Path(__file__).parent / "pages" / "glo-24-07-lux-outputs.html"
TEXT = "Décent Work\nOutputs\nCôte d’Ivoire\n-\nOutput 1.1 – Les coopératives sont “enregistrées”.\n30.06.2026\n"


ASCII = "Decent Work\nOutputs\nGhana\n-\nOutput 1.1 - Cooperatives are registered.\n30.06.2026\n"


def only_output(page):
    assert len(page.components) == 1 and len(page.components[0].outputs) == 1
    return page.components[0].outputs[0]


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (TEXT.encode("utf-8"), None),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), None),
        (TEXT.encode("utf-16"), None),  # with its byte-order mark, little-endian here
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), None),
        (TEXT.encode("cp1252"), "windows-1252"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "windows-1252"),  # the mark wins over the choice
    ],
)
def test_text_in_each_encoding(raw, encoding):
    page = read_page(raw, encoding=encoding)
    assert page.title == "Décent Work"
    assert page.components[0].name == "Côte d’Ivoire"
    assert only_output(page).title == "Les coopératives sont “enregistrées”."


def html(body, head='<meta charset="utf-8">'):
    return f"<!DOCTYPE html>\n<html>\n<head>{head}</head>\n<body>\n{body}\n</body>\n</html>\n"


LIST = ("<h1>Décent Work</h1>\n<h2>Outputs</h2>\n<h3>Côte d’Ivoire</h3>\n<ul>\n"
        "<li><p>Output 1.1 – Les coopératives sont “enregistrées”.</p>\n<p>30.06.2026</p></li>\n</ul>")


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (html(LIST).encode("utf-8"), None),
        (html(LIST, '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">').encode("cp1252"), None),
        # Declared ISO-8859-1, read as Windows-1252 as browsers do: its curly quotes survive.
        (html(LIST, '<meta charset="iso-8859-1">').encode("cp1252"), None),
        (html(LIST, '<meta charset="utf-16">').encode("utf-16"), None),
        (html(LIST, "").encode("cp1252"), "windows-1252"),
    ],
)
def test_html_in_each_encoding(raw, encoding):
    page = read_page(raw, encoding=encoding)
    assert page.title == "Décent Work"
    assert page.components[0].name == "Côte d’Ivoire"
    assert only_output(page).title.startswith("Les coopératives sont")
    assert only_output(page).line_number == 9  # the file's line


def test_the_saved_page_is_read_as_the_browser_shows_it():
    page = read_page(PAGE.read_bytes())
    assert page.title == "Extending Social Protection to Workers in the Informal Economy"  # the h1, not <title>
    assert [component.name for component in page.components] == ["Senegal", "Cambodia", "Global"]
    senegal = page.components[0].outputs
    assert [output.code for output in senegal] == ["1.1", "1.2", "1.10", "1.3", "2.1", "2.2"]
    assert senegal[2].title == "A financing strategy for the extension of health insurance to artisans is adopted."
    assert senegal[3].deadline == datetime.date(2026, 3, 31)
    # The navigation's "Outputs" link, the cookie banner, the facts, the footer and scripts are not the page.
    assert page.lines[:3] == [(35, page.title), (45, "Outputs"), (46, "Senegal")]
    assert ("trailing_text", 108) in {(quirk.kind, quirk.line_number) for quirk in page.quirks}


def test_a_text_file_shown_by_the_browser_and_saved_keeps_its_lines():
    """Chromium saves a text file it shows as HTML, the text in a <pre>."""
    saved = ('<html><head><meta name="color-scheme" content="light dark"></head><body>'
             '<pre style="word-wrap: break-word; white-space: pre-wrap;">' + TEXT + "</pre></body></html>")
    page = read_page(saved.encode("utf-8"))
    assert page.title == "Décent Work" and only_output(page).line_number == 5


def test_list_items_need_no_dash_but_a_cut_list_is_refused():
    cut = html(LIST.replace("<p>30.06.2026</p>", ""))
    with pytest.raises(PageError) as caught:
        read_page(cut.encode("utf-8"))
    assert caught.value.line_number == 10 and "expected the deadline of Output 1.1" in caught.value.message


@pytest.mark.parametrize(
    ("raw", "encoding", "line", "message"),
    [
        (TEXT.encode("cp1252"), None, 1, "not UTF-8 text"),
        (ASCII.encode().replace(b"30.06", b"\x8130.06"), "windows-1252", 6, "not Windows-1252 text"),
        (ASCII.encode("utf-16-le"), None, 1, "NUL characters"),  # UTF-16 without its byte-order mark
        (html(LIST, '<meta charset="klingon-8">').encode("utf-8"), None, 1, "'klingon-8' is not an encoding"),
        (b"<html><body></body></html>", None, 1, "the HTML file shows no text"),
    ],
)
def test_unreadable_files_are_refused_by_line(raw, encoding, line, message):
    with pytest.raises(PageError) as caught:
        read_page(raw, encoding=encoding)
    assert caught.value.line_number == line
    assert message in caught.value.message
