//! The batch engine: one case per input line (JSON), one result per output line, in input
//! order, on the threads of the current rayon pool, at constant memory.
//!
//! The input is read in bounded chunks. While the worker threads evaluate one chunk, the reading
//! thread writes the results of the previous chunk and reads the next one (`rayon::join`), so
//! neither the cores nor the disk wait for each other and at most two chunks are ever held. The
//! buffers of both chunks are reused from one chunk to the next. A line longer than a case file
//! may be ([`case::MAX_CASE_BYTES`]) is skipped without being held and reported as an error.
//!
//! Each line is read straight into the fact slots by the reader `ruling eval` uses for JSON
//! files ([`JsonReader`], one per worker thread, reusing its case from line to line); it is
//! evaluated by [`eval::evaluate_into`] on the worker's own facts, without explanations or `needs`, and each
//! conclusion's value is written by the writer the JSON report uses ([`ValueWriter`]). A bad
//! line gives `{"line": N, "column": C, "error": "…"}` (the column of its first problem) and
//! the rest go on.

use crate::case::json::{line_col, JsonReader};
use crate::case::{self, Case};
use crate::diag::Diagnostic;
use crate::eval::{self, Outcome};
use crate::program::{FactId, Program};
use crate::report::ValueWriter;
use crate::rules::Rules;
use rayon::prelude::*;
use serde::Serialize;
use std::io::{self, BufRead, Read, Write};

/// Lines per chunk: enough to keep every core busy between two writes, few enough that the
/// memory held stays small (two chunks of about 1.5 KB per case).
pub const CHUNK_LINES: usize = 2048;
/// Bytes per chunk, so that a file of long lines does not make the chunk large.
pub const CHUNK_BYTES: usize = 8 * 1024 * 1024;

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

/// A rule set ready to evaluate lines of a batch.
#[derive(Debug)]
pub struct Batch<'r> {
    rules: &'r Rules,
    closed_world: bool,
    json: ValueWriter,
}

/// What one worker thread reuses from case to case.
#[derive(Debug)]
pub struct Worker<'r> {
    /// The conclusions of the last case, reused.
    outcome: Outcome,
    /// The facts the closed world filled in (not reported by a batch).
    presumed: Vec<FactId>,
    /// The reader of lines, and the case it reads into.
    reader: JsonReader<'r>,
    case: Case,
    /// Members of a set conclusion, in output order.
    members: Vec<u32>,
}

impl<'r> Worker<'r> {
    /// A worker's buffers for a batch over `rules`.
    pub fn new(rules: &'r Rules) -> Worker<'r> {
        Worker {
            outcome: Outcome::default(),
            presumed: Vec::new(),
            reader: JsonReader::new(rules.program(), 0),
            case: Case::default(),
            members: Vec::new(),
        }
    }
}

impl<'r> Batch<'r> {
    /// Prepares a batch over a rule set; `closed_world` applies to every case.
    pub fn new(rules: &'r Rules, closed_world: bool) -> Batch<'r> {
        Batch {
            rules,
            closed_world,
            json: ValueWriter::new(rules.program()),
        }
    }

    /// Evaluates every line of `input` and writes one result line per case to `output`, in
    /// input order, on the threads of the current rayon pool. After each chunk, `progress` is
    /// told the input bytes it took and the cases done so far.
    pub fn stream(
        &self,
        input: &mut (impl BufRead + Send),
        output: &mut (impl Write + Send),
        progress: &(impl Fn(u64, u64) + Sync),
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
            progress(current.bytes, cases);
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
            .for_each_init(
                || Worker::new(self.rules),
                |worker, slot| {
                    slot.result.clear();
                    if slot.too_long {
                        too_long_line(&mut slot.result, slot.number);
                    } else {
                        self.line(worker, slot.number, &slot.text, &mut slot.result);
                    }
                },
            );
    }

    /// Evaluates one input line (the JSON text of one case) and appends its result line to
    /// `out`.
    pub fn line(&self, worker: &mut Worker<'r>, number: u64, text: &[u8], out: &mut Vec<u8>) {
        if let Err(diags) = worker.reader.read(text, &mut worker.case) {
            let column = diags.first().and_then(|d| d.span).map(|s| {
                // The column as the user's editor counts it, after a byte-order mark.
                let skip = if text.starts_with(b"\xEF\xBB\xBF") {
                    3
                } else {
                    0
                };
                let (_, col) = line_col(
                    text.get(skip..).unwrap_or(&[]),
                    s.start.saturating_sub(skip),
                );
                col as u64
            });
            return error_line(out, number, column, &messages(&diags));
        }
        // The case is the worker's own: the closed world is applied to its facts in place and
        // they are evaluated where they are, without the two copies `Rules::evaluate_into`
        // makes for reports (the given facts and the facts evaluated).
        let program = self.rules.program();
        let case = &mut worker.case;
        if self.closed_world || case.closed_world {
            worker.presumed.clear();
            case::close_world(program, &mut case.facts, &mut worker.presumed);
        }
        eval::evaluate_into(
            program,
            &case.facts,
            eval::Options {
                needs: false,
                explain: false,
            },
            &mut worker.outcome,
        );
        result_line(
            &self.json,
            program,
            number,
            &case.id,
            &worker.outcome,
            &mut worker.members,
            out,
        );
    }
}

/// Appends `{"line":…,"case":…,"conclusions":{…}}` and a line break.
fn result_line(
    json: &ValueWriter,
    program: &Program,
    line: u64,
    case_id: &Option<String>,
    outcome: &Outcome,
    members: &mut Vec<u32>,
    out: &mut Vec<u8>,
) {
    // Writing into a Vec cannot fail.
    let _ = write!(out, "{{\"line\":{line},\"case\":");
    let _ = serde_json::to_writer(&mut *out, case_id);
    out.extend_from_slice(b",\"conclusions\":{");
    for c in 0..program.conclusions.len() {
        if c > 0 {
            out.push(b',');
        }
        json.key(c, out);
        json.value(program, outcome, c, members, out);
    }
    out.push(b'}');
    if !outcome.errors.is_empty() {
        out.extend_from_slice(b",\"errors\":[");
        for (i, e) in outcome.errors.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let _ = serde_json::to_writer(&mut *out, &e.message);
        }
        out.push(b']');
    }
    out.extend_from_slice(b"}\n");
}

/// The result line of a bad line: its number, the column of its first problem, what is wrong.
#[derive(Serialize)]
struct ErrorResult<'a> {
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u64>,
    error: &'a str,
}

/// Appends the result line of an input line longer than [`case::MAX_CASE_BYTES`], which was not
/// kept (also written by `ruling serve`'s `/v1/batch`, so that both give the same line).
pub(crate) fn too_long_line(out: &mut Vec<u8>, line: u64) {
    let message = format!(
        "这一行超过 {} MiB，未处理",
        case::MAX_CASE_BYTES / 1024 / 1024
    );
    error_line(out, line, None, &message);
}

fn error_line(out: &mut Vec<u8>, line: u64, column: Option<u64>, error: &str) {
    write_json(
        out,
        &ErrorResult {
            line,
            column,
            error,
        },
    );
}

fn write_json(out: &mut Vec<u8>, value: &impl Serialize) {
    if serde_json::to_writer(&mut *out, value).is_err() {
        // Serialising these plain structures cannot fail; keep the line well-formed anyway.
        out.clear();
        out.extend_from_slice(b"{}");
    }
    out.push(b'\n');
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
