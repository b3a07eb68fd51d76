#!/usr/bin/env node
// What the client relies on from the real `ruling lsp`, checked against the built binary with
// the JSON-RPC library the client itself ships (vscode-jsonrpc, under vscode-languageclient):
//   - `ruling lsp --help` exits 0 and names --rules (the client's probe reads it);
//   - started as the client starts it (in the workspace folder, with or without --rules DIR), it
//     reports a misspelt fact of a file under rules/ on the right line, in Chinese;
//   - every command its code lenses use is listed in executeCommandProvider, because that list
//     is all the client registers (a lens with another command would do nothing in VS Code);
//   - shutdown then exit ends the process with code 0, so closing VS Code leaves nothing behind.
// The binary: $RULING_BIN, else $CARGO_TARGET_DIR/debug/ruling, else target/debug/ruling of the
// repository. Without one that has the `lsp` command the check says so and is skipped.
// Exit code: 0 passed or skipped, 1 any fails.
'use strict';

const assert = require('assert');
const cp = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');
// The copy of vscode-jsonrpc that vscode-languageclient uses, wherever npm placed it.
const rpc = require(require.resolve('vscode-jsonrpc/node', {
  paths: [path.dirname(require.resolve('vscode-languageclient/package.json'))],
}));

const ROOT = path.resolve(__dirname, '..', '..', '..');
const WAIT_MS = 20 * 1000;

function findBinary() {
  if (process.env.RULING_BIN) return process.env.RULING_BIN;
  const target = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
  const exe = process.platform === 'win32' ? 'ruling.exe' : 'ruling';
  return path.join(path.resolve(ROOT, target), 'debug', exe);
}

/** Resolves when `test` holds for something `pull` returns, or rejects after WAIT_MS. */
function waitFor(what, pull, test) {
  const until = Date.now() + WAIT_MS;
  return new Promise((resolve, reject) => {
    const poll = () => {
      const found = pull().find(test);
      if (found) resolve(found);
      else if (Date.now() > until) reject(new Error(`等待${what}超时（${WAIT_MS / 1000} 秒）`));
      else setTimeout(poll, 50);
    };
    poll();
  });
}

/** Starts the server as the client does, initializes it, and returns a handle to talk to it. */
async function start(bin, workspace, args) {
  const proc = cp.spawn(bin, ['lsp', ...args], { cwd: workspace, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  const conn = rpc.createMessageConnection(
    new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
  const diagnostics = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) => diagnostics.push(p));
  conn.onRequest(() => null);
  conn.listen();
  const root = pathToFileURL(workspace).href;
  const init = await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: root,
    workspaceFolders: [{ uri: root, name: path.basename(workspace) }],
    capabilities: { general: { positionEncodings: ['utf-16'] }, textDocument: { codeLens: {} } },
  });
  conn.sendNotification('initialized', {});
  const stop = async () => {
    await conn.sendRequest('shutdown');
    conn.sendNotification('exit');
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), WAIT_MS))]);
    if (code === 'timeout') proc.kill();
    conn.dispose();
    return code;
  };
  return { conn, init, diagnostics, stop, stderr: () => stderr };
}

/** Opens rules/FILE with `from` replaced by `to`; resolves to the diagnostics it gets. */
async function openMisspelt(server, rulesDir, file, from, to) {
  const full = path.join(rulesDir, file);
  const original = fs.readFileSync(full, 'utf8');
  assert.ok(original.includes(from), `${file} 中没有“${from}”，请更新本检查`);
  const text = original.replace(from, to);
  const line = text.split('\n').findIndex((l) => l.includes(to));
  const uri = pathToFileURL(full).href;
  server.conn.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'ruling', version: 1, text },
  });
  const wrongName = to.split(' ').pop();
  const published = await waitFor(`“${wrongName}”的诊断`, () => server.diagnostics,
    (p) => p.uri === uri && p.diagnostics.some((d) => d.message.includes(wrongName)));
  return { uri, line, found: published.diagnostics.find((d) => d.message.includes(wrongName)) };
}

async function main() {
  const bin = findBinary();
  if (!fs.existsSync(bin)) {
    console.log(`- 跳过语言服务器检查：没有 ${bin}（先 cargo build，或用 RULING_BIN 指定程序）`);
    return;
  }
  const help = cp.spawnSync(bin, ['lsp', '--help'], { encoding: 'utf8', timeout: WAIT_MS });
  if (help.status !== 0) {
    console.log(`- 跳过语言服务器检查：${bin} 没有 lsp 子命令（退出码 ${help.status}）`);
    return;
  }
  assert.ok(help.stdout.includes('--rules'), 'ruling lsp --help 应说明 --rules，客户端据此决定是否传入 ruling.rulesDir');
  console.log('✓ ruling lsp --help 退出码 0，说明了 --rules');

  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ruling-server-'));
  const rulesDir = path.join(workspace, 'rules');
  fs.cpSync(path.join(ROOT, 'rules'), rulesDir, { recursive: true });
  const file = '意见6-情节严重.rule';
  const from = '已查证达到 且 电话卡数';
  const to = '已查证达到 且 电话卡树';
  let failed = 0;
  try {
    for (const [name, args] of [['工作区文件夹中不带参数启动', []], ['带 --rules 启动', ['--rules', rulesDir]]]) {
      const server = await start(bin, workspace, args);
      try {
        const { uri, line, found } = await openMisspelt(server, rulesDir, file, from, to);
        assert.strictEqual(found.range.start.line, line, `诊断应在第 ${line + 1} 行，实际在第 ${found.range.start.line + 1} 行`);
        assert.match(found.message, /[\u4e00-\u9fff]/);
        const lenses = await server.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } }) || [];
        const offered = new Set((server.init.capabilities.executeCommandProvider || {}).commands || []);
        for (const lens of lenses) {
          if (lens.command) {
            assert.ok(offered.has(lens.command.command),
              `代码透镜“${lens.command.title}”的命令 ${lens.command.command} 不在 executeCommandProvider 中，VS Code 中点击无效`);
          }
        }
        const code = await server.stop();
        assert.strictEqual(code, 0, `shutdown、exit 后退出码应为 0，实际为 ${code}\n${server.stderr()}`);
        console.log(`✓ ${name}：第 ${line + 1} 行报“${found.message.split('\n')[0]}”；${lenses.length} 个代码透镜的命令均已声明；正常退出`);
      } catch (e) {
        failed++;
        console.error(`✖ ${name}\n  ${e.message.split('\n').join('\n  ')}\n  服务器输出：${server.stderr()}`);
        await server.stop().catch(() => {});
      }
    }
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  if (failed) {
    console.error(`语言服务器检查未通过：${failed} 项`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`语言服务器检查未通过：${e.message}`);
  process.exit(1);
});
