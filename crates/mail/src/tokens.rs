//! Case tokens in subjects: `[MA-2026-0042]` (prefix letters, year, 4+ digits).

/// Every `[PREFIX-YYYY-NNNN]` token in the subject, upper-cased, in order, without repeats.
/// The prefix is 1–10 ASCII letters, the year 4 digits, the number 4 or more digits.
pub fn case_tokens(subject: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut rest = subject;
    // Each `]` closes the nearest `[` before it; one pass, so long subjects stay linear.
    while let Some(close) = rest.find(']') {
        let before = &rest[..close];
        if let Some(open) = before.rfind('[') {
            if let Some(token) = normalise_token(before[open + 1..].trim()) {
                if seen.insert(token.clone()) {
                    out.push(token);
                }
            }
        }
        rest = &rest[close + 1..];
    }
    out
}

/// `MA-2026-0042` (any case) → `Some("MA-2026-0042")`; anything else → `None`.
fn normalise_token(s: &str) -> Option<String> {
    let mut parts = s.split('-');
    let prefix = parts.next()?;
    let year = parts.next()?;
    let number = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let ok = (1..=10).contains(&prefix.len())
        && prefix.bytes().all(|b| b.is_ascii_alphabetic())
        && year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && (4..=9).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| format!("{}-{year}-{number}", prefix.to_ascii_uppercase()))
}

/// The subject with `[NUMBER]` in front, unless that token is already in it.
pub fn subject_with_token(subject: &str, case_number: &str) -> String {
    let token = case_number.trim().to_ascii_uppercase();
    if token.is_empty() || case_tokens(subject).contains(&token) {
        return subject.trim().to_string();
    }
    let subject = subject.trim();
    if subject.is_empty() {
        format!("[{token}]")
    } else {
        format!("[{token}] {subject}")
    }
}
