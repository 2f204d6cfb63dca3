//! Typed values of a TOML input file (sweep, explore): each check returns the value or an
//! [`InputError`] naming the file, line, column and key and saying what is allowed.

use super::tomlfile::{closest, did_you_mean, Source};
use super::InputError;
use crate::params::RawValue;
use std::ops::Range;
use toml::de::{DeArray, DeTable, DeValue};

/// A value with its span.
pub type Sv<'i> = toml::Spanned<DeValue<'i>>;

/// An input file's text and the checks its values go through.
#[derive(Clone, Copy)]
pub struct Reader<'a>(pub Source<'a>);

impl<'a> std::ops::Deref for Reader<'a> {
    type Target = Source<'a>;
    fn deref(&self) -> &Source<'a> {
        &self.0
    }
}

impl<'a> Reader<'a> {
    /// A reader of `source`.
    pub fn new(source: Source<'a>) -> Self {
        Reader(source)
    }

    /// A value that is wrong: what is wrong and what is allowed.
    pub fn bad(
        &self,
        key: &str,
        v: &Sv<'_>,
        problem: impl Into<String>,
        allowed: impl Into<String>,
    ) -> InputError {
        let (line, col) = self.at(v.span());
        InputError::BadValue {
            file: self.file.into(),
            line,
            col,
            key: key.into(),
            value: self.written(v.span()),
            problem: problem.into(),
            allowed: allowed.into(),
        }
    }

    /// A key whose value is wrong in a way no allowed range says, at `span`.
    pub fn bad_key(&self, span: Range<usize>, key: &str, msg: impl Into<String>) -> InputError {
        let (line, col) = self.at(span);
        InputError::BadKey {
            file: self.file.into(),
            line,
            col,
            key: key.into(),
            msg: msg.into(),
        }
    }

    /// A key that is required but absent from the table at `span`.
    pub fn missing(&self, span: Range<usize>, key: &str, msg: impl Into<String>) -> InputError {
        let (line, col) = self.at(span);
        InputError::Missing {
            file: self.file.into(),
            line,
            col,
            key: key.into(),
            msg: msg.into(),
        }
    }

    /// A job too large to run (`what`: "sweep", "exploration"), at `span`.
    pub fn too_large(&self, what: &'static str, span: Range<usize>, reason: String) -> InputError {
        let (line, col) = self.at(span);
        InputError::TooLarge {
            file: self.file.into(),
            line,
            col,
            what,
            reason,
        }
    }

    /// A text value.
    pub fn string(&self, key: &str, v: &Sv<'_>, allowed: &str) -> Result<String, InputError> {
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

    /// A finite number (an integer or float literal).
    pub fn number(&self, key: &str, v: &Sv<'_>, allowed: &str) -> Result<f64, InputError> {
        let x = match crate::input::scenario::raw_of(v.get_ref()) {
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
        if !x.is_finite() {
            return Err(self.bad(key, v, "not a finite number", allowed));
        }
        Ok(x)
    }

    /// A finite number within `[lo, hi]`.
    pub fn number_in(
        &self,
        key: &str,
        v: &Sv<'_>,
        lo: f64,
        hi: f64,
        allowed: &str,
    ) -> Result<f64, InputError> {
        let x = self.number(key, v, allowed)?;
        if x < lo || x > hi {
            return Err(self.bad(key, v, "out of range", allowed));
        }
        Ok(x)
    }

    /// A whole number from `lo` to `hi`.
    pub fn integer(&self, key: &str, v: &Sv<'_>, lo: i64, hi: i64) -> Result<i64, InputError> {
        let allowed = format!("a whole number from {lo} to {hi}");
        match crate::input::scenario::raw_of(v.get_ref()) {
            Some(RawValue::Int(i)) if (lo..=hi).contains(&i) => Ok(i),
            Some(RawValue::Int(_)) => Err(self.bad(key, v, "out of range", allowed)),
            // an integer literal too large for i64
            Some(RawValue::Float(_)) if matches!(v.get_ref(), DeValue::Integer(_)) => {
                Err(self.bad(key, v, "out of range", allowed))
            }
            _ => Err(self.bad(
                key,
                v,
                format!("expected a whole number, found {}", v.get_ref().type_str()),
                allowed,
            )),
        }
    }

    /// A whole number from `lo` to `hi` (at most `i64::MAX`), as unsigned.
    pub fn whole(&self, key: &str, v: &Sv<'_>, lo: u64, hi: u64) -> Result<u64, InputError> {
        let cap = |x: u64| x.min(i64::MAX as u64) as i64;
        self.integer(key, v, cap(lo), cap(hi)).map(|x| x as u64)
    }

    /// `true` or `false`.
    pub fn boolean(&self, key: &str, v: &Sv<'_>) -> Result<bool, InputError> {
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

    /// An array.
    pub fn array<'b, 'i>(
        &self,
        key: &str,
        v: &'b Sv<'i>,
        allowed: &str,
    ) -> Result<&'b DeArray<'i>, InputError> {
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

    /// The tables of an array of tables (`[[key]]`), each with its span.
    pub fn tables<'b, 'i>(
        &self,
        key: &str,
        v: &'b Sv<'i>,
    ) -> Result<Vec<(&'b DeTable<'i>, Range<usize>)>, InputError> {
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

    /// Refuses keys of `table` that are not in `allowed` (with a suggestion); `prefix` goes
    /// before the key in the message (`parameters.`).
    pub fn check_keys(
        &self,
        table: &DeTable<'_>,
        allowed: &[&str],
        prefix: &str,
    ) -> Result<(), InputError> {
        for (k, _) in table.iter() {
            let key: &str = k.get_ref();
            if !allowed.contains(&key) {
                let hint = did_you_mean(closest(key, allowed.iter().copied(), 0.7));
                return Err(self.unknown_key(k.span(), format!("{prefix}{key}"), hint));
            }
        }
        Ok(())
    }
}
