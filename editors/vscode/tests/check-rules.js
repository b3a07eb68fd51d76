#!/usr/bin/env node
// Checks the TextMate grammar against the real language, in two ways:
//
// 1. Every literal word of grammar/ruling.pest (the keywords, type names, citation parts) must be
//    known to this check and coloured as such in a line where the pest grammar reads it that way.
//    A keyword added to the language therefore fails here until the highlighting learns it.
// 2. Every shipped rules/*.rule file is tokenized with the editor's own engine and compared with
//    an independent reading of the same text (a small scanner written from the pest grammar, not
//    from the TextMate one): comments, quoted texts, citations, numbers, keywords and names must
//    each get their kind of scope, nothing may be marked invalid, and no string, enumeration or
//    record may still be open at the end of a file.
//
// Usage: node tests/check-rules.js [FILE.rule | DIR]…   (default: the repository's rules/)
// Exit code: 0 when every check passes, 1 otherwise.
'use strict';

const fs = require('fs');
const path = require('path');
const { loadGrammar, tokenize, scopesAt, INITIAL, EXTENSION } = require('./grammar');

const ROOT = path.resolve(EXTENSION, '..', '..');
const PEST = path.join(ROOT, 'grammar', 'ruling.pest');

// ---------------------------------------------------------------- the words of the language

/** Declaration keywords: they begin an item. */
const DECLARATIONS = ['条文', '记录', '事实', '结论', '参数', '规则', '示例'];
/** Words that pest reads as keywords wherever they stand apart from a name. */
const KEYWORDS = [
  '依据', '若', '除非', '则', '优先于', '加入', '为', '值', '自', '起', '至', '止', '较高者有利',
  '较低者有利', '案情', '预期', '封闭世界', '且', '或', '非', '达', '在', '前', '以上', '以下',
  '以内', '超过', '不满', '是', '等于', '不是', '不等于', '属于', '不属于', '包含', '不包含', '非空',
  '为空', '的', '倍', '其中', '真', '假', '待定',
];
/** Words that are keywords only before a parenthesis: `计数(…)`. */
const FUNCTIONS = ['计数', '合计', '存在', '全部', '周岁', '已知', '未知'];
/** Type names: keywords only where a type is written (after `：` or inside `<…>`). */
const SIMPLE_TYPES = ['布尔', '整数', '金额', '日期', '期间', '文本', '三值', '情态', '引文'];
const TYPE_CONSTRUCTORS = ['枚举', '集合', '列表'];
/** Parts of a citation: 第6条之2第2款第(1)项. */
const CITATION_PARTS = ['第', '条', '之', '款', '项'];

// The characters and units of number literals (三十万元, 二十张, 2025年9月1日, 1年6个月): parts of
// a number, not keywords. Digits with a unit are coloured as numbers; Chinese numerals are not
// coloured yet (they read as names), which is a known gap of the highlighting, not of the check.
const NUMBER_PARTS = ['零', '一', '二', '两', '三', '四', '五', '六', '七', '八', '九', '十', '百', '千', '万', '亿',
  '万元', '亿元', '千元', '元', '个月', '个', '张', '人', '次', '名', '户', '件', '岁', '年', '月', '日', '天'];

const ALL_WORDS = [...DECLARATIONS, ...KEYWORDS, ...FUNCTIONS, ...SIMPLE_TYPES, ...TYPE_CONSTRUCTORS, ...CITATION_PARTS];
const KEYWORD_SET = new Set([...DECLARATIONS, ...KEYWORDS]);

const NAME_CHAR = /[\p{L}\p{N}_]/u;
const KEYWORD_SCOPE = /^(keyword|support\.function|constant\.language)\./;
const NAME_SCOPE = /^(variable\.|entity\.name\.)/;

const failures = [];
function fail(where, message) {
  failures.push(`${where}：${message}`);
}

/** The scope names (without the root) of `text` at `at`, as one string for messages. */
const show = (scopes) => scopes.slice(1).join(' ') || '（无作用域）';

// ---------------------------------------------------------------- 1. the pest grammar's words

/** The Chinese literals of the pest grammar: every quoted string with a CJK character. */
function pestWords() {
  const text = fs.readFileSync(PEST, 'utf8');
  const words = new Set();
  for (const line of text.split('\n')) {
    const code = line.replace(/^\s*\/\/.*$/, '');
    for (const m of code.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
      if (/[\u4e00-\u9fff]/.test(m[1])) words.add(m[1]);
    }
  }
  return words;
}

/** A line in which pest reads `word` as what it is. */
function sample(word) {
  if (DECLARATIONS.includes(word)) return `${word} 甲`;
  if (FUNCTIONS.includes(word)) return `若 ${word}(甲) 是 乙`;
  if (SIMPLE_TYPES.includes(word)) return `事实 甲：${word}`;
  if (word === '枚举') return '事实 甲：枚举{乙，丙}';
  if (word === '集合' || word === '列表') return `事实 甲：${word}<乙>`;
  if (CITATION_PARTS.includes(word)) return '参数 甲 = 3 依据 法发〔2025〕12号第6条之2第2款第(1)项';
  if (['值', '自', '至', '起', '止'].includes(word)) return '  值 3个 自 2025-01-01 起 至 2026-01-01 止';
  if (word === '较高者有利' || word === '较低者有利') return `参数 甲 依据 刑法第17条 ${word}`;
  if (word === '封闭世界') return '示例 甲 封闭世界';
  if (word === '案情' || word === '预期') return `  ${word} 甲 = 真`;
  if (word === '加入') return '  则 甲 加入 “乙”';
  if (['真', '假', '待定'].includes(word)) return `  预期 甲 = ${word}`;
  return `  若 甲 ${word} 乙`;
}

