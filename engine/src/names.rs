//! Names close to a mistyped one, for "did you mean" messages (the registry's paths, and
//! every reader's keys).

/// The candidate closest to a mistyped word, if one is close enough: the best Jaro–Winkler
/// similarity above `min_similarity`, else (short words with swapped letters score low on
/// Jaro–Winkler) the fewest edits, at most one per six letters plus one.
pub fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    min_similarity: f64,
) -> Option<&'a str> {
    // a word is not a typo of one less than half or more than twice as long (`b` for
    // `bootstrap_samples`)
    let (n, comparable) = (word.chars().count(), |c: &str, n: usize| {
        let m = c.chars().count();
        2 * m >= n && m <= 2 * n
    });
    let all: Vec<&str> = candidates
        .into_iter()
        .filter(|c| comparable(c, n))
        .collect();
    let mut best: Option<(&str, f64)> = None;
    for &c in &all {
        let s = strsim::jaro_winkler(word, c);
        if best.is_none_or(|(_, b)| s > b) {
            best = Some((c, s));
        }
    }
    if let Some((c, s)) = best {
        if s > min_similarity {
            return Some(c);
        }
    }
    all.into_iter()
        .map(|c| (strsim::osa_distance(word, c), c))
        .filter(|(d, _)| *d <= 1 + word.len() / 6)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}
