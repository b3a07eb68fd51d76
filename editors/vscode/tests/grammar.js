// Loads the shipped TextMate grammar into the same engine VS Code uses (vscode-textmate with the
// Oniguruma regex library compiled to WebAssembly), so that the checks see what the editor shows.
'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const EXTENSION = path.resolve(__dirname, '..');
const GRAMMAR = path.join(EXTENSION, 'syntaxes', 'ruling.tmLanguage.json');

/** Resolves to the `source.ruling` grammar. */
async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== 'source.ruling') return null;
      return vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR);
    },
  });
  const grammar = await registry.loadGrammar('source.ruling');
  if (!grammar) throw new Error(`无法载入语法文件 ${GRAMMAR}`);
  return grammar;
}

/**
 * Tokenizes a whole text line by line. Returns one entry per line: its text, its tokens
 * (`{start, end, scopes}`, offsets in UTF-16 units as in the editor) and the rule stack left
 * after it, so that a caller can tell whether a string or a type is still open.
 */
function tokenize(grammar, text) {
  const lines = text.split(/\r?\n/);
  let stack = vsctm.INITIAL;
  return lines.map((line) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return {
      line,
      tokens: r.tokens.map((t) => ({ start: t.startIndex, end: Math.min(t.endIndex, line.length), scopes: t.scopes })),
      stack,
    };
  });
}

/** The scopes of the token covering offset `at` of a tokenized line. */
function scopesAt(tokenized, at) {
  const t = tokenized.tokens.find((tok) => tok.start <= at && at < tok.end);
  return t ? t.scopes : [];
}

module.exports = { loadGrammar, tokenize, scopesAt, INITIAL: vsctm.INITIAL, EXTENSION };
