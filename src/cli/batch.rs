//! `ruling batch`: arguments, files and the progress bar around the batch engine
//! ([`ruling::batch`]).

use super::{load_rules, BAD_INPUT, OK};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ruling::batch::Batch;
use ruling::rules::RulesSpec;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

pub(super) const AFTER: &str = "示例：\n  ruling batch 案件.jsonl > 结果.jsonl\n  ruling generate --count 1000 | ruling batch - --jobs 2\n  ruling batch 案件.jsonl --closed-world --output 结果.jsonl\n\n\
每行输出 {\"line\": 行号, \"case\": 案件, \"conclusions\": {结论: 值}}；\n有误的行输出 {\"line\": 行号, \"error\": \"…\"}，其余各行照常处理；空行跳过。\n\n退出码：0 完成（含有误的行），2 无法打开输入或写入输出（写入失败），141 读取输出的程序提前关闭";

/// `ruling batch`
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// 输入文件（JSON Lines，每行一个案件）；- 表示标准输入
    #[arg(value_name = "案件.jsonl")]
    input: PathBuf,
    /// 未填写的事实按封闭世界处理
    #[arg(long)]
    closed_world: bool,
    /// 工作线程数（默认：处理器核心数）
    #[arg(long, value_name = "N", default_value_t = 0)]
    jobs: usize,
    /// 输出文件（默认：标准输出）
    #[arg(long, value_name = "文件")]
    output: Option<PathBuf>,
}

pub(super) fn run(spec: &RulesSpec, args: &Args) -> i32 {
    let rules = match load_rules(spec) {
        Ok(x) => x,
        Err(code) => return code,
    };
    eprintln!(
        "规则集 {}（指纹 {}）",
        rules.set().origin,
        rules.set().fingerprint
    );
    // The input first: nothing is created or truncated before it is known to be readable.
    let (input, size, identity): (Box<dyn Read + Send>, Option<u64>, Option<FileId>) =
        if args.input.as_path() == Path::new("-") {
            (Box::new(io::stdin()), None, stdin_identity())
        } else {
            match open_input(&args.input) {
                Ok((f, meta)) => (Box::new(f), Some(meta.len()), Some(FileId::of(&meta))),
                Err(message) => {
                    eprintln!("{message}");
                    return BAD_INPUT;
                }
            }
        };
    let mut output = match args.output.as_deref() {
        Some(path) => match Output::file(path, identity) {
            Ok(o) => o,
            Err(message) => {
                eprintln!("{message}");
                return BAD_INPUT;
            }
        },
        None if super::out::stdout_was_closed() => {
            return super::out::report(&io::Error::other("已被关闭"), BAD_INPUT);
        }
        None => Output::Stdout,
    };
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let jobs = if args.jobs > cores {
        eprintln!(
            "提示：--jobs {} 超过本机处理器核心数，按 {cores} 个工作线程运行",
            args.jobs
        );
        cores
    } else {
        args.jobs
    };
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("无法启动工作线程：{e}");
            return BAD_INPUT;
        }
    };
    let batch = Batch::new(&rules, args.closed_world);
    let progress = progress_bar(size);
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut writer = BufWriter::with_capacity(1 << 20, output.writer());
    let report = |bytes: u64, cases: u64| {
        progress.inc(bytes);
        progress.set_message(format!("已处理 {cases} 个案件"));
    };
    let result = pool.install(|| batch.stream(&mut reader, &mut writer, &report));
    let result = result.and_then(|()| writer.flush());
    drop(writer);
    progress.finish_and_clear();
    match result.and_then(|()| output.finish()) {
        Ok(()) => OK,
        // A reader that stops early (`| head`) is not an error: quiet exit 141.
        Err(e) if args.output.is_none() => super::out::report(&e, BAD_INPUT),
        Err(e) => {
            let e = super::out::describe(&e);
            eprintln!("写入失败：{e}（批量处理中断；输出文件未改动）");
            BAD_INPUT
        }
    }
}

