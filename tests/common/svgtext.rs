//! Text boxes of a plotters SVG, measured with the embedded font, and the checks every shipped
//! plot must pass: no two texts overlap, and no text leaves the canvas.
//!
//! A text's width is what plotters measures for the PNG (the embedded DejaVu Sans at the size
//! plotters was given, which is the SVG `font-size` times 1.24); in a browser the same text in
//! DejaVu Sans is about 6% narrower, so a layout that passes here fits in both. Its height is
//! one em of the SVG `font-size`, placed by the `dy` plotters writes for each vertical anchor.

#![allow(dead_code)]

use plotters::style::IntoFont;

/// One text element's box in SVG user units.
#[derive(Debug, Clone)]
pub struct TextBox {
    /// the text
    pub text: String,
    /// left
    pub x0: f64,
    /// top
    pub y0: f64,
    /// right
    pub x1: f64,
    /// bottom
    pub y1: f64,
}

impl TextBox {
    fn overlap(&self, o: &TextBox, tol: f64) -> bool {
        let w = self.x1.min(o.x1) - self.x0.max(o.x0);
        let h = self.y1.min(o.y1) - self.y0.max(o.y0);
        w > tol && h > tol
    }
}

/// Width of `text` at plotters font size `size` in the embedded font.
pub fn text_width(text: &str, size: f64) -> f64 {
    partnersim::output::plot::init_fonts();
    ("sans-serif", size)
        .into_font()
        .box_size(text)
        .map(|(w, _)| f64::from(w))
        .unwrap_or_else(|e| panic!("cannot measure `{text}`: {e:?}"))
}

/// (width, height, boxes of every non-empty text) of an SVG document.
pub fn text_boxes(svg: &str) -> (f64, f64, Vec<TextBox>) {
    let doc = roxmltree::Document::parse(svg).expect("SVG parses");
    let root = doc.root_element();
    let num = |n: &roxmltree::Node, a: &str| -> f64 {
        n.attribute(a)
            .unwrap_or_else(|| panic!("<{}> has no {a}", n.tag_name().name()))
            .trim_end_matches("px")
            .parse()
            .unwrap_or_else(|_| panic!("{a} is not a number"))
    };
    let (w, h) = (num(&root, "width"), num(&root, "height"));
    let mut out = Vec::new();
    for n in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let text: String = n
            .descendants()
            .filter(|d| d.is_text())
            .filter_map(|d| d.text())
            .collect();
        let text = text.trim().to_string();
        if text.is_empty() {
            continue;
        }
        let f = num(&n, "font-size");
        let width = text_width(&text, f * 1.24);
        let (x, y) = (num(&n, "x"), num(&n, "y"));
        let (a, b) = match n.attribute("text-anchor") {
            Some("middle") => (-width / 2.0, width / 2.0),
            Some("end") => (-width, 0.0),
            _ => (0.0, width),
        };
        let (c, d) = match n.attribute("dy") {
            Some("0.76em") => (0.0, f),
            Some("0.5ex") => (-f / 2.0, f / 2.0),
            Some("-0.5ex") => (-f, 0.0),
            _ => (-0.76 * f, 0.24 * f),
        };
        // (a, b) x c..d relative to the anchor, then the element's rotation about the anchor
        let (x0, y0, x1, y1) = match n.attribute("transform") {
            Some(t) if t.starts_with("rotate(270") || t.starts_with("rotate(-90") => {
                (x + c, y - b, x + d, y - a)
            }
            Some(t) if t.starts_with("rotate(90") => (x - d, y + a, x - c, y + b),
            Some(t) if t.starts_with("rotate(180") => (x - b, y - d, x - a, y - c),
            Some(t) => panic!("unexpected transform `{t}` on `{text}`"),
            None => (x + a, y + c, x + b, y + d),
        };
        out.push(TextBox {
            text,
            x0,
            y0,
            x1,
            y1,
        });
    }
    (w, h, out)
}

/// Problems of an SVG's texts: pairs that overlap by more than half a pixel each way, and texts
/// that reach more than a pixel beyond the canvas.
pub fn text_problems(svg: &str) -> Vec<String> {
    let (w, h, boxes) = text_boxes(svg);
    let mut bad = Vec::new();
    for (i, a) in boxes.iter().enumerate() {
        if a.x0 < -1.0 || a.y0 < -1.0 || a.x1 > w + 1.0 || a.y1 > h + 1.0 {
            bad.push(format!(
                "clipped: `{}` at ({:.0}, {:.0})–({:.0}, {:.0}) on a {w} x {h} canvas",
                a.text, a.x0, a.y0, a.x1, a.y1
            ));
        }
        for b in &boxes[i + 1..] {
            if a.overlap(b, 0.5) {
                bad.push(format!(
                    "overlap: `{}` ({:.0}, {:.0})–({:.0}, {:.0}) and `{}` ({:.0}, {:.0})–({:.0}, {:.0})",
                    a.text, a.x0, a.y0, a.x1, a.y1, b.text, b.x0, b.y0, b.x1, b.y1
                ));
            }
        }
    }
    bad
}
