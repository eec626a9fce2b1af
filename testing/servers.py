"""Servers the tests start on loopback (gunicorn, nginx, Redis, an S3 endpoint): a port for each."""

import os
import socket
import subprocess
from pathlib import Path

import pytest
from django.db import connection


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_ctl(*args: str) -> None:
    """pg_ctl on the throwaway cluster of scripts/with-postgres.sh (the outage and two-server tests)."""
    datadir = os.environ.get("TEST_PG_DATADIR")
    if not datadir or connection.vendor != "postgresql":
        pytest.fail("Run this test through scripts/with-postgres.sh (make test-postgres): it stops and "
                    "restarts that throwaway cluster, found from TEST_PG_DATADIR.")
    command = [str(Path(os.environ["PG_BINDIR"]) / "pg_ctl"), "-D", datadir, *args]
    if os.environ.get("TEST_PG_OWNER"):
        command = ["runuser", "-u", os.environ["TEST_PG_OWNER"], "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def stop_database() -> None:
    pg_ctl("-m", "fast", "-w", "stop")


def start_database() -> None:
    pg_ctl("-l", os.environ["TEST_PG_LOG"], "-w", "-t", "60", "-o", os.environ["TEST_PG_OPTIONS"], "start")
