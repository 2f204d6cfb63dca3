//! The input layer: every file the tool reads, of every kind, through one error type.
//!
//! - [`InputError`] ([`error`]): the one error of a bad input file, naming the file and
//!   line:column (TOML) or row:column (CSV), the key, the value as written and what is allowed;
//!   `commands::exit_code` maps it to exit code 2.
//! - [`tomlfile`]: reading a file's bytes and text, TOML with spans, line and column of a span,
//!   did-you-mean suggestions.
//! - [`reader`]: typed values of a TOML file ([`Reader`]: strings, numbers in a range, whole
//!   numbers, booleans, arrays of tables, unknown keys).
//! - [`csv`]: the one strict CSV reader (duplicate, unknown and missing columns and ragged rows
//!   refused with file:row; cells located by row and column).
//! - [`keys`]: the tables of keys that generate the key references in the docs.
//!
//! The file kinds read through it: scenario files (`crate::input::scenario`), sweep files and their
//! design CSVs (`crate::studies::sweep::spec`), explore files (`crate::studies::explore::spec`), calibration files
//! (`crate::studies::calibrate::spec`), posterior CSVs (`crate::studies::posterior`) and the classroom page's
//! levers (`crate::serve::levers`). A new file kind parses with [`Reader`] (TOML) or
//! [`csv::Table`] (CSV) and returns [`InputError`]: it needs no entry in the exit-code mapping.

pub mod csv;
pub mod error;
pub mod keys;
pub mod reader;
pub mod scenario;
pub mod tomlfile;

pub use error::InputError;
pub use reader::{Reader, Sv};
pub use tomlfile::Source;
