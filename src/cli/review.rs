//! `ruling review`: corpus snapshots reviewed by legal staff, without a Rust toolchain. Each
//! case's decision sheet ([`ruling::report::sheet`]) under the current rules is compared with
//! its stored snapshot; a difference is shown line by line and answered 接受, 拒绝 or 跳过 on
//! standard input (piped answers work). Accepted sheets are written in insta's snapshot format
//! under the corpus test's names, so `cargo insta review` and `cargo test` see what was accepted.

use super::input::read_case;
use super::{case_files, load_rules, BAD_INPUT, OK, PROBLEMS};
use ruling::report;
use ruling::rules::{Options, Rules, RulesSpec};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

pub(super) const AFTER: &str = "示例：\n  ruling review                      审阅 tests/cases 中的全部案件\n  \
ruling --rules 我的规则 review 案件/\n  printf '接受\\n拒绝\\n' | ruling review\n\n\
对每个结论有变化的案件，显示“－ 原快照”与“＋ 按当前规则”的逐行对比，然后询问：\n  \
接受（或 j、y）：保存新结果为快照    拒绝（或 r、n）：保留原快照    跳过（或 s、回车）：以后再定\n\
快照保存在案件目录旁的 snapshots 目录（tests/cases → tests/snapshots），格式与 cargo insta 相同。\n\n\
退出码：0 没有未接受的变化；1 有拒绝或跳过的变化；2 案件文件有误";

/// The name the corpus test (`tests/corpus.rs`, `insta::glob!`) gives a case's snapshot.
const SNAPSHOT_PREFIX: &str = "corpus__every_corpus_case_has_a_reviewed_decision_sheet@";

/// `ruling review`
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// 案件文件或目录（默认 tests/cases）
    #[arg(value_name = "案件")]
    cases: Vec<PathBuf>,
}

/// A reviewer's answer.
enum Answer {
    Accept,
    Reject,
    Skip,
    /// Standard input ended: every case left is skipped.
    End,
}

pub(super) fn run(spec: &RulesSpec, args: &Args) -> i32 {
    let rules = match load_rules(spec) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let given = if args.cases.is_empty() {
        vec![PathBuf::from("tests/cases")]
    } else {
        args.cases.clone()
    };
    let files: Vec<PathBuf> = case_files(&given)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "toml"))
        .collect();
    if files.is_empty() {
        eprintln!(
            "错误：在 {} 中没有找到 .toml 案件文件。\n帮助：请写出案件文件或所在目录，如 ruling review tests/cases",
            given.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join("、")
        );
        return BAD_INPUT;
    }
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let (mut same, mut accepted, mut rejected, mut skipped, mut bad) = (0, 0, 0, 0, 0);
    let mut ended = false;
    for file in &files {
        let Some(new) = sheet_of(&rules, file) else {
            bad += 1;
            continue;
        };
        let snap = snapshot_path(file);
        let stored = std::fs::read_to_string(&snap).ok();
        let old = stored.as_deref().map(body).unwrap_or_default();
        if stored.is_some() && old.trim_end() == new.trim_end() {
            same += 1;
            continue;
        }
        println!("\n━━ 案件 {} ━━", file.display());
        if stored.is_none() {
            println!("（尚无快照 {}：以下全部为新结果）", snap.display());
        }
        print!("{}", diff(old.trim_end(), new.trim_end(), colour));
        let answer = if ended { Answer::End } else { ask(&mut input) };
        match answer {
            Answer::Accept => match write_snapshot(&snap, stored.as_deref(), file, &new) {
                Ok(()) => {
                    accepted += 1;
                    println!("已接受，快照已写入 {}", snap.display());
                }
                Err(e) => {
                    eprintln!("错误：无法写入快照“{}”：{e}", snap.display());
                    skipped += 1;
                }
            },
            Answer::Reject => {
                rejected += 1;
                println!("已拒绝：保留原快照。请修改规则后再审阅。");
            }
            Answer::Skip | Answer::End => {
                ended |= matches!(answer, Answer::End);
                skipped += 1;
            }
        }
    }
    println!(
        "\n共 {} 个案件：{same} 个无变化，接受 {accepted} 个，拒绝 {rejected} 个，跳过 {skipped} 个{}。",
        files.len(),
        if bad > 0 { format!("，{bad} 个案件文件有误") } else { String::new() }
    );
    if bad > 0 {
        BAD_INPUT
    } else if rejected + skipped > 0 {
        PROBLEMS
    } else {
        OK
    }
}

