"""An outputs page read from a file as a browser saves it, or from pasted text: plain text, or HTML
read as the browser shows it (one line per block: heading, paragraph, list item, cell, date).

Encodings: a byte-order mark (UTF-8, UTF-16) wins, then the encoding the person chose, then the one
an HTML file declares, then UTF-8; every undecodable byte is refused with its line. The lines read
from HTML keep the line they stand on in the file, so that a refusal names the file's line.
"""

import re
from collections.abc import Iterator

import lxml.html
from django.utils.translation import gettext as _
from lxml import etree

from .page_parser import (
    DATE_RE,
    ENTRY_MARK_RE,
    OUTPUT_RE,
    PageError,
    ParsedPage,
    Quirk,
    byte_order_mark_encoding,
    decode_page,
    parse_lines,
    parse_page,
)

# Encodings a person may choose for a file without a byte-order mark ("": detect).
ENCODINGS = ("utf-8", "windows-1252")
# The encoding an HTML file declares, in the first 1024 bytes as browsers look for it.
DECLARED_ENCODING_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*(?P<meta>[A-Za-z0-9._:-]+)|<\?xml[^>]+encoding\s*=\s*["'](?P<xml>[A-Za-z0-9._:-]+)""",
    re.IGNORECASE,
)
# Browsers read these labels as Windows-1252 (the WHATWG Encoding standard); so does the import.
WINDOWS_1252_LABELS = {"ascii", "us-ascii", "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "cp1252", "x-cp1252"}

# Blocks start a new line; so do a line break, a cell and a date.
BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "td", "tfoot", "th", "thead", "time", "tr", "ul",
}
# What a reader does not see as the page's text: code, controls, the site's navigation and footer.
SKIPPED = {
    "button", "canvas", "footer", "head", "iframe", "input", "math", "nav", "noscript", "object", "script",
    "select", "style", "svg", "template", "textarea",
}
SKIPPED_ROLES = {"alert", "alertdialog", "banner", "complementary", "contentinfo", "dialog", "navigation", "search"}
HIDDEN_CLASSES = {"hidden", "sr-only", "visually-hidden", "screen-reader-text", "visuallyhidden"}
HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def read_page(raw: bytes, *, encoding: str | None = None) -> ParsedPage:
    """The outputs page a file holds, text or HTML, or a PageError naming the line."""
    if not byte_order_mark_encoding(raw) and not encoding and raw.lstrip()[:1] == b"<":
        encoding = declared_encoding(raw)
    return parse_text(decode_page(raw, encoding=encoding))


def parse_text(text: str) -> ParsedPage:
    """The outputs page a text holds: HTML when it starts with a tag, else the published text format."""
    if text.lstrip("\ufeff \t\r\n").startswith("<"):
        lines, quirks = html_page_lines(text)
        return parse_lines(lines, quirks)
    return parse_page(text)


def declared_encoding(raw: bytes) -> str | None:
    """The encoding an HTML file declares (meta charset, or an XML declaration), as a codec name."""
    match = DECLARED_ENCODING_RE.search(raw[:1024])
    if match is None:
        return None
    label = (match["meta"] or match["xml"]).decode("ascii").lower()
    return "windows-1252" if label in WINDOWS_1252_LABELS else label


def _hidden(element: etree._Element) -> bool:
    if element.tag in SKIPPED or element.get("role", "").lower() in SKIPPED_ROLES:
        return True
    if element.get("hidden") is not None or element.get("aria-hidden", "").lower() == "true":
        return True
    if HIDDEN_STYLE_RE.search(element.get("style", "")) or HIDDEN_CLASSES & set(element.get("class", "").split()):
        return True
    # A site's banner is skipped; an article's own header (which may hold the page's title) is not.
    return element.tag == "header" and not any(a.tag in {"article", "main", "section"} for a in element.iterancestors())


