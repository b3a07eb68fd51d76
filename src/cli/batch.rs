//! `ruling batch`: one case per input line (JSON), one result per output line, in input order,
//! on all cores, at constant memory.
//!
//! The input is read in bounded chunks. While the worker threads evaluate one chunk, the reading
//! thread writes the results of the previous chunk and reads the next one (`rayon::join`), so
//! neither the cores nor the disk wait for each other and at most two chunks are ever held. The
//! buffers of both chunks are reused from one chunk to the next. A line longer than a case file
//! may be ([`case::MAX_CASE_BYTES`]) is skipped without being held and reported as an error.
//!
//! Each line is read straight into [`crate::case::Raw`] and typed by the same conversion as
//! `ruling eval` ([`case::case_from_raw`]); it is evaluated without explanations or `needs`, and
//! the values of CONTRACT.md §5 are written from names quoted once per run. A bad line gives
//! `{"line": N, "error": "…"}` and the rest go on.

use super::{load_rules, BAD_INPUT, OK};
use crate::case::{self, close_world, read_json, Spare};
use crate::check::{ConclusionKind, Program};
use crate::diag::Diagnostic;
use crate::eval::value::Value;
use crate::eval::{evaluate_into, Options, Outcome};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::Path;

/// Lines per chunk: enough to keep every core busy between two writes, few enough that the
/// memory held stays small (two chunks of about 1.5 KB per case).
pub const CHUNK_LINES: usize = 2048;
/// Bytes per chunk, so that a file of long lines does not make the chunk large.
pub const CHUNK_BYTES: usize = 8 * 1024 * 1024;

/// What `ruling batch` was asked to do.
#[derive(Debug, Clone)]
pub struct Args<'a> {
    /// The input file, or `-` for standard input.
    pub input: &'a Path,
    /// The output file; standard output when absent.
    pub output: Option<&'a Path>,
    /// `--closed-world`
    pub closed_world: bool,
    /// Worker threads; 0 is one per core.
    pub jobs: usize,
}

