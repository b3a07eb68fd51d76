// The page of `ruling serve`: a form generated from /v1/facts, evaluated through /v1/eval as
// the user types. Everything stays on this machine: the only requests go to this service.
"use strict";

const state = { facts: [], byName: new Map(), conclusions: [], seq: 0, timer: null };

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v;
    else if (k === "class") e.className = v;
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) if (c) e.append(c);
  return e;
};

// ---------------------------------------------------------------- requests

function headers(type) {
  const h = {};
  if (type) h["Content-Type"] = type;
  const token = sessionStorage.getItem("ruling-token");
  if (token) h["Authorization"] = "Bearer " + token;
  return h;
}

async function call(path, options = {}) {
  const response = await fetch(path, options);
  if (response.status === 401) $("#token-box").hidden = false;
  let body = null;
  try { body = await response.json(); } catch (_) { body = null; }
  return { status: response.status, body };
}

// ---------------------------------------------------------------- the form

let counter = 0;
const newId = () => "f" + (++counter);

// One control for a value of the given type; `get()` gives its JSON value or undefined
// (not filled in), `set(v)` shows a value.
function control(type, name) {
  const id = newId();
  switch (type.kind) {
    case "bool": {
      const s = el("select", { id, "data-fact": name },
        el("option", { value: "", text: "未填写" }),
        el("option", { value: "true", text: "是" }),
        el("option", { value: "false", text: "否" }));
      return { node: s, id, get: () => s.value === "" ? undefined : s.value === "true",
        set: (v) => { s.value = v === true ? "true" : v === false ? "false" : ""; } };
    }
    case "enum": {
      const s = el("select", { id, "data-fact": name }, el("option", { value: "", text: "未填写" }));
      for (const w of type.words) s.append(el("option", { value: w, text: w }));
      return { node: s, id, get: () => s.value === "" ? undefined : s.value,
        set: (v) => { s.value = typeof v === "string" ? v : ""; } };
    }
    case "int": {
      const i = el("input", { id, type: "number", min: "0", step: "1", "data-fact": name, placeholder: "整数" });
      return { node: i, id, get: () => {
          const t = i.value.trim();
          if (t === "") return undefined;
          return /^\d+$/.test(t) ? Number(t) : t;
        }, set: (v) => { i.value = v === undefined || v === null ? "" : String(v); } };
    }
    case "date": {
      const i = el("input", { id, type: "date", "data-fact": name });
      return { node: i, id, get: () => i.value === "" ? undefined : i.value,
        set: (v) => { i.value = typeof v === "string" ? v : ""; } };
    }
    case "set": {
      const box = el("div", { class: "choices", "data-fact": name });
      const none = el("input", { type: "checkbox", value: "" });
      const boxes = type.words.map((w) => el("input", { type: "checkbox", value: w }));
      boxes.forEach((b, i) => box.append(el("label", {}, b, " " + type.words[i])));
      box.append(el("label", {}, none, " 均无（已查明）"));
      none.addEventListener("change", () => { if (none.checked) boxes.forEach((b) => { b.checked = false; }); });
      boxes.forEach((b) => b.addEventListener("change", () => { if (b.checked) none.checked = false; }));
      return { node: box, id, get: () => {
          const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
          if (chosen.length) return chosen;
          return none.checked ? [] : undefined;
        }, set: (v) => {
          const list = Array.isArray(v) ? v : [];
          boxes.forEach((b) => { b.checked = list.includes(b.value); });
          none.checked = Array.isArray(v) && v.length === 0;
        } };
    }
    case "list":
      return recordList(type, name, id);
    default: {
      const hint = { amount: "如 320000 或 32万元", number: "数值", period: "如 2年、6个月、30日", text: "" }[type.kind] || "";
      const i = el("input", { id, type: "text", "data-fact": name, placeholder: hint });
      return { node: i, id, get: () => i.value.trim() === "" ? undefined : i.value.trim(),
        set: (v) => { i.value = v === undefined || v === null ? "" : String(v); } };
    }
  }
}

