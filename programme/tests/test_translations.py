"""The French, Portuguese and Vietnamese catalogues: complete, faithful to their placeholders, and
holding every message the source marks for translation (none added since `make messages`)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from testing.catalogues import catalogue_paths, problems, read_po, translations

pytestmark = pytest.mark.any_database  # see pytest.ini

ROOT = Path(settings.BASE_DIR)
LANGUAGES = sorted(catalogue_paths())
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")


def test_every_offered_language_but_english_has_a_catalogue():
    assert LANGUAGES == ["fr", "pt", "vi"]
    for path in catalogue_paths().values():
        assert path.is_file(), f"{path} is missing: run `make messages`"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_is_untranslated_or_fuzzy(language):
    left = problems(catalogue_paths()[language])
    assert not left, (
        f"{len(left)} message(s) not translated in {language} (scripts/i18n_check.py lists them): "
        + "; ".join(f"line {line} {what}: {msgid[:60]!r}" for line, what, msgid in left[:10])
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders(language):
    """A lost or renamed %(name)s would fail at run time (KeyError) or drop the value."""
    wrong = []
    for entry in read_po(catalogue_paths()[language]):
        if not entry.msgid or "python-format" not in entry.flags:
            continue
        for index, text in translations(entry).items():
            source = entry.msgid_plural if index and entry.msgid_plural else entry.msgid
            found = sorted(PLACEHOLDER.findall(text))
            # A one-form language (vi) may write the plural's placeholders from the plural msgid.
            allowed = [sorted(PLACEHOLDER.findall(source)), sorted(PLACEHOLDER.findall(entry.msgid_plural or source))]
            if found not in allowed:
                wrong.append((entry.msgid, text))
    assert not wrong, wrong[:5]


def _source_copy(target):
    """The source tree without the virtualenv, build output, history or compiled files."""
    skip = shutil.ignore_patterns("build", "media", "staticfiles", "fixtures", "__pycache__", "*.mo", "*.sqlite3")

    def ignore(directory, names):
        return {name for name in names if name.startswith(".")} | skip(directory, names)  # .venv, .git, caches

    shutil.copytree(ROOT, target, ignore=ignore)


def test_catalogues_hold_every_message_of_the_source(tmp_path):
    """makemessages on a copy of the tree (the real locale/ is never written) finds nothing new."""
    copy = tmp_path / "src"
    _source_copy(copy)
    env = {**os.environ, "BUILD_DIR": str(tmp_path / "build"), "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--ignore=.venv", "--ignore=build", "--no-obsolete"],
        cwd=copy, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    fresh = {(entry.msgctxt, entry.msgid) for entry in read_po(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")}
    for language, path in catalogue_paths().items():
        held = {(entry.msgctxt, entry.msgid) for entry in read_po(path) if not entry.obsolete}
        new, gone = sorted(fresh - held, key=str), sorted(held - fresh, key=str)
        assert not new, f"{language}: {len(new)} message(s) not in the catalogue yet, run `make messages`: {new[:5]}"
        assert not gone, f"{language}: {len(gone)} message(s) no longer in the source, run `make messages`: {gone[:5]}"


def test_the_catalogues_compile(tmp_path):
    """msgfmt --check-format as compilemessages runs it: format strings and plural forms agree."""
    for language, path in catalogue_paths().items():
        result = subprocess.run(
            ["msgfmt", "--check-format", "--check-header", "-o", str(tmp_path / f"{language}.mo"), str(path)],
            capture_output=True, text=True, check=False,
        )
        assert result.returncode == 0, f"{language}: {result.stderr}"