/** Where `word` stands in `line`: as a whole word, or inside the citation for its parts. */
function offsetOf(line, word) {
  if (CITATION_PARTS.includes(word)) return line.indexOf(word, line.indexOf('号'));
  for (let at = line.indexOf(word); at >= 0; at = line.indexOf(word, at + 1)) {
    const before = line[at - 1] ?? ' ';
    const after = line[at + word.length] ?? ' ';
    if (!NAME_CHAR.test(before) && !NAME_CHAR.test(after)) return at;
  }
  return -1;
}

/** The scope a word must get in its sample line. */
function expectedScope(word) {
  if (FUNCTIONS.includes(word)) return /^support\.function\./;
  if (SIMPLE_TYPES.includes(word) || TYPE_CONSTRUCTORS.includes(word)) return /^support\.type\./;
  if (CITATION_PARTS.includes(word)) return /^constant\.other\.citation\./;
  if (['真', '假', '待定'].includes(word)) return /^constant\.language\./;
  return /^keyword\./;
}

function checkPestWords(grammar) {
  const inPest = pestWords();
  for (const word of inPest) {
    if (!ALL_WORDS.includes(word) && !NUMBER_PARTS.includes(word)) {
      fail('grammar/ruling.pest', `有一个语法高亮未覆盖的关键词“${word}”：请在 syntaxes/ruling.tmLanguage.json 中为它着色，并把它加入本检查的词表`);
    }
  }
  for (const word of ALL_WORDS) {
    if (!inPest.has(word)) {
      fail('tests/check-rules.js', `词表里的“${word}”已不在 grammar/ruling.pest 中：请从语法高亮和本检查中删去它`);
      continue;
    }
    const line = sample(word);
    const at = offsetOf(line, word);
    if (at < 0) {
      fail('tests/check-rules.js', `“${word}”的示例行“${line}”位置有误`);
      continue;
    }
    const [tok] = tokenize(grammar, line);
    for (let i = at; i < at + word.length; i++) {
      const scopes = scopesAt(tok, i);
      if (!scopes.some((s) => expectedScope(word).test(s))) {
        fail(`示例行“${line}”`, `“${word}”应着色为 ${expectedScope(word).source}，实际为 ${show(scopes)}`);
        break;
      }
    }
  }
}

// ---------------------------------------------------------------- 2. the shipped rule files

/** pest's cite_doc: anything but 第, spaces, comment starts, quotes and list punctuation. */
const DOC = '[^\\s第#＃/“"「:：,，、;；{}｛｝\\[\\]【】()（）]+';
const PARTS = '(?:第[0-9]+条(?:之[0-9]+)?)?(?:第[0-9]+款)?(?:第[(（][0-9]+[)）]项)?';
/** A citation after 依据 or 条文 (the document alone will do). */
const CITE_AFTER = new RegExp(`(?<![\\p{L}\\p{N}_])(?:依据|条文)\\s+(${DOC}${PARTS})`, 'gu');
/** A citation as a value: it names at least an article (pest's full_citation). */
const CITE_VALUE = new RegExp(`(?<![\\p{L}\\p{N}_])${DOC}第[0-9]+条(?:之[0-9]+)?(?:第[0-9]+款)?(?:第[(（][0-9]+[)）]项)?(?![\\p{L}\\p{N}_])`, 'gu');

/**
 * Reads a rule file as pest does and says what each stretch of it is: a comment, a quoted text,
 * a citation, a number, a word (keyword or name), keyed by line. Quotes may span lines and nest.
 */