// A list of records (账户, 处罚记录): records added and removed, or "none" checked.
function recordList(type, name, id) {
  const box = el("div", { class: "records", "data-fact": name });
  const items = el("div", { class: "items" });
  const none = el("input", { type: "checkbox" });
  const records = [];
  const add = el("button", { type: "button", class: "add", text: "添加一项" + name });
  const noneLabel = el("label", { class: "check" }, none, " 无（已查明没有）");
  function addRecord(values) {
    none.checked = false;
    const fields = type.fields.map((f) => ({ name: f.name, c: control(f.type, name + "." + f.name) }));
    const remove = el("button", { type: "button", class: "remove", text: "删除" });
    const card = el("div", { class: "record" },
      el("div", { class: "record-head" }, el("span", { class: "number" }), remove));
    for (const f of fields) {
      card.append(el("div", { class: "fact" }, el("label", { htmlFor: f.c.id, text: f.name }), f.c.node));
      if (values && values[f.name] !== undefined) f.c.set(values[f.name]);
    }
    const rec = { card, fields };
    records.push(rec);
    items.append(card);
    renumber();
    remove.addEventListener("click", () => {
      records.splice(records.indexOf(rec), 1);
      card.remove();
      renumber();
      changed();
    });
  }
  function renumber() {
    records.forEach((r, i) => { r.card.querySelector(".number").textContent = name + " 第 " + (i + 1) + " 项"; });
  }
  add.addEventListener("click", () => { addRecord(); changed(); });
  none.addEventListener("change", () => {
    if (none.checked) { while (records.length) records.pop().card.remove(); }
    changed();
  });
  box.append(items, el("div", { class: "tools" }, add, noneLabel));
  return { node: box, id, get: () => {
      if (records.length) {
        return records.map((r) => {
          const o = {};
          for (const f of r.fields) { const v = f.c.get(); if (v !== undefined) o[f.name] = v; }
          return o;
        });
      }
      return none.checked ? [] : undefined;
    }, set: (v) => {
      while (records.length) records.pop().card.remove();
      none.checked = Array.isArray(v) && v.length === 0;
      if (Array.isArray(v)) v.forEach((r) => addRecord(r));
    } };
}

function buildForm(info) {
  state.facts = info.facts;
  state.conclusions = info.conclusions;
  state.byName = new Map(info.facts.map((f) => [f.name, f]));
  const groups = $("#groups");
  groups.textContent = "";
  for (const g of info.groups) {
    const set = el("fieldset", { class: "group" }, el("legend", { text: g.cite || "其他事实" }));
    if (g.text) set.append(el("details", { class: "article" }, el("summary", { text: "条文" }), el("div", { text: g.text })));
    for (const name of g.facts) {
      const f = state.byName.get(name);
      if (!f) continue;
      f.control = control(f.type, f.name);
      const label = f.type.kind === "set" || f.type.kind === "list"
        ? el("span", { class: "name", text: f.name })
        : el("label", { htmlFor: f.control.id, text: f.name });
      const row = el("div", { class: "fact", "data-row": f.name }, label, f.control.node, el("div", { class: "doc", text: f.doc }));
      f.row = row;
      set.append(row);
    }
    groups.append(set);
  }
}

// The case as JSON, from the form: only what was filled in.
function collect() {
  const c = {};
  const id = $("#case-id").value.trim();
  const note = $("#case-note").value.trim();
  if (id) c["案件"] = id;
  if (note) c["说明"] = note;
  for (const f of state.facts) {
    const v = f.control.get();
    f.row.classList.toggle("filled", v !== undefined);
    if (v !== undefined) c[f.name] = v;
  }
  return c;
}

function fill(c) {
  $("#case-id").value = typeof c["案件"] === "string" ? c["案件"] : "";
  $("#case-note").value = typeof c["说明"] === "string" ? c["说明"] : "";
  if (c["封闭世界"] === true) $("#closed").checked = true;
  for (const f of state.facts) f.control.set(c[f.name]);
  changed();
}