pub(super) fn run(rules_dir: Option<&Path>, args: &Args<'_>) -> i32 {
    let (rules, program) = match load_rules(rules_dir) {
        Ok(x) => x,
        Err(code) => return code,
    };
    eprintln!("规则集 {}（指纹 {}）", rules.origin, rules.fingerprint);
    let (input, size): (Box<dyn Read + Send>, Option<u64>) = if args.input == Path::new("-") {
        (Box::new(io::stdin()), None)
    } else {
        match File::open(args.input) {
            Ok(f) => {
                let size = f.metadata().ok().map(|m| m.len());
                (Box::new(f), size)
            }
            Err(e) => {
                eprintln!("无法打开输入文件“{}”：{e}", args.input.display());
                return BAD_INPUT;
            }
        }
    };
    let output: Box<dyn Write + Send> = match args.output {
        Some(path) => match File::create(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("无法写入输出文件“{}”：{e}", path.display());
                return BAD_INPUT;
            }
        },
        None => Box::new(io::stdout()),
    };
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs)
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("无法启动工作线程：{e}");
            return BAD_INPUT;
        }
    };
    let batch = Batch::new(&program, args.closed_world);
    let progress = progress_bar(size);
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut writer = BufWriter::with_capacity(1 << 20, output);
    let result = pool.install(|| batch.stream(&mut reader, &mut writer, &progress));
    let result = result.and_then(|()| writer.flush());
    progress.finish_and_clear();
    match result {
        Ok(()) => OK,
        // A reader that stops early (`| head`) is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => OK,
        Err(e) => {
            eprintln!("批量处理中断：{e}");
            BAD_INPUT
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

/// One input line and its result.
#[derive(Debug, Default)]
struct Slot {
    /// 1-based line number in the input.
    number: u64,
    /// The line, without its line break (empty when it was too long to keep).
    text: Vec<u8>,
    /// The line exceeded [`case::MAX_CASE_BYTES`] and was not kept.
    too_long: bool,
    /// The JSON result, with its line break.
    result: Vec<u8>,
}

/// A chunk of lines; its slots (and their buffers) are reused from one chunk to the next.
#[derive(Debug, Default)]
struct Chunk {
    slots: Vec<Slot>,
    /// How many slots are in use.
    len: usize,
    /// Input bytes consumed, blank lines included (for the progress bar).
    bytes: u64,
    /// The input ended while filling this chunk.
    eof: bool,
}

impl Chunk {
    /// Fills the chunk with up to [`CHUNK_LINES`] non-blank lines.
    fn fill(&mut self, reader: &mut impl BufRead, line_number: &mut u64) -> io::Result<()> {
        self.len = 0;
        self.bytes = 0;
        self.eof = false;
        let mut kept = 0usize;
        while self.len < CHUNK_LINES && kept < CHUNK_BYTES {
            if self.slots.len() == self.len {
                self.slots.push(Slot::default());
            }
            let Some(slot) = self.slots.get_mut(self.len) else {
                break;
            };
            let (read, too_long) = read_line(reader, &mut slot.text)?;
            if read == 0 {
                self.eof = true;
                break;
            }
            *line_number += 1;
            self.bytes += read as u64;
            if !too_long && slot.text.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            slot.number = *line_number;
            slot.too_long = too_long;
            kept += slot.text.len();
            self.len += 1;
        }
        Ok(())
    }

    fn in_use(&mut self) -> &mut [Slot] {
        let len = self.len.min(self.slots.len());
        self.slots.get_mut(..len).unwrap_or_default()
    }

    fn write(&mut self, out: &mut impl Write) -> io::Result<()> {
        for slot in self.in_use() {
            out.write_all(&slot.result)?;
            // A buffer that once held a huge line should not stay huge.
            if slot.text.capacity() > 1 << 20 {
                slot.text = Vec::new();
            }
            if slot.result.capacity() > 1 << 20 {
                slot.result = Vec::new();
            }
        }
        Ok(())
    }
}

/// Reads one line into `buf` (without its line break), keeping at most
/// [`case::MAX_CASE_BYTES`]; a longer line is consumed and reported as too long. Gives the bytes
/// consumed (0 at the end of the input).
fn read_line(reader: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<(usize, bool)> {
    buf.clear();
    let limit = case::MAX_CASE_BYTES as u64 + 1;
    let mut read = reader.by_ref().take(limit).read_until(b'\n', buf)?;
    let ended = buf.last() == Some(&b'\n');
    let too_long = !ended && buf.len() as u64 >= limit;
    if too_long {
        buf.clear();
        // Skip the rest of the line without keeping it.
        loop {
            let (done, used) = {
                let available = reader.fill_buf()?;
                if available.is_empty() {
                    (true, 0)
                } else {
                    match available.iter().position(|&b| b == b'\n') {
                        Some(i) => (true, i + 1),
                        None => (false, available.len()),
                    }
                }
            };
            reader.consume(used);
            read += used;
            if done {
                break;
            }
        }
    }
    while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        buf.pop();
    }
    Ok((read, too_long))
}

/// A compiled program ready to evaluate lines of a batch.
#[derive(Debug)]
pub struct Batch<'p> {
    program: &'p Program,
    closed_world: bool,
    json: Names,
}

/// What one worker thread reuses from case to case.
#[derive(Debug, Default)]
pub struct Worker {
    outcome: Outcome,
    /// Buffers for reading lines.
    spare: Spare,
    /// Members of a set conclusion, in output order.
    members: Vec<u32>,
}

impl<'p> Batch<'p> {
    /// Prepares a batch over a program; `closed_world` applies to every case.
    pub fn new(program: &'p Program, closed_world: bool) -> Batch<'p> {
        Batch {
            program,
            closed_world,
            json: Names::new(program),
        }
    }

    /// Evaluates every line of `input` and writes one result line per case to `output`, in
    /// input order, on the threads of the current rayon pool.
    pub fn stream(
        &self,
        input: &mut (impl BufRead + Send),
        output: &mut (impl Write + Send),
        progress: &ProgressBar,
    ) -> io::Result<()> {
        let mut line_number = 0u64;
        let mut cases = 0u64;
        let mut current = Chunk::default();
        let mut previous = Chunk::default();
        current.fill(input, &mut line_number)?;
        loop {
            let done = current.eof;
            let work = &mut current;
            let (_, io) = rayon::join(
                || self.evaluate_chunk(work),
                || -> io::Result<Chunk> {
                    previous.write(output)?;
                    if done {
                        previous.len = 0;
                    } else {
                        previous.fill(input, &mut line_number)?;
                    }
                    Ok(std::mem::take(&mut previous))
                },
            );
            let next = io?;
            cases += current.len as u64;
            progress.inc(current.bytes);
            progress.set_message(format!("已处理 {cases} 个案件"));
            previous = std::mem::replace(&mut current, next);
            if done {
                break;
            }
        }
        // `previous` holds the last evaluated chunk; `current` is empty.
        previous.write(output)?;
        Ok(())
    }

    fn evaluate_chunk(&self, chunk: &mut Chunk) {
        // Small jobs (under a millisecond each), so that the threads finish a chunk together and
        // the thread that was reading and writing catches up.
        chunk
            .in_use()
            .par_iter_mut()
            .with_max_len(64)
            .for_each_init(Worker::default, |worker, slot| {
                slot.result.clear();
                if slot.too_long {
                    too_long_line(&mut slot.result, slot.number);
                } else {
                    self.line(worker, slot.number, &slot.text, &mut slot.result);
                }
            });
    }

    /// Evaluates one input line (the JSON text of one case) and appends its result line to
    /// `out`.
    pub fn line(&self, worker: &mut Worker, number: u64, text: &[u8], out: &mut Vec<u8>) {
        // Straight from the bytes into `Raw`: serde_json checks the UTF-8 of strings as it
        // reads them, and nothing else may be non-ASCII in valid JSON.
        let raw = match read_json(text, &mut worker.spare) {
            Ok(raw) => raw,
            Err(e) => return error_line(out, number, &json_error(&e)),
        };
        let case = case::case_from_raw(self.program, &raw);
        worker.spare.recycle(raw);
        let case = match case {
            Ok(c) => c,
            Err(diags) => return error_line(out, number, &messages(&diags)),
        };
        let mut facts = case.facts;
        if self.closed_world || case.closed_world {
            close_world(self.program, &mut facts);
        }
        evaluate_into(
            self.program,
            &facts,
            Options::default(),
            &mut worker.outcome,
        );
        self.json.result(
            self.program,
            number,
            case.id.as_deref(),
            &worker.outcome,
            &mut worker.members,
            out,
        );
    }
}

/// The JSON texts of a program's names, escaped and quoted once for the whole batch, so that
/// writing a result copies bytes. The values are those of CONTRACT.md §5, as
/// [`crate::report::conclusion_value`] gives them (the tests hold the two to the same output).
#[derive(Debug)]
struct Names {
    /// `"名称":` of each conclusion.
    conclusions: Vec<Vec<u8>>,
    /// Each enumeration's words, quoted.
    words: Vec<Vec<Vec<u8>>>,
    /// Each citation, quoted, and its place in sorted order.
    cites: Vec<Vec<u8>>,
    cite_rank: Vec<u32>,
    /// Each text, quoted, and its place in sorted order.
    texts: Vec<Vec<u8>>,
    text_rank: Vec<u32>,
}

fn quoted(s: &str) -> Vec<u8> {
    serde_json::to_vec(s).unwrap_or_else(|_| b"\"\"".to_vec())
}

/// The place of each string in sorted order (results list set members sorted as text).
fn ranks(strings: &[String]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..strings.len()).collect();
    order.sort_by(|a, b| strings.get(*a).cmp(&strings.get(*b)));
    let mut rank = vec![0u32; strings.len()];
    for (place, i) in order.into_iter().enumerate() {
        if let Some(r) = rank.get_mut(i) {
            *r = u32::try_from(place).unwrap_or(u32::MAX);
        }
    }
    rank
}

impl Names {
    fn new(program: &Program) -> Names {
        let cites: Vec<String> = (0..program.citations.len())
            .map(|i| program.cite(u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        Names {
            conclusions: program
                .conclusions
                .iter()
                .map(|c| {
                    let mut k = quoted(&c.name);
                    k.push(b':');
                    k
                })
                .collect(),
            words: program
                .enums
                .iter()
                .map(|e| e.words.iter().map(|w| quoted(w)).collect())
                .collect(),
            cite_rank: ranks(&cites),
            cites: cites.iter().map(|c| quoted(c)).collect(),
            text_rank: ranks(&program.texts),
            texts: program.texts.iter().map(|t| quoted(t)).collect(),
        }
    }

    /// Appends `{"line":…,"case":…,"conclusions":{…}}` and a line break.
    fn result(
        &self,
        program: &Program,
        line: u64,
        case: Option<&str>,
        outcome: &Outcome,
        members: &mut Vec<u32>,
        out: &mut Vec<u8>,
    ) {
        // Writing into a Vec cannot fail.
        let _ = write!(out, "{{\"line\":{line},\"case\":");
        let _ = serde_json::to_writer(&mut *out, &case);
        out.extend_from_slice(b",\"conclusions\":{");
        for (c, def) in program.conclusions.iter().enumerate() {
            if c > 0 {
                out.push(b',');
            }
            out.extend_from_slice(
                self.conclusions
                    .get(c)
                    .map_or(&b"\"?\":"[..], Vec::as_slice),
            );
            let value = outcome.values.get(c).unwrap_or(&Value::Unknown);
            match (def.kind, value) {
                (ConclusionKind::Tri, Value::Bool(true)) => out.extend_from_slice(b"true"),
                (ConclusionKind::Tri, Value::Bool(false)) => out.extend_from_slice(b"false"),
                (ConclusionKind::Word(e), Value::Word(w)) => {
                    let word = self.words.get(e).and_then(|ws| ws.get(usize::from(*w)));
                    out.extend_from_slice(word.map_or(&b"\"?\""[..], Vec::as_slice));
                }
                (ConclusionKind::Cites, Value::Ids(ids)) => {
                    set(out, members, ids, &self.cites, &self.cite_rank);
                }
                (ConclusionKind::Texts, Value::Ids(ids)) => {
                    set(out, members, ids, &self.texts, &self.text_rank);
                }
                _ => out.extend_from_slice(b"null"),
            }
        }
        out.push(b'}');
        if !outcome.errors.is_empty() {
            out.extend_from_slice(b",\"errors\":[");
            for (i, e) in outcome.errors.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(&quoted(&e.message));
            }
            out.push(b']');
        }
        out.extend_from_slice(b"}\n");
    }
}

/// A set conclusion as a JSON array of its members' texts, sorted as text.
fn set(out: &mut Vec<u8>, members: &mut Vec<u32>, ids: &[u32], texts: &[Vec<u8>], rank: &[u32]) {
    members.clear();
    members.extend(ids.iter().copied().filter(|i| (*i as usize) < texts.len()));
    members.sort_unstable_by_key(|i| rank.get(*i as usize).copied().unwrap_or(u32::MAX));
    out.push(b'[');
    for (n, i) in members.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        if let Some(t) = texts.get(*i as usize) {
            out.extend_from_slice(t);
        }
    }
    out.push(b']');
}

/// Appends the result line of an input line longer than [`case::MAX_CASE_BYTES`], which was not
/// kept (also written by `ruling serve`'s `/v1/batch`, so that both give the same line).
pub(crate) fn too_long_line(out: &mut Vec<u8>, line: u64) {
    let message = format!(
        "这一行超过 {} MiB，未处理",
        case::MAX_CASE_BYTES / 1024 / 1024
    );
    error_line(out, line, &message);
}

/// The result line of a bad line.
#[derive(Serialize)]
struct ErrorResult<'a> {
    line: u64,
    error: &'a str,
}

fn error_line(out: &mut Vec<u8>, line: u64, error: &str) {
    write_json(out, &ErrorResult { line, error });
}

fn write_json(out: &mut Vec<u8>, value: &impl Serialize) {
    if serde_json::to_writer(&mut *out, value).is_err() {
        // Serialising these plain structures cannot fail; keep the line well-formed anyway.
        out.clear();
        out.extend_from_slice(b"{}");
    }
    out.push(b'\n');
}

/// A line that is not JSON: where, and serde_json's own words for what (without its
/// "at line 1 column N", which the line number and column already say).
fn json_error(e: &serde_json::Error) -> String {
    let detail = e.to_string();
    let detail = detail
        .rsplit_once(" at line ")
        .map_or(detail.as_str(), |(d, _)| d);
    let what = if e.is_eof() {
        "JSON 不完整"
    } else {
        "JSON 格式错误"
    };
    format!(
        "{what}（第 {} 列）：{detail}（请检查引号、逗号和括号是否成对）",
        e.column()
    )
}

/// The problems of a case line as one message: each problem with its fix.
fn messages(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| match &d.help {
            Some(help) => format!("{}（{help}）", d.message),
            None => d.message.clone(),
        })
        .collect::<Vec<_>>()
        .join("；")
}
