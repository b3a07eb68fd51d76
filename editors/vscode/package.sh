#!/usr/bin/env bash
# Packages the extension as a .vsix with @vscode/vsce, the version pinned in package-lock.json.
# Usage: editors/vscode/package.sh [OUT.vsix]
#   default output: editors/vscode/ruling-<version>.vsix
# Install the result with: code --install-extension ruling-<version>.vsix
# Exit code: 0 packaged, non-zero when npm or vsce fails.
set -euo pipefail
out=""
if [ $# -gt 0 ]; then
  out="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
fi
cd "$(dirname "$0")"
if ! command -v npm >/dev/null 2>&1; then
  echo "editors/vscode/package.sh：找不到 npm。请先安装 Node.js（含 npm，版本 20 或更高）。" >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
# The project has no public repository address nor a LICENSE file of its own (the licence is
# named in package.json), so vsce is told not to ask for them.
npx --no-install vsce package --skip-license --allow-missing-repository ${out:+--out "$out"}
