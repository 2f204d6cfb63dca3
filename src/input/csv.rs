//! The one strict CSV reader: every CSV the tool reads (a sweep's external design, a
//! calibration's posterior) goes through [`Table`].
//!
//! A header names the columns, each once; every row has exactly as many cells as the header.
//! Cells are trimmed and may be quoted (`"24"`), but may not contain a comma. Blank lines are
//! skipped. Every problem is an [`InputError`] naming the file and the row (the header is
//! row 1) and, for a cell, its character column and the column's name.

use super::tomlfile::{self, clip};
use super::InputError;
use std::path::Path;

/// A cell: its text (trimmed, unquoted) and the 1-based character column where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// 1-based character column of the cell's first non-blank character
    pub col: usize,
    /// the text, trimmed, without surrounding quotes
    pub text: String,
}

/// A data row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based row in the file (the header is row 1)
    pub row: usize,
    /// the cells, one per column
    pub cells: Vec<Cell>,
}

/// A checked CSV file: a header of distinct, named columns and rows as wide as the header.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// the name errors give the file
    pub file: String,
    /// the header's cells
    pub header: Vec<Cell>,
    /// the data rows, in file order
    pub rows: Vec<Row>,
}

fn cells(line: &str) -> Vec<Cell> {
    let mut col = 1;
    line.split(',')
        .map(|c| {
            let at = col + c.chars().count() - c.trim_start().chars().count();
            col += c.chars().count() + 1;
            Cell {
                col: at,
                text: c.trim().trim_matches('"').to_string(),
            }
        })
        .collect()
}

impl Table {
    /// Reads a CSV file; `file` is the name errors give it.
    pub fn read(path: &Path, file: &str) -> Result<Table, InputError> {
        let bytes = tomlfile::read_bytes(path).map_err(|source| InputError::Io {
            file: clip(file),
            source,
        })?;
        let text = tomlfile::utf8(bytes).map_err(|msg| InputError::File {
            file: file.into(),
            msg,
        })?;
        Table::parse(file, &text)
    }

    /// Parses CSV text as if from a file named `file`: refuses an empty file, a column without
    /// a name, a column named twice and a row with more or fewer cells than the header. Lines
    /// starting with `#` before the header are passed over.
    pub fn parse(file: &str, text: &str) -> Result<Table, InputError> {
        let row_error = |row: usize, msg: String| InputError::CsvRow {
            file: file.into(),
            row,
            msg,
        };
        // `#` lines heading the file describe it (a shipped posterior's); rows are numbered as
        // lines of the whole file
        let mut lines = text
            .lines()
            .enumerate()
            .skip_while(|(_, l)| l.starts_with('#'))
            .filter(|(_, l)| !l.trim().is_empty());
        let Some((h, header)) = lines.next() else {
            return Err(row_error(
                1,
                "the file is empty; it needs a header of column names, then one row per line"
                    .into(),
            ));
        };
        let header = cells(header);
        for (k, c) in header.iter().enumerate() {
            if c.text.is_empty() {
                return Err(row_error(h + 1, format!("column {} has no name", k + 1)));
            }
            if header[..k].iter().any(|d| d.text == c.text) {
                return Err(row_error(
                    h + 1,
                    format!("column `{}` appears twice", clip(&c.text)),
                ));
            }
        }
        let mut rows = Vec::new();
        for (i, line) in lines {
            let cells = cells(line);
            if cells.len() != header.len() {
                return Err(row_error(
                    i + 1,
                    format!(
                        "{} cells where the header has {} columns",
                        cells.len(),
                        header.len()
                    ),
                ));
            }
            rows.push(Row { row: i + 1, cells });
        }
        Ok(Table {
            file: file.into(),
            header,
            rows,
        })
    }

    /// The names of the columns, in order.
    pub fn names(&self) -> Vec<&str> {
        self.header.iter().map(|c| c.text.as_str()).collect()
    }

    /// The index of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|c| c.text == name)
    }

    /// The index of a column that must be there; else an error naming what it holds.
    pub fn require(&self, name: &str, what: &str) -> Result<usize, InputError> {
        self.column(name).ok_or_else(|| InputError::CsvRow {
            file: self.file.clone(),
            row: 1,
            msg: format!("no column `{name}` ({what})"),
        })
    }

    /// Refuses a column not in `known`; `what` says which columns the file has.
    pub fn only(&self, known: &[&str], what: &str) -> Result<(), InputError> {
        match self
            .header
            .iter()
            .find(|c| !known.contains(&c.text.as_str()))
        {
            Some(c) => Err(InputError::CsvRow {
                file: self.file.clone(),
                row: 1,
                msg: format!("unexpected column `{}` ({what})", clip(&c.text)),
            }),
            None => Ok(()),
        }
    }

    /// A cell that is wrong: the file, row, column and its name, the cell, what is wrong and
    /// what is allowed.
    pub fn bad_cell(
        &self,
        row: &Row,
        c: usize,
        problem: impl Into<String>,
        allowed: impl Into<String>,
    ) -> InputError {
        InputError::CsvValue {
            file: self.file.clone(),
            row: row.row,
            col: row.cells.get(c).map_or(1, |x| x.col),
            column: self.header.get(c).map_or("?".into(), |h| clip(&h.text)),
            value: row.cells.get(c).map_or(String::new(), |x| clip(&x.text)),
            problem: problem.into(),
            allowed: allowed.into(),
        }
    }

    /// A finite number in cell `c` of `row`.
    pub fn number(&self, row: &Row, c: usize, allowed: &str) -> Result<f64, InputError> {
        let text = row.cells.get(c).map_or("", |x| x.text.as_str());
        match text.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(x),
            Ok(_) => Err(self.bad_cell(row, c, "not a finite number", allowed)),
            Err(_) => Err(self.bad_cell(row, c, "not a number", allowed)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        Table::parse("t.csv", text).unwrap_err().to_string()
    }

    #[test]
    fn duplicate_columns_ragged_rows_and_empty_files_are_refused_with_the_row() {
        assert_eq!(err("a,b,a\n1,2,3\n"), "t.csv:1: column `a` appears twice");
        assert_eq!(
            err("a,b\n1,2\n1,2,3\n"),
            "t.csv:3: 3 cells where the header has 2 columns"
        );
        assert_eq!(
            err("a,b\n1,2\n\n1\n"),
            "t.csv:4: 1 cells where the header has 2 columns"
        );
        assert!(err("\n\n").starts_with("t.csv:1: the file is empty"));
        assert_eq!(err("a,,b\n"), "t.csv:1: column 2 has no name");
    }

    #[test]
    fn cells_are_located_by_row_and_column() {
        let t = Table::parse("t.csv", "x, y\n1, \"2\"\n3,abc\n").unwrap();
        assert_eq!(t.names(), ["x", "y"]);
        assert_eq!(t.rows[0].cells[1].text, "2");
        assert_eq!(t.number(&t.rows[0], 1, "any").unwrap(), 2.0);
        assert_eq!(
            t.number(&t.rows[1], 1, "any number")
                .unwrap_err()
                .to_string(),
            "t.csv:3:3: column `y` = abc: not a number; allowed: any number"
        );
        assert_eq!(
            t.only(&["x"], "only x").unwrap_err().to_string(),
            "t.csv:1: unexpected column `y` (only x)"
        );
        assert_eq!(
            t.require("z", "the zs").unwrap_err().to_string(),
            "t.csv:1: no column `z` (the zs)"
        );
    }
}
