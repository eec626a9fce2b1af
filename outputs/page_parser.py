"""Parse an outputs page in the published format.

::

    <programme title>
    Outputs
    <component heading>          e.g. Malawi, Viet Nam, Global
    -
    Output 1.1 – <text>
    31.12.2025
    -
    ...

Headings with no entries (the region list that closes real pages) are not components. Parsing
is pure: it touches no database, and every error names the line and what was expected there.
What the parser tolerates (dash variants, ``Output.1.5``, a final dot after a code, ...) is
recorded as quirks, by line, for the import's preview.
"""

import codecs
import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# "Output 1.1 – text", "Output.1.5 – text", "Output 1.7. - text", "Output 2.1-text",
# "Output 2.1 –text", "Output 4.1. text". Two-digit parts are whole numbers (1.10 is not 1.1).
OUTPUT_RE = re.compile(
    r"""^Output(?P<prefix>\s*[.:]?\s*)
        (?P<outcome>\d{1,3})\.(?P<number>\d{1,3})(?P<dot>\.?)   # the code, with an optional final dot
        (?P<separator>\s*[-–—:]\s*|\s+)                         # a dash of any kind, or just a space
        (?P<text>\S.*)$""",
    re.IGNORECASE | re.VERBOSE,
)
DATE_RE = re.compile(r"^(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{4})$")
ENTRY_MARK_RE = re.compile(r"^[-–—•]$")
# A heading is a name, not something that looks like a broken entry, date or code.
HEADING_RE = re.compile(r"^[^\W\d_][\w\s'’,.()&/-]{0,149}$")

# What the parser tolerates, by kind: the preview lists each kind with its lines. The published
# format separates code and text with " – " and marks entries with "-".
QUIRKS = {
    "hyphen": gettext_lazy("Code and text separated by a hyphen (-) instead of an en dash (–)"),
    "em_dash": gettext_lazy("Code and text separated by an em dash (—)"),
    "colon": gettext_lazy("Code and text separated by a colon"),
    "tight_separator": gettext_lazy("A dash without a space on one side (e.g. 'Output 2.1-text')"),
    "no_separator": gettext_lazy("Code followed by the text without a dash (e.g. 'Output 4.1. text')"),
    "dotted_prefix": gettext_lazy("Code written 'Output.1.5' (a dot after the word Output)"),
    "trailing_dot": gettext_lazy("Code with a final dot (e.g. 'Output 1.7.')"),
    "entry_mark": gettext_lazy("Entry marked with '–', '—' or '•' instead of '-'"),
    "slash_date": gettext_lazy("Deadline written with slashes (e.g. 31/12/2025)"),
    "empty_heading": gettext_lazy("Heading without outputs, not a component (e.g. the list of regions)"),
    "trailing_text": gettext_lazy("Text after the last output left out (links, footer)"),
}


class PageError(ValueError):
    def __init__(self, line_number: int, message: str) -> None:
        self.line_number = line_number
        self.message = message
        super().__init__(_("line %(number)s: %(message)s") % {"number": line_number, "message": message})


@dataclass(frozen=True)
class Quirk:
    kind: str  # a key of QUIRKS
    line_number: int

    @property
    def label(self) -> str:
        return str(QUIRKS[self.kind])


@dataclass
class ParsedOutput:
    code: str
    outcome_number: int
    title: str
    deadline: datetime.date
    line_number: int
    position: int


@dataclass
class ParsedComponent:
    name: str
    line_number: int
    outputs: list = field(default_factory=list)


@dataclass
class ParsedPage:
    title: str
    components: list
    quirks: list = field(default_factory=list)
    # The numbered lines parsed (line in the file, text): parse_lines(lines) gives this page again.
    lines: list = field(default_factory=list)

    @property
    def output_count(self) -> int:
        return sum(len(component.outputs) for component in self.components)


# How an encoding is named to people, by Python's codec name.
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252"}
BYTE_ORDER_MARKS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]


def byte_order_mark_encoding(raw: bytes) -> str | None:
    """The encoding a byte-order mark at the start names (UTF-8 or UTF-16), or None."""
    return next((encoding for mark, encoding in BYTE_ORDER_MARKS if raw.startswith(mark)), None)


def decode_page(raw: bytes, encoding: str | None = None) -> str:
    """Bytes to text, or a PageError naming the line: the encoding a byte-order mark names (UTF-8 or
    UTF-16), else ``encoding`` (e.g. windows-1252), else UTF-8."""
    chosen = byte_order_mark_encoding(raw) or encoding or "utf-8"
    try:
        codec = codecs.lookup(chosen)
    except LookupError:
        raise PageError(1, _("'%(encoding)s' is not an encoding this import knows.") % {"encoding": chosen[:40]}) from None
    try:
        text = raw.decode(codec.name)
    except UnicodeDecodeError as error:
        line_number = raw[: error.start].decode(codec.name, errors="replace").count("\n") + 1
        name = ENCODING_NAMES.get(codec.name, chosen)
        raise PageError(
            line_number,
            _("the file is not %(encoding)s text (byte 0x%(byte)02x at offset %(offset)s); save it as UTF-8, "
              "or give its encoding, and try again.")
            % {"encoding": name, "byte": raw[error.start], "offset": error.start},
        ) from None
    if "\x00" in text:  # UTF-16 without its byte-order mark reads as text full of NUL characters
        raise PageError(
            text.count("\n", 0, text.index("\x00")) + 1,
            _("the file holds NUL characters: it may be UTF-16 without a byte-order mark. Save it as UTF-8 "
              "and try again."),
        )
    return text


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_date(text: str, line_number: int) -> datetime.date:
    match = DATE_RE.match(text)
    if not match:
        raise PageError(
            line_number,
            _("expected the output's deadline as DD.MM.YYYY, found '%(found)s'.") % {"found": _shorten(text)},
        )
    try:
        return datetime.date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        raise PageError(
            line_number, _("'%(found)s' is not a real date (expected a deadline as DD.MM.YYYY).") % {"found": text}
        ) from None


