"""gunicorn.conf.py as gunicorn itself resolves it (`gunicorn --print-config`)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.any_database  # see pytest.ini

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def resolved(**env):
    result = subprocess.run(
        [str(GUNICORN), "--print-config", "config.wsgi"], cwd=ROOT, capture_output=True, text=True,
        timeout=60, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
    )
    assert result.returncode == 0, result.stderr
    # Blanks only around "=": an empty value must not take the next line as its own.
    return dict(re.findall(r"^(\w+)[ \t]*=[ \t]*(.*)$", result.stdout, re.MULTILINE))


@pytest.fixture(scope="module")
def default():
    """The configuration without any variable set, resolved once for the module."""
    return resolved()


def test_the_shape_measured_by_the_load_test(default):
    config = default
    assert (config["workers"], config["threads"], config["worker_class"]) == ("4", "2", "gthread")
    # Four connections per thread at most, so kept-alive connections spread over the processes.
    assert config["worker_connections"] == "8"
    assert config["bind"] == "['127.0.0.1:8000']"


def test_the_scheme_is_believed_only_from_nginx_on_this_host(default):
    config = default
    assert config["forwarded_allow_ips"] == "['127.0.0.1']"
    # Only the header nginx sets itself: X-Forwarded-Ssl or X-Forwarded-Protocol from a client,
    # passed on by nginx, would otherwise make a plain HTTP request https.
    assert config["secure_scheme_headers"] == "{'X-FORWARDED-PROTO': 'https'}"


def test_the_environment_changes_it():
    config = resolved(GUNICORN_WORKERS="6", GUNICORN_THREADS="2", SERVE_PORT="8123")
    assert (config["workers"], config["threads"], config["worker_connections"]) == ("6", "2", "8")
    assert config["bind"] == "['127.0.0.1:8123']"
    assert resolved(GUNICORN_WORKER_CONNECTIONS="100")["worker_connections"] == "100"
