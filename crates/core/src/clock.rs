//! Time: the clock is passed in, never read inside rules. All wall times are America/Bogota
//! (UTC−05:00 all year, no daylight saving since 1993), stored as UTC instants.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::error::{CoreError, Result};

/// Source of "now". The app and CLI use [`SystemClock`]; tests and `--now` use [`FixedClock`].
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// America/Bogota as a fixed offset.
pub fn bogota() -> FixedOffset {
    FixedOffset::west_opt(5 * 3600).expect("valid offset")
}

/// UTC instant → Bogota wall time.
pub fn to_local(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&bogota()).naive_local()
}

/// Bogota wall time → UTC instant (never ambiguous: no DST).
pub fn from_local(t: NaiveDateTime) -> DateTime<Utc> {
    bogota()
        .from_local_datetime(&t)
        .single()
        .expect("fixed offset is never ambiguous")
        .with_timezone(&Utc)
}

/// Parses a time given by a user or a script: RFC 3339 (`2026-03-02T09:15:00-05:00`), or a
/// Bogota wall time `YYYY-MM-DDTHH:MM[:SS]` / `YYYY-MM-DD HH:MM` / `dd/mm/aaaa hh:mm[:ss]` (as
/// the app shows dates), or a date `YYYY-MM-DD` / `dd/mm/aaaa` (meaning 00:00 local).
pub fn parse_time_input(field: &str, s: &str) -> Result<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%d/%m/%Y %H:%M",
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y, %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(from_local(t));
        }
    }
    for fmt in ["%Y-%m-%d", "%d/%m/%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            return Ok(from_local(d.and_hms_opt(0, 0, 0).expect("midnight")));
        }
    }
    Err(CoreError::validation(
        field,
        format!(
            "«{s}» no es una fecha y hora válida; use dd/mm/aaaa hh:mm o AAAA-MM-DD HH:MM (hora \
             de Bogotá), o RFC 3339"
        ),
    ))
}

/// Storage form: UTC, second precision, lexicographically sortable (`2026-03-02T14:15:00Z`).
pub fn to_db(t: DateTime<Utc>) -> String {
    use chrono::{Datelike, Timelike};
    let y = t.year();
    if !(0..=9999).contains(&y) {
        return t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    }
    // Written by hand: imports format hundreds of thousands of these, and chrono's
    // strftime machinery costs several times more than the digits themselves.
    let mut b = *b"0000-00-00T00:00:00Z";
    let put = |b: &mut [u8; 20], at: usize, v: u32, width: usize| {
        let mut v = v;
        for i in (0..width).rev() {
            b[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(&mut b, 0, y as u32, 4);
    put(&mut b, 5, t.month(), 2);
    put(&mut b, 8, t.day(), 2);
    put(&mut b, 11, t.hour(), 2);
    put(&mut b, 14, t.minute(), 2);
    put(&mut b, 17, t.second(), 2);
    String::from_utf8_lossy(&b).into_owned()
}

pub fn from_db(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| CoreError::validation("fecha almacenada", format!("«{s}»: {e}")))
}

/// Display/JSON form: RFC 3339 in Bogota time with its offset (`2026-03-02T09:15:00-05:00`).
pub fn to_rfc3339_local(t: DateTime<Utc>) -> String {
    t.with_timezone(&bogota())
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_dates_the_way_the_app_shows_them() {
        let iso = parse_time_input("t", "2026-12-01T08:30").unwrap();
        for s in ["01/12/2026 08:30", "1/12/2026 8:30", "01/12/2026 08:30:00"] {
            assert_eq!(parse_time_input("t", s).unwrap(), iso, "{s}");
        }
        assert_eq!(
            parse_time_input("t", "01/12/2026").unwrap(),
            parse_time_input("t", "2026-12-01").unwrap()
        );
        for bad in ["31/02/2026 08:00", "12/31/2026", "mañana", ""] {
            let e = parse_time_input("recibido", bad).unwrap_err();
            assert!(e.to_string().contains("dd/mm/aaaa"), "{e}");
        }
    }

    #[test]
    fn parses_local_and_rfc3339_to_same_instant() {
        let a = parse_time_input("t", "2026-03-02T09:15").unwrap();
        let b = parse_time_input("t", "2026-03-02T09:15:00-05:00").unwrap();
        let c = parse_time_input("t", "2026-03-02T14:15:00Z").unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(to_db(a), "2026-03-02T14:15:00Z");
        assert_eq!(to_rfc3339_local(a), "2026-03-02T09:15:00-05:00");
        assert_eq!(from_db(&to_db(a)).unwrap(), a);
    }

    #[test]
    fn to_db_matches_chrono_format() {
        use chrono::TimeZone;
        let cases = [
            Utc.with_ymd_and_hms(2026, 11, 24, 3, 5, 9).unwrap(),
            Utc.with_ymd_and_hms(1900, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(12, 2, 29, 12, 30, 1).unwrap(),
            Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2024, 2, 29, 23, 0, 0).unwrap()
                + chrono::Duration::milliseconds(999),
        ];
        for t in cases {
            assert_eq!(to_db(t), t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
    }

    #[test]
    fn rejects_garbage_with_spanish_message() {
        let e = parse_time_input("recibido", "ayer").unwrap_err();
        assert_eq!(e.code(), "validation");
        assert!(e.to_string().contains("recibido"), "{e}");
        assert!(e.to_string().contains("ayer"), "{e}");
    }
}
