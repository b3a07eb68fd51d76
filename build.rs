//! Embeds the shipped rule files into the binary, so that `ruling` works from any folder, and
//! records the git commit it was built from (`RULING_COMMIT`), which `ruling --version` shows
//! beside the built-in rules' fingerprint so that a report can be traced to its build.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

fn main() {
    commit();
    println!("cargo:rerun-if-changed=rules");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "rule"));
    files.sort();
    let mut out = String::from("/// The shipped rule files: (file name, text).\npub static EMBEDDED_RULES: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            f.display().to_string()
        );
    }
    out.push_str("];\n");
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    if let Err(e) = std::fs::write(Path::new(&out_dir).join("embedded_rules.rs"), out) {
        println!("cargo:warning=could not embed the rules: {e}");
    }
}

/// `RULING_COMMIT`: the short hash of the commit checked out, or 未知 when the source is not a
/// git checkout (a packaged source tree); rebuilt when HEAD moves.
fn commit() {
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git").args(args).output().ok()?;
        if !out.status.success() {
            return None;
        }
        let text = String::from_utf8(out.stdout).ok()?;
        Some(text.trim().to_string()).filter(|t| !t.is_empty())
    };
    let hash = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "未知".into());
    println!("cargo:rustc-env=RULING_COMMIT={hash}");
    // A worktree's HEAD and the branch it names live in the git directory, wherever that is.
    for watched in ["HEAD".to_string()]
        .into_iter()
        .chain(git(&["symbolic-ref", "-q", "HEAD"]))
    {
        if let Some(path) = git(&["rev-parse", "--git-path", &watched]) {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
