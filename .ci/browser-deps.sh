#!/usr/bin/env bash
# Installs what the browser test of `ruling serve` (tests/serve_browser.rs) needs: Debian's
# headless Chromium and its WebDriver. Without them that test prints that it was skipped.
# Run as root (CI runs as root); quiet unless something goes wrong.
set -euo pipefail
if command -v chromedriver >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium chromium-driver >/dev/null
chromedriver --version
