//! Comments, which the grammar skips, recovered from the source text by position.
//!
//! The layout code marks *units*: stretches of source (an item, a clause, one operand of a
//! `且` chain, a record field…) of which some begin a line of the formatted file. Each comment
//! is then given to one unit:
//! - a comment with code before it on its line (a *trailing* comment) stays at the end of the
//!   line of the innermost unit holding that code;
//! - a comment on a line of its own goes, on its own line, before the first line-starting unit
//!   that follows it inside the innermost line-starting unit around it, or else before that
//!   unit itself. So a comment is never lost: at worst it moves up to the line of its clause.

/// A comment found in the source.
#[derive(Debug, Clone)]
pub(super) struct Comment {
    /// Byte offset of the comment marker.
    pub start: usize,
    /// The comment as written, with its marker normalised to `#`, trailing spaces removed.
    pub text: String,
    /// Nothing but white space before it on its line.
    pub own_line: bool,
    /// An empty line separates it from what comes before.
    pub blank_before: bool,
    /// Byte offset of the last code character before it, not counting separators (`，` …).
    pub after_code: Option<usize>,
}

/// A stretch of source the layout code lays out as one piece.
#[derive(Debug, Clone, Copy)]
pub(super) struct Unit {
    /// First byte.
    pub start: usize,
    /// Just after the last byte.
    pub end: usize,
    /// It begins a line of the formatted file, so comments can be written before it.
    pub line_start: bool,
    /// The unit it is part of.
    pub parent: Option<usize>,
}

/// Which comments go where.
#[derive(Debug, Default)]
pub(super) struct Plan {
    /// For each unit, the comments written on their own lines before it, in source order.
    pub leading: Vec<Vec<usize>>,
    /// For each unit, the comment written at the end of its last line.
    pub trailing: Vec<Option<usize>>,
    /// Comments after the last item.
    pub trailer: Vec<usize>,
}

/// Every comment of a file, in order. Mirrors the grammar's `COMMENT` rule: `#`, `＃` or `//` to
/// the end of the line, outside quoted text.
pub(super) fn scan(src: &str) -> Vec<Comment> {
    #[derive(PartialEq)]
    enum State {
        Code,
        Chinese(usize),
        Ascii,
        Corner,
    }
    let mut out = Vec::new();
    let mut state = State::Code;
    let mut chars = src.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match state {
            State::Code => match c {
                '“' => state = State::Chinese(1),
                '"' => state = State::Ascii,
                '「' => state = State::Corner,
                '#' | '＃' | '/' => {
                    if c == '/' && chars.peek().map(|(_, n)| *n) != Some('/') {
                        continue;
                    }
                    let end = src
                        .get(at..)
                        .and_then(|rest| rest.find('\n'))
                        .map_or(src.len(), |n| at + n);
                    let raw = src.get(at..end).unwrap_or("").trim_end();
                    let body = raw
                        .strip_prefix("//")
                        .or_else(|| raw.strip_prefix('＃'))
                        .or_else(|| raw.strip_prefix('#'))
                        .unwrap_or(raw);
                    out.push(Comment {
                        start: at,
                        text: format!("#{body}"),
                        own_line: line_before(src, at).trim().is_empty(),
                        blank_before: blank_before(src, at),
                        after_code: code_before(src, at),
                    });
                    while chars.peek().is_some_and(|(i, _)| *i < end) {
                        chars.next();
                    }
                }
                _ => {}
            },
            State::Chinese(depth) => match c {
                '“' => state = State::Chinese(depth + 1),
                '”' if depth <= 1 => state = State::Code,
                '”' => state = State::Chinese(depth - 1),
                _ => {}
            },
            State::Ascii if c == '"' => state = State::Code,
            State::Corner if c == '」' => state = State::Code,
            State::Ascii | State::Corner => {}
        }
    }
    out
}

fn line_before(src: &str, at: usize) -> &str {
    let before = src.get(..at).unwrap_or("");
    before.rfind('\n').map_or(before, |n| &before[n + 1..])
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{3000}' | '\u{FEFF}')
}

