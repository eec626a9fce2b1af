#!/usr/bin/env bash
# The system packages the app needs beyond Python packages: Pango and a font for WeasyPrint's PDF
# reports, gettext for the translation catalogues, nginx in front of gunicorn for `make serve`
# (and its test), redis-server for the shared-cache tests (each starts one of its own), wrk for the
# two-server test and the load test, and Chromium for the real-browser tests (Playwright drives /usr/bin/chromium, never a downloaded browser).
# Installed with apt when missing and we may (root with apt); otherwise say what to install.
set -euo pipefail

missing=()
ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so.0" || missing+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || missing+=(libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi "dejavu\|liberation\|noto" || missing+=(fonts-dejavu-core)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)  # compiles the translation catalogues
[[ -x /usr/sbin/nginx ]] || missing+=(nginx)  # the reverse proxy of `make serve`
[[ -x /usr/bin/redis-server ]] || missing+=(redis-server)  # the shared-cache tests
command -v wrk >/dev/null 2>&1 || missing+=(wrk)  # make scaleout, make loadtest

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages for PDF reports, translations, make serve and browser tests: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    # Only their binaries are wanted: make serve runs nginx with a configuration of its own under
    # build/, and the tests start their own redis-server.
    for service in nginx redis-server; do
        if [[ " ${missing[*]} " == *" $service "* ]] && command -v systemctl >/dev/null 2>&1; then
            systemctl disable --now "$service" >/dev/null 2>&1 || true
        fi
    done
else
    echo "PDF reports, translations, make serve and browser tests need these system packages: ${missing[*]} (Debian/Ubuntu: apt-get install ${missing[*]})." >&2
    # Chromium, nginx, redis-server and wrk alone are only for the tests and make serve (which then
    # fail or skip, saying so): the app itself can still run.
    for package in "${missing[@]}"; do
        [[ $package == chromium || $package == nginx || $package == redis-server || $package == wrk ]] || exit 1
    done
fi
