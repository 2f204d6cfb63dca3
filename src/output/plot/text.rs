//! Text measured against its space: every label a plot draws is measured with the embedded
//! font and shortened, shrunk or left out rather than drawn over another.
//!
//! Sizes are plotters font sizes (the PNG's pixel height of the font; the SVG writes them
//! divided by 1.24). Widths come from the same measure plotters uses to lay text out, so what
//! fits here fits in the PNG, and in a browser showing the SVG in DejaVu Sans.

use plotters::style::IntoFont;

/// Width in pixels of `text` at font size `size` (0 for text that cannot be measured).
pub fn width(text: &str, size: f64) -> f64 {
    super::init_fonts();
    ("sans-serif", size)
        .into_font()
        .box_size(text)
        .map_or(0.0, |(w, _)| f64::from(w))
}

/// Height of a line of text at `size`, as the SVG lays it out (one em plus a pixel of air).
pub fn height(size: f64) -> f64 {
    size / 1.24 + 1.0
}

/// `text`, shortened with an ellipsis until it is at most `max_w` pixels wide at `size`.
pub fn fit(text: &str, size: f64, max_w: f64) -> String {
    if width(text, size) <= max_w {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    // binary search on the number of characters kept
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let s: String = chars[..mid]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_string()
            + "…";
        if width(&s, size) <= max_w {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    if lo == 0 {
        return String::new();
    }
    chars[..lo]
        .iter()
        .collect::<String>()
        .trim_end()
        .to_string()
        + "…"
}

/// The largest size from `size` down to `min` at which `text` fits `max_w`, and the text
/// (shortened at `min` if it still does not fit).
pub fn fit_size(text: &str, size: f64, min: f64, max_w: f64) -> (f64, String) {
    let mut s = size;
    while s > min && width(text, s) > max_w {
        s = (s - 1.0).max(min);
    }
    (s, fit(text, s, max_w))
}

/// The first of `candidates` that fits `max_w` at `size` (the last one shortened otherwise):
/// e.g. a label with its unit, then the label alone.
pub fn first_fitting(candidates: &[&str], size: f64, max_w: f64) -> String {
    for c in candidates {
        if width(c, size) <= max_w {
            return c.to_string();
        }
    }
    fit(candidates.last().copied().unwrap_or(""), size, max_w)
}

/// An axis-aligned box in pixels: (x0, y0, x1, y1).
pub type Rect = (f64, f64, f64, f64);

/// Places labels without overlap: each label takes the first of its candidate positions that
/// stays inside the bounds and clear of every box placed before (obstacles included).
#[derive(Debug, Clone)]
pub struct Placer {
    bounds: Rect,
    taken: Vec<Rect>,
}

impl Placer {
    /// A placer for labels inside `bounds`.
    pub fn new(bounds: Rect) -> Self {
        Placer {
            bounds,
            taken: Vec::new(),
        }
    }

    /// Marks a box as taken (a marker, a legend) without placing a label in it.
    pub fn block(&mut self, r: Rect) {
        self.taken.push(r);
    }

    /// Whether `r` is inside the bounds and clear of every taken box.
    pub fn is_free(&self, r: Rect) -> bool {
        let b = self.bounds;
        r.0 >= b.0
            && r.1 >= b.1
            && r.2 <= b.2
            && r.3 <= b.3
            && self
                .taken
                .iter()
                .all(|t| r.2 <= t.0 || r.0 >= t.2 || r.3 <= t.1 || r.1 >= t.3)
    }

    /// Takes the first free box of `candidates`; returns its index.
    pub fn place(&mut self, candidates: &[Rect]) -> Option<usize> {
        let i = candidates.iter().position(|&r| self.is_free(r))?;
        self.taken.push(candidates[i]);
        Some(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_shortens_only_what_does_not_fit() {
        let t = "a rather long scenario name";
        assert_eq!(fit(t, 13.0, 1000.0), t);
        let w = width(t, 13.0);
        let short = fit(t, 13.0, w / 2.0);
        assert!(
            short.ends_with('…') && width(&short, 13.0) <= w / 2.0,
            "{short}"
        );
        assert_eq!(fit(t, 13.0, 1.0), "");
        let (s, text) = fit_size(t, 20.0, 10.0, w);
        assert!((10.0..=13.0).contains(&s) && text == t, "{s} {text}");
        assert_eq!(
            first_fitting(&["long label (unit)", "label"], 13.0, width("label", 13.0)),
            "label"
        );
    }

    #[test]
    fn placer_keeps_labels_apart() {
        let mut p = Placer::new((0.0, 0.0, 100.0, 100.0));
        assert_eq!(p.place(&[(0.0, 0.0, 50.0, 10.0)]), Some(0));
        assert_eq!(
            p.place(&[(10.0, 5.0, 60.0, 15.0), (10.0, 10.0, 60.0, 20.0)]),
            Some(1)
        );
        assert_eq!(p.place(&[(90.0, 0.0, 110.0, 10.0)]), None);
    }
}
