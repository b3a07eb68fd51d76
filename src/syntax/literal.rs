//! The one reader of literals — amounts, counts, multiples, periods and dates — shared by rule
//! files (their lowering and their in-file examples) and case files, so that `三十万元`,
//! `30万元`, `300,000元` and `３０万元` mean the same everywhere.
//!
//! Numbers are taken from their digits, never through `f64`: a value that a `Decimal` cannot
//! hold exactly is an error, not a rounding. The forms accepted:
//! - Arabic digits, ASCII or full-width (`３０`), with a decimal point (`.` or `．`) and
//!   thousands separators (`,` or `，`) only between groups of three digits (`300,000`, not
//!   `3,0,0000`);
//! - Chinese numerals (`三十`, `一百零五万`, `两千`, `三亿五千万`);
//! - a unit right after the number: 元, 千元, 万元, 亿元, 万, 亿 (amounts); 个, 张, 人, 次, 项,
//!   名, 户, 件, 周岁, 岁 (counts); 倍 (multiples); 年, 个月, 月, 日, 天 (periods);
//! - dates `2025-09-01` and `2025年9月1日` (digits ASCII or full-width).

use crate::syntax::ast::Period;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// What a unit makes of the number before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit<'a> {
    /// No unit.
    Bare,
    /// An amount in 元 (the factor of 千元, 万元 or 亿元 already applied).
    Yuan,
    /// A count: 个, 张, 人, 次 …
    Count,
    /// 倍
    Times,
    /// 年
    Years,
    /// 个月 / 月
    Months,
    /// 日 / 天
    Days,
    /// Anything else, as written (the caller says what is wrong with it).
    Other(&'a str),
}

/// Why a literal could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LitError {
    /// Not a number at all.
    NotANumber,
    /// Thousands separators not between groups of three digits.
    BadGroups,
    /// More digits than an exact decimal holds.
    TooLarge,
    /// A Chinese numeral that is not well formed (`三三`, `十十`).
    BadNumeral,
    /// More precision than one 分.
    TooPrecise,
    /// A fraction where a whole number belongs.
    NotWhole,
    /// A unit that does not belong here.
    WrongUnit,
    /// Not a calendar date.
    BadDate,
}

impl LitError {
    /// The problem in words, quoting `text` as written.
    pub fn message(&self, text: &str) -> String {
        let text = crate::source::shorten(text);
        match self {
            LitError::NotANumber => format!("无法识别的数值“{text}”"),
            LitError::BadGroups => format!("“{text}”的千位分隔符位置不对"),
            LitError::TooLarge => format!("数值“{text}”超出可表示的范围"),
            LitError::BadNumeral => format!("“{text}”不是规范的中文数字"),
            LitError::TooPrecise => format!("金额“{text}”精确到分以下"),
            LitError::NotWhole => format!("“{text}”应是整数"),
            LitError::WrongUnit => format!("“{text}”的单位不对"),
            LitError::BadDate => format!("无法识别的日期“{text}”"),
        }
    }

    /// The fix.
    pub fn help(&self) -> &'static str {
        match self {
            LitError::NotANumber | LitError::WrongUnit => {
                "金额写作 300000、\"300000.00\"、\"30万元\" 或 \"三十万元\"；数量写作 20、\"20张\" 或 \"二十张\""
            }
            LitError::BadGroups => "千位分隔符只能每三位一个，例如 300,000；也可以不写分隔符",
            LitError::TooLarge => "数值最多约 28 位有效数字；请检查是否多打了数字",
            LitError::BadNumeral => "中文数字写作 三十、一百零五、两千三百，或直接写阿拉伯数字",
            LitError::TooPrecise => "金额最多精确到分（小数点后两位），不作四舍五入；请核对金额",
            LitError::NotWhole => "个数、张数、期间和年龄只能是整数",
            LitError::BadDate => "日期写作 2025-09-01 或 2025年9月1日，须是日历上的真实日期",
        }
    }
}

/// A full-width digit, point or separator as its ASCII form; other characters unchanged.
fn narrow(c: char) -> char {
    match c {
        '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
        '．' => '.',
        '，' => ',',
        '－' => '-',
        _ => c,
    }
}

