//! The checks every part of a sweep file uses: typed values with the file, line, column, key and
//! what is allowed in every error.

use super::SweepError;
use crate::tomlfile::hint;
use std::ops::Range;
use toml::de::{DeArray, DeTable, DeValue};

pub(super) type Sv<'i> = toml::Spanned<DeValue<'i>>;

/// A sweep file's text: the shared TOML-file reading plus the sweep file's checks.
pub(super) type Ctx<'a> = crate::tomlfile::Reader<'a, SweepError>;

impl crate::tomlfile::FileErrors for SweepError {
    fn bad_value(
        file: String,
        line: usize,
        col: usize,
        key: String,
        value: String,
        problem: String,
        allowed: String,
    ) -> Self {
        SweepError::BadValue {
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
        SweepError::Missing {
            file,
            line,
            col,
            key,
            msg,
        }
    }
}

impl Ctx<'_> {
    pub(super) fn too_large(&self, span: Range<usize>, reason: String) -> SweepError {
        let (line, col) = self.at(span);
        SweepError::TooLarge {
            file: self.file.into(),
            line,
            col,
            reason,
        }
    }

    pub(super) fn string(
        &self,
        key: &str,
        v: &Sv<'_>,
        allowed: &str,
    ) -> Result<String, SweepError> {
        match v.get_ref() {
            DeValue::String(s) => Ok(s.to_string()),
            other => Err(self.bad(
                key,
                v,
                format!("expected a string, found {}", other.type_str()),
                allowed,
            )),
        }
    }

    pub(super) fn number(&self, key: &str, v: &Sv<'_>, allowed: &str) -> Result<f64, SweepError> {
        let x = match v.get_ref() {
            DeValue::Integer(i) => {
                let digits = i.as_str().replace('_', "");
                let digits = digits
                    .trim_start_matches("0x")
                    .trim_start_matches("0o")
                    .trim_start_matches("0b");
                i64::from_str_radix(digits, i.radix())
                    .map(|i| i as f64)
                    .unwrap_or(f64::INFINITY)
            }
            DeValue::Float(f) => f
                .as_str()
                .replace('_', "")
                .parse::<f64>()
                .unwrap_or(f64::NAN),
            other => {
                return Err(self.bad(
                    key,
                    v,
                    format!("expected a number, found {}", other.type_str()),
                    allowed,
                ))
            }
        };
        if !x.is_finite() {
            return Err(self.bad(key, v, "not a finite number", allowed));
        }
        Ok(x)
    }

    pub(super) fn integer(
        &self,
        key: &str,
        v: &Sv<'_>,
        lo: i64,
        hi: i64,
    ) -> Result<i64, SweepError> {
        let allowed = format!("a whole number from {lo} to {hi}");
        let x = match v.get_ref() {
            DeValue::Integer(_) => self.number(key, v, &allowed)?,
            other => {
                return Err(self.bad(
                    key,
                    v,
                    format!("expected a whole number, found {}", other.type_str()),
                    allowed,
                ))
            }
        };
        if x < lo as f64 || x > hi as f64 {
            return Err(self.bad(key, v, "out of range", allowed));
        }
        Ok(x as i64)
    }

    pub(super) fn boolean(&self, key: &str, v: &Sv<'_>) -> Result<bool, SweepError> {
        match v.get_ref() {
            DeValue::Boolean(b) => Ok(*b),
            other => Err(self.bad(
                key,
                v,
                format!("expected a boolean, found {}", other.type_str()),
                "true | false",
            )),
        }
    }

    pub(super) fn array<'b, 'i>(
        &self,
        key: &str,
        v: &'b Sv<'i>,
        allowed: &str,
    ) -> Result<&'b DeArray<'i>, SweepError> {
        match v.get_ref() {
            DeValue::Array(a) => Ok(a),
            other => Err(self.bad(
                key,
                v,
                format!("expected an array, found {}", other.type_str()),
                allowed,
            )),
        }
    }

    pub(super) fn check_keys(
        &self,
        table: &DeTable<'_>,
        allowed: &[&str],
        prefix: &str,
    ) -> Result<(), SweepError> {
        for (k, _) in table.iter() {
            let key: &str = k.get_ref();
            if !allowed.contains(&key) {
                let hint = hint(key, allowed);
                return Err(self
                    .unknown_key(k.span(), format!("{prefix}{key}"), hint)
                    .into());
            }
        }
        Ok(())
    }
}
