"""gunicorn's settings for `make serve` and for production (gunicorn reads ./gunicorn.conf.py).

Two cores: 4 worker processes of 2 threads each (measured with `make loadtest`, see
docs/performance.md: fewer threads per process share each interpreter lock less, which keeps the
slowest requests fast). Every value can be changed from the environment.
"""

import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('SERVE_PORT', '8000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread" if threads > 1 else "sync"
# Connections one worker holds at most (gthread): four per thread. Without a limit, kept-alive
# connections (a proxy's pool, a load test's) can all land on one process, which then works on
# one core while the others idle; at its limit a worker leaves new connections to the others.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", str(4 * threads)))
# PDF reports take a few seconds; large spreadsheets are built in the background instead.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
# Client, user, time, request line, status, bytes, duration in ms, referrer, user agent.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
# Forwarded headers are believed only from these addresses: nginx on this host (deploy/nginx.conf),
# which sets X-Forwarded-Proto itself, replacing a client's. gunicorn's other scheme headers
# (X-Forwarded-Ssl, X-Forwarded-Protocol), which nginx passes on as clients send them, are not read.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
# No control socket in the home directory: several instances (serve, load test) may run side by side.
control_socket_disable = True
