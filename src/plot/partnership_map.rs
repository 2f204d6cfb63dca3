//! Map of local partnerships (GA's first assessment) from a run's `partnerships.json`
//! (replication 0): ISOs as nodes on a circle, ties between members of the same
//! partnership coloured by its alignment (dissolved partnerships in light grey),
//! a hub per partnership, and the non-ISO organizations at the table as labelled
//! sector nodes inside the circle, tied to the hubs of the partnerships they sit in.

use super::{colour, render_atomic, SIZE};
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

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &MapData) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let title = format!(
        "Local partnerships at the end of replication 0 ({} formed, {} operating)",
        d.list.len(),
        d.list.iter().filter(|p| p.operating).count()
    );
    let body = root.titled(&title, ("sans-serif", 22.0).into_font().color(&BLACK))?;
    let label = ("sans-serif", 13.0).into_font().color(&BLACK);
    let (w, h) = body.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    // legend on the right
    let lx = w - 230;
    let mut ly = 20;
    let grey = RGBColor(200, 200, 200);
    for (k, name) in d.alignments.iter().enumerate() {
        body.draw(&PathElement::new(
            vec![(lx, ly), (lx + 26, ly)],
            colour(k).stroke_width(3),
        ))?;
        body.draw(&Text::new(
            format!("tie: {name}"),
            (lx + 32, ly),
            label.pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        ly += 22;
    }
    body.draw(&PathElement::new(
        vec![(lx, ly), (lx + 26, ly)],
        grey.stroke_width(1),
    ))?;
    body.draw(&Text::new(
        "tie: dissolved",
        (lx + 32, ly),
        label.pos(Pos::new(HPos::Left, VPos::Center)),
    ))?;
    ly += 22;
    body.draw(&Circle::new((lx + 13, ly), 6, BLACK.filled()))?;
    body.draw(&Text::new(
        "ISO in a partnership",
        (lx + 32, ly),
        label.pos(Pos::new(HPos::Left, VPos::Center)),
    ))?;
    ly += 22;
    body.draw(&Circle::new((lx + 13, ly), 6, grey.filled()))?;
    body.draw(&Text::new(
        "ISO not in one",
        (lx + 32, ly),
        label.pos(Pos::new(HPos::Left, VPos::Center)),
    ))?;
    ly += 22;
    body.draw(&Rectangle::new(
        [(lx + 7, ly - 6), (lx + 19, ly + 6)],
        RGBColor(240, 228, 66).filled(),
    ))?;
    body.draw(&Text::new(
        "other organizations (sector)",
        (lx + 32, ly),
        label.pos(Pos::new(HPos::Left, VPos::Center)),
    ))?;
    ly += 22;
    body.draw(&Circle::new((lx + 13, ly), 8, BLACK.stroke_width(2)))?;
    body.draw(&Text::new(
        "partnership hub (F = formal)",
        (lx + 32, ly),
        label.pos(Pos::new(HPos::Left, VPos::Center)),
    ))?;

    let cx = (w - 240) / 2;
    let cy = h / 2;
    let r = (cx.min(cy) - 30).max(20) as f64;
    let n = d.isos.max(1);
    let pos = |i: usize| -> (i32, i32) {
        let a = std::f64::consts::TAU * i as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
        (cx + (r * a.cos()) as i32, cy + (r * a.sin()) as i32)
    };
    let hub = |p: &Pship| -> (i32, i32) {
        if p.members.is_empty() {
            return (cx, cy);
        }
        let (sx, sy) = p.members.iter().fold((0i64, 0i64), |acc, &i| {
            let (x, y) = pos(i);
            (acc.0 + i64::from(x), acc.1 + i64::from(y))
        });
        let k = p.members.len() as i64;
        let (mx, my) = ((sx / k) as i32, (sy / k) as i32);
        // pull hubs towards the circle's rim so they do not all sit at the centre
        let (dx, dy) = (f64::from(mx - cx), f64::from(my - cy));
        let len = (dx * dx + dy * dy).sqrt();
        if len < 1.0 {
            return (mx, my);
        }
        let s = (0.6 * r / len).max(1.0).min(0.75 * r / len);
        (cx + (dx * s) as i32, cy + (dy * s) as i32)
    };
    // dissolved first (underneath), then operating partnerships
    let mut order: Vec<&Pship> = d.list.iter().collect();
    order.sort_by_key(|p| p.operating);
    let mut member = vec![false; n];
    for p in &order {
        let style = if p.operating {
            colour(p.alignment.clamp(1, 4) - 1).stroke_width(2)
        } else {
            grey.stroke_width(1)
        };
        for (a, &i) in p.members.iter().enumerate() {
            for &j in &p.members[a + 1..] {
                body.draw(&PathElement::new(vec![pos(i), pos(j)], style))?;
            }
            if p.operating {
                member[i] = true;
            }
        }
    }
    // sectors inside the circle, tied to the hubs of operating partnerships
    let sectors: Vec<String> = {
        let mut s: Vec<String> = Vec::new();
        for p in d.list.iter().filter(|p| p.operating) {
            for x in &p.sectors {
                if !s.contains(x) {
                    s.push(x.clone());
                }
            }
        }
        s
    };
    let sr = 0.3 * r;
    let spos = |k: usize| -> (i32, i32) {
        let a = std::f64::consts::TAU * k as f64 / sectors.len().max(1) as f64;
        (cx + (sr * a.cos()) as i32, cy + (sr * a.sin()) as i32)
    };
    for p in d.list.iter().filter(|p| p.operating) {
        let hp = hub(p);
        for (k, s) in sectors.iter().enumerate() {
            if p.sectors.contains(s) {
                body.draw(&PathElement::new(
                    vec![spos(k), hp],
                    RGBColor(150, 150, 150).stroke_width(1),
                ))?;
            }
        }
        for &i in &p.members {
            body.draw(&PathElement::new(
                vec![pos(i), hp],
                colour(p.alignment.clamp(1, 4) - 1).mix(0.4).stroke_width(1),
            ))?;
        }
        body.draw(&Circle::new(hp, 9, WHITE.filled()))?;
        body.draw(&Circle::new(hp, 9, BLACK.stroke_width(2)))?;
        body.draw(&Text::new(
            format!("{}{}", if p.formal { "F" } else { "" }, p.id),
            hp,
            ("sans-serif", 10.0)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
    }
    for (k, s) in sectors.iter().enumerate() {
        let (x, y) = spos(k);
        body.draw(&Rectangle::new(
            [(x - 6, y - 6), (x + 6, y + 6)],
            RGBColor(240, 228, 66).filled(),
        ))?;
        body.draw(&Text::new(
            s.clone(),
            (x, y + 9),
            label.pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
    for (i, &is_member) in member.iter().enumerate().take(d.isos) {
        let c = if is_member { BLACK } else { grey };
        body.draw(&Circle::new(pos(i), 6, c.filled()))?;
        let (x, y) = pos(i);
        let (dx, dy) = (x - cx, y - cy);
        let lp = (x + dx / 12, y + dy / 12);
        body.draw(&Text::new(
            format!("{i}"),
            lp,
            ("sans-serif", 10.0)
                .into_font()
                .color(&RGBColor(90, 90, 90))
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
    }
    if d.list.is_empty() {
        body.draw(&Text::new(
            "no partnership formed",
            (cx, cy),
            ("sans-serif", 18.0)
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
    let out = dir.join("plots");
    let png = out.join(format!("{STEM}.png"));
    render_atomic(&png, |tmp| {
        let root = BitMapBackend::new(tmp, SIZE).into_drawing_area();
        draw(&root, &d)?;
        root.present()?;
        Ok(())
    })?;
    let svg = out.join(format!("{STEM}.svg"));
    render_atomic(&svg, |tmp| {
        let root = SVGBackend::new(tmp, SIZE).into_drawing_area();
        draw(&root, &d)?;
        root.present()?;
        Ok(())
    })?;
    Ok(vec![png, svg])
}
