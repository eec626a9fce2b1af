#!/usr/bin/env bash
# nginx in front of gunicorn, in the foreground until it is stopped (SIGTERM or SIGQUIT): writes
# DIR/nginx.conf from deploy/nginx.conf and runs nginx with DIR as its prefix (pid, logs, temp).
#
#   LISTEN=127.0.0.1:8000 APP_SERVERS="127.0.0.1:8001 127.0.0.1:8002" STATIC_ROOT=build/staticfiles \
#       scripts/nginx.sh build/nginx
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mkdir -p "$1" && cd "$1" && pwd)
: "${LISTEN:?the address nginx listens on, e.g. 127.0.0.1:8000}"
: "${APP_SERVERS:?the gunicorn addresses, e.g. 127.0.0.1:8001}"
STATIC_ROOT=$(cd "${STATIC_ROOT:?the collected static files}" && pwd)
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $nginx ]] || { echo "nginx is not installed: run scripts/system-deps.sh serve as root (Debian/Ubuntu: apt-get install nginx)." >&2; exit 1; }

servers=""
for address in $APP_SERVERS; do
    servers+="server $address; "
done
mkdir -p "$dir/logs" "$dir/temp"
APP_SERVERS=$servers LISTEN=$LISTEN STATIC_ROOT=$STATIC_ROOT \
    envsubst '${APP_SERVERS} ${LISTEN} ${STATIC_ROOT}' <"$root/deploy/nginx.conf" >"$dir/nginx.conf"
exec "$nginx" -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" -g "daemon off;"
