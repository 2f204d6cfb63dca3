//! The bitmap backend with text on its baseline.
//!
//! plotters 0.3.7 draws ab_glyph text glyph by glyph, each shifted by
//! `(size / 2 + top_of_glyph) as i32`: the cast truncates towards zero, so a glyph whose top is
//! above that line (a digit) is moved down by the fraction and a glyph whose top is below it (a
//! full stop, a comma) is moved up, one pixel apart at the odd sizes plots use; at 11–13 px a
//! decimal point then floats above the digits ("200·0"). It also puts the baseline at half the
//! font size below the anchor, which lifts PNG text above where the SVG puts it.
//!
//! [`Png`] wraps [`BitMapBackend`] and draws text itself: every glyph of a line positioned on one
//! baseline (rounded to a whole pixel, so every glyph is rasterised against the same row), and
//! the baseline where the SVG backend puts it (`0.76 em` below a top anchor, half an x-height
//! below a centre anchor, half an x-height above a bottom anchor). Glyphs keep the size and
//! advances plotters measures with, so [`super::text::width`] still tells what fits. Everything
//! else is passed to the bitmap backend unchanged.

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use plotters::prelude::BitMapBackend;
use plotters_backend::{
    text_anchor::{HPos, VPos},
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use std::sync::OnceLock;

/// DejaVu Sans' x-height (1120 of 2048 units per em).
const X_HEIGHT_EM: f32 = 1120.0 / 2048.0;

fn font() -> Option<&'static FontRef<'static>> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(super::FONT).ok())
        .as_ref()
}

/// A bitmap backend that draws text on one baseline per line (see the module documentation).
///
/// It draws into an RGB buffer (`BitMapBackend::with_buffer`); [`encode`] writes the buffer as
/// a PNG file with fast compression. plotters' own file backend encodes through the `image`
/// crate's default compression, which cost more instructions than drawing the plot.
pub struct Png<'a>(pub BitMapBackend<'a>);

impl<'a> Png<'a> {
    /// A backend drawing into `buf`, an RGB buffer of `size` pixels (`3 * width * height`
    /// bytes, e.g. from [`buffer`]).
    pub fn with_buffer(buf: &'a mut [u8], size: (u32, u32)) -> Self {
        Png(BitMapBackend::with_buffer(buf, size))
    }
}

/// A zeroed RGB buffer for a bitmap of `size` pixels (the figure paints its own
/// background).
pub fn buffer(size: (u32, u32)) -> Vec<u8> {
    vec![0; 3 * size.0 as usize * size.1 as usize]
}

/// Writes `rgb`, an RGB buffer of `size` pixels, to `path` as an 8-bit RGB PNG with fast
/// compression. The same pixels always give the same bytes.
pub fn encode(path: &std::path::Path, rgb: &[u8], size: (u32, u32)) -> anyhow::Result<()> {
    let file = std::fs::File::create(path)?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), size.0, size.1);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    // plotters' file backend encodes with `image`'s default: this fast deflate, but adaptive
    // filtering (every filter tried on every row), which cost more than the deflate. One fixed
    // filter: Paeth keeps the files about as small (+7%); Sub would be cheaper still but 50%
    // larger.
    enc.set_compression(png::Compression::Fast);
    enc.set_filter(png::FilterType::Paeth);
    enc.set_adaptive_filter(png::AdaptiveFilterType::NonAdaptive);
    let mut w = enc.write_header()?;
    w.write_image_data(rgb)?;
    w.finish()?;
    Ok(())
}