/// A number followed by its unit. Amount units apply their factor (`1.5万元` is 15000 元).
pub fn quantity(s: &str) -> Result<(Decimal, Unit<'_>), LitError> {
    let s = s.trim();
    let first = s.chars().next().ok_or(LitError::NotANumber)?;
    let (value, rest, myriad) = if chinese_digit(first).is_some() || is_chinese_multiplier(first) {
        let end = s
            .char_indices()
            .find(|&(_, c)| chinese_digit(c).is_none() && !is_chinese_multiplier(c))
            .map_or(s.len(), |(i, _)| i);
        let (numeral, rest) = s.split_at(end);
        // `三十千元` is not written; `千元` after a numeral is the numeral's 千 and then 元.
        let (v, myriad) = chinese(numeral)?;
        (v, rest, myriad)
    } else {
        let end = s
            .char_indices()
            .find(|&(_, c)| {
                let n = narrow(c);
                !(n.is_ascii_digit() || n == '.' || n == ',' || n == '-')
            })
            .map_or(s.len(), |(i, _)| i);
        let (digits, rest) = s.split_at(end);
        (arabic(digits)?, rest, false)
    };
    let scaled = |factor: i64| -> Result<Decimal, LitError> {
        value
            .checked_mul(Decimal::from(factor))
            .ok_or(LitError::TooLarge)
    };
    let unit = match rest {
        "" if myriad => (value, Unit::Yuan),
        "" => (value, Unit::Bare),
        "元" => (value, Unit::Yuan),
        "千元" => (scaled(1_000)?, Unit::Yuan),
        "万" | "万元" => (scaled(10_000)?, Unit::Yuan),
        "亿" | "亿元" => (scaled(100_000_000)?, Unit::Yuan),
        "个" | "张" | "人" | "次" | "项" | "名" | "户" | "件" | "周岁" | "岁" => {
            (value, Unit::Count)
        }
        "倍" => (value, Unit::Times),
        "年" => (value, Unit::Years),
        "个月" | "月" => (value, Unit::Months),
        "日" | "天" => (value, Unit::Days),
        other => (value, Unit::Other(other)),
    };
    Ok(unit)
}

/// Arabic digits (ASCII or full-width) with an optional sign, decimal point, exponent (as
/// JSON numbers may have) and thousands separators in groups of three; exact.
pub fn arabic(s: &str) -> Result<Decimal, LitError> {
    // The common case, plain ASCII digits, is read without a copy.
    if s.bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return number_token(s);
    }
    let mut plain = String::with_capacity(s.len());
    plain.extend(s.chars().map(narrow));
    if plain.contains(',') {
        let unsigned = plain.strip_prefix('-').unwrap_or(&plain);
        let whole = unsigned.split('.').next().unwrap_or("");
        let mut groups = whole.split(',');
        let head = groups.next().unwrap_or("");
        let grouped = (1..=3).contains(&head.len())
            && groups.all(|g| g.len() == 3)
            && !unsigned
                .split('.')
                .nth(1)
                .is_some_and(|frac| frac.contains(','));
        if !grouped {
            return Err(LitError::BadGroups);
        }
        plain.retain(|c| c != ',');
    }
    number_token(&plain)
}

/// A number token as JSON and TOML write it (`-12`, `300000.50`, `3e5`), read exactly.
pub fn number_token(s: &str) -> Result<Decimal, LitError> {
    let b = s.as_bytes();
    let unsigned = b.strip_prefix(b"-").unwrap_or(b);
    let shaped = !unsigned.is_empty()
        && unsigned.first().is_some_and(u8::is_ascii_digit)
        && unsigned.last().is_some_and(u8::is_ascii_digit)
        && unsigned
            .iter()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
        && unsigned.iter().filter(|&&c| c == b'.').count() <= 1;
    if !shaped {
        return Err(LitError::NotANumber);
    }
    if unsigned.iter().any(|c| matches!(c, b'e' | b'E')) {
        return Decimal::from_scientific(s).map_err(|_| {
            if s.bytes().any(|c| c == b'+' || c.is_ascii_digit()) {
                LitError::TooLarge
            } else {
                LitError::NotANumber
            }
        });
    }
    if unsigned.iter().any(|c| matches!(c, b'+' | b'-')) {
        return Err(LitError::NotANumber);
    }
    // Leading zeros only in front of the point; more digits than 28 overflow.
    Decimal::from_str_exact(s).map_err(|_| LitError::TooLarge)
}

fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn is_chinese_multiplier(c: char) -> bool {
    matches!(c, '十' | '百' | '千' | '万' | '亿')
}

