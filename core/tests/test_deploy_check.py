"""Production settings pass Django's deployment checks, and refuse to start without what they need."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from testing.environment import settings_for

pytestmark = pytest.mark.any_database  # see pytest.ini

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path, **overrides):
    """A production environment (``None`` leaves a variable out)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "ALLOWED_HOSTS": "tracker.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://tracker.example.org",
        "BUILD_DIR": str(tmp_path),
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120
    )


def test_check_deploy_reports_nothing_in_production(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_flags_an_insecure_override(tmp_path):
    """The check above can fail: switching HTTPS off in production is reported."""
    env = production_env(tmp_path, SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0")
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W012" in result.stderr


@pytest.mark.parametrize("variable", ["DJANGO_SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"])
def test_a_missing_variable_stops_start_up_naming_it(tmp_path, variable):
    with pytest.raises(ImproperlyConfigured, match=f"The environment variable {variable} is required in production"):
        settings_for(production_env(tmp_path, **{variable: None}))


def test_production_settings_values(tmp_path):
    """Cookies, HSTS, the session limits and the CSP as production reads them."""
    s = settings_for(production_env(tmp_path))
    assert [
        s["SESSION_COOKIE_SECURE"], s["CSRF_COOKIE_SECURE"], s["SESSION_COOKIE_HTTPONLY"], s["SECURE_SSL_REDIRECT"],
        s["SECURE_HSTS_SECONDS"], s["SESSION_COOKIE_AGE"], s["SESSION_IDLE_TIMEOUT"], s["DEBUG"],
        s["CSRF_TRUSTED_ORIGINS"], s["DATABASES"]["default"]["CONN_MAX_AGE"],
        s["DATABASES"]["default"]["CONN_HEALTH_CHECKS"],
    ] == [True, True, True, True, 31536000, 43200, 3600, False, ["https://tracker.example.org"], 60, True]


def test_passwords_need_ten_characters(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="at least 10 characters"):
        validate_password("Kx7#pQ2!z")
    validate_password("Kx7#pQ2!zW")
