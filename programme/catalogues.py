"""Reading the translation catalogues (locale/<lang>/LC_MESSAGES/django.po) without extra packages.

Used by the catalogue tests and by scripts/i18n_check.py, which list what is left to translate.
"""

import ast
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict = field(default_factory=dict)  # plural index -> text
    flags: set = field(default_factory=set)
    line: int = 0
    obsolete: bool = False

    @property
    def fuzzy(self):
        return "fuzzy" in self.flags

    @property
    def translated(self):
        return bool(self.msgstr) and all(text.strip() for text in self.msgstr.values())


def read_po(path):
    """The entries of a .po file (the header, msgid "", included), in file order."""
    entries, current, key = [], None, None

    def finish():
        if current is not None and current.msgid is not None:
            entries.append(current)

    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            current, key = None, None
            continue
        if current is None:
            current = Entry(msgid=None, line=number)
        if line.startswith("#~"):
            current.obsolete = True
            continue
        if line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            text = ast.literal_eval(line)
            if key[0] == "msgstr":
                current.msgstr[key[1]] += text
            else:
                setattr(current, key[0], getattr(current, key[0]) + text)
            continue
        word, _space, rest = line.partition(" ")
        text = ast.literal_eval(rest)
        if word.startswith("msgstr["):
            key = ("msgstr", int(word[len("msgstr["):-1]))
            current.msgstr[key[1]] = text
        elif word == "msgstr":
            key = ("msgstr", 0)
            current.msgstr[0] = text
        elif word in ("msgid", "msgid_plural", "msgctxt"):
            key = (word,)
            setattr(current, word, text)
    finish()
    return entries


def catalogue_paths(domain="django"):
    """{language: path} of every translated language's catalogue (English is the source)."""
    root = Path(settings.LOCALE_PATHS[0])
    return {
        code: root / code / "LC_MESSAGES" / f"{domain}.po"
        for code, _name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE
    }


def problems(path):
    """[(line, what, msgid)] for every entry that is untranslated or fuzzy."""
    found = []
    for entry in read_po(path):
        if entry.msgid == "" or entry.obsolete:
            continue
        if entry.fuzzy:
            found.append((entry.line, "fuzzy", entry.msgid))
        elif not entry.translated:
            found.append((entry.line, "untranslated", entry.msgid))
    return found
