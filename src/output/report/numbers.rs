//! Numbers for readers: digits chosen by magnitude, thousands grouped, never an exponent.

/// Decimals that show a value of magnitude `a` with about three significant digits: none from
/// 1000 up, one from 100, two from 1, and below 1 enough for three significant digits (at most
/// nine).
pub fn decimals_for(a: f64) -> usize {
    let a = a.abs();
    if !a.is_finite() || a == 0.0 || a >= 1000.0 {
        0
    } else if a >= 100.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        ((-a.log10()).ceil() as usize + 2).min(9)
    }
}

/// `v` with `decimals` decimals, the integer part grouped by thousands (`12,345.6`), `n/a` if
/// not finite, and never `-0`.
pub fn fixed(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(i, f)| (i, f));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let zero = s.chars().all(|c| c == '0' || c == '.');
    let sign = if v < 0.0 && !zero { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// A number for reading: about three significant digits, no exponent, `n/a` if not finite.
pub fn fmt_num(v: f64) -> String {
    fixed(v, decimals_for(v))
}

/// [`fixed`] with a `+` before positive values.
pub fn signed(v: f64, decimals: usize) -> String {
    let s = fixed(v, decimals);
    if v.is_finite() && !s.starts_with('-') && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("+{s}")
    } else {
        s
    }
}

/// A difference and its interval at one precision: enough decimals for the largest of the three
/// at about three significant digits, and more (up to nine) until the interval's ends differ.
pub fn diff_ci(d: f64, lo: f64, hi: f64) -> (String, String, String) {
    let a = [d, lo, hi]
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0f64, |m, v| m.max(v.abs()));
    let mut k = decimals_for(a);
    while k < 9 && lo.is_finite() && hi.is_finite() && lo != hi && fixed(lo, k) == fixed(hi, k) {
        k += 1;
    }
    (signed(d, k), signed(lo, k), signed(hi, k))
}

/// Decimals that show a value of magnitude `a` with `sig` significant digits (none for large
/// values; at most nine).
pub fn decimals_sig(a: f64, sig: usize) -> usize {
    let a = a.abs();
    if !a.is_finite() || a == 0.0 {
        return 0;
    }
    let digits = a.log10().floor() as i64 + 1;
    (sig as i64 - digits).clamp(0, 9) as usize
}

/// [`diff_ci`] for a sentence: `sig` significant digits for the largest of the three, more only
/// to keep the interval's ends apart.
pub fn diff_ci_sig(d: f64, lo: f64, hi: f64, sig: usize) -> (String, String, String) {
    let a = [d, lo, hi]
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0f64, |m, v| m.max(v.abs()));
    let mut k = decimals_sig(a, sig);
    // a bound that is not zero never reads as zero (an interval that excludes zero says so)
    let hidden = |v: f64, k: usize| {
        v.is_finite() && v != 0.0 && fixed(v, k).chars().all(|c| matches!(c, '0' | '.' | ','))
    };
    while k < 9
        && ((lo.is_finite() && hi.is_finite() && lo != hi && fixed(lo, k) == fixed(hi, k))
            || hidden(lo, k)
            || hidden(hi, k))
    {
        k += 1;
    }
    (signed(d, k), signed(lo, k), signed(hi, k))
}

/// A share as a percentage for reading: `77%`, `7.5%`, `0.42%`.
pub fn percent(share: f64) -> String {
    if !share.is_finite() {
        return "n/a".into();
    }
    let p = share * 100.0;
    let k = if p.abs() >= 10.0 || p == 0.0 {
        0
    } else if p.abs() >= 1.0 {
        1
    } else {
        decimals_for(p).saturating_sub(1).min(4)
    };
    format!("{}%", fixed(p, k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_by_magnitude_without_exponents() {
        assert_eq!(fmt_num(0.8), "0.800");
        assert_eq!(fmt_num(123456.7), "123,457");
        assert_eq!(fmt_num(1597.0), "1,597");
        assert_eq!(fmt_num(12.345), "12.35");
        assert_eq!(fmt_num(f64::NAN), "n/a");
        assert_eq!(fmt_num(-0.0001), "-0.000100");
        assert_eq!(fmt_num(0.000623), "0.000623");
        assert_eq!(fmt_num(-0.0), "0");
        assert_eq!(signed(0.25, 3), "+0.250");
        assert_eq!(signed(0.0, 2), "0.00");
        for v in [1e-12, 6.23e-4, 1e9, -3.3e-7] {
            assert!(!fmt_num(v).contains('e'), "{v}: {}", fmt_num(v));
        }
    }

    #[test]
    fn an_interval_gets_the_digits_that_keep_its_ends_apart() {
        assert_eq!(
            diff_ci(0.21, 0.199, 0.222),
            ("+0.210".into(), "+0.199".into(), "+0.222".into())
        );
        let (_, lo, hi) = diff_ci(0.000623, 0.00062, 0.00063);
        assert_ne!(lo, hi);
        assert_eq!(
            diff_ci(1597.0, 1518.2, 1676.0),
            ("+1,597".into(), "+1,518".into(), "+1,676".into())
        );
    }

    #[test]
    fn a_bound_that_is_not_zero_never_reads_as_zero() {
        let (_, lo, hi) = diff_ci_sig(-0.018, -0.028, -0.0004, 2);
        assert_eq!((lo.as_str(), hi.as_str()), ("-0.0280", "-0.0004"));
        let (_, _, hi) = diff_ci_sig(-0.018, -0.028, 0.0, 2);
        assert_eq!(hi, "0.000");
    }

    #[test]
    fn percentages() {
        assert_eq!(percent(0.774), "77%");
        assert_eq!(percent(0.075), "7.5%");
        assert_eq!(percent(0.0042), "0.42%");
        assert_eq!(percent(0.0), "0%");
    }
}
