//! The law and the numbers agree: a parameter's value is looked for in the article text its
//! citation quotes (the cited provision and the items under it), where the law writes it in
//! Chinese numerals (三十万元, 二十张, 十四周岁). A value the quoted text states otherwise is
//! warned of: after a standard is amended, the old article text above the new number would
//! mislead every reader of a report.

use crate::diag::{Code, Diagnostic};
use crate::program::value::Value;
use crate::program::{ParamDef, Program};
use crate::syntax::ast::CitationPath;
use rust_decimal::Decimal;

pub(super) fn lint(program: &Program, diags: &mut Vec<Diagnostic>) {
    for p in &program.params {
        let Some(path) = program.citations.get(p.cite as usize) else {
            continue;
        };
        let texts: Vec<&String> = program
            .articles
            .iter()
            .filter(|(q, _)| within(q, path))
            .map(|(_, t)| t)
            .collect();
        check_param(program, p, &texts, diags);
    }
}

/// Whether provision `q` is `path` or lies under it.
fn within(q: &CitationPath, path: &CitationPath) -> bool {
    let mut at = Some(q.clone());
    while let Some(x) = at {
        if x == *path {
            return true;
        }
        at = x.parent();
    }
    false
}

fn check_param(program: &Program, p: &ParamDef, texts: &[&String], diags: &mut Vec<Diagnostic>) {
    for v in &p.versions {
        if !matches!(v.value, Value::Num(_)) {
            continue;
        }
        let Some((shown_n, unit)) = quantity(&v.shown) else {
            continue;
        };
        let stated: Vec<(Decimal, String)> =
            texts.iter().flat_map(|t| numbers_in(t, &unit)).collect();
        if stated.is_empty() || stated.iter().any(|(x, _)| *x == shown_n) {
            continue;
        }
        let words: Vec<&str> = stated.iter().map(|(_, w)| w.as_str()).collect();
        let mut unique = words.clone();
        unique.dedup();
        diags.push(
            Diagnostic::warning(
                Code::ParamText,
                p.span,
                format!(
                    "参数“{}”的值 {} 与所引条文 {} 中写明的“{}”不一致",
                    p.name,
                    v.shown,
                    program.cite(p.cite),
                    unique.join("”“")
                ),
            )
            .with_help(
                "报告会在引用的条文下列出这个值，读者会看到两个不同的数。标准已被修订的，请把修订文件的原文写为 \
                 条文，参数改为 依据 该条文（有新旧两个值的，用 值 … 自/至 写明各自施行的日期）；\
                 适用地方标准的，同样引用地方文件的条文；仅作演示的假设值，请在注释中写明",
            ),
        );
    }
}

/// A value as shown (`30万元`, `3个`, `14周岁`): its number (万 applied) and its unit.
fn quantity(shown: &str) -> Option<(Decimal, String)> {
    let digits: String = shown
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let mut n: Decimal = digits.parse().ok()?;
    let mut rest = &shown[digits.len()..];
    if let Some(r) = rest.strip_prefix('万') {
        n *= Decimal::from(10_000);
        rest = r;
    }
    Some((n.normalize(), rest.to_string()))
}

/// Every number in `text` written before `unit` (Chinese numerals or digits), with the words
/// as written: `三十万元` → (300000, "三十万元").
fn numbers_in(text: &str, unit: &str) -> Vec<(Decimal, String)> {
    if unit.is_empty() {
        return Vec::new();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while chars.get(i).is_some_and(|c| is_numeral(*c)) {
            i += 1;
        }
        if i > start {
            let numeral: String = chars
                .get(start..i)
                .map(|c| c.iter().collect())
                .unwrap_or_default();
            let after: String = chars
                .get(i..)
                .map(|c| c.iter().collect())
                .unwrap_or_default();
            if after.starts_with(unit) {
                if let Some(n) = parse_numeral(&numeral) {
                    out.push((n, format!("{numeral}{unit}")));
                }
            }
        } else {
            i += 1;
        }
    }
    out
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "零〇一二两三四五六七八九十百千万".contains(c)
}

/// A number written in Chinese numerals (三十万, 二十, 十四, 一百零五) or digits (24, 30万).
pub fn parse_numeral(s: &str) -> Option<Decimal> {
    let mut total = Decimal::ZERO;
    let mut section = Decimal::ZERO;
    let mut digit: Option<Decimal> = None;
    let mut digits = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if !digits.is_empty() {
            digit = Some(digits.parse().ok()?);
            digits.clear();
        }
        let d = "零一二三四五六七八九".chars().position(|x| x == c);
        match (c, d) {
            ('〇', _) => digit = Some(Decimal::ZERO),
            ('两', _) => digit = Some(Decimal::from(2)),
            (_, Some(d)) => digit = Some(Decimal::from(d)),
            ('十' | '百' | '千', _) => {
                let unit = match c {
                    '十' => 10,
                    '百' => 100,
                    _ => 1000,
                };
                section += digit.take().unwrap_or(Decimal::ONE) * Decimal::from(unit);
            }
            ('万', _) => {
                section += digit.take().unwrap_or(Decimal::ZERO);
                if section.is_zero() {
                    section = Decimal::ONE;
                }
                total += section * Decimal::from(10_000);
                section = Decimal::ZERO;
            }
            _ => return None,
        }
    }
    if !digits.is_empty() {
        digit = Some(digits.parse().ok()?);
    }
    Some(total + section + digit.unwrap_or(Decimal::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals_are_read_as_the_law_writes_them() {
        let n = |s: &str| parse_numeral(s).map(|d| d.to_string());
        assert_eq!(n("三").as_deref(), Some("3"));
        assert_eq!(n("二十").as_deref(), Some("20"));
        assert_eq!(n("十四").as_deref(), Some("14"));
        assert_eq!(n("三十万").as_deref(), Some("300000"));
        assert_eq!(n("一百零五").as_deref(), Some("105"));
        assert_eq!(n("24").as_deref(), Some("24"));
        assert_eq!(n("30万").as_deref(), Some("300000"));
        let found = numbers_in("账户流入资金三十万元以上的；处二十万元以下罚款", "元");
        let values: Vec<String> = found.iter().map(|(d, _)| d.to_string()).collect();
        assert_eq!(values, ["300000", "200000"]);
        assert_eq!(
            quantity("30万元").map(|(d, u)| (d.to_string(), u)),
            Some(("300000".into(), "元".into()))
        );
    }
}
