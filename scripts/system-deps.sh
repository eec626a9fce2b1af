#!/usr/bin/env bash
# The system libraries the app needs beyond Python packages: Pango and a font for WeasyPrint's PDF
# reports. Installed with apt when missing and we may (root with apt); otherwise say what to install.
set -euo pipefail

missing=()
ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so.0" || missing+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || missing+=(libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi "dejavu\|liberation\|noto" || missing+=(fonts-dejavu-core)

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages for PDF reports: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
    echo "PDF reports need these system packages: ${missing[*]} (Debian/Ubuntu: apt-get install ${missing[*]})." >&2
    exit 1
fi