/// A file's identity (device and inode on Unix), to tell that two paths are one file whatever
/// links lead to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId(u64, u64);

impl FileId {
    #[cfg(unix)]
    fn of(meta: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt as _;
        FileId(meta.dev(), meta.ino())
    }

    #[cfg(not(unix))]
    fn of(meta: &std::fs::Metadata) -> FileId {
        // Without inode numbers, size and modification time stand in (a same-path check is
        // made as well).
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64);
        FileId(meta.len(), modified)
    }
}

/// What standard input is, when it is a file (`ruling batch - < F`).
fn stdin_identity() -> Option<FileId> {
    let meta = std::fs::metadata("/dev/stdin").ok()?;
    meta.is_file().then(|| FileId::of(&meta))
}

/// Opens the input; a folder or a missing file is refused with the fix.
fn open_input(path: &Path) -> Result<(File, std::fs::Metadata), String> {
    let shown = path.display();
    let file = File::open(path).map_err(|e| format!("无法打开输入文件“{shown}”：{e}"))?;
    let meta = file
        .metadata()
        .map_err(|e| format!("无法打开输入文件“{shown}”：{e}"))?;
    if meta.is_dir() {
        return Err(format!(
            "输入“{shown}”是目录，不是 JSON Lines 文件\n提示：请给出每行一个 JSON 案件的文件；评估目录中的案件文件用 ruling eval 或 ruling impact"
        ));
    }
    Ok((file, meta))
}

/// Where results go: standard output (streamed), or a file written through a temporary file
/// in its folder that replaces it only when the whole batch has been written.
enum Output {
    Stdout,
    File {
        tmp: tempfile::NamedTempFile,
        path: PathBuf,
    },
}

impl Output {
    /// Prepares writing to `path`, refusing the input itself (by identity, links included).
    fn file(path: &Path, input: Option<FileId>) -> Result<Output, String> {
        let shown = path.display();
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.is_dir() {
                return Err(format!(
                    "输出“{shown}”是目录\n提示：--output 须是一个文件的路径"
                ));
            }
            if input == Some(FileId::of(&meta)) {
                return Err(format!(
                    "输出文件“{shown}”就是输入文件：写入会毁掉输入\n提示：请为结果另选一个文件名，例如 结果.jsonl"
                ));
            }
        }
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".ruling-batch-")
            .suffix(".tmp")
            .tempfile_in(&folder)
            .map_err(|e| format!("无法写入输出文件“{shown}”：{e}"))?;
        Ok(Output::File {
            tmp,
            path: path.to_path_buf(),
        })
    }

    fn writer(&mut self) -> Box<dyn Write + Send + '_> {
        match self {
            Output::Stdout => Box::new(io::stdout()),
            Output::File { tmp, .. } => Box::new(tmp.as_file_mut()),
        }
    }

    /// Puts the written file in place (standard output: flushes it).
    fn finish(self) -> io::Result<()> {
        match self {
            Output::Stdout => io::stdout().flush(),
            Output::File { tmp, path } => {
                tmp.as_file().sync_all()?;
                // The result gets the permissions the file it replaces had, or the usual ones
                // of a new file (a temporary file is private to its owner).
                match std::fs::metadata(&path) {
                    Ok(meta) => tmp.as_file().set_permissions(meta.permissions())?,
                    Err(_) => set_default_permissions(tmp.as_file())?,
                }
                tmp.persist(&path).map(drop).map_err(|e| e.error)
            }
        }
    }
}

/// A progress bar on standard error when it is a terminal; hidden otherwise.
fn progress_bar(size: Option<u64>) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match size {
        Some(total) => ProgressBar::new(total).with_style(
            ProgressStyle::with_template("{wide_bar} {bytes}/{total_bytes} {msg} 约剩 {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {bytes} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(4));
    bar
}

#[cfg(unix)]
fn set_default_permissions(file: &File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_default_permissions(_: &File) -> io::Result<()> {
    Ok(())
}
