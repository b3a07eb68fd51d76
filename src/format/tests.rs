#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test should fail loudly at the point of failure"
)]

use super::*;

fn fmt(text: &str) -> String {
    match format_source(text) {
        Ok(s) => s,
        Err(d) => panic!("not formatted: {d:?}\n{text}"),
    }
}

fn parse(text: &str) -> Module {
    let (m, d) = syntax::parse_file(0, text);
    assert!(d.is_empty(), "{d:?}\n{text}");
    m
}

fn shipped() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rule"))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(out.len() >= 10);
    out
}

const MESSY: &str = r#"# 文件头注释

规则   甲规则 则 情节严重，情节严重依据   # 行尾注释
  若 被帮助对象犯罪查证 是 已查证达到
      # 条件中的注释
   且 电话卡数 >= 电话卡数标准
  依据 法发〔2025〕12号第6条第（3）项
参数 电话卡数标准 = 20张 依据 法发〔2025〕12号第6条第(3)项
事实 电话卡数 : 整数 "张数"
＃ 全角井号
// 双斜线
示例 “示例 一” 封闭世界 案情 电话卡数 = 20 ; 被帮助对象犯罪查证 = 已查证达到 预期 情节严重 = 真。
"#;

#[test]
fn messy_input_gets_the_canonical_layout() {
    let out = fmt(MESSY);
    let want = "# 文件头注释

规则 甲规则
  依据 法发〔2025〕12号第6条第(3)项
  若 被帮助对象犯罪查证 是 已查证达到
   # 条件中的注释
   且 电话卡数 >= 电话卡数标准
  则 情节严重，情节严重依据  # 行尾注释

参数 电话卡数标准 = 20张 依据 法发〔2025〕12号第6条第(3)项
事实 电话卡数：整数 “张数”

# 全角井号
# 双斜线
示例 “示例 一” 封闭世界
  案情 电话卡数 = 20，被帮助对象犯罪查证 = 已查证达到
  预期 情节严重 = 真
";
    assert_eq!(out, want);
    assert_eq!(parse(&out), parse(MESSY));
    assert_eq!(fmt(&out), out, "not idempotent");
}

#[test]
fn every_shipped_rule_file_keeps_its_meaning_and_comments_and_is_stable() {
    for (name, text) in shipped() {
        let out = fmt(&text);
        assert_eq!(parse(&out), parse(&text), "{name}: meaning changed");
        let before: Vec<String> = comments::scan(&text).into_iter().map(|c| c.text).collect();
        let after: Vec<String> = comments::scan(&out).into_iter().map(|c| c.text).collect();
        assert_eq!(before.len(), after.len(), "{name}: comments lost");
        assert_eq!(fmt(&out), out, "{name}: not idempotent");
    }
}

#[test]
fn long_conditions_break_before_each_operator_and_nest() {
    let text = "规则 甲 依据 法释〔2019〕15号第12条第2款 若 被帮助对象犯罪查证 是 客观无法查证 且 (支付结算金额 达 支付结算金额标准 的 无法查证倍数 倍 以上 或 广告投放资金 达 广告投放资金标准 的 无法查证倍数 倍 以上 或 被帮助对象犯罪后果 是 特别严重) 则 情节严重";
    let out = fmt(text);
    let want = "规则 甲
  依据 法释〔2019〕15号第12条第2款
  若 被帮助对象犯罪查证 是 客观无法查证
   且 (支付结算金额 达 支付结算金额标准 的 无法查证倍数 倍 以上
        或 广告投放资金 达 广告投放资金标准 的 无法查证倍数 倍 以上
        或 被帮助对象犯罪后果 是 特别严重)
  则 情节严重
";
    assert_eq!(out, want);
    assert_eq!(parse(&out), parse(text));
}

#[test]
fn operators_keep_their_legal_words_and_precedence() {
    let text = "规则 甲 依据 刑法第17条 若 非 (甲 或 乙) 且 丙 在 3 以内 且 丁 等于 戊 且 集合 包含 词 且 (a - (b - c)) * 2 超过 -x 且 年 不满 2 且 己 <= 1 则 丙";
    let out = fmt(text);
    assert!(out.contains("非 (甲 或 乙)"), "{out}");
    assert!(out.contains("丙 在 3 以内"), "{out}");
    assert!(out.contains("丁 是 戊"), "{out}");
    assert!(out.contains("集合 包含 词"), "{out}");
    assert!(out.contains("(a - (b - c)) * 2 超过 -x"), "{out}");
    assert!(out.contains("年 不满 2"), "{out}");
    assert!(out.contains("己 <= 1"), "{out}");
    assert_eq!(parse(&out), parse(text));
    assert_eq!(fmt(&out), out);
}

