#!/usr/bin/env bash
# Tests of the VS Code extension: installs the pinned development packages from package-lock.json
# (npm ci), then runs `npm test`:
#   tests/manifest.test.js  package.json, language configuration and grammar agree and are valid;
#   tests/check-rules.js    every keyword of grammar/ruling.pest and every shipped rules/*.rule
#                           file against the TextMate grammar;
#   tests/client.test.js    the client's start-up logic, with stand-ins for VS Code;
#   tests/server.test.js    what the client relies on from the built `ruling lsp` (skipped, with
#                           a message, when target/debug/ruling or $RULING_BIN has no lsp);
#   tests/*.test.rule       scope assertions (vscode-tmgrammar-test).
# Exit code: 0 all pass, non-zero when any check fails or npm cannot install.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v npm >/dev/null 2>&1; then
  echo "editors/vscode/test.sh：找不到 npm。请先安装 Node.js（含 npm，版本 20 或更高），例如 apt-get install -y nodejs npm。" >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
npm test
