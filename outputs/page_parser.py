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
"""

import datetime
import re
from dataclasses import dataclass, field

# "Output 1.1 – text", "Output.1.5 – text", "Output 1.7. - text", "Output 2.1-text",
# "Output 2.1 –text", "Output 4.1. text". Two-digit parts are whole numbers (1.10 is not 1.1).
OUTPUT_RE = re.compile(
    r"""^Output\s*[.:]?\s*
        (?P<outcome>\d{1,3})\.(?P<number>\d{1,3})\.?   # the code, with an optional final dot
        (?:\s*[-–—:]\s*|\s+)                           # a dash of any kind, or just a space
        (?P<text>\S.*)$""",
    re.IGNORECASE | re.VERBOSE,
)
DATE_RE = re.compile(r"^(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{4})$")
ENTRY_MARK_RE = re.compile(r"^[-–—•]$")
# A heading is a name, not something that looks like a broken entry, date or code.
HEADING_RE = re.compile(r"^[^\W\d_][\w\s'’,.()&/-]{0,149}$")


class PageError(ValueError):
    def __init__(self, line_number, message):
        self.line_number = line_number
        self.message = message
        super().__init__(f"line {line_number}: {message}")


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

    @property
    def output_count(self):
        return sum(len(component.outputs) for component in self.components)


def decode_page(raw):
    """Bytes to text: UTF-8 with or without a byte-order mark, or a PageError naming the line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_number = raw.count(b"\n", 0, error.start) + 1
        raise PageError(
            line_number,
            f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start}); "
            "save it as UTF-8 and try again.",
        ) from None


def _shorten(text, limit=60):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_date(text, line_number):
    match = DATE_RE.match(text)
    if not match:
        raise PageError(
            line_number, f"expected the output's deadline as DD.MM.YYYY, found '{_shorten(text)}'."
        )
    try:
        return datetime.date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        raise PageError(
            line_number, f"'{text}' is not a real date (expected a deadline as DD.MM.YYYY)."
        ) from None


def parse_output_line(text, line_number):
    match = OUTPUT_RE.match(text)
    if not match:
        raise PageError(
            line_number,
            f"expected an output line such as 'Output 1.1 - text', found '{_shorten(text)}'.",
        )
    outcome, number = int(match["outcome"]), int(match["number"])
    return f"{outcome}.{number}", outcome, match["text"].strip()


def parse_page(text):
    """Parse the text of an outputs page into its title and components, or raise PageError."""
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1)]
    lines = [(number, line) for number, line in lines if line]
    if not lines:
        raise PageError(1, "the file is empty; expected the programme title on the first line.")

    title_line, title = lines[0]
    if ENTRY_MARK_RE.match(title) or OUTPUT_RE.match(title) or DATE_RE.match(title):
        raise PageError(title_line, f"expected the programme title, found '{_shorten(title)}'.")
    if len(lines) < 2 or lines[1][1].casefold() != "outputs":
        found = lines[1] if len(lines) > 1 else (title_line + 1, "the end of the file")
        raise PageError(found[0], f"expected the word 'Outputs', found '{_shorten(found[1])}'.")

    components = []
    current = None
    position = 0
    index = 2
    while index < len(lines):
        line_number, line = lines[index]
        if ENTRY_MARK_RE.match(line):
            if current is None:
                raise PageError(
                    line_number, "an output entry ('-') before any component heading."
                )
            if index + 1 >= len(lines):
                raise PageError(
                    line_number + 1,
                    "expected an output line such as 'Output 1.1 - text', found the end of the file.",
                )
            output_line_number, output_line = lines[index + 1]
            code, outcome_number, output_title = parse_output_line(output_line, output_line_number)
            if index + 2 >= len(lines):
                raise PageError(
                    output_line_number + 1,
                    f"expected the deadline of Output {code} as DD.MM.YYYY, found the end of the file.",
                )
            date_line_number, date_line = lines[index + 2]
            if not DATE_RE.match(date_line):
                raise PageError(
                    date_line_number,
                    f"expected the deadline of Output {code} as DD.MM.YYYY, "
                    f"found '{_shorten(date_line)}'.",
                )
            deadline = parse_date(date_line, date_line_number)
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
            raise PageError(line_number, "an output line must follow a line holding only '-'.")
        if not HEADING_RE.match(line):
            raise PageError(
                line_number,
                f"a line of unknown shape: '{_shorten(line)}'. Expected a component heading "
                "(a country name or 'Global'), '-', an output line or a DD.MM.YYYY date.",
            )
        current = ParsedComponent(name=line, line_number=line_number)
        components.append(current)
        index += 1

    components = [component for component in components if component.outputs]
    if not components:
        raise PageError(lines[-1][0], "the page lists no outputs.")
    return ParsedPage(title=title, components=components)