#[test]
fn comments_everywhere_are_kept_and_stay_put() {
    let text = "# 一
记录 甲记录 {   # 二
  # 三
  类型：枚举{出售, 出租（待定）},  # 四
  数额：金额
} # 五
参数 标准 依据 法发〔2025〕12号第6条第(1)项 较高者有利 # 六
  # 七
  值 30万元 至 2026-12-31 # 八
  值 50万元 自 2027-01-01
规则 乙
  # 九
  若 合计(账户.流入资金 其中 归属 是 本人 # 十
          且 行为 属于 {出售, 出租}) 达 标准 以上
  依据 法发〔2025〕12号第6条第(1)项
  则 情节严重 # 十一
示例 丙 案情 甲 = 1, # 十二
  乙 = 2 预期 丁 = 真
# 十三
";
    let out = fmt(text);
    for n in [
        "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三",
    ] {
        assert!(out.contains(&format!("# {n}\n")), "# {n} lost:\n{out}");
    }
    assert!(out.contains("记录 甲记录 {  # 二\n"), "{out}");
    assert!(
        out.contains("  类型：枚举{出售，出租（待定）}，  # 四\n"),
        "{out}"
    );
    assert!(out.contains("}  # 五\n"), "{out}");
    assert!(out.contains("值 30万元 至 2026-12-31  # 八\n"), "{out}");
    assert!(out.contains("归属 是 本人  # 十\n"), "{out}");
    assert!(out.contains("  则 情节严重  # 十一\n"), "{out}");
    assert_eq!(parse(&out), parse(text));
    assert_eq!(fmt(&out), out, "not idempotent:\n{out}");
}

#[test]
fn a_file_with_a_syntax_error_is_refused() {
    let Err(d) = format_source("规则 甲 若 电话卡数 达 则") else {
        panic!("formatted a broken file")
    };
    assert_eq!(d[0].code, Code::Syntax);
}

#[test]
fn a_rule_with_a_repeated_clause_is_refused() {
    let Err(d) = format_source("规则 甲 依据 刑法第17条 依据 刑法第13条 若 真 则 乙")
    else {
        panic!("formatted a rule with two 依据")
    };
    assert!(d[0].message.contains("写了两次"), "{:?}", d[0]);
}

#[test]
fn texts_and_citations_are_canonical() {
    let text = "条文 法释〔2019〕15号第12条第1款第（2）项 \"支付结算金额二十万元以上的；\"\n条文 刑法第17条 “已满“十六周岁”的人”\n条文 甲第1条 \"含”单个右引号\"";
    let out = fmt(text);
    assert_eq!(
        out,
        "条文 法释〔2019〕15号第12条第(2)项 “支付结算金额二十万元以上的；”\n条文 刑法第17条 “已满“十六周岁”的人”\n条文 甲第1条 \"含”单个右引号\"\n"
    );
}

#[test]
fn empty_and_comment_only_files() {
    assert_eq!(fmt(""), "");
    assert_eq!(
        fmt("\n\n# 只有注释\n\n\n# 第二条\n"),
        "# 只有注释\n\n# 第二条\n"
    );
}

/// Comments on every line, at the end of every line, and between every two lines of every
/// shipped file: all kept, the meaning unchanged, and a second run changes nothing.
#[test]
fn comments_in_every_place_of_the_shipped_files_survive() {
    for (name, text) in shipped() {
        let lines: Vec<&str> = text.lines().collect();
        let mut variants = Vec::new();
        let mut trailing = String::new();
        let mut own = String::new();
        for (i, l) in lines.iter().enumerate() {
            if l.trim().is_empty() || l.trim_start().starts_with('#') {
                trailing.push_str(l);
            } else {
                trailing.push_str(&format!("{l}  # 尾{i}"));
            }
            trailing.push('\n');
            own.push_str(&format!("  # 行{i}\n{l}\n"));
        }
        variants.push(trailing);
        variants.push(own);
        for v in variants {
            let out = match format_source(&v) {
                Ok(o) => o,
                Err(d) => panic!("{name}: {d:?}"),
            };
            let count = |s: &str| comments::scan(s).len();
            assert_eq!(count(&out), count(&v), "{name}");
            assert_eq!(parse(&out), parse(&v), "{name}");
            assert_eq!(fmt(&out), out, "{name}: not idempotent\n{out}");
        }
    }
}
