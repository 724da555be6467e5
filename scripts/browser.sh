#!/usr/bin/env bash
# Print the path of a headless-capable Chromium from Debian's packages, installing it if missing
# (needs root or sudo). The console's browser tests use it through Playwright's executable_path,
# so Playwright never downloads a browser. Usage: CALMLINE_CHROMIUM="$(bash scripts/browser.sh)"
set -euo pipefail
find_browser() {
  for p in "${CALMLINE_CHROMIUM:-}" /usr/lib/chromium/chromium /usr/lib/chromium/headless_shell \
           /usr/lib/chromium-headless-shell/chromium-headless-shell /usr/bin/chromium-headless-shell /usr/bin/chromium; do
    if [ -n "$p" ] && [ -x "$p" ]; then echo "$p"; return 0; fi
  done
  return 1
}
if find_browser; then exit 0; fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq chromium fonts-dejavu-core >&2 || $SUDO apt-get install -y -qq chromium-headless-shell >&2
find_browser || { echo "chromium is not installable here" >&2; exit 1; }
