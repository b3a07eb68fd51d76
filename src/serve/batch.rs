//! `/v1/batch`: NDJSON in, NDJSON out, streamed at constant memory, each line what `ruling
//! batch` writes for it.
//!
//! The request body is read frame by frame; the complete lines of each frame are evaluated and
//! their results sent before the next frame is read, so the service holds at most one frame, one
//! unfinished line (at most [`MAX_LINE_BYTES`]; a longer one is skipped without being held and
//! answered with the same error line as `ruling batch`) and that frame's results. A client that
//! reads the answer slowly slows the reading of its request: nothing piles up.

use super::engine::{Engine, MAX_LINE_BYTES};
use axum::body::{Body, Bytes};
use futures_util::StreamExt;
use std::sync::Arc;
use tokio::sync::OwnedSemaphorePermit;

/// The state of one streamed batch.
struct Lines {
    input: axum::body::BodyDataStream,
    engine: Arc<Engine>,
    closed_world: bool,
    /// The unfinished last line of the frames read so far.
    pending: Vec<u8>,
    /// The current line has grown past [`MAX_LINE_BYTES`]: skip to its end.
    skipping: bool,
    /// Lines read (1-based numbers, blank lines counted).
    number: u64,
    /// Complete lines of the current frame, end to end, and (number, start, end, too long).
    ready: Vec<u8>,
    spans: Vec<(u64, usize, usize, bool)>,
    done: bool,
    /// Held for the whole stream: one of the places of [`super::Limits::batch_streams`].
    _permit: OwnedSemaphorePermit,
}

/// The answer body of a batch: one result line per non-blank input line, in input order.
pub fn stream(
    engine: Arc<Engine>,
    closed_world: bool,
    body: Body,
    permit: OwnedSemaphorePermit,
) -> Body {
    let lines = Lines {
        input: body.into_data_stream(),
        engine,
        closed_world,
        pending: Vec::new(),
        skipping: false,
        number: 0,
        ready: Vec::new(),
        spans: Vec::new(),
        done: false,
        _permit: permit,
    };
    Body::from_stream(futures_util::stream::unfold(lines, next))
}

/// The results of the next frame that has complete lines.
async fn next(mut s: Lines) -> Option<(Result<Bytes, axum::Error>, Lines)> {
    loop {
        if s.done {
            return None;
        }
        match s.input.next().await {
            Some(Ok(frame)) => {
                s.split(&frame);
                if let Some(out) = s.evaluate() {
                    return Some((Ok(out), s));
                }
            }
            Some(Err(e)) => {
                // The request broke off (or passed a limit): end the answer with the error, as
                // a cut-off file would end `ruling batch`.
                s.done = true;
                return Some((Err(e), s));
            }
            None => {
                s.done = true;
                s.finish();
                return s.evaluate().map(|out| (Ok(out), s));
            }
        }
    }
}

impl Lines {
    /// Splits a frame into lines, keeping the unfinished last one.
    fn split(&mut self, frame: &[u8]) {
        let mut rest = frame;
        while let Some(i) = rest.iter().position(|&b| b == b'\n') {
            let (piece, tail) = rest.split_at(i);
            rest = tail.get(1..).unwrap_or_default();
            self.number += 1;
            if self.skipping || self.pending.len() + piece.len() > MAX_LINE_BYTES {
                self.skipping = false;
                self.pending.clear();
                self.spans.push((self.number, 0, 0, true));
                continue;
            }
            self.pending.extend_from_slice(piece);
            self.keep_pending();
        }
        if !self.skipping {
            if self.pending.len() + rest.len() > MAX_LINE_BYTES {
                self.skipping = true;
                self.pending.clear();
            } else {
                self.pending.extend_from_slice(rest);
            }
        }
    }

    /// The input ended: its last line needs no line break.
    fn finish(&mut self) {
        if self.skipping {
            self.number += 1;
            self.skipping = false;
            self.spans.push((self.number, 0, 0, true));
        } else if !self.pending.is_empty() {
            self.number += 1;
            self.keep_pending();
        }
    }

    /// Moves the complete line in `pending` to `ready`, unless it is blank (as `ruling batch`
    /// skips blank lines, and strips a line's `\r`).
    fn keep_pending(&mut self) {
        while self.pending.last().is_some_and(|b| *b == b'\r') {
            self.pending.pop();
        }
        if !self.pending.iter().all(u8::is_ascii_whitespace) {
            let start = self.ready.len();
            self.ready.extend_from_slice(&self.pending);
            self.spans
                .push((self.number, start, self.ready.len(), false));
        }
        self.pending.clear();
        // A buffer that once held a huge line should not stay huge.
        if self.pending.capacity() > 1 << 20 {
            self.pending = Vec::new();
        }
    }

    /// Evaluates the lines made ready; gives their results, if there were any.
    fn evaluate(&mut self) -> Option<Bytes> {
        if self.spans.is_empty() {
            return None;
        }
        let mut out = Vec::with_capacity(self.spans.len() * 512);
        let ready = &self.ready;
        let lines = self.spans.iter().map(|&(n, start, end, too_long)| {
            (n, ready.get(start..end).unwrap_or_default(), too_long)
        });
        self.engine.batch_lines(self.closed_world, lines, &mut out);
        self.spans.clear();
        self.ready.clear();
        if self.ready.capacity() > 1 << 20 {
            self.ready = Vec::new();
        }
        Some(Bytes::from(out))
    }
}
