//! Plots with plotters, PNG and SVG, rendered without system fonts.
//!
//! DejaVu Sans (Bitstream Vera licence, `assets/fonts/DejaVuSans-LICENSE.txt`)
//! is compiled into the binary and registered as `sans-serif` before any
//! drawing, so text renders on a headless machine with no fonts installed.
//! Plots never compute dynamics: they read saved CSVs. Bitmaps are rendered
//! to a temporary file and renamed, so a failed render leaves no partial PNG.
//!
//! Every plot of every study is a [`Figure`] written by [`save`] (or [`save_sized`]) as PNG and
//! SVG ([`figure`]); the chart kinds the run and comparison plots share are in `charts.rs`, the
//! run and comparison figures in `figures.rs`.

mod charts;
pub use charts::SMALL_MULTIPLES_ABOVE;
pub mod data;
pub mod figure;
pub use figure::{save, save_sized, Figure};
mod figures;
#[doc(hidden)]
pub mod fixture;
pub mod partnership_map;
pub mod png;
pub use png::Png;
pub mod text;

pub use figures::tornado;
pub use figures::{
    axis_label, comparison_plot_stems, comparison_plots, comparison_plots_from, display_order,
    has_posterior, headline_forest, run_plot_stems, run_plots, run_plots_from, verdict_colour,
    BOX_METRICS, BRINKERHOFF, BRINKERHOFF_METRICS, FAN_METRICS, FOREST_GROUPS, HEADLINE_FOREST,
    INTERVAL_NOTE, REVENUE_METRICS, REVENUE_MIX, SURVIVAL,
};

use plotters::style::{register_font, FontStyle, RGBColor};
use std::path::{Path, PathBuf};
use std::sync::Once;

/// The embedded font.
pub static FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// Registers the embedded font as `sans-serif` (idempotent).
pub fn init_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for style in [
            FontStyle::Normal,
            FontStyle::Bold,
            FontStyle::Italic,
            FontStyle::Oblique,
        ] {
            // Registration only fails for malformed font data, which is compiled in and tested.
            let _ = register_font("sans-serif", style, FONT);
        }
    });
}

/// Okabe–Ito colour-blind-safe palette (black last). Its yellow (240, 228, 66) is darkened to
/// (190, 170, 0): as a thin line or a dot on white the original can hardly be seen.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(190, 170, 0),   // yellow, darkened
    RGBColor(0, 0, 0),       // black
];

/// Colour of series `i`.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Colour of the reference series (a comparison's baseline): black, which no other scenario gets.
pub const REFERENCE: RGBColor = RGBColor(0, 0, 0);

/// Colours of `n` scenarios in display order, the same in every plot of a comparison: the one at
/// `reference` (if any) in [`REFERENCE`], the others from the palette without black, in order.
/// With more than seven others a colour could not tell them apart, so every other scenario is
/// drawn in the palette's first colour (blue) and named instead (small multiples, named rows or
/// named boxes). Forest plots colour by verdict instead (`figures::verdict_colour`).
pub fn scenario_colours(n: usize, reference: Option<usize>) -> Vec<RGBColor> {
    let others = &PALETTE[..PALETTE.len() - 1];
    let count = n - usize::from(reference.is_some_and(|r| r < n));
    if count > others.len() {
        return (0..n)
            .map(|i| {
                if Some(i) == reference {
                    REFERENCE
                } else {
                    PALETTE[0]
                }
            })
            .collect();
    }
    let mut k = 0;
    (0..n)
        .map(|i| {
            if Some(i) == reference {
                REFERENCE
            } else {
                k += 1;
                others[(k - 1) % others.len()]
            }
        })
        .collect()
}

/// A plotters error as an error of the caller: the operating system's error when there is one
/// inside (a full disk, a read-only folder), in words ([`crate::output::export::io_cause`]), rather
/// than plotters' nested `BackendError(DrawingError(…))`. [`render_atomic`] adds the file.
pub fn plot_err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow::anyhow!("{}", cause_text(&format!("{e:?}")))
}

/// The cause inside a plotters error's text (Debug or Display): the operating system's error in
/// words when there is one (`Os { code: 28 …}`, `(os error 28)`), else the innermost message.
pub fn cause_text(text: &str) -> String {
    let code = text
        .split("Os { code: ")
        .nth(1)
        .or_else(|| text.split("(os error ").nth(1))
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|d| d.parse::<i32>().ok());
    if let Some(code) = code {
        return crate::output::export::io_cause(&std::io::Error::from_raw_os_error(code));
    }
    if let Some(m) = text
        .split("message: \"")
        .nth(1)
        .and_then(|r| r.split('"').next())
    {
        return m.to_string();
    }
    let mut t = text;
    for prefix in ["backend error: ", "Drawing backend error: "] {
        t = t.strip_prefix(prefix).unwrap_or(t);
    }
    crate::input::tomlfile::clip(t)
}

/// A file-name-safe version of a name (letters, digits, `.`, `_` and `-` kept, the rest `_`).
pub fn safe_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Pixel size of every plot.
pub const SIZE: (u32, u32) = (960, 600);

/// Temporary sibling path for atomic rendering (keeps the extension so backends pick the format).
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".tmp-{}-{name}", std::process::id()))
}

/// Renders with `draw` into `path` atomically (temporary file, then rename).
pub fn render_atomic<F>(path: &Path, draw: F) -> anyhow::Result<()>
where
    F: FnOnce(&Path) -> anyhow::Result<()>,
{
    init_fonts();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::Error::new(crate::output::export::named(dir, &e)))?;
    }
    let tmp = temp_path(path);
    let drawn = draw(&tmp).and_then(|()| {
        std::fs::rename(&tmp, path).map_err(|e| {
            anyhow::Error::new(std::io::Error::other(crate::output::export::io_cause(&e)))
        })
    });
    match drawn {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(anyhow::anyhow!(
                "cannot draw {}: {}",
                path.display(),
                cause_text(&crate::error::render(&e))
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_scenario_gets_the_reference_colour() {
        for n in 1..20 {
            for r in [None, Some(0), Some(n / 2)] {
                let c = scenario_colours(n, r);
                for (i, c) in c.iter().enumerate() {
                    assert_eq!(*c == REFERENCE, Some(i) == r, "n {n} ref {r:?} i {i}");
                }
                if n <= if r.is_some() { 8 } else { 7 } {
                    let mut v: Vec<_> = c.iter().map(|c| (c.0, c.1, c.2)).collect();
                    v.sort_unstable();
                    v.dedup();
                    assert_eq!(v.len(), n, "colours repeat with {n} scenarios");
                }
            }
        }
    }
}
