//! Content inference: when a column's header names no field, its values say what it holds.
//!
//! Each unmapped column of a case sheet is scored against the fields from a sample of its
//! values (dates and times, e-mail addresses, phone numbers and extensions, placas, a running
//! case number, the status vocabulary, catalog names, priorities and channels, person names —
//! catalog staff or short names — and long free text). The best scores win, one column per
//! field: a field already named by a header (or a saved mapping) is never taken again, and a
//! column that would fit a taken field stays in `extra` with a note saying so. Free text is
//! the description, or the solution when it sits after a closing date or follows a status.

use std::collections::HashSet;

use super::fields::{self, Header, ImportKind};
use super::read::{Cell, SheetRow};
use super::records::Catalogs;
use super::values;
use crate::text::fold;

/// The least score that maps a column (about «three values in four fit»).
const THRESHOLD: f64 = 0.55;

/// Sampled rows per sheet (the buffered rows after the header).
pub const SAMPLE_ROWS: usize = 200;

/// Field keys, in [`fields::CASE_FIELDS`].
fn idx(key: &str) -> usize {
    fields::CASE_FIELDS
        .iter()
        .position(|d| d.key == key)
        .unwrap_or(usize::MAX)
}

/// What the values of one column look like (fractions of its non-empty sampled cells).
#[derive(Debug, Default, Clone)]
struct Profile {
    n: usize,
    date: f64,
    time_only: f64,
    email: f64,
    phone: f64,
    tag: f64,
    running_number: bool,
    status: f64,
    department: f64,
    service: f64,
    priority: f64,
    channel: f64,
    staff: f64,
    person: f64,
    distinct: f64,
    free_text: f64,
}

const PRIORITY_WORDS: &[&str] = &[
    "alta",
    "media",
    "baja",
    "urgente",
    "muy urgente",
    "critica",
    "muy alta",
    "normal",
    "alto",
    "medio",
    "bajo",
    "critico",
];

const CHANNEL_WORDS: &[&str] = &[
    "telefono",
    "telefonico",
    "telefonica",
    "llamada",
    "correo",
    "correo electronico",
    "email",
    "e mail",
    "presencial",
    "personal",
    "personalmente",
    "whatsapp",
    "chat",
    "mesa de ayuda",
    "oficio",
    "memorando",
    "web",
    "portal",
    "glpi",
    "verbal",
    "extension",
    "teams",
    "formulario",
];

fn is_email(t: &str) -> bool {
    let t = t.trim();
    match t.split_once('@') {
        Some((a, b)) => !a.is_empty() && b.contains('.') && !t.contains(char::is_whitespace),
        None => false,
    }
}

fn is_phone(t: &str) -> bool {
    let f = fold(t);
    let f = f
        .trim_start_matches("ext")
        .trim_start_matches("extension")
        .trim();
    let digits: String = f.chars().filter(|c| c.is_ascii_digit()).collect();
    let others = f
        .chars()
        .filter(|c| !c.is_ascii_digit() && !matches!(c, ' ' | '-' | '(' | ')' | '+' | '.'))
        .count();
    others == 0 && (matches!(digits.len(), 3..=5) || matches!(digits.len(), 7..=13))
}

/// A placa: letters then digits («PC-0123», «INV 4456», «AF00321»), letters present.
fn is_tag(t: &str) -> bool {
    let t = t.trim();
    if t.len() > 16 || t.contains(char::is_whitespace) && t.split_whitespace().count() > 2 {
        return false;
    }
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    let digits = t.chars().filter(|c| c.is_ascii_digit()).count();
    let first_digit = t.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
    (1..=6).contains(&letters)
        && digits >= 2
        && t[..first_digit]
            .chars()
            .all(|c| c.is_alphabetic() || " -_".contains(c))
        && t[first_digit..]
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-')
}

/// A person's name: two to five capitalised words of letters («Ana María Díaz», «PEDRO RUIZ»).
fn person_words(t: &str) -> Option<usize> {
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.is_empty() || words.len() > 5 || t.chars().count() > 45 || has_function_word(t) {
        return None;
    }
    let ok = words.iter().all(|w| {
        let w = w.trim_end_matches('.');
        let mut cs = w.chars();
        cs.next().is_some_and(char::is_uppercase)
            && w.chars()
                .all(|c| c.is_alphabetic() || c == '\'' || c == '-')
    }) || words.iter().any(|w| {
        // «de», «del», «la» inside a full name.
        matches!(*w, "de" | "del" | "la" | "los")
    }) && words
        .iter()
        .filter(|w| !matches!(**w, "de" | "del" | "la" | "los"))
        .all(|w| w.chars().next().is_some_and(char::is_uppercase));
    ok.then_some(words.len())
}

