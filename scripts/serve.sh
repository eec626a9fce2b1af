#!/usr/bin/env bash
# `make serve`: the app as in production (DJANGO_ENV=production, nginx in front of gunicorn,
# PostgreSQL) on loopback. Starts the persistent cluster of scripts/local-postgres.sh, migrates,
# collects the static files, loads the seed data, demo accounts and demonstration year once
# (DEMO_ACTIVITY=0: no demonstration year), then serves until Ctrl+C and stops everything it started.
#
#   scripts/serve.sh                 # nginx on http://127.0.0.1:${SERVE_PORT:-8000}, gunicorn on a private loopback port
#   scripts/serve.sh COMMAND ...     # the same preparation, then run COMMAND with that environment
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build="${BUILD_DIR:-$root/build}"
py="$root/.venv/bin/python"
mkdir -p "$build"

pg_env=$(scripts/local-postgres.sh start)
eval "$pg_env"
# The processes started below (pids), stopped on exit before the cluster.
pids=()
stop() {
    [[ ${#pids[@]} -eq 0 ]] || kill -TERM "${pids[@]}" 2>/dev/null || true
    wait || true
    scripts/local-postgres.sh stop
}
trap stop EXIT

if [[ -z "${DJANGO_SECRET_KEY:-}" ]]; then
    # Generated once and kept: sessions survive restarts.
    if [[ ! -s "$build/secret-key" ]]; then
        (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(50))' >"$build/secret-key")
    fi
    DJANGO_SECRET_KEY=$(cat "$build/secret-key")
fi
export DJANGO_SECRET_KEY
export DJANGO_ENV=production
export SERVE_PORT="${SERVE_PORT:-8000}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:$SERVE_PORT}"
# Plain HTTP on loopback: no redirect to HTTPS, cookies not marked Secure. A deployment serves
# HTTPS through its reverse proxy and leaves both at their production defaults.
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-0}"
export SECURE_COOKIES="${SECURE_COOKIES:-0}"
# Behind nginx (deploy/nginx.conf), which sets X-Forwarded-For and X-Forwarded-Proto itself.
export TRUSTED_PROXY_COUNT="${TRUSTED_PROXY_COUNT:-1}"
export SECURE_PROXY_SSL_HEADER="${SECURE_PROXY_SSL_HEADER:-1}"

"$py" manage.py migrate --noinput -v0
# Collecting compresses every file (about a minute): only when the static files or the packages changed.
stamp=$( (cat requirements.txt; find static -type f -printf '%p %s %T@\n' | sort) | sha256sum)
static_root="$build/staticfiles"
if [[ ! -f "$static_root/staticfiles.json" || "$(cat "$static_root/.collected" 2>/dev/null)" != "$stamp" ]]; then
    echo "Collecting and compressing the static files ..."
    "$py" manage.py collectstatic --noinput -v0
    echo "$stamp" >"$static_root/.collected"
fi
"$py" manage.py setup_demo

if [[ $# -gt 0 ]]; then
    "$@"
else
    # gunicorn on a private loopback port: clients reach it only through nginx.
    app_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    GUNICORN_BIND="127.0.0.1:$app_port" "$root/.venv/bin/gunicorn" config.wsgi &
    pids+=($!)
    # The task worker: large exports and reminders queued in the database. Started again whenever it
    # exits, as systemd's Restart=always does in production: a worker that a database restart (or
    # anything else) stops is replaced, and the site stays up.
    scripts/keep-running.sh "$py" manage.py db_worker --no-reload &
    pids+=($!)
    LISTEN="127.0.0.1:$SERVE_PORT" APP_SERVERS="127.0.0.1:$app_port" STATIC_ROOT="$static_root" \
        scripts/nginx.sh "$build/nginx" &
    pids+=($!)
    echo "Serving the production settings on http://127.0.0.1:$SERVE_PORT (nginx, logs in $build/nginx/logs;"
    echo "gunicorn on 127.0.0.1:$app_port; the task worker, started again if it exits; PostgreSQL). Ctrl+C stops them."
    wait -n  # until nginx or gunicorn stops (the worker is started again): the others are then stopped too
fi
