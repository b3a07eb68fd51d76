//! `ruling rules`: which rule set a command would use (source, fingerprint, files, counts),
//! and `--export DIR`: the rules built into the binary written out as files to amend.

use super::{load_rules, BAD_INPUT, OK, PROBLEMS};
use ruling::rules::RulesSpec;
use ruling::ruleset;
use std::io::Write as _;
use std::path::{Path, PathBuf};

pub(super) const AFTER: &str = "示例：\n  ruling rules\n  ruling rules --rules 我的规则/\n  \
ruling rules --export 我的规则\n  ruling --rules 我的规则 check\n\n\
--export 把程序内置的规则写成文件，供本单位修改；导出的文件检查无误，指纹与内置规则相同。\n\
目标目录中已有同名文件时一个也不写，以免覆盖已修改的规则。\n\n\
退出码：0 成功；1 规则集有错误，或导出目录中已有同名文件；2 无法写入导出目录";

/// `ruling rules`
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// 把内置规则导出到此目录（目录不存在时新建）
    #[arg(long, value_name = "目录")]
    export: Option<PathBuf>,
}

pub(super) fn run(spec: &RulesSpec, args: &Args) -> i32 {
    if let Some(dir) = &args.export {
        return export(dir);
    }
    let rules = match load_rules(spec) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (set, p) = (rules.set(), rules.program());
    let builtin = ruleset::uses_builtin(spec.dir.as_deref()) && spec.overlays.is_empty();
    println!("规则集来源：{}", set.origin);
    if builtin {
        println!("  （当前目录下没有 rules 文件夹，也未用 --rules 指定，使用程序内置的规则）");
    }
    println!("指纹：{}", set.fingerprint);
    println!("文件（{} 个）：", set.sources.files.len());
    for f in &set.sources.files {
        println!("  {}", f.name);
    }
    println!(
        "{} 条事实，{} 个参数，{} 个结论，{} 条规则，{} 个示例。",
        p.facts.len(),
        p.params.len(),
        p.conclusions.len(),
        p.rules.len(),
        rules.examples().len()
    );
    OK
}

/// The file name part of a built-in rule's name (`rules/意见4-构成.rule` → `意见4-构成.rule`).
fn base_name(name: &str) -> &str {
    Path::new(name)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(name)
}

fn export(dir: &Path) -> i32 {
    let set = ruleset::embedded();
    let existing: Vec<String> = set
        .sources
        .files
        .iter()
        .map(|f| base_name(&f.name).to_string())
        .filter(|n| dir.join(n).exists())
        .collect();
    if !existing.is_empty() {
        eprintln!(
            "错误：“{}”中已有同名的规则文件：{}。\n为免覆盖已修改的规则，一个文件也没有写入。\n\
帮助：请换一个新目录，或先把该目录改名保存。",
            dir.display(),
            existing.join("、")
        );
        return PROBLEMS;
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("错误：无法创建目录“{}”：{e}", dir.display());
        return BAD_INPUT;
    }
    for f in &set.sources.files {
        let path = dir.join(base_name(&f.name));
        // create_new: a file that appeared since the check above is still not overwritten.
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut out| out.write_all(f.text.as_bytes()));
        if let Err(e) = written {
            eprintln!("错误：无法写入“{}”：{e}", path.display());
            return BAD_INPUT;
        }
    }
    match ruleset::read_dir(dir) {
        Ok(copy) if copy.fingerprint == set.fingerprint => {
            println!(
                "已把内置规则的 {} 个文件导出到“{}”，指纹 {}（与内置规则相同）。\n\
修改后用 ruling --rules {} check 检查，用 ruling --rules {} review 审阅变化。",
                set.sources.files.len(),
                dir.display(),
                copy.fingerprint,
                dir.display(),
                dir.display()
            );
            OK
        }
        Ok(copy) => {
            eprintln!(
                "错误：导出到“{}”的规则指纹为 {}，与内置规则的 {} 不同；目录中可能另有其他 .rule 文件。",
                dir.display(),
                copy.fingerprint,
                set.fingerprint
            );
            PROBLEMS
        }
        Err(_) => {
            eprintln!("错误：无法读回导出的规则目录“{}”", dir.display());
            BAD_INPUT
        }
    }
}
