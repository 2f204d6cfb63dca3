//! Reading an input file with positions: what every file kind shares (reading bytes and UTF-8
//! text, TOML syntax errors, unknown keys, line and column of a span, the value as written,
//! did-you-mean suggestions).
use super::InputError;
use std::ops::Range;
use std::path::Path;
use toml::de::DeTable;

/// A value a user gave, cut for a message: at most 60 characters, then `…` and its full size
/// (a 100 kB value is not echoed back whole).
pub fn clip(text: &str) -> String {
    match text.char_indices().nth(57) {
        Some((cut, _)) if text.chars().count() > 60 => {
            format!("{}… ({} bytes)", &text[..cut], text.len())
        }
        _ => text.to_string(),
    }
}

/// Largest input file read: 64 MB.
pub const MAX_INPUT_BYTES: u64 = 64_000_000;

/// The bytes of an input file: a regular file (not `/dev/zero`, a folder or a pipe) of at most
/// [`MAX_INPUT_BYTES`].
pub fn read_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let f = std::fs::File::open(path)?;
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(std::io::Error::other(format!(
            "{} bytes; input files are at most {MAX_INPUT_BYTES} bytes",
            meta.len()
        )));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    f.take(MAX_INPUT_BYTES).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// "an array", "a table": a TOML type name with its article.
pub fn a_type(type_name: &str) -> String {
    if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {type_name}")
    } else {
        format!("a {type_name}")
    }
}

/// Where bytes stop being UTF-8: line, column and byte offset of the first invalid byte.
fn invalid_at(e: &std::string::FromUtf8Error) -> (usize, usize, usize) {
    let at = e.utf8_error().valid_up_to();
    let good = std::str::from_utf8(&e.as_bytes()[..at]).unwrap_or_default();
    let (line, col) = line_col(good, good.len());
    (line, col, at)
}

/// Bytes as UTF-8 text, or where they stop being UTF-8: `line 3, column 7 (byte offset 41)`.
pub fn utf8(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        let (line, col, at) = invalid_at(&e);
        format!("not UTF-8 text: an invalid byte at line {line}, column {col} (byte offset {at}); save the file as UTF-8")
    })
}

/// Reads a file to text; `file` is the name errors give it. Text that is not UTF-8 is an error
/// at the line and column of the first invalid byte.
pub fn read(path: &Path, file: &str) -> Result<String, InputError> {
    let bytes = read_bytes(path).map_err(|source| InputError::Io {
        file: clip(file),
        source,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let (line, col, at) = invalid_at(&e);
        InputError::Syntax {
            file: file.into(),
            line,
            col,
            msg: format!(
                "not UTF-8 text: an invalid byte at byte offset {at}; save the file as UTF-8"
            ),
        }
    })
}

/// An input file read whole: the name its errors give it, its text, the folder against which
/// the paths it names are resolved, and its stem (the default name of what it describes).
#[derive(Debug, Clone)]
pub struct InputFile {
    /// the path as the user wrote it
    pub file: String,
    /// the whole text
    pub text: String,
    /// the file's folder (`.` for a bare file name)
    pub dir: std::path::PathBuf,
    /// the file name without its extension
    pub stem: Option<String>,
}

impl InputFile {
    /// Reads `path` ([`read`]: a regular UTF-8 file of at most [`MAX_INPUT_BYTES`]).
    pub fn read(path: &Path) -> Result<InputFile, InputError> {
        let file = path.display().to_string();
        let text = read(path, &file)?;
        Ok(InputFile {
            text,
            dir: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
            stem: path.file_stem().map(|s| s.to_string_lossy().into_owned()),
            file,
        })
    }

    /// The text with the name errors give it.
    pub fn source(&self) -> Source<'_> {
        Source {
            file: &self.file,
            text: &self.text,
        }
    }
}

/// 1-based line and column of a byte offset (an offset inside a character counts from its start).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(offset, |p| offset - p - 1) + 1;
    (line, col)
}

pub use partnersim_engine::names::closest;

/// `", did you mean `s`?"` for a suggestion, else empty.
pub fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion
        .map(|s| format!(", did you mean `{s}`?"))
        .unwrap_or_default()
}

/// [`did_you_mean`] the closest of a short list of words (similarity above 0.7).
pub fn hint(word: &str, candidates: &[&str]) -> String {
    did_you_mean(closest(word, candidates.iter().copied(), 0.7))
}

/// The text of an input file and the name its errors give it.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    /// the name errors give the file (its path as the user wrote it)
    pub file: &'a str,
    /// the whole text
    pub text: &'a str,
}

impl<'a> Source<'a> {
    /// Parses the text as a TOML document that keeps spans.
    pub fn parse(&self) -> Result<toml::Spanned<DeTable<'a>>, InputError> {
        DeTable::parse(self.text).map_err(|e| {
            let (line, col) = e.span().map_or((1, 1), |s| line_col(self.text, s.start));
            InputError::Syntax {
                file: self.file.into(),
                line,
                col,
                msg: e.message().trim().to_string(),
            }
        })
    }

    /// Line and column where a span starts.
    pub fn at(&self, span: Range<usize>) -> (usize, usize) {
        line_col(self.text, span.start)
    }

    /// The text of a span as written, trimmed and cut to 60 characters.
    pub fn written(&self, span: Range<usize>) -> String {
        let t = self.text.get(span).unwrap_or("?").trim();
        match t.char_indices().nth(57) {
            Some((cut, _)) if t.chars().count() > 60 => format!("{}…", &t[..cut]),
            _ => t.to_string(),
        }
    }

    /// An unknown key at `span`.
    pub fn unknown_key(&self, span: Range<usize>, key: String, hint: String) -> InputError {
        let (line, col) = self.at(span);
        InputError::UnknownKey {
            file: self.file.into(),
            line,
            col,
            key: clip(&key),
            hint,
        }
    }

    /// A use of TOML this file kind does not allow, at `span`.
    pub fn syntax(&self, span: Range<usize>, msg: impl Into<String>) -> InputError {
        let (line, col) = self.at(span);
        InputError::Syntax {
            file: self.file.into(),
            line,
            col,
            msg: msg.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_never_splits_a_character() {
        let t = "a = 1\nné = 2\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 7), (2, 2));
        assert_eq!(line_col(t, 8), (2, 2)); // inside the two bytes of é
        assert_eq!(line_col(t, 1000), (3, 1));
    }

    #[test]
    fn suggestions_are_of_comparable_length() {
        let keys = ["a", "b", "bootstrap", "samples", "seed"];
        assert_eq!(closest("bootstrap_samples", ["a", "b"], 0.7), None);
        assert_eq!(closest("bootstrap_samples", keys, 0.7), Some("bootstrap"));
        assert_eq!(closest("sampels", keys, 0.7), Some("samples"));
        assert_eq!(closest("bootstrp", keys, 0.7), Some("bootstrap"));
    }

    #[test]
    fn written_values_are_cut_at_sixty_characters() {
        let long = format!("x = \"{}\"", "é".repeat(100));
        let s = Source {
            file: "f",
            text: &long,
        };
        let w = s.written(4..long.len());
        assert_eq!(w.chars().count(), 58);
        assert!(w.ends_with('…'));
        let short = Source {
            file: "f",
            text: "x = 12 ",
        };
        assert_eq!(short.written(4..7), "12");
    }
}
