#!/usr/bin/env bash
# Runs COMMAND and starts it again whenever it exits, after RESTART_SECONDS (default 5): what
# systemd's Restart=always with RestartSec=5 does for the task worker in production
# (docs/deployment.md, section 8). `make serve` runs the worker under it, so that a worker that
# exits (the database restarted under it, or it was killed) is replaced and the site stays up.
# SIGTERM or SIGINT stop COMMAND (passed on as SIGTERM) and then this script.
#
#   RESTART_SECONDS=5 scripts/keep-running.sh .venv/bin/python manage.py db_worker --no-reload
set -uo pipefail

delay="${RESTART_SECONDS:-5}"
child=""
stopping=""

stop() {
    stopping=1
    [[ -z $child ]] || kill -TERM "$child" 2>/dev/null
}
trap stop TERM INT

while [[ -z $stopping ]]; do
    "$@" &
    child=$!
    echo "keep-running: started pid $child: $*" >&2
    wait "$child"
    status=$?
    # A trapped signal ends `wait` early: wait again until the command has really exited.
    while kill -0 "$child" 2>/dev/null; do
        wait "$child"
        status=$?
    done
    [[ -z $stopping ]] || break
    echo "keep-running: pid $child exited with status $status; starting it again in $delay s" >&2
    child=""
    sleep "$delay" &
    wait $! || kill $! 2>/dev/null
done