// ---------------------------------------------------------------- evaluation

function changed() {
  clearTimeout(state.timer);
  state.timer = setTimeout(evaluate, 250);
}

async function evaluate() {
  const c = collect();
  const seq = ++state.seq;
  const closed = $("#closed").checked;
  $("#status").textContent = "正在评估…";
  let r;
  try {
    r = await call("/v1/eval" + (closed ? "?closed_world=true" : ""), {
      method: "POST", headers: headers("application/json"), body: JSON.stringify(c) });
  } catch (e) {
    if (seq === state.seq) $("#status").textContent = "无法连接本机服务（" + e + "）；请确认 ruling serve 仍在运行。";
    return;
  }
  if (seq !== state.seq) return; // a later edit is being evaluated
  showProblems(r.status === 200 ? null : r.body);
  if (r.status === 200) {
    $("#status").textContent = "已评估（规则集指纹 " + r.body.rules.fingerprint + "）";
    showReport(r.body, c, closed);
  } else {
    $("#status").textContent = "案件有误，未能评估：见下方说明。";
  }
}

function showProblems(body) {
  const box = $("#problems");
  box.textContent = "";
  if (!body) return;
  const list = body.problems && body.problems.length ? body.problems : [{ message: body.error || "请求未能处理", help: body.help }];
  for (const p of list) {
    box.append(el("div", { class: "problem" }, el("div", { text: p.message }),
      p.help ? el("div", { class: "help", text: "改法：" + p.help }) : null));
  }
}

const shownValue = (v) => {
  if (v === true) return ["是", "yes"];
  if (v === false) return ["否", "no"];
  if (v === null || v === undefined) return ["待定", "pending"];
  if (Array.isArray(v)) return [v.length ? v.join("、") : "无", v.length ? "yes" : ""];
  if (v === "不适用") return [v, "no"];
  return [String(v), "yes"];
};

function factShown(v) {
  if (v === null || v === undefined) return "未知";
  if (v === true) return "是";
  if (v === false) return "否";
  if (Array.isArray(v)) {
    if (!v.length) return "无";
    if (typeof v[0] === "object") return v.length + "项（" + v.map((r) => Object.values(r).map(factShown).join("/")).join("；") + "）";
    return v.join("、");
  }
  return String(v);
}

function articleOf(name) {
  const f = state.byName.get(name);
  return f && f.article ? "（" + f.article + "）" : "";
}

function showReport(report, given, closed) {
  const out = $("#result");
  out.textContent = "";
  out.append(el("p", { class: "muted", text: "案件：" + (report.case || "（未编号）") + "　规则集：" + report.rules.source + "（指纹 " + report.rules.fingerprint + "）" }));
  const open = report.conclusions["待查证事项"];
  if (open && Array.isArray(open.value) && open.value.length) {
    const ul = el("ul");
    for (const t of open.value) ul.append(el("li", { text: t }));
    out.append(el("div", { class: "open" }, el("strong", { text: "待查证事项" }), ul));
  }
  for (const def of state.conclusions) {
    const c = report.conclusions[def.name];
    if (!c) continue;
    const [text, cls] = shownValue(c.value);
    const sec = el("section", { class: "conclusion", "data-conclusion": def.name },
      el("h3", {}, def.name, el("span", { class: "value " + cls, text })),
      el("p", { class: "doc", text: def.doc }));
    for (const b of c.because) {
      const facts = el("ul");
      for (const [n, v] of Object.entries(b.facts)) {
        const presumed = closed && !(n in given);
        facts.append(el("li", { class: presumed ? "presumed" : "" },
          n + " = " + factShown(v) + (presumed ? "（未填写，按封闭世界推定）" : "")));
      }
      for (const [t, v] of Object.entries(b.computed || {})) facts.append(el("li", { text: "计算：" + t + " = " + v }));
      for (const [n, v] of Object.entries(b.conclusions || {})) facts.append(el("li", { text: "结论：" + n + " = " + v }));
      sec.append(el("div", { class: "basis" },
        el("div", {}, el("span", { class: "cite", text: b.cite }), "　规则“" + b.rule + "”"),
        b.text ? el("blockquote", { text: b.text }) : null, facts));
    }
    if (c.needs.length) {
      const ul = el("ul");
      for (const n of c.needs) ul.append(el("li", { text: n + articleOf(n) }));
      sec.append(el("div", { class: "needs" }, "尚需查明：", ul));
    }
    out.append(sec);
  }
  if (report.errors) {
    for (const e of report.errors) out.append(el("div", { class: "problem", text: "评估中的问题：" + e }));
  }
}

