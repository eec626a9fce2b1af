"""Development needs no environment variables (production's required ones: core/tests/test_deploy_check.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from testing.environment import settings_for

ROOT = Path(__file__).resolve().parents[2]


def test_development_needs_no_variables(tmp_path):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "config.settings",
           "BUILD_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("name", "value", "says"), [
    ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be true or false"),
    ("DEMO_ACTIVITY", "sometimes", "DEMO_ACTIVITY must be true or false"),
    ("EXPORT_BACKGROUND_ROWS", "10k", "EXPORT_BACKGROUND_ROWS must be a whole number, not '10k'"),
])
def test_a_value_that_cannot_be_read_stops_the_start_and_says_which(name, value, says):
    with pytest.raises(ImproperlyConfigured, match=says):
        settings_for({name: value})


@pytest.mark.parametrize(("value", "debug"), [("", True), ("0", False), ("off", False), ("Yes", True), ("1", True)])
def test_true_and_false_as_people_write_them(value, debug):
    assert settings_for({"DJANGO_DEBUG": value})["DEBUG"] is debug
