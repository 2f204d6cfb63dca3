//! `partnersim params`: the parameter registry (path, unit, default, range, description, source).

use super::shared::TableFormat;
use std::io::Write;

/// Arguments of `params`.
#[derive(Debug, Clone)]
pub struct Args {
    /// output format
    pub format: TableFormat,
}

/// Prints every parameter.
pub fn execute(a: &Args, out: &mut dyn Write) -> anyhow::Result<super::shared::Outcome> {
    match a.format {
        TableFormat::Markdown => out.write_all(crate::params::markdown_table().as_bytes())?,
        TableFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["path", "unit", "default", "range", "description", "source"])?;
            for p in crate::params::registry() {
                w.write_record([
                    p.path.as_str(),
                    p.unit,
                    &p.default_text(),
                    &p.range_text(),
                    p.description,
                    p.source,
                ])?;
            }
            out.write_all(&w.into_inner()?)?;
        }
    }
    Ok(super::shared::Outcome::Done)
}
