"""Production mode refuses to start without its required variables."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(env):
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True, env={**base, **env}
    )


def test_development_needs_no_variables(tmp_path):
    result = run_check({"BUILD_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr


def test_production_without_secret_key_fails_loudly():
    result = run_check({"DJANGO_ENV": "production"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required in production" in result.stderr


def test_production_without_database_url_fails_loudly():
    result = run_check({"DJANGO_ENV": "production", "DJANGO_SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "DATABASE_URL is required in production" in result.stderr