function scan(text) {
  const lines = text.split(/\r?\n/);
  const spans = lines.map(() => []);
  let depth = 0; // open “ quotes
  let closer = null; // the closing character of an open ASCII or corner quote
  lines.forEach((line, n) => {
    const code = []; // [start, end] stretches outside comments and quotes
    let i = 0;
    let from = 0;
    const inQuote = () => depth > 0 || closer !== null;
    let quoteFrom = inQuote() ? 0 : -1;
    while (i < line.length) {
      const c = line[i];
      if (inQuote()) {
        if (closer !== null && c === closer) closer = null;
        else if (closer === null && c === '“') depth++;
        else if (closer === null && c === '”') depth--;
        i++;
        if (!inQuote()) {
          spans[n].push({ kind: 'string', start: quoteFrom, end: i });
          from = i;
        }
        continue;
      }
      if (c === '#' || c === '＃' || line.startsWith('//', i)) {
        code.push([from, i]);
        spans[n].push({ kind: 'comment', start: i, end: line.length });
        from = i = line.length;
        break;
      }
      if (c === '“' || c === '"' || c === '「') {
        code.push([from, i]);
        quoteFrom = i;
        if (c === '“') depth = 1;
        else closer = c === '"' ? '"' : '」';
        i++;
        continue;
      }
      i++;
    }
    if (inQuote()) spans[n].push({ kind: 'string', start: quoteFrom, end: line.length });
    else code.push([from, line.length]);

    for (const [start, end] of code) {
      const part = line.slice(start, end);
      const cited = [];
      for (const re of [CITE_AFTER, CITE_VALUE]) {
        for (const m of part.matchAll(re)) {
          const s = start + m.index + m[0].length - (m[1] ?? m[0]).length;
          const e = start + m.index + m[0].length;
          if (e > s && !cited.some(([a, b]) => s < b && a < e)) cited.push([s, e]);
        }
      }
      for (const [s, e] of cited) spans[n].push({ kind: 'citation', start: s, end: e });
      for (const m of part.matchAll(/[\p{L}\p{N}_]+/gu)) {
        const s = start + m.index;
        const e = s + m[0].length;
        if (cited.some(([a, b]) => s < b && a < e)) continue;
        const before = line.slice(0, s).replace(/\s+$/, '').slice(-1);
        const after = line.slice(e).replace(/^\s+/, '').slice(0, 1);
        spans[n].push({ kind: 'word', start: s, end: e, word: m[0], before, after });
      }
    }
  });
  return { spans, open: depth > 0 || closer !== null };
}

/** What scope a scanned stretch must have at every character, or null for no demand. */
function demand(span) {
  switch (span.kind) {
    case 'comment':
      return [/^comment\.line\./, '注释'];
    case 'string':
      return [/^string\.quoted\./, '引号中的文字'];
    case 'citation':
      return [/^meta\.citation\./, '引文'];
    default:
      break;
  }
  const { word, before, after } = span;
  if (/^[0-9]/.test(word)) return [/^constant\.numeric\./, '数值'];
  if (KEYWORD_SET.has(word)) return [KEYWORD_SCOPE, '关键词'];
  if (FUNCTIONS.includes(word) && (after === '(' || after === '（')) return [/^support\.function\./, '函数'];
  if (SIMPLE_TYPES.includes(word) && /[:：<《〈]/.test(before)) return [/^support\.type\./, '类型'];
  if (TYPE_CONSTRUCTORS.includes(word) && /[{｛<《〈]/.test(after)) return [/^support\.type\./, '类型'];
  return [NAME_SCOPE, '名称'];
}

function checkFile(grammar, file) {
  const rel = path.relative(ROOT, file);
  const text = fs.readFileSync(file, 'utf8');
  const tokenized = tokenize(grammar, text);
  const { spans, open } = scan(text);
  let counted = 0;
  tokenized.forEach((tok, n) => {
    const where = `${rel}:${n + 1}`;
    for (const t of tok.tokens) {
      const bad = t.scopes.find((s) => s.startsWith('invalid'));
      if (bad) fail(`${where}:${t.start + 1}`, `“${tok.line.slice(t.start, t.end)}”被标为 ${bad}`);
    }
    for (const span of spans[n]) {
      const [want, what] = demand(span);
      counted++;
      for (let i = span.start; i < span.end; i++) {
        if (/\s/.test(tok.line[i])) continue;
        const scopes = scopesAt(tok, i);
        if (!scopes.some((s) => want.test(s))) {
          fail(`${where}:${i + 1}`, `${what}“${tok.line.slice(span.start, span.end)}”在“${tok.line[i]}”处的作用域是 ${show(scopes)}，应为 ${want.source}`);
          break;
        }
      }
    }
  });
  const last = tokenized[tokenized.length - 1];
  if (open) fail(rel, '文件末尾仍有未闭合的引号（扫描器）');
  if (last && last.stack.depth !== INITIAL.depth) fail(rel, '文件末尾语法高亮仍处在未闭合的引号、枚举或记录中');
  return counted;
}

function ruleFiles(args) {
  const targets = args.length ? args : [path.join(ROOT, 'rules')];
  return targets.flatMap((t) => (fs.statSync(t).isDirectory()
    ? fs.readdirSync(t).filter((f) => f.endsWith('.rule')).sort().map((f) => path.join(t, f))
    : [t]));
}

async function main() {
  const grammar = await loadGrammar();
  checkPestWords(grammar);
  const files = ruleFiles(process.argv.slice(2));
  if (files.length === 0) fail('rules/', '没有找到 .rule 文件');
  let stretches = 0;
  for (const file of files) stretches += checkFile(grammar, file);
  if (failures.length) {
    for (const f of failures) console.error(`✖ ${f}`);
    console.error(`语法高亮检查未通过：${failures.length} 处问题`);
    process.exit(1);
  }
  console.log(`✓ grammar/ruling.pest 的 ${ALL_WORDS.length} 个关键词着色正确；${files.length} 个规则文件、${stretches} 段文字的作用域与语言一致`);
}

main().catch((e) => {
  console.error(`语法高亮检查无法运行：${e.message}`);
  process.exit(1);
});