def _separator_quirks(match: re.Match) -> list[str]:
    kinds = []
    if match["prefix"].strip():
        kinds.append("dotted_prefix")
    if match["dot"]:
        kinds.append("trailing_dot")
    separator = match["separator"]
    dash = separator.strip()
    if not dash:
        kinds.append("no_separator")
    else:
        kinds.extend({"-": ["hyphen"], "—": ["em_dash"], ":": ["colon"]}.get(dash, []))
        if not (separator[0].isspace() and separator[-1].isspace()):
            kinds.append("tight_separator")
    return kinds


def parse_output_line(text: str, line_number: int) -> tuple[str, int, str, list[str]]:
    """(code, outcome number, text, quirk kinds) of an output line, or a PageError."""
    match = OUTPUT_RE.match(text)
    if not match:
        raise PageError(
            line_number,
            _("expected an output line such as 'Output 1.1 - text', found '%(found)s'.") % {"found": _shorten(text)},
        )
    outcome, number = int(match["outcome"]), int(match["number"])
    return f"{outcome}.{number}", outcome, match["text"].strip(), _separator_quirks(match)


def parse_page(text: str) -> ParsedPage:
    """Parse the text of an outputs page into its title and components, or raise PageError."""
    return parse_lines(enumerate(text.splitlines(), start=1))


def parse_lines(numbered: Iterable[tuple[int, str]], quirks: Iterable[Quirk] = ()) -> ParsedPage:
    """Parse an outputs page given as (line number, text) pairs: the lines of a text file, or those
    read from an HTML file with the lines they stand on there (``quirks``: found while reading it)."""
    lines = [(number, line.strip()) for number, line in numbered]
    lines = [(number, line) for number, line in lines if line]
    found = list(quirks)
    if not lines:
        raise PageError(1, _("the file is empty; expected the programme title on the first line."))

    title_line, title = lines[0]
    if ENTRY_MARK_RE.match(title) or OUTPUT_RE.match(title) or DATE_RE.match(title):
        raise PageError(title_line, _("expected the programme title, found '%(found)s'.") % {"found": _shorten(title)})
    if len(lines) < 2 or lines[1][1].casefold() != "outputs":
        number, what = lines[1] if len(lines) > 1 else (title_line + 1, _("the end of the file"))
        raise PageError(number, _("expected the word 'Outputs', found '%(found)s'.") % {"found": _shorten(what)})

    components = []
    current = None
    position = 0
    index = 2
    while index < len(lines):
        line_number, line = lines[index]
        if ENTRY_MARK_RE.match(line):
            if current is None:
                raise PageError(line_number, _("an output entry ('-') before any component heading."))
            if line != "-":
                found.append(Quirk("entry_mark", line_number))
            if index + 1 >= len(lines):
                raise PageError(
                    line_number + 1,
                    _("expected an output line such as 'Output 1.1 - text', found the end of the file."),
                )
            output_line_number, output_line = lines[index + 1]
            code, outcome_number, output_title, kinds = parse_output_line(output_line, output_line_number)
            found.extend(Quirk(kind, output_line_number) for kind in kinds)
            if index + 2 >= len(lines):
                raise PageError(
                    output_line_number + 1,
                    _("expected the deadline of Output %(code)s as DD.MM.YYYY, found the end of the file.")
                    % {"code": code},
                )
            date_line_number, date_line = lines[index + 2]
            if not DATE_RE.match(date_line):
                raise PageError(
                    date_line_number,
                    _("expected the deadline of Output %(code)s as DD.MM.YYYY, found '%(found)s'.")
                    % {"code": code, "found": _shorten(date_line)},
                )
            deadline = parse_date(date_line, date_line_number)
            if "/" in date_line:
                found.append(Quirk("slash_date", date_line_number))
            position += 1
            current.outputs.append(
                ParsedOutput(
                    code=code,
                    outcome_number=outcome_number,
                    title=output_title,
                    deadline=deadline,
                    line_number=output_line_number,
                    position=position,
                )
            )
            index += 3
            continue
        if OUTPUT_RE.match(line):
            raise PageError(line_number, _("an output line must follow a line holding only '-'."))
        if not HEADING_RE.match(line):
            raise PageError(
                line_number,
                _("a line of unknown shape: '%(found)s'. Expected a component heading (a country name or "
                  "'Global'), '-', an output line or a DD.MM.YYYY date.") % {"found": _shorten(line)},
            )
        current = ParsedComponent(name=line, line_number=line_number)
        components.append(current)
        index += 1

    found.extend(Quirk("empty_heading", component.line_number) for component in components if not component.outputs)
    components = [component for component in components if component.outputs]
    if not components:
        raise PageError(lines[-1][0], _("the page lists no outputs."))
    found.sort(key=lambda quirk: quirk.line_number)
    return ParsedPage(title=title, components=components, quirks=found, lines=lines)
