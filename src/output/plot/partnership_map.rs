//! Map of local partnerships (GA's first assessment) from a run's `partnerships.json`
//! (replication 0): each partnership operating at the end is a cluster in its own colour, a
//! hub labelled with its number and its member ISOs around it on a shaded disc, so that who is
//! in which partnership reads at a glance; ISOs in no partnership sit in a row underneath. The
//! legend names each partnership's form (formal or informal), alignment, members and the other
//! sectors at its table, and the partnerships that dissolved.

use super::scenario_colours;
use super::text::{self, fit, fit_size};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};

/// File stem of the partnership map.
pub const STEM: &str = "partnership_map";

struct Pship {
    id: u64,
    members: Vec<usize>,
    alignment: usize,
    operating: bool,
    formal: bool,
    sectors: Vec<String>,
}

struct MapData {
    isos: usize,
    alignments: Vec<String>,
    list: Vec<Pship>,
}

fn read(dir: &Path) -> anyhow::Result<MapData> {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("partnerships.json"))?)?;
    let isos = v["isos"].as_u64().unwrap_or(0) as usize;
    let alignments = v["alignments"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let mut list = Vec::new();
    for p in v["partnerships"].as_array().into_iter().flatten() {
        let operating = p["operation"]["operating"].as_bool().unwrap_or(false);
        let key = if operating { "members" } else { "ever_members" };
        let members = p[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_u64().map(|i| i as usize))
                    .filter(|&i| i < isos)
                    .collect()
            })
            .unwrap_or_default();
        let sectors = p["other_organizations"]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        list.push(Pship {
            id: p["id"].as_u64().unwrap_or(0),
            members,
            alignment: p["operation"]["alignment_level"].as_u64().unwrap_or(1) as usize,
            operating,
            formal: p["formal"].as_bool().unwrap_or(false),
            sectors,
        });
    }
    Ok(MapData {
        isos,
        alignments,
        list,
    })
}

fn font(size: f64) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&BLACK)
}