/// Words of a sentence that no name has («no», «el», «se», «por»…).
fn has_function_word(t: &str) -> bool {
    fold(t).split(' ').any(|w| {
        matches!(
            w,
            "no" | "el"
                | "en"
                | "se"
                | "por"
                | "con"
                | "para"
                | "que"
                | "un"
                | "una"
                | "al"
                | "y"
                | "sin"
                | "le"
                | "lo"
                | "su"
                | "mi"
                | "es"
                | "esta"
                | "las"
        )
    })
}

fn profile(cells: &[&Cell], catalogs: &Catalogs) -> Profile {
    let n = cells.len();
    let mut p = Profile {
        n,
        ..Default::default()
    };
    if n == 0 {
        return p;
    }
    let mut distinct: HashSet<String> = HashSet::new();
    let mut numbers: Vec<f64> = Vec::new();
    let (mut date, mut time_only, mut email, mut phone, mut tag) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let (mut status, mut dep, mut svc, mut prio, mut chan) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let (mut staff, mut person, mut free) = (0.0, 0.0, 0.0);
    let mut chars = 0usize;
    for c in cells {
        let t = c.text();
        let t = t.trim();
        let f = fold(t);
        distinct.insert(f.clone());
        match c {
            Cell::Number(x) => {
                numbers.push(*x);
                if (20_000.0..=80_000.0).contains(x) && x.fract() != 0.0 {
                    date += 1.0;
                } else if (20_000.0..=80_000.0).contains(x) {
                    date += 0.5;
                } else if (0.0..1.0).contains(x) {
                    time_only += 1.0;
                }
            }
            Cell::Date { at, .. } => {
                if chrono::Datelike::year(at) < 1901 {
                    time_only += 1.0;
                } else {
                    date += 1.0;
                }
            }
            Cell::Text(_) => {
                if let Some(num) = legacy_numeric(t) {
                    numbers.push(num);
                }
                if values::parse_date_text(t).is_some() {
                    date += 1.0;
                } else if values::parse_time(t).is_some() {
                    time_only += 1.0;
                }
            }
            _ => {}
        }
        if is_email(t) {
            email += 1.0;
        }
        if !matches!(c, Cell::Date { .. }) && is_phone(t) {
            phone += 1.0;
        }
        if is_tag(t) {
            tag += 1.0;
        }
        let words = t.split_whitespace().count();
        if words <= 4 && values::parse_status(t).is_some() {
            status += 1.0;
        }
        if words <= 6 && !t.chars().any(|c| c.is_ascii_digit()) {
            if catalogs.departments.resolve(t).is_some() {
                dep += 1.0;
            }
            if catalogs.service_types.resolve(t).is_some() {
                svc += 1.0;
            }
        }
        if PRIORITY_WORDS.contains(&f.as_str()) {
            prio += 1.0;
        }
        if CHANNEL_WORDS.contains(&f.as_str()) {
            chan += 1.0;
        }
        if !f.is_empty() && catalogs.staff.contains(&f) {
            staff += 1.0;
        }
        match person_words(t) {
            Some(w) if w >= 2 => person += 1.0,
            Some(_) if t.chars().count() <= 15 && values::parse_status(t).is_none() => {
                person += 0.5
            }
            _ => {}
        }
        if words >= 2
            && (has_function_word(t)
                || words >= 6
                || (person_words(t).is_none() && t.chars().any(char::is_lowercase)))
        {
            free += 1.0;
        }
        chars += t.chars().count();
    }
    let nf = n as f64;
    p.date = date / nf;
    p.time_only = time_only / nf;
    p.email = email / nf;
    p.phone = phone / nf;
    p.tag = tag / nf;
    p.status = status / nf;
    p.department = dep / nf;
    p.service = svc / nf;
    p.priority = prio / nf;
    p.channel = chan / nf;
    p.staff = staff / nf;
    p.person = person / nf;
    // Free text: phrases, long enough on average (dates and numbers are not).
    p.free_text = if chars as f64 / nf >= 12.0 && p.date < 0.5 {
        free / nf
    } else {
        0.0
    };
    p.distinct = distinct.len() as f64 / nf;
    // A running number: (nearly) every value a number, all different, mostly rising.
    if numbers.len() * 10 >= n * 9 && numbers.len() >= 2 && distinct.len() == n {
        let rising = numbers.windows(2).filter(|w| w[1] > w[0]).count();
        p.running_number = rising * 10 >= (numbers.len() - 1) * 8;
    }
    p
}

