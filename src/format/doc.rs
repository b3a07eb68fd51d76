//! A small pretty-printing document and its renderer (in the manner of Wadler's "prettier
//! printer"): the layout code says where a line *may* break, and the renderer decides, group by
//! group, whether the group fits on the rest of the line.
//!
//! Widths are display columns: a Chinese character takes two, as in a terminal or an editor
//! with a monospaced CJK font.

use crate::source::display_width;

/// The widest line the formatter aims for, in display columns.
pub const WIDTH: usize = 100;

/// A document to be laid out.
#[derive(Debug, Clone)]
pub enum Doc {
    /// Literal text without line breaks.
    Text(String),
    /// A space when its group is flat, a line break when it is broken.
    Line,
    /// Nothing when its group is flat, a line break when it is broken.
    SoftLine,
    /// Always a line break; the groups around it break too.
    HardLine,
    /// Laid out flat if it fits on the rest of the line, else with its lines broken.
    Group(Vec<Doc>),
    /// Line breaks inside start this many columns further in.
    Indent(usize, Vec<Doc>),
    /// Line breaks inside start at the column where this begins, plus the offset.
    Align(usize, Vec<Doc>),
    /// `[item, Line, item, Line, item]`: as many items on a line as fit, then a break.
    Fill(Vec<Doc>),
    /// A trailing comment: written at the end of the current line, before the next break.
    /// The groups around it break, so that the comment stays next to its code.
    Suffix(String),
}

/// Text.
pub fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}

/// Whether a document must be laid out broken (it holds a hard line or a trailing comment).
fn must_break(doc: &Doc) -> bool {
    match doc {
        Doc::HardLine | Doc::Suffix(_) => true,
        Doc::Text(_) | Doc::Line | Doc::SoftLine => false,
        Doc::Group(ds) | Doc::Indent(_, ds) | Doc::Align(_, ds) | Doc::Fill(ds) => {
            ds.iter().any(must_break)
        }
    }
}

/// One pending piece of work: a document (or the rest of a fill) at an indentation and mode.
#[derive(Clone, Copy)]
enum Node<'d> {
    Doc(&'d Doc),
    FillRest(&'d [Doc]),
}

#[derive(Clone, Copy)]
struct Cmd<'d> {
    indent: usize,
    flat: bool,
    node: Node<'d>,
}

/// Lays a document out in [`WIDTH`] columns. The result ends with exactly one line break
/// (or is empty) and has no trailing spaces.
pub fn render(doc: &Doc) -> String {
    let mut r = Renderer {
        out: String::new(),
        col: 0,
        suffixes: Vec::new(),
    };
    let mut stack = vec![Cmd {
        indent: 0,
        flat: false,
        node: Node::Doc(doc),
    }];
    while let Some(cmd) = stack.pop() {
        r.step(cmd, &mut stack);
    }
    r.flush_suffixes();
    let trimmed = r.out.trim_end().len();
    r.out.truncate(trimmed);
    if !r.out.is_empty() {
        r.out.push('\n');
    }
    r.out
}

struct Renderer {
    out: String,
    col: usize,
    suffixes: Vec<String>,
}

impl Renderer {
    fn step<'d>(&mut self, cmd: Cmd<'d>, stack: &mut Vec<Cmd<'d>>) {
        let push_all = |stack: &mut Vec<Cmd<'d>>, ds: &'d [Doc], indent: usize, flat: bool| {
            for d in ds.iter().rev() {
                stack.push(Cmd {
                    indent,
                    flat,
                    node: Node::Doc(d),
                });
            }
        };
        let doc = match cmd.node {
            Node::Doc(d) => d,
            Node::FillRest(parts) => {
                self.fill(parts, cmd, stack);
                return;
            }
        };
        match doc {
            Doc::Text(s) => {
                self.out.push_str(s);
                self.col += display_width(s);
            }
            Doc::Line if cmd.flat => {
                self.out.push(' ');
                self.col += 1;
            }
            Doc::SoftLine if cmd.flat => {}
            Doc::Line | Doc::SoftLine | Doc::HardLine => self.newline(cmd.indent),
            Doc::Group(ds) => {
                let flat = cmd.flat
                    || (!must_break(doc) && fits(Cmd { flat: true, ..cmd }, stack, self.room()));
                push_all(stack, ds, cmd.indent, flat);
            }
            Doc::Indent(n, ds) => push_all(stack, ds, cmd.indent + n, cmd.flat),
            Doc::Align(n, ds) => push_all(stack, ds, self.col + n, cmd.flat),
            Doc::Fill(ds) => self.fill(ds, cmd, stack),
            Doc::Suffix(s) => self.suffixes.push(s.clone()),
        }
    }

    /// Prettier's fill: each item flat if it fits; a separator breaks when the next item
    /// would not fit after it.
    fn fill<'d>(&mut self, parts: &'d [Doc], cmd: Cmd<'d>, stack: &mut Vec<Cmd<'d>>) {
        let Some((content, rest)) = parts.split_first() else {
            return;
        };
        let at = |flat: bool, d: &'d Doc| Cmd {
            indent: cmd.indent,
            flat,
            node: Node::Doc(d),
        };
        let content_flat =
            cmd.flat || (!must_break(content) && fits(at(true, content), &[], self.room()));
        let Some((sep, after)) = rest.split_first() else {
            stack.push(at(content_flat, content));
            return;
        };
        let sep_flat = cmd.flat
            || (!must_break(content)
                && after.first().is_some_and(|next| {
                    !must_break(next)
                        && fits(
                            at(true, sep),
                            &[at(true, next)],
                            self.room().saturating_sub(flat_width(content)),
                        )
                }));
        stack.push(Cmd {
            indent: cmd.indent,
            flat: cmd.flat,
            node: Node::FillRest(after),
        });
        stack.push(at(sep_flat, sep));
        stack.push(at(content_flat, content));
    }

    fn room(&self) -> usize {
        WIDTH.saturating_sub(self.col)
    }

    fn flush_suffixes(&mut self) {
        if self.suffixes.is_empty() {
            return;
        }
        let trimmed = self.out.trim_end_matches(' ').len();
        self.out.truncate(trimmed);
        for s in self.suffixes.drain(..) {
            self.out.push_str("  ");
            self.out.push_str(&s);
        }
    }

    fn newline(&mut self, indent: usize) {
        self.flush_suffixes();
        let trimmed = self.out.trim_end_matches(' ').len();
        self.out.truncate(trimmed);
        self.out.push('\n');
        self.out.extend(std::iter::repeat_n(' ', indent));
        self.col = indent;
    }
}

