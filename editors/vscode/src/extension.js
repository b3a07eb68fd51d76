// The client half of the editor support for ruling rule files: it finds the `ruling` program,
// starts `ruling lsp` over stdio in the workspace folder (so that its `rules` folder is the rule
// set, as on the command line), and restarts it when its settings change or on request.
// Everything the user sees from here is in Chinese, with the fix named; nothing leaves the
// machine: the server is a local process talking over its standard input and output.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFile } = require('child_process');
const vscode = require('vscode');
const {
  LanguageClient,
  TransportKind,
  ErrorAction,
  CloseAction,
} = require('vscode-languageclient/node');

/** How many unexpected exits within CRASH_WINDOW_MS are restarted before giving up. */
const MAX_RESTARTS = 4;
const CRASH_WINDOW_MS = 3 * 60 * 1000;
/** How long the `ruling lsp --help` probe may take (a cold disk, an antivirus scan). */
const PROBE_TIMEOUT_MS = 15 * 1000;
/** How long a start or stop may hold up the next one (a server stuck before answering). */
const STEP_TIMEOUT_MS = 30 * 1000;

let extensionPath = '';
let output;
/** The running client and the file watcher that feeds it, while a server runs. */
let running;
/** Start and stop run one after another, so that quick setting changes cannot race. */
let queue = Promise.resolve();

/** Settles as `promise` does, or resolves to `late` after `ms` if it has not settled by then. */
function within(promise, ms, late) {
  let timer;
  const deadline = new Promise((resolve) => { timer = setTimeout(() => resolve(late), ms); });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Runs `task` after every start or stop already asked for. */
function enqueue(task) {
  queue = queue.then(task, task).catch((e) => {
    output.appendLine(`[ruling] ${e && e.stack ? e.stack : e}`);
  });
  return queue;
}

/** The workspace folder that holds the active .rule file, else the first one. */
function currentFolder() {
  const folders = vscode.workspace.workspaceFolders || [];
  const editor = vscode.window.activeTextEditor;
  if (editor) {
    const folder = vscode.workspace.getWorkspaceFolder(editor.document.uri);
    if (folder) return folder;
  }
  return folders.find((f) => f.uri.scheme === 'file');
}

/**
 * Where the server runs: the workspace folder, so that its `rules` folder is the rule set as on
 * the command line; with no folder open, the folder of the open .rule file, else the home folder.
 */
function workingDirectory(folder) {
  if (folder) return folder.uri.fsPath;
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.uri.scheme === 'file') return path.dirname(editor.document.uri.fsPath);
  return os.homedir();
}

/** Replaces `${workspaceFolder}` and a leading `~`, then makes a relative path absolute. */
function expandPath(value, folder) {
  let p = value.trim();
  if (folder) p = p.split('${workspaceFolder}').join(folder.uri.fsPath);
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) p = path.join(os.homedir(), p.slice(1));
  if (!path.isAbsolute(p) && folder) p = path.join(folder.uri.fsPath, p);
  return p;
}