/// The number inside a case number as typed («S-012» → 12, «2023-0045» → 20230045).
fn legacy_numeric(t: &str) -> Option<f64> {
    let t = t.trim();
    if t.is_empty() || t.len() > 20 || t.contains(char::is_whitespace) {
        return None;
    }
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() || letters > 5 {
        return None;
    }
    digits.parse::<f64>().ok()
}

/// Candidate (field, score) pairs for one column, free text left out (scored by position).
fn candidates(p: &Profile, date_rank: usize) -> Vec<(usize, f64)> {
    let mut out = Vec::new();
    if p.n == 0 {
        return out;
    }
    if p.running_number && p.date < 0.5 {
        out.push((idx("legacy_number"), 0.95));
    }
    if p.date >= 0.5 {
        // The first date column is the request, the next the answer or closing.
        let (r, c) = if date_rank == 0 {
            (0.9, 0.8)
        } else {
            (0.8, 0.9)
        };
        out.push((idx("received_at"), p.date * r));
        out.push((idx("closed_at"), p.date * c));
    }
    if p.time_only >= 0.5 && p.date < 0.5 {
        out.push((idx("received_time"), p.time_only * 0.9));
    }
    if p.email > 0.0 {
        out.push((idx("email"), p.email * 0.98));
    }
    if p.phone > 0.0 && !p.running_number && p.date < 0.5 {
        out.push((idx("phone"), p.phone * 0.85));
    }
    if p.tag > 0.0 && !p.running_number {
        out.push((idx("asset_tag"), p.tag * 0.8));
    }
    if p.status > 0.0 {
        out.push((idx("status"), p.status * 0.95));
    }
    if p.priority > 0.0 {
        out.push((idx("priority"), p.priority * 0.9));
    }
    if p.channel > 0.0 {
        out.push((idx("channel"), p.channel * 0.88));
    }
    if p.department > 0.0 {
        out.push((idx("department"), p.department * 0.85));
    }
    if p.service > 0.0 {
        out.push((idx("service_type"), p.service * 0.84));
    }
    if p.staff >= 0.5 {
        out.push((idx("assignee"), 0.9 + p.staff * 0.09));
    }
    if p.person > 0.0 && p.free_text < 0.5 {
        // Few different names over many rows: the technicians; many: the requesters.
        let few = p.distinct <= 0.5;
        out.push((idx("assignee"), p.person * if few { 0.8 } else { 0.6 }));
        out.push((idx("requester"), p.person * if few { 0.6 } else { 0.8 }));
    }
    out
}

/// Mostly person names, and not a catalog or status column.
fn is_people(p: &Profile) -> bool {
    p.person >= 0.7 && p.department < 0.5 && p.status < 0.5 && p.free_text < 0.5
}

/// A field mapped by inference, or refused because its field is taken.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Mapped(usize),
    /// The content fits this field but another column holds it.
    Taken(usize),
}