// ---------------------------------------------------------------- files

function toToml(c) {
  const q = (s) => JSON.stringify(s);
  const scalar = (v, type) => {
    if (type && type.kind === "date" && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
    if (typeof v === "string") return q(v);
    if (Array.isArray(v)) return "[" + v.map((x) => scalar(x)).join(", ") + "]";
    return String(v);
  };
  const lines = ["# 由 ruling serve 的网页生成"];
  const tables = [];
  for (const [k, v] of Object.entries(c)) {
    const f = state.byName.get(k);
    if (f && f.type.kind === "list" && Array.isArray(v) && v.length) { tables.push([k, v, f]); continue; }
    lines.push(q(k) + " = " + scalar(v, f && f.type));
  }
  for (const [k, list, f] of tables) {
    for (const rec of list) {
      lines.push("", "[[" + q(k) + "]]");
      for (const [n, v] of Object.entries(rec)) {
        const ft = f.type.fields.find((x) => x.name === n);
        lines.push(q(n) + " = " + scalar(v, ft && ft.type));
      }
    }
  }
  return lines.join("\n") + "\n";
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function fileName(ext) {
  const id = $("#case-id").value.trim() || "案件";
  return id.replace(/[\\/:*?"<>|]/g, "_") + "." + ext;
}

async function load(file) {
  const text = await file.text();
  const toml = /\.toml$/i.test(file.name);
  const r = await call("/v1/case", { method: "POST", headers: headers(toml ? "application/toml" : "application/json"), body: text });
  if (r.status === 200) {
    showProblems(null);
    fill(r.body);
    $("#status").textContent = "已载入“" + file.name + "”。";
  } else {
    showProblems(r.body);
    $("#status").textContent = "无法载入“" + file.name + "”：见下方说明。";
  }
}

// ---------------------------------------------------------------- start

async function start() {
  const r = await call("/v1/facts", { headers: headers() });
  if (r.status !== 200) {
    $("#rules").textContent = r.status === 401 ? "请先填写访问令牌。" : "无法读取规则集（HTTP " + r.status + "）。";
    return;
  }
  $("#rules").textContent = "规则集：" + r.body.rules.source + "（指纹 " + r.body.rules.fingerprint + "）";
  buildForm(r.body);
  const form = $("#case");
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", (e) => e.preventDefault());
  $("#closed").addEventListener("change", changed);
  $("#save-toml").addEventListener("click", () => download(fileName("toml"), toToml(collect()), "application/toml"));
  $("#save-json").addEventListener("click", () => download(fileName("json"), JSON.stringify(collect(), null, 2) + "\n", "application/json"));
  $("#clear").addEventListener("click", () => { fill({}); $("#closed").checked = false; });
  $("#load").addEventListener("change", (e) => { const f = e.target.files[0]; if (f) load(f); e.target.value = ""; });
  document.body.setAttribute("data-ready", "true");
  evaluate();
}

document.addEventListener("DOMContentLoaded", () => {
  $("#token-save").addEventListener("click", () => {
    sessionStorage.setItem("ruling-token", $("#token").value.trim());
    $("#token-box").hidden = true;
    if (!state.facts.length) start(); else evaluate();
  });
  start();
});
