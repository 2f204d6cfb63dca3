//! The `[model]` table of a calibration file read into an [`Analytic`] test model.
//!
//! Kept apart from both [`super::analytic`] (the models, which know nothing of files) and
//! [`super::spec`] (the file reader, which calls [`Analytic::from_raw`]), so neither imports the
//! other in a circle: `spec` → `analytic`, and this file → both.

use super::analytic::Analytic;
use super::spec::{Cx, RawModel};
use std::ops::Range;

impl Analytic {
    /// The test model a `[model]` table names, with its constants checked (`span`: the table's).
    pub(super) fn from_raw(
        m: &RawModel,
        cx: &Cx<'_>,
        span: Range<usize>,
    ) -> Result<Analytic, crate::input::InputError> {
        let n = match &m.n {
            Some(n) => cx.int_range(n, "n", 1, 1_000_000_000)? as u64,
            None => {
                return Err(cx.bad(
                    span,
                    "n",
                    "the test model needs `n` (observations or trials)",
                ))
            }
        };
        match m.name.get_ref().as_str() {
            "normal" => {
                let sigma = match &m.sigma {
                    Some(s) => cx.range(s, "sigma", 1e-12, 1e12)?,
                    None => return Err(cx.bad(span, "sigma", "the `normal` model needs `sigma`")),
                };
                Ok(Analytic::Normal { sigma, n })
            }
            "binomial" => {
                if let Some(s) = &m.sigma {
                    return Err(cx.bad(s.span(), "sigma", "only the `normal` model has `sigma`"));
                }
                Ok(Analytic::Binomial { n })
            }
            other => Err(cx.bad(
                m.name.span(),
                "name",
                &format!(
                    "unknown test model `{other}`{}; allowed: normal | binomial",
                    crate::input::tomlfile::hint(other, &["normal", "binomial"])
                ),
            )),
        }
    }
}