/// Whether an empty line stands between `at` and the code or comment before it.
pub(super) fn blank_before(src: &str, at: usize) -> bool {
    let before = src.get(..at).unwrap_or("");
    let gap = &before[before.trim_end_matches(is_space).len()..];
    !before.trim_end_matches(is_space).is_empty() && gap.matches('\n').count() >= 2
}

fn code_before(src: &str, at: usize) -> Option<usize> {
    let before = src.get(..at)?;
    let trimmed = before.trim_end_matches(|c: char| {
        is_space(c) || matches!(c, '，' | ',' | '、' | ';' | '；' | '。')
    });
    let (i, _) = trimmed.char_indices().next_back()?;
    Some(i)
}

/// Whether the source between two offsets holds anything but white space and comments.
pub(super) fn has_code(src: &str, from: usize, to: usize, comments: &[Comment]) -> bool {
    let mut at = from;
    for c in comments.iter().filter(|c| c.start >= from && c.start < to) {
        if src
            .get(at..c.start)
            .is_some_and(|s| !s.trim_matches(is_space).is_empty())
        {
            return true;
        }
        at = src
            .get(c.start..)
            .and_then(|rest| rest.find('\n'))
            .map_or(to, |n| c.start + n);
    }
    src.get(at.min(to)..to)
        .is_some_and(|s| !s.trim_matches(is_space).is_empty())
}

/// Gives each comment its place (see the module documentation).
pub(super) fn assign(units: &[Unit], comments: &[Comment]) -> Plan {
    let mut plan = Plan {
        leading: vec![Vec::new(); units.len()],
        trailing: vec![None; units.len()],
        trailer: Vec::new(),
    };
    let innermost = |pos: usize, line_start_only: bool| {
        units
            .iter()
            .enumerate()
            .filter(|(_, u)| u.start <= pos && pos < u.end && (u.line_start || !line_start_only))
            .min_by_key(|(_, u)| u.end - u.start)
            .map(|(i, _)| i)
    };
    let mut extra_trailing: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
    for (ci, c) in comments.iter().enumerate() {
        if !c.own_line {
            if let Some(u) = c.after_code.and_then(|p| innermost(p, false)) {
                if let Some(slot) = extra_trailing.get_mut(u) {
                    slot.push(ci);
                }
                continue;
            }
        }
        let around = innermost(c.start, true);
        let inside = |u: &Unit| match around.and_then(|a| units.get(a)) {
            Some(a) => u.start >= a.start && u.end <= a.end,
            None => true,
        };
        let next = units
            .iter()
            .enumerate()
            .filter(|(i, u)| u.line_start && Some(*i) != around && u.start >= c.start && inside(u))
            .min_by_key(|(i, u)| (u.start, std::cmp::Reverse(u.end), *i))
            .map(|(i, _)| i);
        match next.or(around) {
            Some(u) => {
                if let Some(slot) = plan.leading.get_mut(u) {
                    slot.push(ci);
                }
            }
            None => plan.trailer.push(ci),
        }
    }
    // One trailing comment per line: the others go on their own lines before it.
    for (u, list) in extra_trailing.into_iter().enumerate() {
        let Some((&last, others)) = list.split_last() else {
            continue;
        };
        if let Some(slot) = plan.trailing.get_mut(u) {
            *slot = Some(last);
        }
        if !others.is_empty() {
            let mut home = u;
            while let Some(unit) = units.get(home) {
                match (unit.line_start, unit.parent) {
                    (false, Some(p)) => home = p,
                    _ => break,
                }
            }
            if let Some(slot) = plan.leading.get_mut(home) {
                slot.extend_from_slice(others);
            }
        }
    }
    for list in &mut plan.leading {
        list.sort_unstable();
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_found_outside_quotes_only() {
        let src = "# 甲\n条文 刑法第99条 “本法 # 不是注释”  ＃ 乙\n// 丙\n\n# 丁";
        let cs = scan(src);
        let texts: Vec<&str> = cs.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["# 甲", "# 乙", "# 丙", "# 丁"]);
        assert!(cs[0].own_line && !cs[1].own_line && cs[2].own_line);
        assert!(!cs[2].blank_before && cs[3].blank_before);
    }

    #[test]
    fn nested_chinese_quotes_do_not_end_the_text_early() {
        let src = "条文 甲 ““明知”# 仍在引号内”";
        assert!(scan(src).is_empty());
    }
}
