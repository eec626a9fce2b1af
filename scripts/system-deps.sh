#!/usr/bin/env bash
# The system packages beyond Python packages, by what needs them; each make target names its own:
#
#   run       Pango and a font for WeasyPrint's PDF reports, gettext for the translation catalogues
#             (make run, and everything else: they all set up what running needs first)
#   test      Chromium for the real-browser tests (Playwright drives /usr/bin/chromium, never a
#             downloaded browser), nginx and redis-server for the tests that start their own, wrk
#             for the two-server test (make test)
#   serve     nginx in front of gunicorn (make serve)
#   loadtest  nginx, and wrk to measure through it (make loadtest)
#   scaleout  nginx, redis-server and wrk (make scaleout)
#
#   scripts/system-deps.sh run test
#
# Installed with apt when missing and we may (root with apt); otherwise say what to install.
set -euo pipefail

[[ $# -gt 0 ]] || { echo "usage: $0 run|test|serve|loadtest|scaleout ..." >&2; exit 2; }

missing=()
need() {
    [[ " ${missing[*]} " == *" $1 "* ]] || missing+=("$1")
}
for purpose in "$@"; do
    case $purpose in
        run)
            # grep reads to the end (no -q): with pipefail, a listing cut short by grep's exit would count
            # as a failure, and the package as missing.
            ldconfig -p 2>/dev/null | grep "libpango-1.0.so.0" >/dev/null || need libpango-1.0-0
            ldconfig -p 2>/dev/null | grep "libpangoft2-1.0.so.0" >/dev/null || need libpangoft2-1.0-0
            fc-list 2>/dev/null | grep -i "dejavu\|liberation\|noto" >/dev/null || need fonts-dejavu-core
            command -v msgfmt >/dev/null 2>&1 || need gettext
            ;;
        test|serve|loadtest|scaleout)
            if [[ $purpose == test ]]; then
                [[ -x /usr/bin/chromium ]] || need chromium
            fi
            [[ -x /usr/sbin/nginx ]] || need nginx
            if [[ $purpose == test || $purpose == scaleout ]]; then
                [[ -x /usr/bin/redis-server ]] || need redis-server
            fi
            if [[ $purpose != serve ]]; then
                command -v wrk >/dev/null 2>&1 || need wrk
            fi
            ;;
        *)
            echo "$0: unknown purpose '$purpose' (run, test, serve, loadtest, scaleout)" >&2
            exit 2
            ;;
    esac
done

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages ($*): ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    # Only their binaries are wanted: make serve runs nginx with a configuration of its own under
    # build/, and the tests start their own redis-server.
    for service in nginx redis-server; do
        if [[ " ${missing[*]} " == *" $service "* ]] && command -v systemctl >/dev/null 2>&1; then
            systemctl disable --now "$service" >/dev/null 2>&1 || true
        fi
    done
else
    echo "Missing system packages ($*): ${missing[*]} (Debian/Ubuntu: apt-get install ${missing[*]})." >&2
    # The tests that need one of them fail or skip, saying so; the others still run. Running and
    # serving cannot go on without theirs.
    [[ " $* " == " test " ]] || exit 1
fi
