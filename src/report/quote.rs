//! Small pieces of the report's Chinese: an article quoted inside quotation marks (its own
//! marks become ‘’), quantities written as the law writes them (二十万元), the date a report
//! was produced.

/// An article's text ready to stand inside “”: its own “” become ‘’, as Chinese quotation
/// inside quotation is written.
pub fn inner(text: &str) -> String {
    text.replace('“', "‘").replace('”', "’")
}

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// A whole number under one hundred million in Chinese numerals: 3 → 三, 20 → 二十,
/// 300000 → 三十万, 105 → 一百零五.
pub fn chinese_number(n: u64) -> Option<String> {
    if n >= 100_000_000 {
        return None;
    }
    if n == 0 {
        return Some("零".into());
    }
    let (high, low) = (n / 10_000, n % 10_000);
    let mut out = String::new();
    if high > 0 {
        out.push_str(&below_ten_thousand(high, true));
        out.push('万');
        if low > 0 && low < 1000 {
            out.push('零');
        }
    }
    if low > 0 {
        out.push_str(&below_ten_thousand(low, high == 0));
    }
    Some(out)
}

/// 1–9999; `leading` is whether it starts the number (then 10–19 are 十…, not 一十…).
fn below_ten_thousand(n: u64, leading: bool) -> String {
    let places = [(1000, "千"), (100, "百"), (10, "十"), (1, "")];
    let mut out = String::new();
    let mut zero = false;
    let mut started = false;
    for (unit, name) in places {
        let d = (n / unit) % 10;
        if d == 0 {
            zero = started;
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        let omit_one = unit == 10 && d == 1 && !started && leading;
        if !omit_one {
            out.push_str(DIGITS.get(d as usize).copied().unwrap_or(""));
        }
        out.push_str(name);
        started = true;
    }
    out
}

/// A quantity as shown (`20万元`, `3个`, `14周岁`) with its number in Chinese numerals
/// (`二十万元`, `三个`, `十四周岁`); unchanged when it is not a whole number.
pub fn chinese_quantity(shown: &str) -> String {
    let digits: String = shown.chars().take_while(char::is_ascii_digit).collect();
    let rest = &shown[digits.len()..];
    if digits.is_empty() || rest.starts_with('.') {
        return shown.to_string();
    }
    match digits.parse::<u64>().ok().and_then(chinese_number) {
        Some(c) => format!("{c}{rest}"),
        None => shown.to_string(),
    }
}

/// The date a report is produced: `SOURCE_DATE_EPOCH` when set (reproducible reports and
/// snapshots), else today (UTC).
pub fn produced_date() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
        });
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.date_naive().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_the_law_writes_them() {
        assert_eq!(chinese_number(3).as_deref(), Some("三"));
        assert_eq!(chinese_number(14).as_deref(), Some("十四"));
        assert_eq!(chinese_number(20).as_deref(), Some("二十"));
        assert_eq!(chinese_number(105).as_deref(), Some("一百零五"));
        assert_eq!(chinese_number(300_000).as_deref(), Some("三十万"));
        assert_eq!(chinese_number(1_000_000).as_deref(), Some("一百万"));
        assert_eq!(chinese_number(10_010).as_deref(), Some("一万零一十"));
        assert_eq!(chinese_quantity("20万元"), "二十万元");
        assert_eq!(chinese_quantity("3个"), "三个");
        assert_eq!(chinese_quantity("0.5万元"), "0.5万元");
    }

    #[test]
    fn inner_quotes_become_single() {
        assert_eq!(inner("认定为“情节严重”的"), "认定为‘情节严重’的");
    }
}
