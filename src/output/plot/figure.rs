//! The one way a figure reaches disk: a [`Figure`] draws itself on any plotters backend, and
//! [`save`] (or [`save_sized`]) renders it as `<stem>.png` and `<stem>.svg`, each atomically.
//!
//! Every plot of every study goes through here: the run and comparison figures
//! ([`super::charts`]), the partnership map, the sweep, exploration and calibration plots. A new
//! plot kind is a type that implements [`Figure`] plus one call to [`save`]; it then exists as
//! PNG and SVG like every other.

use super::{render_atomic, SIZE};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// A drawable figure, independent of the backend.
pub trait Figure {
    /// Draws the whole figure (background included) on `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static;
}

/// Renders `fig` to `dir/stem.png` and `dir/stem.svg` (both at [`SIZE`], atomically, in
/// parallel); returns the two paths.
pub fn save<F: Figure + Sync>(fig: &F, dir: &Path, stem: &str) -> anyhow::Result<Vec<PathBuf>> {
    save_sized(fig, dir, stem, SIZE)
}

/// [`save`] at another pixel size.
pub fn save_sized<F: Figure + Sync>(
    fig: &F,
    dir: &Path,
    stem: &str,
    size: (u32, u32),
) -> anyhow::Result<Vec<PathBuf>> {
    let png = dir.join(format!("{stem}.png"));
    let svg = dir.join(format!("{stem}.svg"));
    // the two files are independent: drawn in parallel (on the current rayon pool)
    let (drawn_png, drawn_svg) = rayon::join(
        || {
            render_atomic(&png, |tmp| {
                let mut buf = super::png::buffer(size);
                {
                    let root = super::Png::with_buffer(&mut buf, size).into_drawing_area();
                    fig.draw(&root)?;
                    root.present()?;
                }
                super::png::encode(tmp, &buf, size)
            })
        },
        || {
            render_atomic(&svg, |tmp| {
                let root = SVGBackend::new(tmp, size).into_drawing_area();
                fig.draw(&root)?;
                root.present()?;
                Ok(())
            })
        },
    );
    drawn_png?;
    drawn_svg?;
    Ok(vec![png, svg])
}

/// [`save`], returning the file names (`stem.png`, `stem.svg`) rather than the paths: what a
/// study's manifest lists under `plots/`.
pub fn save_names<F: Figure + Sync>(
    fig: &F,
    dir: &Path,
    stem: &str,
) -> anyhow::Result<Vec<String>> {
    Ok(save(fig, dir, stem)?
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect())
}
