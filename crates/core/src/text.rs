//! Text normalisation shared by validation, catalogs and importers.

/// Trims and collapses runs of spaces/tabs (keeps line breaks).
pub fn clean(s: &str) -> String {
    s.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// `clean`, with empty → `None`.
pub fn clean_opt(s: Option<&str>) -> Option<String> {
    s.map(clean).filter(|s| !s.is_empty())
}

/// Comparison key: lower case, accents removed, punctuation and spaces collapsed.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            c => c,
        };
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(fold("  Oficina   JURÍDICA. "), "oficina juridica");
        assert_eq!(fold("Teléfono"), "telefono");
        assert_eq!(fold("Año-Niño"), "ano nino");
    }

    #[test]
    fn clean_keeps_line_breaks() {
        assert_eq!(clean("  a   b \n  c  "), "a b\nc");
        assert_eq!(clean_opt(Some("   ")), None);
    }
}