/// The case's decision sheet under the rules, as the corpus test renders it (open world, the
/// case file's own 封闭世界 applies); problems are printed.
fn sheet_of(rules: &Rules, file: &Path) -> Option<String> {
    let case = read_case(rules.program(), file)
        .map_err(|e| eprint!("{}", e.render()))
        .ok()?;
    let options = Options {
        closed_world: false,
        needs: true,
        explain: true,
    };
    let evaluated = rules.evaluate(&case, options);
    Some(report::sheet::sheet(&report::build(&evaluated)))
}

/// Where a case's snapshot lives: `X/cases/F.toml` → `X/snapshots/…@F.toml.snap` (the corpus
/// test's layout); a case in any other folder keeps its snapshots in `snapshots` inside it.
pub(super) fn snapshot_path(case: &Path) -> PathBuf {
    let dir = case.parent().unwrap_or(Path::new("."));
    let name = case
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let snapshots = match dir.file_name() {
        Some(n) if n == "cases" => dir.parent().unwrap_or(Path::new(".")).join("snapshots"),
        _ => dir.join("snapshots"),
    };
    snapshots.join(format!("{SNAPSHOT_PREFIX}{name}.snap"))
}

/// A snapshot file's contents after its `---` header.
fn body(file: &str) -> String {
    let file = file.replace("\r\n", "\n");
    match file
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
    {
        Some((_, body)) => body.to_string(),
        None => file,
    }
}

/// The header kept from the stored snapshot, or the one the corpus test writes.
fn header(stored: Option<&str>, case: &Path) -> String {
    if let Some(s) = stored {
        let s = s.replace("\r\n", "\n");
        if let Some((head, _)) = s
            .strip_prefix("---\n")
            .and_then(|r| r.split_once("\n---\n"))
        {
            return format!("---\n{head}\n---\n");
        }
    }
    let input = case.display().to_string().replace('\\', "/");
    format!(
        "---\nsource: tests/corpus.rs\nexpression: \"report_of(path, \\\"sheet\\\")\"\ninput_file: {input}\n---\n"
    )
}

fn write_snapshot(
    snap: &Path,
    stored: Option<&str>,
    case: &Path,
    sheet: &str,
) -> std::io::Result<()> {
    let dir = snap.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let text = format!("{}{}\n", header(stored, case), sheet.trim_end());
    // Written beside it and renamed over it: an interrupted write leaves the old snapshot.
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.persist(snap).map_err(|e| e.error)?;
    // insta's pending `.snap.new` for this case is superseded by the accepted one.
    let pending = snap.with_extension("snap.new");
    if pending.is_file() {
        std::fs::remove_file(pending)?;
    }
    Ok(())
}

/// The line diff: `－` the stored line, `＋` the new one, two lines of context around each
/// change.
fn diff(old: &str, new: &str, colour: bool) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = String::from("（－ 原快照　＋ 按当前规则）\n");
    for (i, group) in diff.grouped_ops(2).iter().enumerate() {
        if i > 0 {
            out.push_str("  ⋯\n");
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let line = change.value().trim_end_matches('\n');
                let (mark, on, off) = match change.tag() {
                    similar::ChangeTag::Delete => ("－ ", "\x1b[31m", "\x1b[0m"),
                    similar::ChangeTag::Insert => ("＋ ", "\x1b[32m", "\x1b[0m"),
                    similar::ChangeTag::Equal => ("　 ", "", ""),
                };
                if colour && !on.is_empty() {
                    out.push_str(&format!("{on}{mark}{line}{off}\n"));
                } else {
                    out.push_str(&format!("{mark}{line}\n"));
                }
            }
        }
    }
    out
}

/// Asks until the answer is understood; standard input's end skips the rest.
fn ask(input: &mut impl BufRead) -> Answer {
    loop {
        print!("接受、拒绝还是跳过？[接受/拒绝/跳过] ");
        let _ = std::io::stdout().flush();
        let mut line = String::new();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => {
                println!("\n（输入已结束：其余案件跳过）");
                return Answer::End;
            }
            Ok(_) => {}
        }
        let word = line.trim();
        println!();
        match word {
            "接受" | "j" | "y" | "yes" | "a" | "是" => return Answer::Accept,
            "拒绝" | "r" | "n" | "no" | "否" => return Answer::Reject,
            "跳过" | "s" | "" => return Answer::Skip,
            other => println!("未能识别“{other}”：请输入 接受、拒绝 或 跳过。"),
        }
    }
}
