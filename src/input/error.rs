//! The one error type of every input file: [`InputError`].
//!
//! Each variant names the file and, where the problem has a place, its line and column (TOML) or
//! row and column (CSV), the key, the value as written and what is allowed. Scenario, sweep,
//! explore and calibration files, design and posterior CSVs and the classroom levers all refuse
//! bad input with it, so `commands::exit_code` maps one type to exit code 2.

/// A problem with an input file, always pointing at where it is.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// file path
        file: String,
        /// cause
        source: std::io::Error,
    },
    /// The file is not valid TOML (or uses TOML in a way this file kind does not allow), or is
    /// not UTF-8 text.
    #[error("{file}:{line}:{col}: TOML syntax error: {msg}")]
    Syntax {
        /// file
        file: String,
        /// 1-based line
        line: usize,
        /// 1-based column
        col: usize,
        /// parser message
        msg: String,
    },
    /// A key this kind of file does not have.
    #[error("{file}:{line}:{col}: unknown key `{key}`{hint}")]
    UnknownKey {
        /// file
        file: String,
        /// line
        line: usize,
        /// column
        col: usize,
        /// the key (dotted path)
        key: String,
        /// ", did you mean `…`?" or empty
        hint: String,
    },
    /// A required key is absent.
    #[error("{file}:{line}:{col}: missing key `{key}`: {msg}")]
    Missing {
        /// file
        file: String,
        /// line (of the table that lacks the key)
        line: usize,
        /// column
        col: usize,
        /// the key
        key: String,
        /// why it is needed
        msg: String,
    },
    /// A value of the wrong type, out of range or contradicting another.
    #[error("{file}:{line}:{col}: `{key}` = {value}: {problem}; allowed: {allowed}")]
    BadValue {
        /// file
        file: String,
        /// line
        line: usize,
        /// column
        col: usize,
        /// the key
        key: String,
        /// the value as written
        value: String,
        /// what is wrong
        problem: String,
        /// what is allowed (with the unit, for a parameter)
        allowed: String,
    },
    /// A key whose value is wrong in a way that has no single allowed range (a name used twice,
    /// a choice that contradicts another key).
    #[error("{file}:{line}:{col}: key `{key}`: {msg}")]
    BadKey {
        /// file
        file: String,
        /// line
        line: usize,
        /// column
        col: usize,
        /// the key
        key: String,
        /// what is wrong and what to do
        msg: String,
    },
    /// A parameter path that is not registered (nor an input of a test model).
    #[error("{file}:{line}:{col}: `{key}` = \"{path}\": unknown parameter{hint}")]
    UnknownParameter {
        /// file
        file: String,
        /// line
        line: usize,
        /// column
        col: usize,
        /// the key that names it
        key: String,
        /// the path given
        path: String,
        /// ", did you mean `…`?" or a list of inputs
        hint: String,
    },
    /// The job would be absurdly large; refused before anything runs.
    #[error("{file}:{line}:{col}: {what} too large: {reason}")]
    TooLarge {
        /// file
        file: String,
        /// line
        line: usize,
        /// column
        col: usize,
        /// "sweep", "exploration"
        what: &'static str,
        /// the sizes and the limit
        reason: String,
    },
    /// A problem of the file as a whole: a file of another kind, an `extends` chain, a required
    /// table absent.
    #[error("{file}: {msg}")]
    File {
        /// file
        file: String,
        /// what is wrong and what to do
        msg: String,
    },
    /// Values that are each in range but contradict each other
    /// ([`crate::input::scenario::Scenario::check_consistency`]).
    #[error("{file}: {msg}")]
    Inconsistent {
        /// file, `file:line:col`, `file:row` or "scenario"
        file: String,
        /// message
        msg: String,
    },
    /// A file another file names (a base scenario, a regime's scenario) could not be loaded.
    #[error("{file}:{line}:{col}: {what}: {source}")]
    Nested {
        /// file
        file: String,
        /// line of the key that names it
        line: usize,
        /// column
        col: usize,
        /// "base scenario", "regime `name`", "key `scenario`"
        what: String,
        /// cause
        source: Box<InputError>,
    },
    /// A `--set KEY=VALUE` override (or a value set without a file: a lever, a draw).
    #[error("--set {text}: {msg}")]
    Override {
        /// the override as typed
        text: String,
        /// message
        msg: String,
    },
    /// A CSV file whose layout is wrong at a row: a duplicate, unknown or missing column, a
    /// ragged row.
    #[error("{file}:{row}: {msg}")]
    CsvRow {
        /// file
        file: String,
        /// 1-based row (the header is row 1)
        row: usize,
        /// what is wrong
        msg: String,
    },
    /// A CSV cell of the wrong type or out of range.
    #[error("{file}:{row}:{col}: column `{column}` = {value}: {problem}; allowed: {allowed}")]
    CsvValue {
        /// file
        file: String,
        /// 1-based row (the header is row 1)
        row: usize,
        /// 1-based character column of the cell
        col: usize,
        /// the column's name
        column: String,
        /// the cell as written
        value: String,
        /// what is wrong
        problem: String,
        /// what is allowed
        allowed: String,
    },
    /// A sampled state of the world gives a regime values that contradict each other.
    #[error("{file}: state {state} ({values}) makes regime `{regime}` inconsistent: {msg}; narrow the ranges of [[uncertainties]]")]
    State {
        /// file
        file: String,
        /// the state
        state: usize,
        /// its values, as `path = value` pairs
        values: String,
        /// the regime
        regime: String,
        /// what contradicts what
        msg: String,
    },
    /// Given states (posterior draws) that cannot be used.
    #[error("{origin}: {msg}")]
    States {
        /// where they came from
        origin: String,
        /// what is wrong
        msg: String,
    },
}

impl InputError {
    /// What is wrong, without the place when another place is about to be named (the message
    /// of [`InputError::Inconsistent`] and [`InputError::Override`]; else the whole error).
    pub fn message(self) -> String {
        match self {
            InputError::Inconsistent { msg, .. } | InputError::Override { msg, .. } => msg,
            other => other.to_string(),
        }
    }

    /// This error as the cause of a problem with a file another file names at `line:col` of
    /// `file` (`what`: "base scenario", "regime `name`").
    pub fn within(self, file: &str, (line, col): (usize, usize), what: &str) -> InputError {
        InputError::Nested {
            file: file.into(),
            line,
            col,
            what: what.into(),
            source: Box::new(self),
        }
    }
}
