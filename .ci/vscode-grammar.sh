#!/usr/bin/env bash
# CI step for the VS Code extension: its grammar, client and server-contract tests
# (editors/vscode/test.sh). Run it after cargo test, so that target/debug/ruling is built and the
# server-contract test runs against it.
# They need Node.js 18 or later with npm. Where npm is missing and this runs as root on a
# Debian-like system, Node.js is installed with apt-get; where it still cannot be had, the step
# is skipped with a message (exit 0), so a machine without Node.js can still run the Rust CI.
# Exit code: 0 passed or skipped, non-zero when a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "vscode-grammar：没有 npm，正在用 apt-get 安装 nodejs npm" >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq nodejs npm >/dev/null \
    || echo "vscode-grammar：apt-get 安装 nodejs npm 失败" >&2
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "vscode-grammar：跳过。没有 Node.js/npm，未运行 editors/vscode 的语法高亮测试。" >&2
  exit 0
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 18 ]; then
  echo "vscode-grammar：跳过。Node.js $(node --version) 太旧（需要 18 或更高），未运行 editors/vscode 的测试。" >&2
  exit 0
fi
editors/vscode/test.sh
