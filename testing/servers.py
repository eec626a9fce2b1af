"""Servers the tests start on loopback (gunicorn, nginx, Redis, an S3 endpoint): a port for each."""

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.db import connection


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """``sig`` to a server the test started, then a kill if it has not ended within 10 s."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class RedisServer:
    """A redis-server of its own on one loopback port, without persistence, stopped and started again."""

    def __init__(self, folder: Path) -> None:
        program = shutil.which("redis-server")
        if program is None:
            pytest.fail("redis-server is not installed: run `scripts/system-deps.sh test` as root (apt-get install redis-server)")
        self.port = free_port()
        self.command = [program, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
                        "--dir", str(folder)]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert self.process.poll() is None and time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.02)
        client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def keys(self, pattern: str) -> list[bytes | str]:
        client = redis.Redis(port=self.port)
        try:
            return client.keys(pattern)
        finally:
            client.close()


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
