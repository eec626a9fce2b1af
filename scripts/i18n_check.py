#!/usr/bin/env python
"""List the messages still to translate: every untranslated or fuzzy entry of locale/*/django.po.

Run after `make messages`; exits 1 while anything is left (the test suite fails on the same).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from testing.catalogues import catalogue_paths, problems


def main():
    left = 0
    for path in catalogue_paths().values():
        for line, what, msgid in problems(path):
            left += 1
            print(f"{path}:{line}: {what}: {msgid[:100]!r}")
    print(f"{left} message(s) left to translate." if left else "Every message is translated.")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
