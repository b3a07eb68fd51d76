//! `ruling interview`: asks, one at a time, only the facts that can still change the named
//! conclusions, and writes each answer into the case file at once (atomically; a TOML file
//! keeps its comments and layout, a JSON file its key order). Answers are read as the case
//! reader reads a case file, so an answer is accepted here exactly when it would be there.

use super::{load_rules, BAD_INPUT, OK};
use ruling::case::{self, CaseFormat};
use ruling::program::{Program, Type};
use ruling::report::open::{self, Question};
use ruling::rules::{Evaluated, Options, RulesSpec};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

pub(super) const AFTER: &str = "示例：\n  ruling interview 案件.toml\n  ruling interview 案件.toml 明知 情节严重\n  printf '否\\n' | ruling interview 案件.toml 明知\n\n\
每次只问一个仍能改变所列结论的事实（未列结论时为全部结论），回答立即写入案件文件（TOML 文件保留注释与排版）。\n\
回答：是/否（或 y/n）、枚举中的词、金额（30万元、300000）、日期（2025-03-01）、整数。\n\
输入“退出”或结束输入（Ctrl-D）即停止，已写入的回答保留。\n\n退出码：0 完成或中途退出，2 案件文件或结论名有误";

/// `ruling interview`
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// 案件文件（.toml 或 .json）
    #[arg(value_name = "案件文件")]
    case: PathBuf,
    /// 要确定的结论（不填则为全部结论）
    #[arg(value_name = "结论")]
    conclusions: Vec<String>,
}

pub(super) fn run(spec: &RulesSpec, args: &Args) -> i32 {
    let rules = match load_rules(spec) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let program = rules.program();
    let mut targets = Vec::new();
    for name in &args.conclusions {
        match program.conclusion_index.get(name) {
            Some(c) => targets.push(*c),
            None => {
                eprintln!(
                    "错误：规则集中没有名为“{name}”的结论。请用 ruling eval 查看结论的名称。"
                );
                return BAD_INPUT;
            }
        }
    }
    let Some(format) = CaseFormat::of_path(&args.case) else {
        eprintln!(
            "错误：{}：无法判断文件格式。案件文件的扩展名须是 .toml 或 .json。",
            args.case.display()
        );
        return BAD_INPUT;
    };
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    loop {
        let case = match case::read_file(program, &args.case) {
            Ok(c) => c,
            Err(e) => {
                eprint!("{}", e.render());
                return BAD_INPUT;
            }
        };
        let ev = rules.evaluate(
            &case,
            Options {
                closed_world: false,
                needs: true,
                explain: false,
            },
        );
        let open_targets = open_conclusions(&ev, &targets);
        if open_targets.is_empty() {
            println!("所列结论均已确定：");
            print_values(&ev, &targets);
            return OK;
        }
        let questions = open::questions(&ev, &open_targets);
        let Some((q, ty)) = questions
            .iter()
            .find_map(|q| askable(program, q).map(|t| (q, t)))
        else {
            let left: Vec<&str> = questions.iter().map(|q| q.fact.as_str()).collect();
            println!(
                "其余能改变结论的事实无法逐项问答，请直接在案件文件中填写：{}",
                left.join("、")
            );
            return OK;
        };
        loop {
            println!("{}（{}）", q.question, q.cite);
            print!("{}> ", hint(program, ty));
            let _ = std::io::stdout().flush();
            let mut line = String::new();
            match input.read_line(&mut line) {
                Ok(0) | Err(_) => {
                    println!("\n已停止；已写入的回答保留在 {}。", args.case.display());
                    return OK;
                }
                Ok(_) => {}
            }
            let answer = line.trim();
            if answer == "退出" || answer.eq_ignore_ascii_case("q") {
                println!("已停止；已写入的回答保留在 {}。", args.case.display());
                return OK;
            }
            let value = answer_value(ty, answer);
            let probe = serde_json::json!({ q.fact.clone(): value.clone() }).to_string();
            if let Err(d) = rules.read_case(&probe, CaseFormat::Json) {
                let msg: Vec<String> = d.iter().map(|x| x.message.clone()).collect();
                println!("无法接受这个回答：{}。请重新回答。", msg.join("；"));
                continue;
            }
            if let Err(e) = write_answer(&args.case, format, &q.fact, ty, &value) {
                eprintln!("错误：无法写入 {}：{e}。回答未保存。", args.case.display());
                return BAD_INPUT;
            }
            println!("已写入：{} = {answer}\n", q.fact);
            break;
        }
    }
}

