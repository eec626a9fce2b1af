"""The settings a server started with a given environment would have: config/settings.py run in this
process with exactly that environment, instead of a Python process of its own for each case."""

import os
import runpy
from typing import Any
from unittest import mock

from .seed import ROOT

SETTINGS_FILE = ROOT / "config" / "settings.py"


def settings_for(environment: dict[str, str]) -> dict[str, Any]:
    """config/settings.py's names and values with ``environment`` (and PATH) as the whole environment;
    a refusal to start is the ImproperlyConfigured it raises."""
    with mock.patch.dict(os.environ, {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **environment}, clear=True):
        return runpy.run_path(str(SETTINGS_FILE))
