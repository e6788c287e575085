//! Delimited text: encoding detection (UTF-8 with or without BOM, UTF-16 with BOM,
//! Windows-1252), delimiter sniffing (`;` `,` tab) and RFC 4180 parsing with quoted fields that
//! span lines. Records are numbered from 1 (the header is usually record 1).

use super::sheet::{Cell, SheetRow};

/// Decodes the bytes into text and names the encoding found.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (String::from_utf8_lossy(rest).into_owned(), "UTF-8 con BOM");
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        let (s, _, _) = encoding_rs::UTF_16LE.decode(bytes);
        return (s.into_owned(), "UTF-16");
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let (s, _, _) = encoding_rs::UTF_16BE.decode(bytes);
        return (s.into_owned(), "UTF-16");
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (s, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (s.into_owned(), "Windows-1252")
        }
    }
}

/// Counts each candidate delimiter outside quotes on the first lines and picks the one whose
/// count is the most consistent (and non-zero).
pub fn sniff_delimiter(text: &str) -> char {
    let candidates = [';', ',', '\t', '|'];
    let mut per_line: Vec<[usize; 4]> = Vec::new();
    let mut counts = [0usize; 4];
    let mut in_quotes = false;
    for c in text.chars() {
        if c == '"' {
            in_quotes = !in_quotes;
        } else if !in_quotes && c == '\n' {
            per_line.push(counts);
            counts = [0; 4];
            if per_line.len() >= 40 {
                break;
            }
        } else if !in_quotes {
            if let Some(i) = candidates.iter().position(|&d| d == c) {
                counts[i] += 1;
            }
        }
    }
    if counts.iter().any(|&n| n > 0) {
        per_line.push(counts);
    }
    let mut best = (0usize, 0usize, ';');
    for (i, &d) in candidates.iter().enumerate() {
        // The most frequent non-zero count and how many lines share it.
        let mut freq: std::collections::HashMap<usize, usize> = Default::default();
        for l in &per_line {
            if l[i] > 0 {
                *freq.entry(l[i]).or_default() += 1;
            }
        }
        if let Some((&count, &lines)) = freq.iter().max_by_key(|(c, n)| (**n, **c)) {
            if (lines, count) > (best.0, best.1) {
                best = (lines, count, d);
            }
        }
    }
    best.2
}

/// Parses the text into rows of text cells. `row` is the 1-based record number.
pub fn parse(text: &str, delim: char) -> Vec<SheetRow> {
    let mut rows = Vec::new();
    let mut record: Vec<Cell> = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut quoted = false;
    let mut n = 0u32;
    let mut chars = text.chars().peekable();
    let push_field = |record: &mut Vec<Cell>, field: &mut String, quoted: &mut bool| {
        let f = std::mem::take(field);
        let v = if *quoted { f } else { f.trim().to_string() };
        *quoted = false;
        record.push(if v.trim().is_empty() {
            Cell::Empty
        } else {
            Cell::Text(v)
        });
    };
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    in_quotes = false;
                }
            } else if c == '\r' {
                // CRLF inside a quoted field becomes one line break.
                if chars.peek() != Some(&'\n') {
                    field.push('\n');
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                in_quotes = true;
                quoted = true;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                push_field(&mut record, &mut field, &mut quoted);
                n += 1;
                rows.push(SheetRow {
                    row: n,
                    cells: std::mem::take(&mut record),
                });
                any = false;
            }
            c if c == delim => push_field(&mut record, &mut field, &mut quoted),
            c => field.push(c),
        }
    }
    if any {
        push_field(&mut record, &mut field, &mut quoted);
        n += 1;
        rows.push(SheetRow {
            row: n,
            cells: record,
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_and_parses_quoted_multiline_fields() {
        let t = "a;b;c\r\n1;\"x;y\";\"dijo \"\"hola\"\"\"\r\n2;\"dos\r\nlíneas\";z\r\n";
        assert_eq!(sniff_delimiter(t), ';');
        let rows = parse(t, ';');
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].cells[1], Cell::Text("x;y".into()));
        assert_eq!(rows[1].cells[2], Cell::Text("dijo \"hola\"".into()));
        assert_eq!(rows[2].cells[1], Cell::Text("dos\nlíneas".into()));
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), ',');
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3\n"), '\t');
    }

    #[test]
    fn decodes_windows_1252_and_bom() {
        assert_eq!(decode(b"Jos\xe9").0, "José");
        assert_eq!(decode(b"\xEF\xBB\xBFJos\xC3\xA9").0, "José");
    }
}