/// Colour of the `k`-th operating partnership (repeats after seven; every hub is numbered).
fn pcolour(k: usize) -> RGBColor {
    let c = scenario_colours(8, Some(7));
    c[k % 7]
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &MapData) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let operating: Vec<&Pship> = d.list.iter().filter(|p| p.operating).collect();
    let dissolved: Vec<&Pship> = d.list.iter().filter(|p| !p.operating).collect();
    let title = format!(
        "Local partnerships at the end of replication 0 ({} formed, {} operating)",
        d.list.len(),
        operating.len()
    );
    let (w0, _) = root.dim_in_pixel();
    let (ts, title) = fit_size(&title, 22.0, 14.0, f64::from(w0) - 20.0);
    let body = root.titled(&title, font(ts))?;
    let (w, h) = body.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);

    // legend on the right: one line per operating partnership, then the dissolved ones
    let legend_w = 270;
    let lx = w - legend_w;
    let size = 13.0;
    let max_w = f64::from(legend_w - 40);
    let line = |y: i32, s: &str| -> anyhow::Result<()> {
        body.draw(&Text::new(
            fit(s, size, max_w),
            (lx + 30, y),
            font(size).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        Ok(())
    };
    let mut ly = 14;
    let row = 20;
    body.draw(&Text::new(
        "Operating at the end",
        (lx, ly),
        font(size).pos(Pos::new(HPos::Left, VPos::Center)),
    ))?;
    ly += row;
    let room = (h - 150) / row;
    for (k, p) in operating.iter().enumerate() {
        if k as i32 >= room - 1 && operating.len() as i32 > room {
            line(ly, &format!("… and {} more", operating.len() - k))?;
            ly += row;
            break;
        }
        body.draw(&Circle::new((lx + 12, ly), 7, pcolour(k).filled()))?;
        let align = d
            .alignments
            .get(p.alignment.clamp(1, 4) - 1)
            .cloned()
            .unwrap_or_default();
        line(
            ly,
            &format!(
                "P{} {}, {align}: {} ISOs",
                p.id,
                if p.formal { "formal" } else { "informal" },
                p.members.len()
            ),
        )?;
        ly += row;
    }
    if operating.is_empty() {
        line(ly, "none")?;
        ly += row;
    }
    ly += 6;
    let grey = RGBColor(190, 190, 190);
    body.draw(&Circle::new((lx + 12, ly), 7, grey.filled()))?;
    line(ly, "ISO in no partnership")?;
    ly += row;
    if !dissolved.is_empty() {
        let ids: Vec<String> = dissolved.iter().map(|p| format!("P{}", p.id)).collect();
        line(ly, &format!("Dissolved: {}", ids.join(", ")))?;
        ly += row;
    }
    let mut sectors: Vec<&str> = Vec::new();
    for p in &operating {
        for s in &p.sectors {
            if !sectors.contains(&s.as_str()) {
                sectors.push(s);
            }
        }
    }
    if !sectors.is_empty() {
        // other organizations at the tables, wrapped over lines
        let mut cur = String::from("Other sectors at the tables:");
        for s in sectors {
            let next = format!("{cur} {s},");
            if text::width(&next, size) > max_w {
                line(ly, cur.trim_end_matches(','))?;
                ly += row;
                cur = format!("{s},");
            } else {
                cur = next;
            }
        }
        line(ly, cur.trim_end_matches(','))?;
    }

    // ISOs in no partnership: a row (or rows) at the bottom
    let mut member = vec![false; d.isos];
    for p in &operating {
        for &i in &p.members {
            member[i] = true;
        }
    }
    let loose: Vec<usize> = (0..d.isos).filter(|&i| !member[i]).collect();
    let pitch = 22;
    let per_row = ((lx - 40) / pitch).max(1) as usize;
    let loose_rows = loose.len().div_ceil(per_row) as i32;
    let bottom_h = if loose.is_empty() {
        0
    } else {
        26 + loose_rows * pitch
    };
    let node = |x: i32, y: i32, i: usize, fill: RGBColor, ink: RGBColor| -> anyhow::Result<()> {
        body.draw(&Circle::new((x, y), 9, fill.filled()))?;
        body.draw(&Text::new(
            format!("{i}"),
            (x, y),
            ("sans-serif", 9.0)
                .into_font()
                .color(&ink)
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
        Ok(())
    };
    if !loose.is_empty() {
        let y0 = h - bottom_h;
        body.draw(&Text::new(
            format!("ISOs in no partnership ({})", loose.len()),
            (20, y0 + 8),
            font(size).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        for (k, &i) in loose.iter().enumerate() {
            let x = 30 + (k % per_row) as i32 * pitch;
            let y = y0 + 30 + (k / per_row) as i32 * pitch;
            node(x, y, i, grey, RGBColor(40, 40, 40))?;
        }
    }

    // clusters: one cell each in a grid over the rest
    let area_w = lx - 20;
    let area_h = h - bottom_h - 10;
    if operating.is_empty() {
        body.draw(&Text::new(
            if d.list.is_empty() {
                "no partnership formed".to_string()
            } else {
                format!(
                    "no partnership operating at the end ({} dissolved)",
                    dissolved.len()
                )
            },
            (area_w / 2, area_h / 2),
            font(18.0).pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
        return Ok(());
    }
    let (rows, cols) = super::charts::grid(operating.len());
    let (cw, ch) = (area_w / cols as i32, area_h / rows as i32);
    for (k, p) in operating.iter().enumerate() {
        let c = pcolour(k);
        let cx = 10 + (k % cols) as i32 * cw + cw / 2;
        let cy = 6 + (k / cols) as i32 * ch + ch / 2;
        let m = p.members.len().max(1);
        // the ring holds the members 22 pixels apart, within the cell
        let fit_r = (cw.min(ch) / 2 - 14).max(12);
        let need_r = ((22 * m) as f64 / std::f64::consts::TAU).ceil() as i32;
        let r = need_r.max(fit_r * 3 / 5).min(fit_r);
        body.draw(&Circle::new((cx, cy), r + 12, c.mix(0.12).filled()))?;
        let pos = |j: usize| -> (i32, i32) {
            let a = std::f64::consts::TAU * j as f64 / m as f64 - std::f64::consts::FRAC_PI_2;
            (
                cx + (f64::from(r) * a.cos()).round() as i32,
                cy + (f64::from(r) * a.sin()).round() as i32,
            )
        };
        for j in 0..p.members.len() {
            body.draw(&PathElement::new(vec![(cx, cy), pos(j)], c.stroke_width(2)))?;
        }
        for (j, &i) in p.members.iter().enumerate() {
            let (x, y) = pos(j);
            node(x, y, i, c, WHITE)?;
        }
        body.draw(&Circle::new((cx, cy), 12, WHITE.filled()))?;
        body.draw(&Circle::new((cx, cy), 12, c.stroke_width(3)))?;
        body.draw(&Text::new(
            format!("P{}", p.id),
            (cx, cy),
            ("sans-serif", 10.0)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
    }
    Ok(())
}

/// Renders `dir/plots/partnership_map.{png,svg}` from `dir/partnerships.json`.
/// Returns the files written (none when the run has no `partnerships.json`).
pub fn partnership_map(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if !dir.join("partnerships.json").exists() {
        return Ok(Vec::new());
    }
    let d = read(dir)?;
    super::figure::save(&d, &dir.join("plots"), STEM)
}

impl super::Figure for MapData {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        draw(root, self)
    }
}