/// The named conclusions (all but helpers when none is named) that are still open.
fn open_conclusions(ev: &Evaluated<'_>, targets: &[usize]) -> Vec<usize> {
    let program = ev.program();
    let all: Vec<usize> = if targets.is_empty() {
        (0..program.conclusions.len())
            .filter(|c| {
                program
                    .conclusions
                    .get(*c)
                    .is_some_and(|d| !d.doc.contains("辅助结论"))
            })
            .collect()
    } else {
        targets.to_vec()
    };
    all.into_iter()
        .filter(|c| ev.outcome.needs.get(*c).is_some_and(|n| !n.is_empty()))
        .collect()
}

fn print_values(ev: &Evaluated<'_>, targets: &[usize]) {
    let program = ev.program();
    for (c, def) in program.conclusions.iter().enumerate() {
        if (targets.is_empty() && !def.doc.contains("辅助结论")) || targets.contains(&c) {
            let v = ruling::report::conclusion_value(program, &ev.outcome, c);
            println!("  {} = {}", def.name, ruling::report::shown(&v));
        }
    }
}

/// The type of a question's fact, when it can be answered on one line (not a list of
/// records or a free text).
fn askable(program: &Program, q: &Question) -> Option<Type> {
    let f = program.fact_index.get(&q.fact)?;
    let ty = program.facts.get(*f)?.ty;
    (!matches!(ty, Type::List(_) | Type::Text)).then_some(ty)
}

fn hint(program: &Program, ty: Type) -> String {
    match ty {
        Type::Bool => "是/否".into(),
        Type::Enum(e) => program.enum_words(e).replace('、', "/"),
        Type::Words(e) => format!("可多选，以、分隔：{}", program.enum_words(e)),
        Type::Amount => "金额，如 30万元".into(),
        Type::Date => "日期，如 2025-03-01".into(),
        Type::Int => "整数".into(),
        _ => String::new(),
    }
}

/// An answer as the JSON value a case file would hold: 是/否 and y/n as booleans, a number
/// for counts and amounts written in digits, a list for a set of words, text otherwise (the
/// case reader then reads 三十万元, 二十张, 2025年9月1日 as a case file may write them).
fn answer_value(ty: Type, answer: &str) -> serde_json::Value {
    use serde_json::Value as J;
    match ty {
        Type::Bool => match answer.to_lowercase().as_str() {
            "是" | "y" | "yes" | "真" | "true" | "有" => J::Bool(true),
            "否" | "n" | "no" | "假" | "false" | "无" | "没有" => J::Bool(false),
            _ => J::String(answer.to_string()),
        },
        Type::Int => answer
            .parse::<u64>()
            .map_or_else(|_| J::String(answer.to_string()), J::from),
        Type::Words(_) if answer.is_empty() || answer == "无" => J::Array(Vec::new()),
        Type::Words(_) => J::Array(
            answer
                .split(['、', ',', '，', ' '])
                .filter(|w| !w.is_empty())
                .map(|w| J::String(w.to_string()))
                .collect(),
        ),
        _ => J::String(answer.to_string()),
    }
}

/// Writes one answer into the case file: read again, edited in place, written to a
/// temporary file beside it and renamed over it, so that the file is never half-written.
fn write_answer(
    path: &Path,
    format: CaseFormat,
    fact: &str,
    ty: Type,
    value: &serde_json::Value,
) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let new = match format {
        CaseFormat::Toml => {
            let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| format!("{e}"))?;
            doc[fact] = toml_edit::Item::Value(toml_value(ty, value));
            doc.to_string()
        }
        CaseFormat::Json => {
            let mut doc: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| e.to_string())?;
            let Some(obj) = doc.as_object_mut() else {
                return Err("案件文件不是 JSON 对象".into());
            };
            obj.insert(fact.to_string(), value.clone());
            let mut s = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
            s.push('\n');
            s
        }
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| e.to_string())?;
    tmp.write_all(new.as_bytes()).map_err(|e| e.to_string())?;
    tmp.as_file().sync_all().map_err(|e| e.to_string())?;
    tmp.persist(path).map_err(|e| e.error.to_string())?;
    Ok(())
}

/// The TOML form of an answer: a date written as 2025-03-01 as a TOML date.
fn toml_value(ty: Type, value: &serde_json::Value) -> toml_edit::Value {
    use serde_json::Value as J;
    match value {
        J::Bool(b) => (*b).into(),
        J::Number(n) => n.as_i64().map_or_else(|| n.to_string().into(), Into::into),
        J::Array(items) => {
            let mut a = toml_edit::Array::new();
            for i in items.iter().filter_map(J::as_str) {
                a.push(i);
            }
            toml_edit::Value::Array(a)
        }
        J::String(s) if ty == Type::Date => s
            .parse::<toml_edit::Datetime>()
            .map_or_else(|_| s.as_str().into(), Into::into),
        J::String(s) => s.as_str().into(),
        _ => "".into(),
    }
}