/// The pixels of `text` in the frame of its anchor: `(x, y, coverage)` with the anchor at
/// `(0, 0)`, before any rotation. `size` is the plotters font size.
pub fn glyph_pixels(text: &str, size: f64, h: HPos, v: VPos) -> Vec<(i32, i32, f32)> {
    let Some(font) = font() else {
        return Vec::new();
    };
    let scale = PxScale::from(size as f32);
    let sf = font.as_scaled(scale);
    // the advance plotters measures the text with
    let mut width = 0f32;
    let mut prev = None;
    for c in text.chars() {
        let id = sf.glyph_id(c);
        if let Some(p) = prev {
            width += sf.kern(p, id);
        }
        width += sf.h_advance(id);
        prev = Some(id);
    }
    let em = sf.h_scale_factor() * font.units_per_em().unwrap_or(2048.0);
    let baseline = match v {
        VPos::Top => 0.76 * em,
        VPos::Center => 0.5 * X_HEIGHT_EM * em,
        VPos::Bottom => -0.5 * X_HEIGHT_EM * em,
    }
    .round();
    let x0 = match h {
        HPos::Left => 0.0,
        HPos::Center => -(width / 2.0).round(),
        HPos::Right => -width.round(),
    };
    let mut out = Vec::new();
    let mut pen = x0;
    let mut prev = None;
    for c in text.chars() {
        let id = sf.glyph_id(c);
        if let Some(p) = prev {
            pen += sf.kern(p, id);
        }
        prev = Some(id);
        let glyph = id.with_scale_and_position(scale, point(pen, baseline));
        if let Some(g) = font.outline_glyph(glyph) {
            let b = g.px_bounds();
            let (bx, by) = (b.min.x as i32, b.min.y as i32);
            g.draw(|x, y, cov| {
                if cov > 0.0 {
                    out.push((bx + x as i32, by + y as i32, cov.min(1.0)));
                }
            });
        }
        pen += sf.h_advance(id);
    }
    out
}

impl DrawingBackend for Png<'_> {
    type ErrorType = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.present()
    }
    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.fill_polygon(vert, style)
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        (iw, ih): (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.blit_bitmap(pos, (iw, ih), src)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let anchor = style.anchor();
        let trans = style.transform();
        let (w, h) = self.get_size();
        for (x, y, cov) in glyph_pixels(text, style.size(), anchor.h_pos, anchor.v_pos) {
            let (x, y) = trans.transform(x, y);
            let (x, y) = (pos.0 + x, pos.1 + y);
            if x >= 0 && y >= 0 && x < w as i32 && y < h as i32 {
                self.0.draw_pixel(
                    (x, y),
                    BackendColor {
                        alpha: color.alpha * f64::from(cov),
                        rgb: color.rgb,
                    },
                )?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;

    /// A band, a line and text on white: what plots are made of.
    fn draw<DB: DrawingBackend>(root: DrawingArea<DB, plotters::coord::Shift>) {
        root.fill(&WHITE).unwrap();
        root.draw(&Polygon::new(
            vec![(10, 100), (80, 20), (150, 90), (120, 140)],
            RGBColor(0, 114, 178).mix(0.3).filled(),
        ))
        .unwrap();
        root.draw(&PathElement::new(vec![(0, 0), (159, 119)], BLACK))
            .unwrap();
        root.draw(&Text::new("200.0, ok", (20, 40), ("sans-serif", 13)))
            .unwrap();
        root.present().unwrap();
    }

    fn decode(path: &std::path::Path) -> Vec<u8> {
        let dec = png::Decoder::new(std::fs::File::open(path).unwrap());
        let mut reader = dec.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgb);
        buf.truncate(info.buffer_size());
        buf
    }

    #[test]
    fn fast_encoding_keeps_the_pixels_of_the_file_backend() {
        super::super::init_fonts();
        let d = tempfile::tempdir().unwrap();
        let size = (160, 120);
        // plotters' own file backend (its `image` encoder), text drawn as `Png` draws it
        let old = d.path().join("old.png");
        draw(Png(BitMapBackend::new(&old, size)).into_drawing_area());
        let mut buf = buffer(size);
        draw(Png::with_buffer(&mut buf, size).into_drawing_area());
        let new = d.path().join("new.png");
        encode(&new, &buf, size).unwrap();
        let pixels = decode(&old);
        assert!(pixels.iter().any(|&b| b != 255), "something was drawn");
        assert_eq!(pixels, decode(&new));
        assert_eq!(pixels, buf);
    }
}
