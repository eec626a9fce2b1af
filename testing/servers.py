"""Servers the tests start on loopback (gunicorn, nginx, Redis, an S3 endpoint): a port for each."""

import socket


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
