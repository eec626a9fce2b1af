#!/usr/bin/env bash
# `make serve`: the app as in production (DJANGO_ENV=production, gunicorn, whitenoise, PostgreSQL)
# on loopback. Starts the persistent cluster of scripts/local-postgres.sh, migrates, collects the
# static files, loads the seed data and demo accounts once, then serves until Ctrl+C and stops
# the cluster again.
#
#   scripts/serve.sh                 # serve on http://127.0.0.1:${SERVE_PORT:-8000}
#   scripts/serve.sh COMMAND ...     # the same preparation, then run COMMAND with that environment
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build="${BUILD_DIR:-$root/build}"
py="$root/.venv/bin/python"
mkdir -p "$build"

pg_env=$(scripts/local-postgres.sh start)
eval "$pg_env"
trap 'scripts/local-postgres.sh stop' EXIT

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
    echo "Serving the production settings on http://127.0.0.1:$SERVE_PORT (PostgreSQL; Ctrl+C stops it)."
    "$root/.venv/bin/gunicorn" programme.wsgi
fi
