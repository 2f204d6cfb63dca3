//! Tables of keys: one row per key of a file kind (name, type, default, meaning). A file kind's
//! `keys` module lists them once; its parser checks keys against the names and its docs page's
//! key reference is generated from them ([`markdown`]), so the two cannot drift apart.

/// One key of an input file.
#[derive(Debug, Clone)]
pub struct Key {
    /// the key
    pub name: &'static str,
    /// what it takes
    pub kind: String,
    /// its default ("required" when it has none and must be given, "—" when it is optional)
    pub default: String,
    /// what it means
    pub meaning: String,
}

/// A key with its type, default and meaning.
pub fn key(name: &'static str, kind: &str, default: &str, meaning: &str) -> Key {
    Key {
        name,
        kind: kind.into(),
        default: default.into(),
        meaning: meaning.into(),
    }
}

/// The names of a table of keys.
pub fn names(keys: &[Key]) -> Vec<&'static str> {
    keys.iter().map(|k| k.name).collect()
}

/// A key named twice in a table, if any (each table's unit test asks for none).
pub fn repeated(keys: &[Key]) -> Option<&'static str> {
    let mut k = names(keys);
    k.sort_unstable();
    k.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}

/// A table of keys in Markdown: `### {title}`, then one row per key.
pub fn markdown(title: &str, keys: &[Key]) -> String {
    let mut t = format!("### {title}\n\n| key | type | default | meaning |\n|---|---|---|---|\n");
    for k in keys {
        t.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            k.name, k.kind, k.default, k.meaning
        ));
    }
    t
}

/// A whole number with thousands separators (`65,536`).
pub fn thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_are_found_and_numbers_read_well() {
        let t = [key("a", "", "", ""), key("b", "", "", "")];
        assert_eq!(repeated(&t), None);
        assert_eq!(
            repeated(&[t[0].clone(), t[1].clone(), t[0].clone()]),
            Some("a")
        );
        assert_eq!(thousands(65_536), "65,536");
        assert_eq!(thousands(100), "100");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