/// Infers the field of every unmapped column of a case sheet from the `sample` rows (after
/// the header). `locked(header)` is true for columns a saved mapping decides. Returns
/// (column, outcome) pairs; the header is updated with the mapped ones.
pub fn infer(
    kind: ImportKind,
    header: &mut Header,
    sample: &[SheetRow],
    catalogs: &Catalogs,
    locked: &dyn Fn(&str) -> bool,
) -> Vec<(usize, Outcome)> {
    if kind != ImportKind::Cases {
        return vec![];
    }
    let mut taken: Vec<bool> = vec![false; fields::CASE_FIELDS.len()];
    for (_, _, f) in &header.columns {
        if let Some(f) = f {
            taken[*f] = true;
        }
    }
    // Columns that may be inferred, with their profiles.
    let open: Vec<(usize, Profile)> = header
        .columns
        .iter()
        .filter(|(c, h, f)| {
            f.is_none() && !locked(h) && !header.dropped.iter().any(|(dc, _)| dc == c)
        })
        .map(|(c, _, _)| {
            let cells: Vec<&Cell> = sample
                .iter()
                .filter_map(|r| r.cells.get(*c))
                .filter(|c| !c.is_empty())
                .collect();
            (*c, profile(&cells, catalogs))
        })
        .filter(|(_, p)| p.n > 0)
        .collect();
    let mut scored: Vec<(usize, usize, f64)> = Vec::new();
    let mut date_rank = header
        .columns
        .iter()
        .filter(|(_, _, f)| matches!(f, Some(f) if *f == idx("received_at")))
        .count();
    // Columns of person names: the one with the fewest different names (the technicians) is
    // the assignee, the others the requesters.
    let people: Vec<(usize, f64)> = open
        .iter()
        .filter(|(_, p)| is_people(p))
        .map(|(c, p)| (*c, p.distinct))
        .collect();
    let fewest = people
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .filter(|_| people.len() > 1)
        .map(|(c, _)| *c);
    for (c, p) in &open {
        let mut cands = candidates(p, date_rank);
        if let Some(f) = fewest.filter(|_| is_people(p)) {
            let (a, r) = if f == *c { (0.85, 0.55) } else { (0.55, 0.85) };
            for (field, s) in cands.iter_mut() {
                if *field == idx("assignee") && p.staff < 0.5 {
                    *s = p.person * a;
                } else if *field == idx("requester") {
                    *s = p.person * r;
                }
            }
        }
        if p.date >= 0.5 {
            date_rank += 1;
        }
        for (f, s) in cands {
            scored.push((*c, f, s));
        }
    }
    // Phase 1: every field but free text, best scores first, one column per field.
    scored.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    let mut mapped: Vec<(usize, usize)> = Vec::new();
    for (c, f, s) in &scored {
        if *s < THRESHOLD || taken[*f] || mapped.iter().any(|(mc, _)| mc == c) {
            continue;
        }
        taken[*f] = true;
        mapped.push((*c, *f));
        set_field(header, *c, *f);
    }
    // Phase 2: free text, left to right. After a closing date or a status it is the
    // solution; otherwise the description (then the solution, when the description is taken).
    let (desc, sol) = (idx("description"), idx("solution"));
    let mut notes: Vec<(usize, usize)> = Vec::new();
    let texts: Vec<usize> = open
        .iter()
        .filter(|(c, p)| {
            !mapped.iter().any(|(mc, _)| mc == c) && p.free_text >= 0.5 && p.distinct >= 0.15
        })
        .map(|(c, _)| *c)
        .collect();
    for c in &texts {
        // A lone free-text column is the description (when no header named it).
        if texts.len() == 1 && !taken[desc] {
            taken[desc] = true;
            mapped.push((*c, desc));
            set_field(header, *c, desc);
            continue;
        }
        let left = header
            .columns
            .iter()
            .filter(|(hc, _, f)| hc < c && f.is_some())
            .max_by_key(|(hc, _, _)| *hc)
            .and_then(|(_, _, f)| *f);
        let after_close = matches!(left, Some(f) if f == idx("closed_at") || f == idx("status"));
        let order = if after_close {
            [sol, desc]
        } else {
            [desc, sol]
        };
        match order.iter().find(|f| !taken[**f]) {
            Some(f) => {
                taken[*f] = true;
                mapped.push((*c, *f));
                set_field(header, *c, *f);
            }
            None => notes.push((*c, order[0])),
        }
    }
    // A column whose content fits a field another column holds stays in `extra`, with a note.
    for (c, _) in &open {
        if mapped.iter().any(|(mc, _)| mc == c) || notes.iter().any(|(nc, _)| nc == c) {
            continue;
        }
        if let Some((_, f, _)) = scored
            .iter()
            .filter(|(sc, _, s)| sc == c && *s >= THRESHOLD)
            .max_by(|a, b| a.2.total_cmp(&b.2))
        {
            notes.push((*c, *f));
        }
    }
    let mut out: Vec<(usize, Outcome)> = mapped
        .into_iter()
        .map(|(c, f)| (c, Outcome::Mapped(f)))
        .chain(notes.into_iter().map(|(c, f)| (c, Outcome::Taken(f))))
        .collect();
    out.sort_by_key(|(c, _)| *c);
    out
}

fn set_field(header: &mut Header, col: usize, field: usize) {
    if let Some(c) = header.columns.iter_mut().find(|(hc, _, _)| *hc == col) {
        c.2 = Some(field);
    }
}