/// The width of a document laid out flat.
fn flat_width(doc: &Doc) -> usize {
    match doc {
        Doc::Text(s) => display_width(s),
        Doc::Line => 1,
        Doc::SoftLine | Doc::HardLine | Doc::Suffix(_) => 0,
        Doc::Group(ds) | Doc::Indent(_, ds) | Doc::Align(_, ds) | Doc::Fill(ds) => {
            ds.iter().map(flat_width).sum()
        }
    }
}

/// Whether `next` laid out flat, followed by what comes after it up to the next line break,
/// fits in `room` columns.
fn fits(next: Cmd<'_>, rest: &[Cmd<'_>], room: usize) -> bool {
    let mut room = isize::try_from(room).unwrap_or(isize::MAX);
    let mut pending: Vec<(bool, Node<'_>)> = vec![(next.flat, next.node)];
    let mut rest_at = rest.len();
    loop {
        if room < 0 {
            return false;
        }
        let (flat, node) = match pending.pop() {
            Some(x) => x,
            None => {
                if rest_at == 0 {
                    return true;
                }
                rest_at -= 1;
                match rest.get(rest_at) {
                    Some(c) => (c.flat, c.node),
                    None => return true,
                }
            }
        };
        let doc = match node {
            Node::Doc(d) => d,
            Node::FillRest(parts) => {
                for d in parts.iter().rev() {
                    pending.push((flat, Node::Doc(d)));
                }
                continue;
            }
        };
        match doc {
            Doc::Text(s) => room -= isize::try_from(display_width(s)).unwrap_or(isize::MAX),
            Doc::Line if flat => room -= 1,
            Doc::SoftLine if flat => {}
            Doc::Line | Doc::SoftLine | Doc::HardLine => return true,
            Doc::Group(ds) | Doc::Indent(_, ds) | Doc::Align(_, ds) | Doc::Fill(ds) => {
                for d in ds.iter().rev() {
                    pending.push((flat, Node::Doc(d)));
                }
            }
            Doc::Suffix(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_that_fits_stays_flat() {
        let d = Doc::Group(vec![text("甲"), Doc::Line, text("且 乙")]);
        assert_eq!(render(&d), "甲 且 乙\n");
    }

    #[test]
    fn a_long_group_breaks_with_its_indentation() {
        let long = "长".repeat(40);
        let d = Doc::Group(vec![
            text(long.clone()),
            Doc::Indent(2, vec![Doc::Line, text(format!("且 {long}"))]),
        ]);
        assert_eq!(render(&d), format!("{long}\n  且 {long}\n"));
    }

    #[test]
    fn a_trailing_comment_breaks_its_group_and_ends_the_line() {
        let d = Doc::Group(vec![
            text("甲"),
            Doc::Suffix("# 注".into()),
            Doc::Line,
            text("乙"),
        ]);
        assert_eq!(render(&d), "甲  # 注\n乙\n");
    }

    #[test]
    fn fill_packs_items_and_aligns_the_continuation() {
        let item = "项".repeat(20);
        let mut parts = Vec::new();
        for i in 0..4 {
            if i > 0 {
                parts.push(Doc::SoftLine);
            }
            parts.push(text(format!("{item}，")));
        }
        let d = Doc::Group(vec![text("案情 "), Doc::Align(0, vec![Doc::Fill(parts)])]);
        let out = render(&d);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert!(lines[1].starts_with("     项"), "{out}");
    }
}
