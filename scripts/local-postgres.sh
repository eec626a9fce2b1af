#!/usr/bin/env bash
# The persistent PostgreSQL cluster of `make serve` and `make loadtest`: created once under
# build/pg-serve (initdb, a port chosen once on loopback, a generated password, the database
# "tracker"), kept between runs, started and stopped on demand.
#
#   eval "$(scripts/local-postgres.sh start)"   # starts it if needed; prints DATABASE_URL and PG_BINDIR exports
#   scripts/local-postgres.sh stop
#   scripts/local-postgres.sh status
#
# Messages go to stderr; stdout carries only the export lines.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build="${BUILD_DIR:-$root/build}"
cluster="$build/pg-serve"
database=tracker

source "$root/scripts/postgres-binaries.sh"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Whether another server listens on the port. Bound as PostgreSQL binds (SO_REUSEADDR), so the
# connections the cluster's last run left in TIME_WAIT do not count: the cluster comes back on its
# recorded port, where the app's DATABASE_URL still points.
port_taken() {
    python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
sys.exit(1)
PY
}

running() {
    [[ -f "$cluster/data/postmaster.pid" ]] && "${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" status >/dev/null 2>&1
}

init_cluster() {
    echo "Creating the PostgreSQL cluster in $cluster (once) ..." >&2
    rm -rf "$cluster"
    mkdir -p "$cluster"
    python3 -c 'import secrets; print(secrets.token_urlsafe(24))' >"$cluster/password"
    chmod 600 "$cluster/password"
    [[ ${#as_owner[@]} -gt 0 ]] && chown -R postgres "$cluster"
    # Local socket connections (this script's own) are trusted; TCP connections need the password.
    "${as_owner[@]}" "$bindir/initdb" -D "$cluster/data" -U postgres --pwfile="$cluster/password" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
        >"$cluster/initdb.log" 2>&1 || { cat "$cluster/initdb.log" >&2; exit 1; }
    free_port >"$cluster/port"
}

start_cluster() {
    [[ -f "$cluster/data/PG_VERSION" ]] || init_cluster
    local port
    port=$(cat "$cluster/port")
    if ! running; then
        if port_taken "$port"; then
            port=$(free_port)
            echo "$port" >"$cluster/port"
        fi
        "${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
            -o "-p $port -k $cluster -c listen_addresses=127.0.0.1 -c max_connections=100" \
            start >/dev/null || { tail -20 "$cluster/server.log" >&2; exit 1; }
    fi
    if [[ -z $("${as_owner[@]}" "$bindir/psql" -h "$cluster" -p "$port" -U postgres -d postgres -tAc \
            "SELECT 1 FROM pg_database WHERE datname = '$database'") ]]; then
        "${as_owner[@]}" "$bindir/createdb" -h "$cluster" -p "$port" -U postgres "$database"
    fi
    echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (cluster in $cluster)" >&2
    echo "export DATABASE_URL=postgres://postgres:$(cat "$cluster/password")@127.0.0.1:$port/$database"
    echo "export PG_BINDIR=$bindir"
}

case "${1:-}" in
    start) start_cluster ;;
    stop)
        if running; then
            "${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" -m fast -w stop >/dev/null
            echo "Stopped the PostgreSQL cluster in $cluster." >&2
        fi
        ;;
    status)
        if running; then echo "running on 127.0.0.1:$(cat "$cluster/port") ($cluster)"; else echo "stopped"; fi
        ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
