# Sourced by with-postgres.sh and local-postgres.sh: sets `bindir` to PostgreSQL's server binaries
# (installing Debian's postgresql package when they are missing and we may: root with apt) and
# `as_owner` to the command prefix that runs them as their owner (PostgreSQL refuses root).
# Messages go to stderr.

find_bindir() {
    if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then
        pg_config --bindir
        return
    fi
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [[ -x "$dir/initdb" ]] && { echo "$dir"; return; }
    done
    command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)"
}

bindir=$(find_bindir || true)
if [[ -z "$bindir" ]]; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "PostgreSQL is not installed: installing Debian's postgresql package ..." >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        bindir=$(find_bindir)
    else
        echo "PostgreSQL's initdb was not found. Install PostgreSQL 15 (Debian: apt-get install postgresql)." >&2
        exit 1
    fi
fi

as_owner=()
if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    as_owner=(runuser -u postgres --)
fi