function isFile(p) {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDirectory(p) {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The absolute path of the program named by the `ruling.path` setting: a bare name is looked up
 * in PATH (with the Windows extensions), anything with a slash is a path. Undefined if absent.
 */
function findProgram(setting, folder) {
  const value = setting.trim() || 'ruling';
  if (/[\\/]/.test(value) || value.startsWith('~') || value.includes('${workspaceFolder}')) {
    const p = expandPath(value, folder);
    if (isFile(p)) return p;
    if (process.platform === 'win32' && isFile(`${p}.exe`)) return `${p}.exe`;
    return undefined;
  }
  const exts = process.platform === 'win32'
    ? ['', ...(process.env.PATHEXT || '.EXE;.CMD;.BAT').split(';').filter(Boolean)]
    : [''];
  const dirs = (process.env.PATH || '').split(path.delimiter).filter(Boolean);
  // cargo install puts the program in ~/.cargo/bin, which an editor started from the desktop
  // may not have in its PATH even when the terminal does.
  dirs.push(path.join(os.homedir(), '.cargo', 'bin'));
  for (const dir of dirs) {
    for (const ext of exts) {
      const p = path.join(dir, value + ext);
      if (isFile(p)) return p;
    }
  }
  return undefined;
}

/** Runs `PROGRAM lsp --help`: resolves to its help text, or rejects with what went wrong. */
function probe(program, cwd) {
  return new Promise((resolve, reject) => {
    execFile(program, ['lsp', '--help'], { cwd, timeout: PROBE_TIMEOUT_MS, windowsHide: true },
      (error, stdout, stderr) => {
        if (error) reject(Object.assign(error, { stderr: String(stderr || '') }));
        else resolve(String(stdout || ''));
      });
  });
}

/**
 * Shows an error with buttons that open the setting or the install steps. Not awaited by its
 * callers: the promise settles only when the user closes the message, and a restart asked for
 * meanwhile must not wait for that.
 */
function showProblem(message, setting) {
  answer(message, setting).catch((e) => output.appendLine(`[ruling] ${e && e.message ? e.message : e}`));
}

async function answer(message, setting) {
  const actions = setting ? ['打开设置', '安装说明'] : ['安装说明'];
  const choice = await vscode.window.showErrorMessage(message, ...actions);
  if (choice === '打开设置') {
    await vscode.commands.executeCommand('workbench.action.openSettings', setting);
  } else if (choice === '安装说明') {
    await vscode.commands.executeCommand('markdown.showPreview',
      vscode.Uri.file(path.join(extensionPath, 'README.md')));
  }
}

/** Restarts after an unexpected exit unless it keeps happening. */
function errorHandler() {
  const exits = [];
  return {
    error: () => ({ action: ErrorAction.Continue }),
    closed: () => {
      const now = Date.now();
      exits.push(now);
      while (exits.length && now - exits[0] > CRASH_WINDOW_MS) exits.shift();
      if (exits.length <= MAX_RESTARTS) {
        output.appendLine('[ruling] 语言服务器意外退出，正在重启。');
        return { action: CloseAction.Restart, handled: true };
      }
      return {
        action: CloseAction.DoNotRestart,
        message: 'ruling 语言服务器在三分钟内意外退出五次，已停止重启。'
          + '请在“Ruling”输出面板中查看原因，处理后执行命令“Ruling：重启语言服务器”。',
      };
    },
  };
}

async function start() {
  if (running) return;
  const folder = currentFolder();
  const config = vscode.workspace.getConfiguration('ruling', folder ? folder.uri : undefined);
  const setting = config.get('path', 'ruling');
  const program = findProgram(setting, folder);
  if (!program) {
    showProblem(
      `找不到 ruling 程序“${setting}”，规则文件暂时只有语法高亮。`
        + '请在仓库目录中运行 cargo install --path . 安装它，或在设置“ruling.path”中填写它的完整路径。',
      'ruling.path');
    return;
  }
  const cwd = workingDirectory(folder);

  let help;
  try {
    help = await probe(program, cwd);
  } catch (e) {
    output.appendLine(`[ruling] ${program} lsp --help 失败：${e.message}\n${e.stderr || ''}`);
    let problem;
    if (e.killed) problem = '没有在规定时间内响应。请检查它是否是 ruling 程序';
    else if (typeof e.code === 'string') problem = `无法运行（${e.code}）。请检查该文件是否可执行`;
    else problem = '不支持 lsp 子命令，可能是旧版本。请在仓库目录中重新运行 cargo install --path . 安装新版本';
    showProblem(`ruling 程序“${program}”${problem}，或在设置“ruling.path”中改填正确的路径。`, 'ruling.path');
    return;
  }

  const args = ['lsp'];
  const rulesSetting = config.get('rulesDir', '').trim();
  if (rulesSetting) {
    // Relative to the workspace folder, or with none open, to where the server runs.
    const dir = path.resolve(cwd, expandPath(rulesSetting, folder));
    if (!isDirectory(dir)) {
      showProblem(
        `设置“ruling.rulesDir”指向的规则文件夹“${dir}”不存在。请改为存放 .rule 文件的文件夹，或清空此设置以使用工作区中的 rules 文件夹。`,
        'ruling.rulesDir');
      return;
    }
    if (help.includes('--rules')) {
      args.push('--rules', dir);
    } else {
      vscode.window.showWarningMessage(
        `此版本的 ruling lsp 不接受 --rules，设置“ruling.rulesDir”（${dir}）未生效；语言服务器使用工作区中的 rules 文件夹。`);
    }
  }

  output.appendLine(`[ruling] 启动 ${program} ${args.join(' ')}（工作目录 ${cwd}）`);
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.rule');
  const client = new LanguageClient(
    'ruling',
    'Ruling 语言服务器',
    { command: program, args, transport: TransportKind.stdio, options: { cwd } },
    {
      documentSelector: [{ scheme: 'file', language: 'ruling' }],
      synchronize: { fileEvents: watcher },
      outputChannel: output,
      errorHandler: errorHandler(),
    },
  );
  running = { client, watcher };
  try {
    const late = await within(client.start().then(() => undefined), STEP_TIMEOUT_MS, 'late');
    if (late) {
      output.appendLine(`[ruling] 语言服务器 ${STEP_TIMEOUT_MS / 1000} 秒内没有完成初始化，仍在等待。`);
      vscode.window.showWarningMessage(
        `ruling 语言服务器 ${STEP_TIMEOUT_MS / 1000} 秒内没有完成初始化。规则文件很多时请稍候；一直没有诊断时，请执行“Ruling：重启语言服务器”。`);
    }
  } catch (e) {
    running = undefined;
    watcher.dispose();
    output.appendLine(`[ruling] 启动失败：${e && e.message ? e.message : e}`);
    showProblem(
      `ruling 语言服务器启动失败：${e && e.message ? e.message : e}。详情见“Ruling”输出面板。`,
      'ruling.path');
  }
}

async function stop() {
  if (!running) return;
  const { client, watcher } = running;
  running = undefined;
  try {
    // Also a client still starting: stop() waits for its start, then shuts the server down.
    if (client.needsStop()) {
      const late = await within(client.stop(5000).then(() => undefined), STEP_TIMEOUT_MS, 'late');
      if (late) output.appendLine('[ruling] 语言服务器没有按时停止。');
    }
  } catch (e) {
    output.appendLine(`[ruling] 停止语言服务器时出错：${e && e.message ? e.message : e}`);
  } finally {
    watcher.dispose();
  }
}

/** Called by VS Code when a .rule file is opened or the workspace contains one. */
function activate(context) {
  extensionPath = context.extensionPath;
  output = vscode.window.createOutputChannel('Ruling');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('ruling.restartServer', () => enqueue(async () => {
      await stop();
      await start();
      if (running) vscode.window.setStatusBarMessage('Ruling：语言服务器已重启', 3000);
    })),
    vscode.commands.registerCommand('ruling.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('ruling.path') || e.affectsConfiguration('ruling.rulesDir')) {
        enqueue(async () => {
          await stop();
          await start();
        });
      }
    }),
  );
  // Not awaited: the editor (and its highlighting) need not wait for the server to come up.
  enqueue(start);
}

/** Called by VS Code on shutdown: stops the server so that no process is left behind. */
function deactivate() {
  return enqueue(stop);
}

module.exports = { activate, deactivate };
