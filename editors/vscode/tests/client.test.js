#!/usr/bin/env node
// Drives src/extension.js outside VS Code: a stand-in `vscode` module records what the user
// would see, a stand-in LanguageClient records the command it would start, and small shell
// scripts play a current `ruling` (with `lsp`), an old one (without) and a file that cannot run.
// It checks the command line (`ruling lsp`, `--rules DIR` only when set and accepted, the
// workspace folder as working directory) and that every failure is a Chinese message naming
// the setting to fix. Exit code: 0 all pass, 1 any fails. Needs a POSIX shell (Linux, macOS).
'use strict';

const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const Module = require('module');

const EXTENSION = path.resolve(__dirname, '..', 'src', 'extension.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ruling-client-'));
const workspace = path.join(tmp, 'workspace');
fs.mkdirSync(path.join(workspace, 'rules'), { recursive: true });

function script(name, body, mode = 0o755) {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode });
  return p;
}
const current = script('ruling', '[ "$1" = lsp ] && [ "$2" = --help ] && { echo "用法: ruling lsp [--rules DIR]"; exit 0; }\nexit 2');
const noRulesFlag = script('ruling-no-rules', '[ "$1" = lsp ] && [ "$2" = --help ] && { echo "用法: ruling lsp"; exit 0; }\nexit 2');
const old = script('ruling-old', 'echo "error: unrecognized subcommand \'lsp\'" >&2\nexit 2');
const notExecutable = script('ruling-not-executable', 'exit 0', 0o644);

/** Activates the extension with the given settings; resolves to what it did, in order. */
async function run(settings, { folders = [workspace], active } = {}) {
  const events = [];
  const vscode = {
    workspace: {
      workspaceFolders: folders.map((f) => ({ uri: { fsPath: f, scheme: 'file' } })),
      getWorkspaceFolder: () => undefined,
      getConfiguration: () => ({ get: (k, d) => (k in settings ? settings[k] : d) }),
      createFileSystemWatcher: (glob) => {
        events.push(`watch ${glob}`);
        return { dispose: () => events.push('unwatch') };
      },
      onDidChangeConfiguration: () => ({ dispose() {} }),
    },
    window: {
      activeTextEditor: active && { document: { uri: { fsPath: active, scheme: 'file' } } },
      createOutputChannel: () => ({ appendLine() {}, show() {}, dispose() {} }),
      // Like VS Code, an error message settles only when the user closes it; here never, so a
      // client that waited for it would hang and fail below.
      showErrorMessage: (m, ...buttons) => {
        events.push(`error ${m} [${buttons.join('|')}]`);
        return new Promise(() => {});
      },
      showWarningMessage: async (m) => { events.push(`warning ${m}`); },
      setStatusBarMessage() {},
    },
    commands: { registerCommand: () => ({ dispose() {} }), executeCommand: async () => {} },
    Uri: { file: (p) => ({ fsPath: p }) },
  };
  const client = {
    TransportKind: { stdio: 0 },
    ErrorAction: { Continue: 1 },
    CloseAction: { DoNotRestart: 1, Restart: 2 },
    LanguageClient: class {
      constructor(id, name, server, options) {
        assert.strictEqual(id, 'ruling');
        assert.strictEqual(server.transport, 0, '语言服务器应经标准输入输出通信');
        assert.deepStrictEqual(options.documentSelector, [{ scheme: 'file', language: 'ruling' }]);
        events.push(`start ${path.basename(server.command)} ${server.args.join(' ')} @ ${server.options.cwd}`);
      }
      async start() {}
      needsStop() { return true; }
      async stop() { events.push('stop'); }
    },
  };
  const load = Module._load;
  Module._load = function stand(request, ...rest) {
    if (request === 'vscode') return vscode;
    if (request === 'vscode-languageclient/node') return client;
    return load.call(this, request, ...rest);
  };
  delete require.cache[EXTENSION];
  try {
    const ext = require(EXTENSION);
    ext.activate({ extensionPath: tmp, subscriptions: [] });
    const late = new Promise((_, reject) => setTimeout(() => reject(new Error('停止语言服务器的请求一直在等待（是否在等用户关闭提示？）')), 5000));
    await Promise.race([ext.deactivate(), late]);
  } finally {
    Module._load = load;
  }
  return events;
}

const cases = [
  ['默认在工作区文件夹中启动 ruling lsp', { path: current }, (e) => {
    assert.deepStrictEqual(e, ['watch **/*.rule', `start ruling lsp @ ${workspace}`, 'stop', 'unwatch']);
  }],
  ['ruling.rulesDir 以 --rules 传入，相对路径相对于工作区', { path: current, rulesDir: 'rules' }, (e) => {
    assert.strictEqual(e[1], `start ruling lsp --rules ${path.join(workspace, 'rules')} @ ${workspace}`);
  }],
  ['PATH 中查找裸名称', { path: 'ruling' }, (e) => {
    assert.strictEqual(e[1], `start ruling lsp @ ${workspace}`);
  }],
  ['没有打开文件夹时，在所开 .rule 文件的文件夹中启动', { path: current }, (e) => {
    assert.strictEqual(e[1], `start ruling lsp @ ${path.join(workspace, 'rules')}`);
  }, { folders: [], active: path.join(workspace, 'rules', '甲.rule') }],
  ['ruling.path 可用 ${workspaceFolder}', { path: '${workspaceFolder}/../ruling' }, (e) => {
    assert.strictEqual(e[1], `start ruling lsp @ ${workspace}`);
  }],
  ['规则文件夹不存在时不启动，并指明设置', { path: current, rulesDir: '没有这个文件夹' }, (e) => {
    assert.strictEqual(e.length, 1, e.join('\n'));
    assert.match(e[0], /^error 设置“ruling\.rulesDir”指向的规则文件夹“.*没有这个文件夹”不存在/);
    assert.match(e[0], /\[打开设置\|安装说明\]$/);
  }],
  ['不接受 --rules 的版本：警告后仍启动', { path: noRulesFlag, rulesDir: 'rules' }, (e) => {
    assert.match(e[0], /^warning 此版本的 ruling lsp 不接受 --rules/);
    assert.strictEqual(e[2], `start ruling-no-rules lsp @ ${workspace}`);
  }],
  ['找不到程序', { path: path.join(tmp, '不存在的程序') }, (e) => {
    assert.strictEqual(e.length, 1, e.join('\n'));
    assert.match(e[0], /^error 找不到 ruling 程序“.*不存在的程序”.*cargo install --path \..*“ruling\.path”/);
  }],
  ['旧版本没有 lsp 子命令', { path: old }, (e) => {
    assert.strictEqual(e.length, 1, e.join('\n'));
    assert.match(e[0], /^error ruling 程序“.*ruling-old”不支持 lsp 子命令.*cargo install --path \./);
  }],
  ['文件不可执行', { path: notExecutable }, (e) => {
    assert.strictEqual(e.length, 1, e.join('\n'));
    assert.match(e[0], /^error ruling 程序“.*ruling-not-executable”无法运行（EACCES）/);
  }],
];

(async () => {
  process.env.PATH = `${tmp}${path.delimiter}${process.env.PATH || ''}`;
  let failed = 0;
  for (const [name, settings, check, context] of cases) {
    try {
      check(await run(settings, context));
      console.log(`✓ ${name}`);
    } catch (e) {
      failed++;
      console.error(`✖ ${name}\n  ${e.message.split('\n').join('\n  ')}`);
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  if (failed) {
    console.error(`客户端检查未通过：${failed} 项`);
    process.exit(1);
  }
})();