/// A Chinese numeral (`三十`, `一百零五万`, `三亿五千万`) and whether it ends in 万 or 亿 (so
/// that `三十万` alone is an amount, as `30万` is).
pub fn chinese(s: &str) -> Result<(Decimal, bool), LitError> {
    // below 十千 (one section), between 万 and 亿, and whole 亿s
    let (mut yi, mut wan, mut section) = (0u128, 0u128, 0u128);
    let mut digit: Option<u128> = None;
    // The last multiplier within the section: 千 > 百 > 十 must come in that order.
    let mut last_mult = u128::MAX;
    let mut myriad = false;
    let mut any = false;
    let mut last_wan = false;
    for c in s.chars() {
        any = true;
        myriad = false;
        if let Some(d) = chinese_digit(c) {
            if digit.is_some() {
                return Err(LitError::BadNumeral);
            }
            if d != 0 {
                digit = Some(u128::from(d));
            }
            continue;
        }
        match c {
            '十' | '百' | '千' => {
                let m = match c {
                    '十' => 10,
                    '百' => 100,
                    _ => 1000,
                };
                if m >= last_mult {
                    return Err(LitError::BadNumeral);
                }
                // 十 alone is 一十; 百 and 千 need their digit.
                let d = match (digit, c) {
                    (Some(d), _) => d,
                    (None, '十') => 1,
                    _ => return Err(LitError::BadNumeral),
                };
                section += d * m;
                digit = None;
                last_mult = m;
            }
            '万' => {
                let n = section + digit.unwrap_or(0);
                if n == 0 || last_wan {
                    return Err(LitError::BadNumeral);
                }
                wan += n * 10_000;
                section = 0;
                digit = None;
                last_mult = u128::MAX;
                myriad = true;
                last_wan = true;
            }
            '亿' => {
                let n = wan + section + digit.unwrap_or(0);
                if n == 0 {
                    return Err(LitError::BadNumeral);
                }
                yi = yi
                    .checked_add(n.checked_mul(100_000_000).ok_or(LitError::TooLarge)?)
                    .ok_or(LitError::TooLarge)?;
                wan = 0;
                section = 0;
                digit = None;
                last_mult = u128::MAX;
                myriad = true;
                last_wan = false;
            }
            _ => return Err(LitError::BadNumeral),
        }
    }
    if !any {
        return Err(LitError::NotANumber);
    }
    let total = yi + wan + section + digit.unwrap_or(0);
    let total = i128::try_from(total).map_err(|_| LitError::TooLarge)?;
    let value = Decimal::try_from_i128_with_scale(total, 0).map_err(|_| LitError::TooLarge)?;
    Ok((value, myriad))
}

/// An amount in 元: a bare number or one with an amount unit, at most to the 分.
pub fn amount(s: &str) -> Result<Decimal, LitError> {
    match quantity(s)? {
        (v, Unit::Bare | Unit::Yuan) => to_fen(v),
        _ => Err(LitError::WrongUnit),
    }
}

/// The amount, unless it has more precision than one 分.
pub fn to_fen(v: Decimal) -> Result<Decimal, LitError> {
    if v.normalize().scale() > 2 {
        Err(LitError::TooPrecise)
    } else {
        Ok(v)
    }
}

/// A count (`20`, `二十张`, `24张`): a whole number with an optional count unit.
pub fn count(s: &str) -> Result<Decimal, LitError> {
    match quantity(s)? {
        (v, Unit::Bare | Unit::Count) => whole(v),
        _ => Err(LitError::WrongUnit),
    }
}

/// The number, unless it has a fraction.
pub fn whole(v: Decimal) -> Result<Decimal, LitError> {
    if v.fract().is_zero() {
        Ok(v.trunc())
    } else {
        Err(LitError::NotWhole)
    }
}

/// A multiple or plain number (`3`, `1.5倍`).
pub fn times(s: &str) -> Result<Decimal, LitError> {
    match quantity(s)? {
        (v, Unit::Bare | Unit::Times) => Ok(v),
        _ => Err(LitError::WrongUnit),
    }
}

/// A period (`2年`, `6个月`, `30日`, `二年`, `1年6个月`).
pub fn period(s: &str) -> Result<Period, LitError> {
    let mut rest = s.trim();
    let mut p = Period::default();
    let mut any = false;
    while !rest.is_empty() {
        // One number and its unit: up to the end of the first period unit.
        let cut = ["个月", "年", "月", "日", "天"]
            .iter()
            .filter_map(|u| rest.find(u).map(|i| i + u.len()))
            .min()
            .ok_or(LitError::WrongUnit)?;
        let (part, tail) = rest.split_at(cut);
        let (v, unit) = quantity(part)?;
        let n = u32::try_from(whole(v)?).map_err(|_| LitError::TooLarge)?;
        let slot = match unit {
            Unit::Years => &mut p.years,
            Unit::Months => &mut p.months,
            Unit::Days => &mut p.days,
            _ => return Err(LitError::WrongUnit),
        };
        *slot = slot.checked_add(n).ok_or(LitError::TooLarge)?;
        any = true;
        rest = tail;
    }
    if any {
        Ok(p)
    } else {
        Err(LitError::NotANumber)
    }
}

