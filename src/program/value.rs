//! Runtime values. Numbers of every kind (counts, yuan, multiples) are exact decimals; the
//! checker has already made sure that a count is never compared with an amount.

use crate::syntax::ast::Period;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::sync::Arc;

/// One record of a 列表<记录>: field values in declared order.
pub type Record = Box<[Value]>;

/// A value of a fact, parameter, conclusion or expression.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// 待定: not known.
    #[default]
    Unknown,
    /// 真 / 假
    Bool(bool),
    /// 整数, 金额, 倍 — exact.
    Num(Decimal),
    /// 日期
    Date(NaiveDate),
    /// 期间
    Period(Period),
    /// 文本
    Text(Arc<str>),
    /// A word of an enumeration, by index.
    Word(u16),
    /// A set of words of one enumeration, as a bit set (at most 64 words).
    Words(u64),
    /// A set of citations or texts, by index, sorted.
    Ids(Arc<[u32]>),
    /// A list of records.
    List(Arc<[Record]>),
}

impl Value {
    /// Whether the value is known.
    pub fn is_known(&self) -> bool {
        !matches!(self, Value::Unknown)
    }

    /// The truth value, if this is a known boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

/// Kleene's three-valued logic: `None` is 待定.
pub type Tri = Option<bool>;

/// 且: false wins over unknown.
pub fn and(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// 或: true wins over unknown.
pub fn or(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

/// 非
pub fn not(a: Tri) -> Tri {
    a.map(|b| !b)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Tri = Some(true);
    const F: Tri = Some(false);
    const U: Tri = None;

    #[test]
    fn kleene_and() {
        assert_eq!(and(F, U), F, "假 且 未知 = 假");
        assert_eq!(and(U, F), F);
        assert_eq!(and(T, U), U);
        assert_eq!(and(U, U), U);
        assert_eq!(and(T, T), T);
        assert_eq!(and(T, F), F);
    }

    #[test]
    fn kleene_or() {
        assert_eq!(or(T, U), T, "真 或 未知 = 真");
        assert_eq!(or(U, T), T);
        assert_eq!(or(F, U), U);
        assert_eq!(or(U, U), U);
        assert_eq!(or(F, F), F);
        assert_eq!(or(F, T), T);
    }

    #[test]
    fn kleene_not() {
        assert_eq!(not(T), F);
        assert_eq!(not(F), T);
        assert_eq!(not(U), U);
    }
}
