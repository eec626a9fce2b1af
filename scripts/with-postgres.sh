#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster: initdb in a folder of its own under
# build/pg-test, a free port on loopback, DATABASE_URL exported for the command, and the cluster
# stopped and removed afterwards even when the command fails or is interrupted. Runs side by side
# (two checkouts' test suites, a focused run beside a full one) each have their own cluster.
#
#   scripts/with-postgres.sh .venv/bin/python -m pytest
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build="${BUILD_DIR:-$root/build}"

source "$root/scripts/postgres-binaries.sh"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

mkdir -p "$build/pg-test"
cluster=$(mktemp -d "$build/pg-test/run.XXXXXX")
[[ ${#as_owner[@]} -gt 0 ]] && chown postgres "$cluster"

stop_cluster() {
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$cluster"
}
trap stop_cluster EXIT INT TERM

"${as_owner[@]}" "$bindir/initdb" -D "$cluster/data" -U postgres --auth=trust -E UTF8 \
    --locale=C.UTF-8 >"$cluster/initdb.log" 2>&1 || { cat "$cluster/initdb.log" >&2; exit 1; }
# Durability off: this cluster lives for one test run.
pg_options="-p $port -k $cluster -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
"${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 -o "$pg_options" \
    start >/dev/null || { cat "$cluster/server.log" >&2; exit 1; }

echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (cluster in $cluster)"
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/tracker"
export PG_BINDIR="$bindir"
# For the tests that stop and restart this cluster (pytest -m db_outage): how to run pg_ctl on it.
export TEST_PG_DATADIR="$cluster/data" TEST_PG_OPTIONS="$pg_options" TEST_PG_LOG="$cluster/server.log"
export TEST_PG_OWNER="${as_owner:+postgres}"
"$@"