/// A date `2025-09-01` or `2025年9月1日` (digits ASCII or full-width).
pub fn date(s: &str) -> Result<NaiveDate, LitError> {
    let s = s.trim();
    if s.is_ascii() {
        return iso_date(s.as_bytes()).ok_or(LitError::BadDate);
    }
    let plain: String = s.chars().map(narrow).collect();
    if let Some(d) = iso_date(plain.as_bytes()) {
        return Ok(d);
    }
    let (y, rest) = plain.split_once('年').ok_or(LitError::BadDate)?;
    let (m, rest) = rest.split_once('月').ok_or(LitError::BadDate)?;
    let d = rest.strip_suffix('日').ok_or(LitError::BadDate)?;
    let part = |t: &str, len: std::ops::RangeInclusive<usize>| -> Option<u32> {
        if len.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    let (Some(y), Some(m), Some(d)) = (part(y, 4..=4), part(m, 1..=2), part(d, 1..=2)) else {
        return Err(LitError::BadDate);
    };
    let y = i32::try_from(y).map_err(|_| LitError::BadDate)?;
    NaiveDate::from_ymd_opt(y, m, d).ok_or(LitError::BadDate)
}

/// `YYYY-MM-DD`, exactly ten ASCII bytes, parsed in place.
pub fn iso_date(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let mut n = [0u32; 8];
    let digits = b
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != 4 && i != 7)
        .map(|(_, &c)| c);
    for (slot, c) in n.iter_mut().zip(digits) {
        if !c.is_ascii_digit() {
            return None;
        }
        *slot = u32::from(c - b'0');
    }
    let [a, b2, c, d, e, f, g, h] = n;
    let year = i32::try_from(a * 1000 + b2 * 100 + c * 10 + d).ok()?;
    NaiveDate::from_ymd_opt(year, e * 10 + f, g * 10 + h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap_or_default()
    }

    #[test]
    fn amounts_in_every_form() {
        for (text, value) in [
            ("300000", "300000"),
            ("300,000.00", "300000"),
            ("30万元", "300000"),
            ("30万", "300000"),
            ("三十万元", "300000"),
            ("三十万", "300000"),
            ("一百零五万元", "1050000"),
            ("３０万元", "300000"),
            ("1.5亿元", "150000000"),
            ("三亿五千万元", "350000000"),
            ("两千元", "2000"),
            ("十万元", "100000"),
            ("0.01元", "0.01"),
            ("3千元", "3000"),
        ] {
            assert_eq!(amount(text), Ok(dec(value)), "{text}");
        }
        assert_eq!(amount("0.001元"), Err(LitError::TooPrecise));
        assert_eq!(amount("3,0,0000"), Err(LitError::BadGroups));
        assert_eq!(amount("30,0000"), Err(LitError::BadGroups));
        assert_eq!(amount("三三万"), Err(LitError::BadNumeral));
        assert_eq!(amount("二十张"), Err(LitError::WrongUnit));
        assert_eq!(number_token("1e+32"), Err(LitError::TooLarge));
        assert_eq!(number_token("3e5"), Ok(dec("300000")));
        assert_eq!(
            amount("99999999999999999999999999999999"),
            Err(LitError::TooLarge)
        );
    }

    #[test]
    fn counts_dates_and_periods() {
        assert_eq!(count("二十张"), Ok(dec("20")));
        assert_eq!(count("24张"), Ok(dec("24")));
        assert_eq!(count("19.99999999999999999"), Err(LitError::NotWhole));
        assert_eq!(
            date("2025年9月1日"),
            Ok(NaiveDate::from_ymd_opt(2025, 9, 1).unwrap_or_default())
        );
        assert_eq!(date("２０２５-０９-０１"), date("2025-09-01"));
        assert_eq!(date("2025-02-30"), Err(LitError::BadDate));
        assert_eq!(period("二年").map(|p| p.years), Ok(2));
        assert_eq!(period("6个月").map(|p| p.months), Ok(6));
    }
}
