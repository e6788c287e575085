//! Visits as iCalendar (RFC 5545): one VCALENDAR with a VTIMEZONE for America/Bogota (UTC−05:00
//! all year, no daylight saving) and one VEVENT per visit. Lines end in CRLF, TEXT values are
//! escaped (`\\`, `\;`, `\,`, `\n`) and lines are folded at 75 octets without splitting a UTF-8
//! character (RFC 5545 §3.1, §3.3.11).

use chrono::{DateTime, Duration, Utc};

use super::{CaseInfo, Visit};
use crate::clock::{from_db, to_local};
use crate::error::{CoreError, Result};

/// The time zone of every wall time in the file.
pub const TZID: &str = "America/Bogota";
const PRODID: &str = "-//Mesa de Ayuda TI//Agenda de visitas//ES";
/// Longest line in octets, CRLF not counted (RFC 5545 §3.1).
const LINE_OCTETS: usize = 75;

/// Escapes a TEXT value: backslash, semicolon, comma and line breaks; other control characters
/// (not allowed in TEXT) are dropped, tabs become spaces.
pub fn escape_text(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line: at most 75 octets per physical line (the leading space of a
/// continuation counts), cut only between characters; each physical line ends in CRLF.
pub fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
    out
}

/// Bogota wall time of a stored or RFC 3339 instant, as `YYYYMMDDTHHMMSS` (a DATE-TIME with
/// TZID).
fn local_stamp(t: DateTime<Utc>) -> String {
    to_local(t).format("%Y%m%dT%H%M%S").to_string()
}

fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The stable UID of a visit: its case and the visit's row id (a rescheduled visit keeps it and
/// raises SEQUENCE, so calendars update the event instead of adding another).
pub fn uid(number: &str, visit_id: i64) -> String {
    format!("visita-{visit_id}-{number}@mesa-de-ayuda-ti")
}

fn description(case: &CaseInfo, visit: &Visit) -> String {
    let mut lines = vec![
        format!("Caso: {}", case.number),
        format!("Solicitante: {}", case.requester),
        format!("Dependencia: {}", case.department),
    ];
    if let Some(p) = &case.phone {
        lines.push(format!("Teléfono: {p}"));
    }
    if let Some(e) = &case.email {
        lines.push(format!("Correo: {e}"));
    }
    if let Some(s) = &case.service_type {
        lines.push(format!("Tipo de servicio: {s}"));
    }
    if let Some(w) = &visit.who {
        lines.push(format!("Va: {w}"));
    }
    if let Some(n) = &visit.note {
        lines.push(format!("Nota de la visita: {n}"));
    }
    lines.push(String::new());
    lines.push("Descripción del caso:".into());
    lines.push(case.description.clone());
    lines.join("\n")
}

/// The VCALENDAR of the given visits, stamped `now` (DTSTAMP, UTC).
pub(crate) fn calendar(visits: &[(&CaseInfo, &Visit)], now: DateTime<Utc>) -> Result<String> {
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        format!("PRODID:{PRODID}"),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        "BEGIN:VTIMEZONE".into(),
        format!("TZID:{TZID}"),
        "BEGIN:STANDARD".into(),
        "DTSTART:19700101T000000".into(),
        "TZOFFSETFROM:-0500".into(),
        "TZOFFSETTO:-0500".into(),
        "TZNAME:-05".into(),
        "END:STANDARD".into(),
        "END:VTIMEZONE".into(),
    ];
    for (case, visit) in visits {
        let start = chrono::DateTime::parse_from_rfc3339(&visit.starts_at)
            .map(|t| t.with_timezone(&Utc))
            .or_else(|_| from_db(&visit.starts_at))
            .map_err(|_| {
                CoreError::validation("visita", format!("hora guardada «{}»", visit.starts_at))
            })?;
        let end = start + Duration::minutes(visit.minutes);
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{}", uid(&case.number, visit.id)));
        lines.push(format!("DTSTAMP:{}", utc_stamp(now)));
        lines.push(format!("SEQUENCE:{}", visit.sequence));
        lines.push(format!("DTSTART;TZID={TZID}:{}", local_stamp(start)));
        lines.push(format!("DTEND;TZID={TZID}:{}", local_stamp(end)));
        lines.push(format!(
            "SUMMARY:{}",
            escape_text(&format!(
                "Visita técnica {} — {}",
                case.number, case.requester
            ))
        ));
        if let Some(p) = &visit.place {
            lines.push(format!("LOCATION:{}", escape_text(p)));
        }
        lines.push(format!(
            "DESCRIPTION:{}",
            escape_text(&description(case, visit))
        ));
        lines.push("STATUS:CONFIRMED".into());
        lines.push("TRANSP:OPAQUE".into());
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    Ok(lines.iter().map(|l| fold_line(l)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let line = format!("DESCRIPTION:{}", "áéíóú ñ, ".repeat(40));
        let folded = fold_line(&line);
        assert!(folded.ends_with("\r\n"));
        for physical in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(
                physical.len() <= 75,
                "{} octetos: {physical}",
                physical.len()
            );
        }
        // Unfolding gives back the line.
        assert_eq!(folded.trim_end_matches("\r\n").replace("\r\n ", ""), line);
        let short = fold_line("BEGIN:VEVENT");
        assert_eq!(short, "BEGIN:VEVENT\r\n");
    }

    #[test]
    fn escapes_text() {
        assert_eq!(
            escape_text("a\\b;c,d\r\ne\nf\u{7}\tg"),
            "a\\\\b\\;c\\,d\\ne\\nf g"
        );
    }
}
