//! Typed values of an explore file, each error naming the file, line, column and key and saying
//! what is allowed.

use super::ExploreError;
use crate::params::RawValue;
use crate::tomlfile::{closest, did_you_mean};
use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// A value with its span.
pub(super) type Sv<'i> = toml::Spanned<DeValue<'i>>;

/// An explore file's text and the checks its values go through.
pub(super) type Reader<'a> = crate::tomlfile::Reader<'a, ExploreError>;

impl crate::tomlfile::FileErrors for ExploreError {
    fn bad_value(
        file: String,
        line: usize,
        col: usize,
        key: String,
        value: String,
        problem: String,
        allowed: String,
    ) -> Self {
        ExploreError::BadValue {
            file,
            line,
            col,
            key,
            value,
            problem,
            allowed,
        }
    }
    fn missing(file: String, line: usize, col: usize, key: String, msg: String) -> Self {
        ExploreError::Missing {
            file,
            line,
            col,
            key,
            msg,
        }
    }
}

impl Reader<'_> {
    /// A text value.
    pub(super) fn text(&self, key: &str, v: &Sv<'_>) -> Result<String, ExploreError> {
        match v.get_ref() {
            DeValue::String(s) => Ok(s.to_string()),
            other => Err(self.bad(
                key,
                v,
                format!("expected a string, found {}", other.type_str()),
                "a string in quotes",
            )),
        }
    }

    /// A finite number (integer or float literal) within `[lo, hi]`.
    pub(super) fn number_in(
        &self,
        key: &str,
        v: &Sv<'_>,
        lo: f64,
        hi: f64,
        allowed: &str,
    ) -> Result<f64, ExploreError> {
        let x = match crate::scenario::raw_of(v.get_ref()) {
            Some(RawValue::Int(i)) => i as f64,
            Some(RawValue::Float(f)) => f,
            _ => {
                return Err(self.bad(
                    key,
                    v,
                    format!("expected a number, found {}", v.get_ref().type_str()),
                    allowed,
                ))
            }
        };
        if !x.is_finite() || x < lo || x > hi {
            return Err(self.bad(key, v, "out of range", allowed));
        }
        Ok(x)
    }

    /// A whole number from `lo` to `hi`.
    pub(super) fn whole(
        &self,
        key: &str,
        v: &Sv<'_>,
        lo: u64,
        hi: u64,
    ) -> Result<u64, ExploreError> {
        let allowed = format!("a whole number from {lo} to {hi}");
        match crate::scenario::raw_of(v.get_ref()) {
            Some(RawValue::Int(i)) if i >= 0 && (lo..=hi).contains(&(i as u64)) => Ok(i as u64),
            Some(RawValue::Int(_)) => Err(self.bad(key, v, "out of range", allowed)),
            _ => Err(self.bad(
                key,
                v,
                format!("expected a whole number, found {}", v.get_ref().type_str()),
                allowed,
            )),
        }
    }

    /// `true` or `false`.
    pub(super) fn flag(&self, key: &str, v: &Sv<'_>) -> Result<bool, ExploreError> {
        match v.get_ref() {
            DeValue::Boolean(b) => Ok(*b),
            other => Err(self.bad(
                key,
                v,
                format!("expected true or false, found {}", other.type_str()),
                "true | false",
            )),
        }
    }

    /// The tables of an array of tables (`[[key]]`).
    pub(super) fn tables<'b, 'i>(
        &self,
        key: &str,
        v: &'b Sv<'i>,
    ) -> Result<Vec<(&'b DeTable<'i>, Range<usize>)>, ExploreError> {
        let allowed = format!("[[{key}]] tables");
        let DeValue::Array(items) = v.get_ref() else {
            return Err(self.bad(
                key,
                v,
                format!(
                    "expected an array of tables, found {}",
                    v.get_ref().type_str()
                ),
                allowed,
            ));
        };
        items
            .iter()
            .map(|item| match item.get_ref() {
                DeValue::Table(t) => Ok((t, item.span())),
                other => Err(self.bad(
                    key,
                    item,
                    format!("expected a table, found {}", other.type_str()),
                    allowed.clone(),
                )),
            })
            .collect()
    }

    /// Refuses keys of `table` that are not in `allowed` (with a suggestion).
    pub(super) fn only(
        &self,
        table: &DeTable<'_>,
        allowed: &[String],
        prefix: &str,
    ) -> Result<(), ExploreError> {
        for (k, _) in table.iter() {
            let key: &str = k.get_ref();
            if !allowed.iter().any(|a| a == key) {
                let hint = did_you_mean(closest(key, allowed.iter().map(String::as_str), 0.7));
                return Err(self
                    .unknown_key(k.span(), format!("{prefix}{key}"), hint)
                    .into());
            }
        }
        Ok(())
    }
}

/// A name that can be a CSV cell and part of a file name: letters, digits and `_ - . +`.
pub(super) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '+'))
}
