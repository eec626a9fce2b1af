"""The translation catalogues (locale/<lang>/LC_MESSAGES/django.po), read with polib: where they are,
each entry's translations, and what is left to translate.

Used by the catalogue tests and by scripts/i18n_check.py, which lists what is left.
"""

from pathlib import Path

import polib
from django.conf import settings


def catalogue_paths(domain: str = "django") -> dict[str, Path]:
    """{language: path} of every translated language's catalogue (English is the source)."""
    root = Path(settings.LOCALE_PATHS[0])
    return {
        code: root / code / "LC_MESSAGES" / f"{domain}.po"
        for code, _name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE
    }


def read_po(path: Path) -> polib.POFile:
    """The catalogue's entries, obsolete ones included (``entry.obsolete``), without its header."""
    return polib.pofile(str(path))


def translations(entry: polib.POEntry) -> dict[int, str]:
    """The entry's translations by plural form (form 0 alone for a message without a plural)."""
    return dict(entry.msgstr_plural) if entry.msgid_plural else {0: entry.msgstr}


def problems(path: Path) -> list[tuple[int, str, str]]:
    """[(line, what, msgid)] for every entry that is untranslated or fuzzy."""
    found = []
    for entry in read_po(path):
        if entry.obsolete:
            continue
        texts = translations(entry).values()
        if entry.fuzzy:
            found.append((entry.linenum, "fuzzy", entry.msgid))
        elif not texts or not all(text.strip() for text in texts):
            found.append((entry.linenum, "untranslated", entry.msgid))
    return found
