#!/usr/bin/env node
// Checks what VS Code reads before any code runs: package.json, language-configuration.json and
// the grammar must be valid JSON and agree with each other (language id, scope name, paths,
// commands the client registers), the full-width pairs must auto-close, and the word pattern and
// indentation rules must be regular expressions that treat a Chinese name as one word.
// Exit code: 0 all pass, 1 any fails.
'use strict';

const assert = require('assert');
const fs = require('fs');
const path = require('path');

const EXTENSION = path.resolve(__dirname, '..');
const read = (f) => fs.readFileSync(path.join(EXTENSION, f), 'utf8');
const json = (f) => {
  try {
    return JSON.parse(read(f));
  } catch (e) {
    throw new Error(`${f} 不是有效的 JSON：${e.message}`);
  }
};

const checks = [];
const check = (name, fn) => checks.push([name, fn]);

const pkg = json('package.json');
const lang = pkg.contributes.languages[0];
const grammarEntry = pkg.contributes.grammars[0];

check('package.json 声明 ruling 语言、.rule 扩展名，按语言激活', () => {
  assert.strictEqual(lang.id, 'ruling');
  assert.deepStrictEqual(lang.extensions, ['.rule']);
  assert.ok(pkg.activationEvents.includes('onLanguage:ruling'));
  assert.ok(fs.existsSync(path.join(EXTENSION, pkg.main)), `入口 ${pkg.main} 不存在`);
  assert.match(pkg.engines.vscode, /^\^1\.\d+\.\d+$/);
  assert.match(pkg.displayName, /[\u4e00-\u9fff]/, '显示名称应为中文');
  assert.match(pkg.description, /[\u4e00-\u9fff]/, '说明应为中文');
});

check('语法文件与 package.json 一致', () => {
  assert.strictEqual(grammarEntry.language, 'ruling');
  const grammar = json(grammarEntry.path);
  assert.strictEqual(grammar.scopeName, grammarEntry.scopeName);
  for (const [name, rule] of Object.entries(grammar.repository)) {
    for (const ref of JSON.stringify(rule).matchAll(/"include":"#([^"]+)"/g)) {
      assert.ok(grammar.repository[ref[1]], `语法规则 ${name} 引用了不存在的 #${ref[1]}`);
    }
  }
});

check('注释符号、括号和全角配对', () => {
  const config = json(lang.configuration);
  assert.strictEqual(config.comments.lineComment, '#');
  const auto = new Map(config.autoClosingPairs.map((p) => [p.open, p.close]));
  for (const [open, close] of ['（）', '｛｝', '【】', '〔〕', '“”', '‘’', '「」', '《》', '()', '{}', '[]']) {
    assert.strictEqual(auto.get(open), close, `${open} 应自动补上 ${close}`);
  }
  const brackets = new Set(config.brackets.map(([o, c]) => o + c));
  for (const pair of ['（）', '｛｝', '【】', '〔〕', '()', '{}', '[]']) {
    assert.ok(brackets.has(pair), `${pair} 应作为括号匹配`);
  }
});

check('一个中文名称是一个词（补全、双击选词据此）', () => {
  const config = json(lang.configuration);
  const word = new RegExp(config.wordPattern, 'g');
  assert.deepStrictEqual('若 被帮助对象犯罪查证 是 已查证达到'.match(word), ['若', '被帮助对象犯罪查证', '是', '已查证达到']);
  assert.deepStrictEqual('事实 行为日期：日期 “所审查行为的日期”'.match(word), ['事实', '行为日期', '日期', '所审查行为的日期']);
  assert.deepStrictEqual('合计(账户.流入资金) 达 30万元'.match(word), ['合计', '账户', '流入资金', '达', '30万元']);
});

check('缩进规则：规则、示例的下一行缩进，顶层声明回到行首', () => {
  const { indentationRules: rules } = json(lang.configuration);
  const inc = new RegExp(rules.increaseIndentPattern);
  const dec = new RegExp(rules.decreaseIndentPattern);
  assert.ok(inc.test('规则 出售出租本人账户'));
  assert.ok(inc.test('示例 本人账户三个 封闭世界'));
  assert.ok(inc.test('记录 账户记录 {'));
  assert.ok(!inc.test('  若 甲 是 乙'));
  assert.ok(!inc.test('规则集说明 # 不是规则'), '以“规则”开头的名称不应触发缩进');
  assert.ok(dec.test('参数 甲 = 3个 依据 刑法第17条'));
  assert.ok(dec.test('}'));
  assert.ok(!dec.test('  条文 “规则中的条文子句”'), '规则中的条文子句不应回到行首');
  assert.ok(!dec.test('  则 情节严重'));
});

check('声明的命令都由客户端注册', () => {
  const source = read(pkg.main);
  const registered = [...source.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]).sort();
  const declared = pkg.contributes.commands.map((c) => c.command).sort();
  assert.deepStrictEqual(registered, declared);
  for (const c of pkg.contributes.commands) assert.match(c.title, /[\u4e00-\u9fff]/, `命令 ${c.command} 的标题应为中文`);
});

check('设置：ruling.path 默认 ruling，且不受信任的工作区不能改它', () => {
  const props = pkg.contributes.configuration.properties;
  assert.strictEqual(props['ruling.path'].default, 'ruling');
  assert.strictEqual(props['ruling.rulesDir'].default, '');
  assert.deepStrictEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, ['ruling.path']);
  const source = read(pkg.main);
  for (const key of ['path', 'rulesDir']) {
    assert.ok(source.includes(`config.get('${key}'`), `客户端应读取设置 ruling.${key}`);
  }
});

let failed = 0;
for (const [name, fn] of checks) {
  try {
    fn();
    console.log(`✓ ${name}`);
  } catch (e) {
    failed++;
    console.error(`✖ ${name}\n  ${e.message.split('\n').join('\n  ')}`);
  }
}
if (failed) {
  console.error(`扩展清单检查未通过：${failed} 项`);
  process.exit(1);
}