class _LineReader:
    """The visible text of an element as lines, each with the file's line it starts on.

    The line is followed as the tree is walked: an element starts on its ``sourceline``; text
    advances it by the line breaks it holds."""

    def __init__(self) -> None:
        self.lines: list[tuple[int, str]] = []
        self.parts: list[str] = []
        self.start = 0
        self.cursor = 1

    def text(self, fragment: str | None, shown: bool) -> None:
        if not fragment:
            return
        if shown:
            if not self.parts and fragment.strip():
                self.start = self.cursor + fragment[: len(fragment) - len(fragment.lstrip())].count("\n")
            if self.parts or fragment.strip():
                self.parts.append(fragment)
        self.cursor += fragment.count("\n")

    def flush(self) -> None:
        line = " ".join("".join(self.parts).split())  # white space collapses, as in the browser
        if line:
            self.lines.append((self.start, line))
        self.parts = []

    def walk(self, element: etree._Element, shown: bool = True) -> None:
        if not isinstance(element.tag, str):  # a comment or processing instruction: its line is where it ends
            self.cursor = max(self.cursor, element.sourceline or self.cursor)
            self.text(element.tail, shown)
            return
        self.cursor = element.sourceline or self.cursor
        shown = shown and not _hidden(element)
        block = element.tag in BLOCKS
        if block:
            self.flush()
        if element.tag == "pre" and shown:  # preformatted text keeps its lines (a text file shown by the browser)
            for line in "".join(element.itertext()).split("\n"):
                self.text(line, shown)
                self.flush()
                self.cursor += 1
            self.cursor -= 1
        else:
            self.text(element.text, shown)
            for child in element:
                self.walk(child, shown)
        if block:
            self.flush()
        self.text(element.tail, shown)


def _page_start(lines: list[tuple[int, str]], title: tuple[int, str] | None) -> list[tuple[int, str]]:
    """From the page's title and its 'Outputs' heading on: what comes before (the site's name, the
    project's description) is not the page's list. Unchanged when there is no such heading."""
    first_output = next((i for i, (_n, line) in enumerate(lines) if OUTPUT_RE.match(line)), None)
    if first_output is None:
        return lines
    heading = next((i for i in range(first_output - 1, -1, -1) if lines[i][1].casefold() == "outputs"), None)
    if heading is None:
        return lines
    if title is None or title[0] > lines[heading][0] or title[1].casefold() == "outputs":
        title = lines[heading - 1] if heading > 0 else None
    return ([title] if title else []) + lines[heading:]


def _with_entry_marks(lines: list[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """A list item needs no '-' line before its output line: the item is the entry."""
    previous = ""
    for number, line in lines:
        if OUTPUT_RE.match(line) and not ENTRY_MARK_RE.match(previous):
            yield number, "-"
        yield number, line
        previous = line


def _without_trailing_text(lines: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[Quirk]]:
    """Without the lines after the last deadline (links, a footer the page does not mark as one),
    unless they hold part of an entry: a list cut short is refused, not shortened."""
    last_date = next((i for i in range(len(lines) - 1, -1, -1) if DATE_RE.match(lines[i][1])), None)
    if last_date is None:
        return lines, []
    rest = lines[last_date + 1:]
    if not rest or any(ENTRY_MARK_RE.match(line) or OUTPUT_RE.match(line) or DATE_RE.match(line) for _n, line in rest):
        return lines, []
    return lines[: last_date + 1], [Quirk("trailing_text", rest[0][0])]


def html_page_lines(text: str) -> tuple[list[tuple[int, str]], list[Quirk]]:
    """The lines of an outputs page saved as HTML, with the file's line numbers, and what was left out."""
    try:
        # Parsed from UTF-8 bytes: lxml refuses text that declares an encoding of its own.
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError):
        raise PageError(1, _("the HTML file shows no text.")) from None
    scope = next(iter(root.xpath("//main | //*[@role='main']")), None)
    if scope is None:
        scope = root.find("body") if root.find("body") is not None else root
    reader = _LineReader()
    reader.walk(scope)
    reader.flush()
    heading = scope.find(".//h1")
    title = None
    if heading is not None and " ".join(heading.text_content().split()):
        title = (heading.sourceline or 1, " ".join(heading.text_content().split()))
    lines, quirks = _without_trailing_text(list(_with_entry_marks(_page_start(reader.lines, title))))
    if not lines:
        raise PageError(1, _("the HTML file shows no text."))
    return lines, quirks
