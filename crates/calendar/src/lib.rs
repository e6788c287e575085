//! Business calendar for the help desk (calendario hábil).
//!
//! All wall times are America/Bogota local time represented as
//! [`chrono::NaiveDateTime`]. Bogota is fixed UTC−5 without DST, so local wall
//! time is a continuous timeline; conversion from/to UTC is done elsewhere.
//!
//! Conventions used throughout this module:
//! * Every interval is half-open, `[start, end)`: a working interval
//!   08:00–12:00 is open at 08:00 and closed at 12:00.
//! * Durations are computed exactly (seconds and nanoseconds of the inputs are
//!   kept); "business minutes" returned by the `*_between` functions are the
//!   exact business duration floored to whole minutes.
//! * Colombian holidays (Ley 51 de 1983) are cached once per process for the
//!   years 1970..=2100 in a bitset; other years are computed on demand (slower).
//! * Infinite-loop guard: any forward scan gives up after [`GUARD_DAYS`]
//!   consecutive calendar days (≈ 20 years) without any open time, or when it
//!   passes the year 9999, and then returns [`FAR_FUTURE`].

use std::fmt;
use std::ops::ControlFlow;
use std::sync::{Arc, OnceLock};

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Weekday};

/// Sentinel returned when a deadline can never be reached (for example every
/// day is closed for [`GUARD_DAYS`] consecutive days): 9999-12-31 23:59:59.
pub const FAR_FUTURE: NaiveDateTime = match (
    NaiveDate::from_ymd_opt(9999, 12, 31),
    NaiveTime::from_hms_opt(23, 59, 59),
) {
    (Some(d), Some(t)) => d.and_time(t),
    _ => panic!("FAR_FUTURE inválido"),
};

/// Number of consecutive calendar days without open time after which forward
/// scans give up (≈ 20 years).
pub const GUARD_DAYS: u32 = 7305;

const TABLE_FIRST_YEAR: i32 = 1970;
const TABLE_LAST_YEAR: i32 = 2100;
const MAX_SCAN_YEAR: i32 = 9999;

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn weekday_name_es(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "lunes",
        Weekday::Tue => "martes",
        Weekday::Wed => "miércoles",
        Weekday::Thu => "jueves",
        Weekday::Fri => "viernes",
        Weekday::Sat => "sábado",
        Weekday::Sun => "domingo",
    }
}

// ---------------------------------------------------------------------------
// Holidays
// ---------------------------------------------------------------------------

/// Easter Sunday of the Gregorian calendar (anonymous / Meeus–Jones–Butcher
/// computus).
///
/// # Panics
/// Only for years outside the range supported by `chrono::NaiveDate`.
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let n = h + l - 7 * m + 114;
    let month = n.div_euclid(31);
    let day = n.rem_euclid(31) + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
        .expect("año fuera del rango soportado por chrono")
}

/// A Colombian public holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: &'static str,
}

/// The given date if it is a Monday, otherwise the following Monday (Ley Emiliani).
fn next_monday(d: NaiveDate) -> NaiveDate {
    let from_monday = d.weekday().num_days_from_monday();
    if from_monday == 0 {
        d
    } else {
        d + Days::new(u64::from(7 - from_monday))
    }
}

/// The 18 Colombian public holidays of `year` (Ley 51 de 1983), sorted by date.
///
/// Two holidays may fall on the same Monday (e.g. 2025-06-30: Sagrado Corazón
/// and San Pedro y San Pablo); they are then two separate entries (stable
/// order: Easter-based first).
///
/// # Panics
/// Only for years outside the range supported by `chrono::NaiveDate`.
pub fn colombian_holidays(year: i32) -> Vec<Holiday> {
    let ymd = |m: u32, d: u32| {
        NaiveDate::from_ymd_opt(year, m, d).expect("año fuera del rango soportado por chrono")
    };
    let easter = easter_sunday(year);
    let mut v = Vec::with_capacity(18);
    let mut add = |date: NaiveDate, name: &'static str| v.push(Holiday { date, name });

    // Easter-based.
    add(easter - Days::new(3), "Jueves Santo");
    add(easter - Days::new(2), "Viernes Santo");
    add(next_monday(easter + Days::new(39)), "Ascensión del Señor");
    add(next_monday(easter + Days::new(60)), "Corpus Christi");
    add(next_monday(easter + Days::new(68)), "Sagrado Corazón");

    // Fixed.
    add(ymd(1, 1), "Año Nuevo");
    add(ymd(5, 1), "Día del Trabajo");
    add(ymd(7, 20), "Día de la Independencia");
    add(ymd(8, 7), "Batalla de Boyacá");
    add(ymd(12, 8), "Inmaculada Concepción");
    add(ymd(12, 25), "Navidad");

    // Moved to the following Monday.
    add(next_monday(ymd(1, 6)), "Reyes Magos");
    add(next_monday(ymd(3, 19)), "San José");
    add(next_monday(ymd(6, 29)), "San Pedro y San Pablo");
    add(next_monday(ymd(8, 15)), "Asunción de la Virgen");
    add(next_monday(ymd(10, 12)), "Día de la Raza");
    add(next_monday(ymd(11, 1)), "Todos los Santos");
    add(next_monday(ymd(11, 11)), "Independencia de Cartagena");

    v.sort_by_key(|h| h.date); // stable
    v
}

type YearBits = [u64; 6]; // 384 bits ≥ 366 days, indexed by ordinal0

/// Process-wide cache of Colombian holidays for 1970..=2100 (computed once).
fn holiday_table() -> &'static [YearBits] {
    static TABLE: OnceLock<Vec<YearBits>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (TABLE_FIRST_YEAR..=TABLE_LAST_YEAR)
            .map(|y| {
                let mut bits = [0u64; 6];
                for h in colombian_holidays(y) {
                    let o = h.date.ordinal0() as usize;
                    bits[o / 64] |= 1u64 << (o % 64);
                }
                bits
            })
            .collect()
    })
}

fn is_colombian_holiday(d: NaiveDate) -> bool {
    let y = d.year();
    if (TABLE_FIRST_YEAR..=TABLE_LAST_YEAR).contains(&y) {
        let bits = &holiday_table()[(y - TABLE_FIRST_YEAR) as usize];
        let o = d.ordinal0() as usize;
        (bits[o / 64] >> (o % 64)) & 1 == 1
    } else {
        colombian_holidays(y).iter().any(|h| h.date == d)
    }
}

// ---------------------------------------------------------------------------
// Schedule, closures, errors
// ---------------------------------------------------------------------------

/// A working interval within one day, `[start, end)`, `start < end`.
/// (An interval cannot reach midnight; the latest possible end is 23:59:59.999999999.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WorkInterval {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// Weekly opening hours. `days[0]` is Monday … `days[6]` is Sunday
/// (`chrono::Weekday::num_days_from_monday`). Each day's intervals must be
/// sorted and non-overlapping (touching is allowed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklySchedule {
    pub days: [Vec<WorkInterval>; 7],
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("hora válida")
}

impl WeeklySchedule {
    /// Monday–Friday 08:00–12:00 and 14:00–18:00; Saturday and Sunday closed.
    pub fn default_office() -> Self {
        let weekday = vec![
            WorkInterval {
                start: hm(8, 0),
                end: hm(12, 0),
            },
            WorkInterval {
                start: hm(14, 0),
                end: hm(18, 0),
            },
        ];
        WeeklySchedule {
            days: [
                weekday.clone(),
                weekday.clone(),
                weekday.clone(),
                weekday.clone(),
                weekday,
                Vec::new(),
                Vec::new(),
            ],
        }
    }
}

/// An extra closure decreed by the entity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ClosedPeriod {
    /// The whole day is closed.
    Day(NaiveDate),
    /// Closed during `[start, end)`; may span several days. Requires `start < end`.
    Range {
        start: NaiveDateTime,
        end: NaiveDateTime,
    },
}

/// Errors raised when building a [`BusinessCalendar`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// An interval whose start is not before its end.
    InvalidInterval {
        weekday: Weekday,
        start: NaiveTime,
        end: NaiveTime,
    },
    /// A day's intervals are not sorted or overlap each other.
    OverlappingIntervals { weekday: Weekday },
    /// The week has no working interval at all.
    EmptySchedule,
    /// A `ClosedPeriod::Range` whose start is not before its end.
    InvalidClosedRange {
        start: NaiveDateTime,
        end: NaiveDateTime,
    },
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalendarError::InvalidInterval {
                weekday,
                start,
                end,
            } => write!(
                f,
                "intervalo laboral inválido el {}: el inicio {} debe ser anterior al fin {}",
                weekday_name_es(*weekday),
                start,
                end
            ),
            CalendarError::OverlappingIntervals { weekday } => write!(
                f,
                "los intervalos laborales del {} están desordenados o se superponen",
                weekday_name_es(*weekday)
            ),
            CalendarError::EmptySchedule => {
                write!(f, "el horario semanal no tiene ningún intervalo laboral")
            }
            CalendarError::InvalidClosedRange { start, end } => write!(
                f,
                "periodo de cierre inválido: el inicio {start} debe ser anterior al fin {end}"
            ),
        }
    }
}

impl std::error::Error for CalendarError {}

// ---------------------------------------------------------------------------
// Business calendar
// ---------------------------------------------------------------------------

/// Result of an internal forward walk over counting time.
enum Walk<R> {
    /// The callback stopped the walk.
    Done(R),
    /// The `until` bound was reached.
    ReachedUntil,
    /// The infinite-loop guard fired.
    Exhausted,
}

/// Offset inside a business day used by `add_business_days`.
enum DayOffset {
    /// The day's closing time.
    Closing,
    /// This much open time of the day has elapsed (strictly positive).
    Elapsed(TimeDelta),
}

/// Working schedule + Colombian holidays + extra closures.
///
/// Cheap to clone (shared data behind `Arc`), `Send + Sync`.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    schedule: Arc<WeeklySchedule>,
    observe_holidays: bool,
    /// Whole closed days, sorted and deduplicated.
    closed_days: Arc<[NaiveDate]>,
    /// Closed ranges, sorted, merged (disjoint, non-touching), half-open.
    closed_ranges: Arc<[(NaiveDateTime, NaiveDateTime)]>,
}

fn normalize_pauses(
    pauses: &[(NaiveDateTime, Option<NaiveDateTime>)],
    lo: NaiveDateTime,
    hi: NaiveDateTime,
) -> Vec<(NaiveDateTime, NaiveDateTime)> {
    let mut v: Vec<(NaiveDateTime, NaiveDateTime)> = pauses
        .iter()
        .filter_map(|&(s, e)| {
            let s = s.max(lo);
            let e = e.unwrap_or(hi).min(hi);
            (s < e).then_some((s, e))
        })
        .collect();
    merge_ranges(&mut v);
    v
}

/// Sorts and merges overlapping or touching ranges in place.
fn merge_ranges(v: &mut Vec<(NaiveDateTime, NaiveDateTime)>) {
    v.sort_unstable();
    let mut out: Vec<(NaiveDateTime, NaiveDateTime)> = Vec::with_capacity(v.len());
    for &(s, e) in v.iter() {
        match out.last_mut() {
            Some(last) if s <= last.1 => {
                if e > last.1 {
                    last.1 = e;
                }
            }
            _ => out.push((s, e)),
        }
    }
    *v = out;
}

impl BusinessCalendar {
    /// Builds a calendar.
    ///
    /// Validates that every interval has `start < end`, that each day's
    /// intervals are sorted and non-overlapping (touching is allowed), that the
    /// week has at least one working interval, and that every
    /// `ClosedPeriod::Range` has `start < end`.
    pub fn new(
        schedule: WeeklySchedule,
        extra_closed: Vec<ClosedPeriod>,
        observe_holidays: bool,
    ) -> Result<Self, CalendarError> {
        let mut any = false;
        for (idx, ivs) in schedule.days.iter().enumerate() {
            let weekday = WEEKDAYS[idx];
            for iv in ivs {
                if iv.start >= iv.end {
                    return Err(CalendarError::InvalidInterval {
                        weekday,
                        start: iv.start,
                        end: iv.end,
                    });
                }
                any = true;
            }
            if ivs.windows(2).any(|w| w[0].end > w[1].start) {
                return Err(CalendarError::OverlappingIntervals { weekday });
            }
        }
        if !any {
            return Err(CalendarError::EmptySchedule);
        }

        let mut days = Vec::new();
        let mut ranges = Vec::new();
        for p in extra_closed {
            match p {
                ClosedPeriod::Day(d) => days.push(d),
                ClosedPeriod::Range { start, end } => {
                    if start >= end {
                        return Err(CalendarError::InvalidClosedRange { start, end });
                    }
                    ranges.push((start, end));
                }
            }
        }
        days.sort_unstable();
        days.dedup();
        merge_ranges(&mut ranges);

        if observe_holidays {
            // Warm the process-wide cache outside the hot path.
            let _ = holiday_table();
        }

        Ok(BusinessCalendar {
            schedule: Arc::new(schedule),
            observe_holidays,
            closed_days: days.into(),
            closed_ranges: ranges.into(),
        })
    }

    /// Default schedule (Mon–Fri 08–12, 14–18), Colombian holidays observed,
    /// no extra closures.
    pub fn default_office() -> Self {
        Self::new(WeeklySchedule::default_office(), Vec::new(), true)
            .expect("el horario por defecto es válido")
    }

    /// True if `d` is a Colombian public holiday **and** this calendar
    /// observes holidays (always false when `observe_holidays` is false).
    /// Extra closures (`ClosedPeriod`) are not holidays.
    pub fn is_holiday(&self, d: NaiveDate) -> bool {
        self.observe_holidays && is_colombian_holiday(d)
    }

    /// True if `d` has some open time after holidays and closures.
    pub fn is_business_day(&self, d: NaiveDate) -> bool {
        !self.closed_fast(d)
            && self
                .for_each_open(d, |_, _| ControlFlow::Break(()))
                .is_break()
    }

    /// The day's open intervals (half-open, chronological) after subtracting
    /// holidays and closures. May be empty.
    pub fn open_intervals(&self, d: NaiveDate) -> Vec<(NaiveDateTime, NaiveDateTime)> {
        let mut v = Vec::new();
        if !self.closed_fast(d) {
            let _ = self.for_each_open::<()>(d, |s, e| {
                v.push((s, e));
                ControlFlow::Continue(())
            });
        }
        v
    }

    /// True if `t` lies inside an open interval (`start <= t < end`).
    pub fn is_open(&self, t: NaiveDateTime) -> bool {
        let d = t.date();
        !self.closed_fast(d)
            && self
                .for_each_open(d, |s, e| {
                    if s <= t && t < e {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    }
                })
                .is_break()
    }

    /// Deadline: the instant at which `minutes` business minutes have elapsed
    /// since `start`.
    ///
    /// * A start outside open time starts counting at the next opening.
    /// * Reaching the total exactly at a closing time (end of any open
    ///   interval) returns that closing time, not the next opening.
    /// * `minutes <= 0` returns `start` unchanged (even if closed).
    /// * If no open time exists for [`GUARD_DAYS`] consecutive days (or the
    ///   scan passes year 9999) returns [`FAR_FUTURE`].
    pub fn add_business_minutes(&self, start: NaiveDateTime, minutes: i64) -> NaiveDateTime {
        if minutes <= 0 {
            return start;
        }
        let Some(mut remaining) = TimeDelta::try_minutes(minutes) else {
            return FAR_FUTURE;
        };
        match self.walk(start, NaiveDateTime::MAX, &[], true, |s, e| {
            let avail = e - s;
            if remaining <= avail {
                ControlFlow::Break(s + remaining)
            } else {
                remaining -= avail;
                ControlFlow::Continue(())
            }
        }) {
            Walk::Done(t) => t,
            Walk::ReachedUntil | Walk::Exhausted => FAR_FUTURE,
        }
    }

    /// Same as [`add_business_minutes`](Self::add_business_minutes), but time
    /// inside any pause `[start, end)` does not count. Pauses may overlap each
    /// other and non-business time; nothing is double counted. Pauses (or
    /// parts of them) before `start` are ignored.
    ///
    /// A pause with `end == None` is still open: the clock stops at its start.
    /// If the deadline is reached **before** (or exactly at) the earliest open
    /// pause's start, that deadline is returned (it is already fixed);
    /// otherwise the result is `None` (clock stopped, no deadline).
    /// `minutes <= 0` returns `Some(start)`. Guard: see
    /// [`add_business_minutes`](Self::add_business_minutes) (`Some(FAR_FUTURE)`).
    pub fn deadline_with_pauses(
        &self,
        start: NaiveDateTime,
        minutes: i64,
        pauses: &[(NaiveDateTime, Option<NaiveDateTime>)],
    ) -> Option<NaiveDateTime> {
        if minutes <= 0 {
            return Some(start);
        }
        let open_from = pauses
            .iter()
            .filter(|p| p.1.is_none())
            .map(|p| p.0.max(start))
            .min();
        let until = open_from.unwrap_or(NaiveDateTime::MAX);
        let norm = normalize_pauses(pauses, start, until);
        let Some(mut remaining) = TimeDelta::try_minutes(minutes) else {
            return if open_from.is_some() {
                None
            } else {
                Some(FAR_FUTURE)
            };
        };
        match self.walk(start, until, &norm, true, |s, e| {
            let avail = e - s;
            if remaining <= avail {
                ControlFlow::Break(s + remaining)
            } else {
                remaining -= avail;
                ControlFlow::Continue(())
            }
        }) {
            Walk::Done(t) => Some(t),
            Walk::ReachedUntil => None,
            Walk::Exhausted => {
                if open_from.is_some() {
                    None
                } else {
                    Some(FAR_FUTURE)
                }
            }
        }
    }

    /// Business minutes in `[a, b)` (exact business duration floored to whole
    /// minutes); 0 if `b <= a`.
    pub fn business_minutes_between(&self, a: NaiveDateTime, b: NaiveDateTime) -> i64 {
        self.business_minutes_between_with_pauses(a, b, &[])
    }

    /// Same as [`business_minutes_between`](Self::business_minutes_between),
    /// excluding pauses (an open pause extends to `b`; overlaps are not double
    /// counted).
    pub fn business_minutes_between_with_pauses(
        &self,
        a: NaiveDateTime,
        b: NaiveDateTime,
        pauses: &[(NaiveDateTime, Option<NaiveDateTime>)],
    ) -> i64 {
        if b <= a {
            return 0;
        }
        let norm = normalize_pauses(pauses, a, b);
        let mut total = TimeDelta::zero();
        let _ = self.walk::<()>(a, b, &norm, false, |s, e| {
            total += e - s;
            ControlFlow::Continue(())
        });
        total.num_minutes()
    }

    /// "`n` business days later at the same business moment".
    ///
    /// Let X = `t.date()`.
    /// * If X is a business day and `t` is after X's first opening: D = X. If
    ///   `t` is at/after X's last closing, the offset is "closing"; otherwise
    ///   the offset is the open time of X elapsed up to `t` (lunch gaps count
    ///   as the time elapsed so far).
    /// * Otherwise (non-business day, or `t` at/before the first opening): D =
    ///   the most recent business day before X, offset "closing".
    ///
    /// The result is the n-th business day after D, T, at the same offset:
    /// "closing" gives T's closing time; an elapsed offset is clamped to T's
    /// open length, and the earliest instant at which that much of T's open
    /// time has elapsed is returned (so an offset equal to the end of an
    /// interval gives that interval's end, and an offset ≥ T's length gives
    /// T's closing). Note that "offset 0 of X" (t exactly at the opening) is
    /// treated as the closing of the previous business day, matching the
    /// closing-time rule of `add_business_minutes`; with the default schedule
    /// the result always equals `add_business_minutes(t, n * 480)`.
    ///
    /// `n == 0` returns `t`. If no previous business day exists within
    /// [`GUARD_DAYS`], D is taken as the day before X. Guard: [`FAR_FUTURE`].
    pub fn add_business_days(&self, t: NaiveDateTime, n: u32) -> NaiveDateTime {
        if n == 0 {
            return t;
        }
        let x = t.date();
        let mut anchor = None;
        let mut offset = DayOffset::Closing;
        if !self.closed_fast(x) {
            let mut first_open: Option<NaiveDateTime> = None;
            let mut last_close: Option<NaiveDateTime> = None;
            let mut elapsed = TimeDelta::zero();
            let _ = self.for_each_open::<()>(x, |s, e| {
                first_open.get_or_insert(s);
                last_close = Some(e);
                if t > s {
                    elapsed += t.min(e) - s;
                }
                ControlFlow::Continue(())
            });
            match (first_open, last_close) {
                (Some(fo), Some(lc)) if t > fo => {
                    anchor = Some(x);
                    if t < lc {
                        offset = DayOffset::Elapsed(elapsed);
                    }
                }
                _ => {}
            }
        }
        let anchor = match anchor.or_else(|| self.previous_business_day(x)) {
            Some(a) => a,
            None => match x.pred_opt() {
                Some(p) => p,
                None => return t,
            },
        };

        // Find T, the n-th business day after the anchor.
        let mut day = anchor;
        let mut count = 0u32;
        let mut closed_run = 0u32;
        loop {
            day = match day.succ_opt() {
                Some(d) if d.year() <= MAX_SCAN_YEAR => d,
                _ => return FAR_FUTURE,
            };
            if self.is_business_day(day) {
                count += 1;
                closed_run = 0;
                if count == n {
                    break;
                }
            } else {
                closed_run += 1;
                if closed_run > GUARD_DAYS {
                    return FAR_FUTURE;
                }
            }
        }

        let mut result = None;
        let mut remaining = match offset {
            DayOffset::Closing => TimeDelta::MAX,
            DayOffset::Elapsed(o) => o,
        };
        let _ = self.for_each_open::<()>(day, |s, e| {
            let len = e - s;
            if remaining <= len {
                result = Some(s + remaining);
                return ControlFlow::Break(());
            }
            remaining -= len;
            result = Some(e); // closing so far (clamp)
            ControlFlow::Continue(())
        });
        result.unwrap_or(FAR_FUTURE)
    }

    // -- internals ----------------------------------------------------------

    /// Cheap whole-day closure test: no schedule that weekday, observed
    /// holiday, or an extra closed day. (Range closures are not checked.)
    #[inline]
    fn closed_fast(&self, d: NaiveDate) -> bool {
        self.schedule.days[d.weekday().num_days_from_monday() as usize].is_empty()
            || (self.observe_holidays && is_colombian_holiday(d))
            || (!self.closed_days.is_empty() && self.closed_days.binary_search(&d).is_ok())
    }

    /// Calls `f` with the day's scheduled intervals minus closed ranges, in
    /// order. Does NOT check `closed_fast` (callers do).
    #[inline]
    fn for_each_open<R>(
        &self,
        day: NaiveDate,
        mut f: impl FnMut(NaiveDateTime, NaiveDateTime) -> ControlFlow<R>,
    ) -> ControlFlow<R> {
        let ivs = &self.schedule.days[day.weekday().num_days_from_monday() as usize];
        let ranges = &self.closed_ranges;
        if ranges.is_empty() {
            for iv in ivs {
                if let ControlFlow::Break(r) = f(day.and_time(iv.start), day.and_time(iv.end)) {
                    return ControlFlow::Break(r);
                }
            }
            return ControlFlow::Continue(());
        }
        let day_start = day.and_time(NaiveTime::MIN);
        let mut first = ranges.partition_point(|r| r.1 <= day_start);
        for iv in ivs {
            let s = day.and_time(iv.start);
            let e = day.and_time(iv.end);
            while first < ranges.len() && ranges[first].1 <= s {
                first += 1;
            }
            let mut cur = s;
            let mut k = first;
            while k < ranges.len() && ranges[k].0 < e {
                let (rs, re) = ranges[k];
                if re > cur {
                    if rs > cur {
                        f(cur, rs)?;
                    }
                    cur = re;
                    if cur >= e {
                        break;
                    }
                }
                k += 1;
            }
            if cur < e {
                f(cur, e)?;
            }
        }
        ControlFlow::Continue(())
    }

    fn previous_business_day(&self, x: NaiveDate) -> Option<NaiveDate> {
        let mut d = x;
        for _ in 0..=GUARD_DAYS {
            d = d.pred_opt()?;
            if self.is_business_day(d) {
                return Some(d);
            }
        }
        None
    }

    /// Walks counting time forward from `from` (exclusive of anything before
    /// it) up to `until`, calling `f` with each maximal counting piece: open
    /// time minus `pauses` (sorted, merged, within `[from, until]`).
    fn walk<R>(
        &self,
        from: NaiveDateTime,
        until: NaiveDateTime,
        pauses: &[(NaiveDateTime, NaiveDateTime)],
        guard: bool,
        mut f: impl FnMut(NaiveDateTime, NaiveDateTime) -> ControlFlow<R>,
    ) -> Walk<R> {
        let mut day = from.date();
        let mut pi = 0usize;
        let mut closed_run = 0u32;
        loop {
            if day.year() > MAX_SCAN_YEAR {
                return Walk::Exhausted;
            }
            let day_start = day.and_time(NaiveTime::MIN);
            if day_start >= until {
                return Walk::ReachedUntil;
            }
            let Some(next_day) = day.succ_opt() else {
                return Walk::Exhausted;
            };
            if !pauses.is_empty() {
                let lo = day_start.max(from);
                while pi < pauses.len() && pauses[pi].1 <= lo {
                    pi += 1;
                }
                if pi < pauses.len()
                    && pauses[pi].0 <= lo
                    && pauses[pi].1 >= next_day.and_time(NaiveTime::MIN)
                {
                    // The rest of the day is paused: jump to the pause's end.
                    day = pauses[pi].1.date();
                    closed_run = 0;
                    continue;
                }
            }
            let mut had_open = false;
            if !self.closed_fast(day) {
                let flow = self.for_each_open(day, |s, e| {
                    had_open = true;
                    let mut cur = s.max(from);
                    let end = e.min(until);
                    while cur < end {
                        while pi < pauses.len() && pauses[pi].1 <= cur {
                            pi += 1;
                        }
                        if pi < pauses.len() && pauses[pi].0 <= cur {
                            cur = pauses[pi].1;
                            continue;
                        }
                        let piece_end = if pi < pauses.len() {
                            end.min(pauses[pi].0)
                        } else {
                            end
                        };
                        if let ControlFlow::Break(r) = f(cur, piece_end) {
                            return ControlFlow::Break(r);
                        }
                        cur = piece_end;
                    }
                    ControlFlow::Continue(())
                });
                if let ControlFlow::Break(r) = flow {
                    return Walk::Done(r);
                }
            }
            if had_open {
                closed_run = 0;
            } else {
                closed_run += 1;
                if guard && closed_run > GUARD_DAYS {
                    return Walk::Exhausted;
                }
            }
            day = next_day;
        }
    }
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn dt(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        date(y, m, d).and_hms_opt(h, mi, 0).unwrap()
    }

    fn iv(h1: u32, m1: u32, h2: u32, m2: u32) -> WorkInterval {
        WorkInterval {
            start: hm(h1, m1),
            end: hm(h2, m2),
        }
    }

    fn cal() -> BusinessCalendar {
        BusinessCalendar::default_office()
    }

    fn holiday_mmdd(year: i32) -> Vec<String> {
        colombian_holidays(year)
            .iter()
            .map(|h| h.date.format("%m-%d").to_string())
            .collect()
    }

    fn assert_holidays(year: i32, expected: &[&str]) {
        let got = holiday_mmdd(year);
        assert_eq!(got.len(), 18, "year {year}: {got:?}");
        assert_eq!(expected.len(), 18);
        assert_eq!(got, expected, "year {year}");
        let hs = colombian_holidays(year);
        assert!(hs.windows(2).all(|w| w[0].date <= w[1].date));
        assert!(hs.iter().all(|h| h.date.year() == year));
    }

    /// Checks each holiday's weekday against the rules.
    fn assert_weekday_rules(year: i32) {
        let fixed = [(1, 1), (5, 1), (7, 20), (8, 7), (12, 8), (12, 25)];
        for h in colombian_holidays(year) {
            let md = (h.date.month(), h.date.day());
            match h.name {
                "Jueves Santo" => assert_eq!(h.date.weekday(), Weekday::Thu),
                "Viernes Santo" => assert_eq!(h.date.weekday(), Weekday::Fri),
                _ if fixed.contains(&md)
                    && [
                        "Año Nuevo",
                        "Día del Trabajo",
                        "Día de la Independencia",
                        "Batalla de Boyacá",
                        "Inmaculada Concepción",
                        "Navidad",
                    ]
                    .contains(&h.name) => {}
                name => assert_eq!(h.date.weekday(), Weekday::Mon, "{year} {name}"),
            }
        }
    }

    #[test]
    fn easter_known_years() {
        assert_eq!(easter_sunday(2000), date(2000, 4, 23));
        assert_eq!(easter_sunday(2019), date(2019, 4, 21));
        assert_eq!(easter_sunday(2024), date(2024, 3, 31));
        assert_eq!(easter_sunday(2025), date(2025, 4, 20));
        assert_eq!(easter_sunday(2026), date(2026, 4, 5));
        assert_eq!(easter_sunday(2027), date(2027, 3, 28));
        assert_eq!(easter_sunday(1818), date(1818, 3, 22)); // earliest possible
        assert_eq!(easter_sunday(2038), date(2038, 4, 25)); // latest possible
        for y in 1900..2200 {
            assert_eq!(easter_sunday(y).weekday(), Weekday::Sun);
        }
    }

    #[test]
    fn holidays_2024() {
        assert_holidays(
            2024,
            &[
                "01-01", "01-08", "03-25", "03-28", "03-29", "05-01", "05-13", "06-03", "06-10",
                "07-01", "07-20", "08-07", "08-19", "10-14", "11-04", "11-11", "12-08", "12-25",
            ],
        );
        assert_weekday_rules(2024);
    }

    #[test]
    fn holidays_2025() {
        assert_holidays(
            2025,
            &[
                "01-01", "01-06", "03-24", "04-17", "04-18", "05-01", "06-02", "06-23", "06-30",
                "06-30", "07-20", "08-07", "08-18", "10-13", "11-03", "11-17", "12-08", "12-25",
            ],
        );
        let names: Vec<&str> = colombian_holidays(2025)
            .iter()
            .filter(|h| h.date == date(2025, 6, 30))
            .map(|h| h.name)
            .collect();
        assert_eq!(names, ["Sagrado Corazón", "San Pedro y San Pablo"]);
        assert_weekday_rules(2025);
    }

    #[test]
    fn holidays_2026() {
        // Easter 2026-04-05. 01-01 Thu; Reyes 01-06 Tue → 01-12; San José 03-19 Thu →
        // 03-23; Jueves/Viernes Santo 04-02/04-03; 05-01 Fri; Ascensión E+43 05-18;
        // Corpus E+64 06-08; Sagrado Corazón E+71 06-15; San Pedro 06-29 is Monday;
        // 07-20 Mon; 08-07 Fri; Asunción 08-15 Sat → 08-17; Raza 10-12 is Monday;
        // Todos los Santos 11-01 Sun → 11-02; Cartagena 11-11 Wed → 11-16; 12-08; 12-25.
        assert_holidays(
            2026,
            &[
                "01-01", "01-12", "03-23", "04-02", "04-03", "05-01", "05-18", "06-08", "06-15",
                "06-29", "07-20", "08-07", "08-17", "10-12", "11-02", "11-16", "12-08", "12-25",
            ],
        );
        assert_weekday_rules(2026);
    }

    #[test]
    fn holidays_2027() {
        // Easter 2027-03-28. 01-01 Fri; Reyes 01-06 Wed → 01-11; San José 03-19 Fri →
        // 03-22; Jueves/Viernes Santo 03-25/03-26; 05-01 Sat (fixed); Ascensión E+43
        // 05-10; Corpus E+64 05-31; Sagrado Corazón E+71 06-07; San Pedro 06-29 Tue →
        // 07-05; 07-20 Tue; 08-07 Sat; Asunción 08-15 Sun → 08-16; Raza 10-12 Tue →
        // 10-18; Todos los Santos 11-01 is Monday; Cartagena 11-11 Thu → 11-15.
        assert_holidays(
            2027,
            &[
                "01-01", "01-11", "03-22", "03-25", "03-26", "05-01", "05-10", "05-31", "06-07",
                "07-05", "07-20", "08-07", "08-16", "10-18", "11-01", "11-15", "12-08", "12-25",
            ],
        );
        assert_weekday_rules(2027);
    }

    #[test]
    fn holiday_cache_matches_direct_computation() {
        let c = cal();
        for y in [1970, 1999, 2024, 2050, 2100, 1969, 2101] {
            let hs: Vec<NaiveDate> = colombian_holidays(y).iter().map(|h| h.date).collect();
            let mut d = date(y, 1, 1);
            while d.year() == y {
                assert_eq!(c.is_holiday(d), hs.contains(&d), "{d}");
                d = d.succ_opt().unwrap();
            }
        }
        let no_holidays =
            BusinessCalendar::new(WeeklySchedule::default_office(), vec![], false).unwrap();
        assert!(!no_holidays.is_holiday(date(2026, 3, 23)));
        assert!(no_holidays.is_business_day(date(2026, 3, 23)));
        assert!(c.is_holiday(date(2026, 3, 23)));
        assert!(!c.is_business_day(date(2026, 3, 23)));
    }

    #[test]
    fn basic_queries() {
        let c = cal();
        let mon = date(2026, 3, 2);
        assert!(c.is_business_day(mon));
        assert!(!c.is_business_day(date(2026, 3, 7))); // Saturday
        assert!(!c.is_business_day(date(2026, 3, 8))); // Sunday
        assert_eq!(
            c.open_intervals(mon),
            vec![
                (dt(2026, 3, 2, 8, 0), dt(2026, 3, 2, 12, 0)),
                (dt(2026, 3, 2, 14, 0), dt(2026, 3, 2, 18, 0)),
            ]
        );
        assert!(c.open_intervals(date(2026, 3, 7)).is_empty());
        assert!(c.open_intervals(date(2026, 3, 23)).is_empty());
        assert!(c.is_open(dt(2026, 3, 2, 8, 0)));
        assert!(c.is_open(dt(2026, 3, 2, 11, 59)));
        assert!(!c.is_open(dt(2026, 3, 2, 12, 0)));
        assert!(!c.is_open(dt(2026, 3, 2, 7, 59)));
        assert!(c.is_open(dt(2026, 3, 2, 14, 0)));
        assert!(!c.is_open(dt(2026, 3, 2, 18, 0)));
        assert!(!c.is_open(dt(2026, 3, 7, 10, 0)));
        assert!(!c.is_open(dt(2026, 3, 23, 10, 0)));
    }

    #[test]
    fn deadline_12_business_hours_from_monday() {
        // Mon 09:15–12:00 (165) + 14:00–18:00 (240) = 405; Tue 08–12 (240) → 645;
        // remaining 75 from 14:00 → Tue 15:15.
        let c = cal();
        assert_eq!(
            c.add_business_minutes(dt(2026, 3, 2, 9, 15), 720),
            dt(2026, 3, 3, 15, 15)
        );
        assert_eq!(
            c.add_business_minutes(dt(2026, 3, 2, 9, 15), 600),
            dt(2026, 3, 3, 11, 15)
        );
    }

    #[test]
    fn deadline_crosses_weekend_night_and_saturday() {
        let c = cal();
        // Friday 17:00 + 120 → 60 on Friday, Monday 09:00.
        assert_eq!(
            c.add_business_minutes(dt(2026, 3, 6, 17, 0), 120),
            dt(2026, 3, 9, 9, 0)
        );
        // Friday 17:00 + 720 → 60 Fri, Mon 08–12 (240), 14–18 (240), Tue 08:00+180 → 11:00.
        assert_eq!(
            c.add_business_minutes(dt(2026, 3, 6, 17, 0), 720),
            dt(2026, 3, 10, 11, 0)
        );
        // Night 22:00 → counting starts 08:00 next day.
        assert_eq!(
            c.add_business_minutes(dt(2026, 3, 3, 22, 0), 60),
            dt(2026, 3, 4, 9, 0)
        );
        // Early morning → same day 08:00.
        assert_eq!(
            c.add_business_minutes(dt(2026, 3, 4, 6, 30), 30),
            dt(2026, 3, 4, 8, 30)
        );
        // Saturday → Monday.
        assert_eq!(
            c.add_business_minutes(dt(2026, 3, 7, 10, 0), 30),
            dt(2026, 3, 9, 8, 30)
        );
    }

    #[test]
    fn deadline_across_holiday() {
        // Fri 2026-03-20 16:00 + 240: Fri 120, Mon 23 San José, Tue 24 08:00+120 → 10:00.
        let c = cal();
        assert_eq!(
            c.add_business_minutes(dt(2026, 3, 20, 16, 0), 240),
            dt(2026, 3, 24, 10, 0)
        );
        // Without holidays it would be Monday 10:00.
        let nh = BusinessCalendar::new(WeeklySchedule::default_office(), vec![], false).unwrap();
        assert_eq!(
            nh.add_business_minutes(dt(2026, 3, 20, 16, 0), 240),
            dt(2026, 3, 23, 10, 0)
        );
        // Holy week 2026: Thu 2 and Fri 3 April are holidays.
        assert_eq!(
            c.add_business_minutes(dt(2026, 4, 1, 17, 0), 120),
            dt(2026, 4, 6, 9, 0)
        );
    }

    #[test]
    fn deadline_closing_time_rule_and_lunch() {
        let c = cal();
        assert_eq!(
            c.add_business_minutes(dt(2026, 3, 2, 8, 0), 480),
            dt(2026, 3, 2, 18, 0)
        );
        assert_eq!(
            c.add_business_minutes(dt(2026, 3, 2, 11, 0), 60),
            dt(2026, 3, 2, 12, 0)
        );
        assert_eq!(
            c.add_business_minutes(dt(2026, 3, 2, 11, 0), 120),
            dt(2026, 3, 2, 15, 0)
        );
        assert_eq!(
            c.add_business_minutes(dt(2026, 3, 2, 12, 30), 30),
            dt(2026, 3, 2, 14, 30)
        );
        // Friday 18:00 exactly closed → Monday.
        assert_eq!(
            c.add_business_minutes(dt(2026, 3, 6, 16, 0), 120),
            dt(2026, 3, 6, 18, 0)
        );
        // Zero / negative minutes → start itself, even when closed.
        assert_eq!(
            c.add_business_minutes(dt(2026, 3, 7, 10, 0), 0),
            dt(2026, 3, 7, 10, 0)
        );
        assert_eq!(
            c.add_business_minutes(dt(2026, 3, 2, 9, 0), -5),
            dt(2026, 3, 2, 9, 0)
        );
        // Seconds are kept.
        let s = date(2026, 3, 2).and_hms_opt(9, 0, 30).unwrap();
        assert_eq!(
            c.add_business_minutes(s, 180),
            date(2026, 3, 2).and_hms_opt(14, 0, 30).unwrap()
        );
    }

    #[test]
    fn minutes_between_basic_and_roundtrip() {
        let c = cal();
        assert_eq!(
            c.business_minutes_between(dt(2026, 3, 2, 9, 0), dt(2026, 3, 3, 9, 0)),
            480
        );
        assert_eq!(
            c.business_minutes_between(dt(2026, 3, 6, 17, 0), dt(2026, 3, 9, 9, 0)),
            120
        );
        assert_eq!(
            c.business_minutes_between(dt(2026, 3, 3, 9, 0), dt(2026, 3, 2, 9, 0)),
            0
        );
        assert_eq!(
            c.business_minutes_between(dt(2026, 3, 2, 9, 0), dt(2026, 3, 2, 9, 0)),
            0
        );
        // A week containing San José: 4 business days.
        assert_eq!(
            c.business_minutes_between(dt(2026, 3, 21, 0, 0), dt(2026, 3, 28, 0, 0)),
            4 * 480
        );
        // Floors partial minutes.
        let a = date(2026, 3, 2).and_hms_opt(9, 0, 0).unwrap();
        let b = date(2026, 3, 2).and_hms_opt(9, 1, 59).unwrap();
        assert_eq!(c.business_minutes_between(a, b), 1);
        // Roundtrip over many starts and lengths.
        let base = dt(2026, 3, 14, 0, 0);
        for i in 0..(21 * 24 * 4) {
            let t = base + TimeDelta::minutes(15 * i);
            for m in [1, 59, 240, 480, 721, 2000] {
                let d = c.add_business_minutes(t, m);
                assert!(d > t);
                assert_eq!(c.business_minutes_between(t, d), m, "{t} + {m}");
                assert!(c.is_open(d - TimeDelta::seconds(1)), "{t} + {m} = {d}");
            }
        }
    }

    #[test]
    fn pause_inside_business_time() {
        let c = cal();
        let start = dt(2026, 3, 2, 9, 0);
        let p = [(dt(2026, 3, 2, 9, 30), Some(dt(2026, 3, 2, 10, 0)))];
        assert_eq!(
            c.deadline_with_pauses(start, 120, &p),
            Some(dt(2026, 3, 2, 11, 30))
        );
        assert_eq!(
            c.deadline_with_pauses(start, 120, &[]),
            Some(c.add_business_minutes(start, 120))
        );
        assert_eq!(
            c.business_minutes_between_with_pauses(start, dt(2026, 3, 2, 12, 0), &p),
            150
        );
    }

    #[test]
    fn pause_spanning_night_counts_only_business_part() {
        let c = cal();
        let start = dt(2026, 3, 2, 16, 0);
        assert_eq!(c.add_business_minutes(start, 240), dt(2026, 3, 3, 10, 0));
        // Pause Mon 17:00 → Tue 09:00 has 120 business minutes (17–18, 08–09).
        let p = [(dt(2026, 3, 2, 17, 0), Some(dt(2026, 3, 3, 9, 0)))];
        assert_eq!(
            c.deadline_with_pauses(start, 240, &p),
            Some(dt(2026, 3, 3, 12, 0))
        );
        assert_eq!(
            c.business_minutes_between_with_pauses(start, dt(2026, 3, 3, 12, 0), &p),
            240
        );
        // Pause fully in non-business time changes nothing.
        let night = [(dt(2026, 3, 2, 19, 0), Some(dt(2026, 3, 3, 7, 0)))];
        assert_eq!(
            c.deadline_with_pauses(start, 240, &night),
            Some(dt(2026, 3, 3, 10, 0))
        );
        // Pause entirely before start is ignored; one straddling start is clipped.
        let before = [
            (dt(2026, 2, 27, 9, 0), Some(dt(2026, 2, 27, 17, 0))),
            (dt(2026, 3, 2, 15, 0), Some(dt(2026, 3, 2, 16, 30))),
        ];
        assert_eq!(
            c.deadline_with_pauses(start, 240, &before),
            Some(dt(2026, 3, 3, 10, 30))
        );
        // A pause covering several whole days (weekend + Monday) jumps ahead.
        let long = [(dt(2026, 3, 5, 0, 0), Some(dt(2026, 3, 10, 0, 0)))];
        assert_eq!(
            c.deadline_with_pauses(dt(2026, 3, 4, 17, 0), 120, &long),
            Some(dt(2026, 3, 10, 9, 0))
        );
    }

    #[test]
    fn overlapping_pauses_not_double_counted() {
        let c = cal();
        let start = dt(2026, 3, 2, 9, 0);
        // Union 09:30–11:00 (90). Count 09:00–09:30 (30), 11:00–12:00 (60), 14:00+30.
        let p = [
            (dt(2026, 3, 2, 9, 30), Some(dt(2026, 3, 2, 10, 30))),
            (dt(2026, 3, 2, 10, 0), Some(dt(2026, 3, 2, 11, 0))),
            (dt(2026, 3, 2, 9, 45), Some(dt(2026, 3, 2, 10, 15))),
            (dt(2026, 3, 2, 9, 30), Some(dt(2026, 3, 2, 10, 30))),
        ];
        assert_eq!(
            c.deadline_with_pauses(start, 120, &p),
            Some(dt(2026, 3, 2, 14, 30))
        );
        assert_eq!(
            c.business_minutes_between_with_pauses(start, dt(2026, 3, 2, 12, 0), &p),
            90
        );
        // Unsorted input, pause overlapping lunch.
        let q = [
            (dt(2026, 3, 2, 15, 0), Some(dt(2026, 3, 2, 15, 30))),
            (dt(2026, 3, 2, 11, 30), Some(dt(2026, 3, 2, 14, 30))),
        ];
        // 09–11:30 (150) + 14:30–15:00 (30) → 180; +60 from 15:30 → 16:30.
        assert_eq!(
            c.deadline_with_pauses(start, 240, &q),
            Some(dt(2026, 3, 2, 16, 30))
        );
    }

    #[test]
    fn open_pause_stops_the_clock() {
        let c = cal();
        let start = dt(2026, 3, 2, 9, 0);
        let p = [(dt(2026, 3, 2, 10, 0), None)];
        assert_eq!(c.deadline_with_pauses(start, 120, &p), None);
        // Open pause starting after the deadline was reached: the deadline is fixed.
        let late = [(dt(2026, 3, 3, 10, 0), None)];
        assert_eq!(
            c.deadline_with_pauses(start, 120, &late),
            Some(dt(2026, 3, 2, 11, 0))
        );
        // Reached exactly when the pause starts.
        let exact = [(dt(2026, 3, 2, 11, 0), None)];
        assert_eq!(
            c.deadline_with_pauses(start, 120, &exact),
            Some(dt(2026, 3, 2, 11, 0))
        );
        // Open pause before start → None.
        let before = [(dt(2026, 3, 1, 10, 0), None)];
        assert_eq!(c.deadline_with_pauses(start, 120, &before), None);
        // Elapsed with an open pause: extends to b.
        assert_eq!(
            c.business_minutes_between_with_pauses(start, dt(2026, 3, 3, 12, 0), &p),
            60
        );
        let mixed = [
            (dt(2026, 3, 2, 9, 10), Some(dt(2026, 3, 2, 9, 20))),
            (dt(2026, 3, 2, 16, 0), None),
        ];
        // 09:00–16:00 = 180 + 120 = 300 minus 10.
        assert_eq!(
            c.business_minutes_between_with_pauses(start, dt(2026, 3, 4, 12, 0), &mixed),
            290
        );
    }

    #[test]
    fn pauses_roundtrip() {
        let c = cal();
        let base = dt(2026, 3, 16, 0, 0);
        for i in 0..(10 * 24 * 2) {
            let t = base + TimeDelta::minutes(30 * i);
            let pauses = [
                (
                    t + TimeDelta::minutes(45),
                    Some(t + TimeDelta::minutes(200)),
                ),
                (
                    t + TimeDelta::minutes(100),
                    Some(t + TimeDelta::minutes(1500)),
                ),
                (
                    t + TimeDelta::minutes(3000),
                    Some(t + TimeDelta::minutes(3100)),
                ),
            ];
            for m in [30, 480, 960] {
                let d = c.deadline_with_pauses(t, m, &pauses).unwrap();
                assert_eq!(
                    c.business_minutes_between_with_pauses(t, d, &pauses),
                    m,
                    "{t} + {m}"
                );
                assert!(d >= c.add_business_minutes(t, m));
            }
        }
    }

    #[test]
    fn extra_closure_christmas_eve_afternoon() {
        let c = BusinessCalendar::new(
            WeeklySchedule::default_office(),
            vec![
                ClosedPeriod::Range {
                    start: dt(2026, 12, 24, 12, 0),
                    end: dt(2026, 12, 25, 0, 0),
                },
                ClosedPeriod::Day(date(2026, 12, 31)),
            ],
            true,
        )
        .unwrap();
        let eve = date(2026, 12, 24); // Thursday
        assert_eq!(
            c.open_intervals(eve),
            vec![(dt(2026, 12, 24, 8, 0), dt(2026, 12, 24, 12, 0))]
        );
        assert!(c.is_business_day(eve));
        assert!(!c.is_open(dt(2026, 12, 24, 15, 0)));
        assert!(cal().is_open(dt(2026, 12, 24, 15, 0)));
        // 11:00 + 120: 60 on the 24th, 25th holiday, weekend, Mon 28 09:00.
        assert_eq!(
            c.add_business_minutes(dt(2026, 12, 24, 11, 0), 120),
            dt(2026, 12, 28, 9, 0)
        );
        assert_eq!(
            c.add_business_minutes(dt(2026, 12, 24, 11, 0), 60),
            dt(2026, 12, 24, 12, 0)
        );
        // Closed day: not a holiday, not a business day.
        assert!(!c.is_holiday(date(2026, 12, 31)));
        assert!(!c.is_business_day(date(2026, 12, 31)));
        assert_eq!(
            c.add_business_minutes(dt(2026, 12, 30, 17, 0), 120),
            dt(2027, 1, 4, 9, 0)
        );
        assert_eq!(
            c.business_minutes_between(dt(2026, 12, 24, 0, 0), dt(2026, 12, 25, 0, 0)),
            240
        );
        // A closure splitting an interval and spanning lunch.
        let c2 = BusinessCalendar::new(
            WeeklySchedule::default_office(),
            vec![
                ClosedPeriod::Range {
                    start: dt(2026, 3, 2, 9, 0),
                    end: dt(2026, 3, 2, 10, 0),
                },
                ClosedPeriod::Range {
                    start: dt(2026, 3, 2, 11, 0),
                    end: dt(2026, 3, 2, 15, 0),
                },
                ClosedPeriod::Range {
                    start: dt(2026, 3, 2, 9, 30),
                    end: dt(2026, 3, 2, 9, 45),
                },
            ],
            true,
        )
        .unwrap();
        assert_eq!(
            c2.open_intervals(date(2026, 3, 2)),
            vec![
                (dt(2026, 3, 2, 8, 0), dt(2026, 3, 2, 9, 0)),
                (dt(2026, 3, 2, 10, 0), dt(2026, 3, 2, 11, 0)),
                (dt(2026, 3, 2, 15, 0), dt(2026, 3, 2, 18, 0)),
            ]
        );
        assert_eq!(
            c2.add_business_minutes(dt(2026, 3, 2, 8, 30), 120),
            dt(2026, 3, 2, 15, 30)
        );
    }

    #[test]
    fn add_business_days_matches_minutes_on_default_calendar() {
        let c = cal();
        // Two weeks around San José (Mon 2026-03-23), every 30 minutes.
        let base = dt(2026, 3, 14, 0, 0);
        for i in 0..(16 * 48) {
            let t = base + TimeDelta::minutes(30 * i);
            for n in 1..=3u32 {
                assert_eq!(
                    c.add_business_days(t, n),
                    c.add_business_minutes(t, i64::from(n) * 480),
                    "{t} n={n}"
                );
            }
            let odd = t + TimeDelta::seconds(7 * 60 + 13);
            assert_eq!(
                c.add_business_days(odd, 2),
                c.add_business_minutes(odd, 960),
                "{odd}"
            );
        }
        assert_eq!(
            c.add_business_days(dt(2026, 3, 20, 10, 0), 1),
            dt(2026, 3, 24, 10, 0)
        );
        assert_eq!(
            c.add_business_days(dt(2026, 3, 20, 10, 0), 0),
            dt(2026, 3, 20, 10, 0)
        );
    }

    #[test]
    fn add_business_days_custom_day_lengths() {
        // Mon–Thu 08:00–18:00 (600 min), Fri 08:00–12:00 (240 min), weekend closed.
        let long = vec![iv(8, 0, 18, 0)];
        let sched = WeeklySchedule {
            days: [
                long.clone(),
                long.clone(),
                long.clone(),
                long,
                vec![iv(8, 0, 12, 0)],
                vec![],
                vec![],
            ],
        };
        let c = BusinessCalendar::new(sched, vec![], false).unwrap();
        // Week of Mon 2026-03-02.
        assert_eq!(
            c.add_business_days(dt(2026, 3, 5, 10, 0), 1),
            dt(2026, 3, 6, 10, 0)
        );
        // Offset 540 clamped to Friday's 240 → Friday closing.
        assert_eq!(
            c.add_business_days(dt(2026, 3, 5, 17, 0), 1),
            dt(2026, 3, 6, 12, 0)
        );
        assert_eq!(
            c.add_business_days(dt(2026, 3, 5, 17, 0), 2),
            dt(2026, 3, 9, 17, 0)
        );
        assert_eq!(
            c.add_business_days(dt(2026, 3, 6, 11, 0), 1),
            dt(2026, 3, 9, 11, 0)
        );
        // After Friday's close → offset "closing" → Monday's closing.
        assert_eq!(
            c.add_business_days(dt(2026, 3, 6, 15, 0), 1),
            dt(2026, 3, 9, 18, 0)
        );
        assert_eq!(
            c.add_business_days(dt(2026, 3, 7, 10, 0), 1),
            dt(2026, 3, 9, 18, 0)
        );
        assert_eq!(
            c.add_business_days(dt(2026, 3, 8, 10, 0), 2),
            dt(2026, 3, 10, 18, 0)
        );
        // Exactly at Monday's opening = Friday's closing → Monday's closing.
        assert_eq!(
            c.add_business_days(dt(2026, 3, 9, 8, 0), 1),
            dt(2026, 3, 9, 18, 0)
        );
        // Before Monday's opening → likewise.
        assert_eq!(
            c.add_business_days(dt(2026, 3, 9, 7, 0), 1),
            dt(2026, 3, 9, 18, 0)
        );
        // Exactly at Friday's closing (shorter day) → Monday's closing, not Monday 12:00.
        assert_eq!(
            c.add_business_days(dt(2026, 3, 6, 12, 0), 1),
            dt(2026, 3, 9, 18, 0)
        );
        // Thursday closing → Friday closing.
        assert_eq!(
            c.add_business_days(dt(2026, 3, 5, 18, 0), 1),
            dt(2026, 3, 6, 12, 0)
        );
        // Lunch gap on the default calendar keeps the elapsed offset (240).
        let d = cal();
        assert_eq!(
            d.add_business_days(dt(2026, 3, 2, 12, 30), 1),
            dt(2026, 3, 3, 12, 0)
        );
    }

    #[test]
    fn invalid_schedules_rejected() {
        let mut s = WeeklySchedule::default_office();
        s.days[2] = vec![iv(10, 0, 9, 0)];
        let e = BusinessCalendar::new(s, vec![], true).unwrap_err();
        assert!(matches!(
            e,
            CalendarError::InvalidInterval {
                weekday: Weekday::Wed,
                ..
            }
        ));
        assert!(e.to_string().contains("miércoles"), "{e}");

        let mut s = WeeklySchedule::default_office();
        s.days[0] = vec![iv(9, 0, 9, 0)];
        assert!(matches!(
            BusinessCalendar::new(s, vec![], true),
            Err(CalendarError::InvalidInterval { .. })
        ));

        let mut s = WeeklySchedule::default_office();
        s.days[1] = vec![iv(8, 0, 12, 0), iv(11, 0, 13, 0)];
        assert_eq!(
            BusinessCalendar::new(s, vec![], true).unwrap_err(),
            CalendarError::OverlappingIntervals {
                weekday: Weekday::Tue
            }
        );

        let mut s = WeeklySchedule::default_office();
        s.days[4] = vec![iv(14, 0, 18, 0), iv(8, 0, 12, 0)];
        assert!(matches!(
            BusinessCalendar::new(s, vec![], true),
            Err(CalendarError::OverlappingIntervals { .. })
        ));

        let empty = WeeklySchedule {
            days: Default::default(),
        };
        let e = BusinessCalendar::new(empty, vec![], true).unwrap_err();
        assert_eq!(e, CalendarError::EmptySchedule);
        assert!(!e.to_string().is_empty());

        let bad_range = vec![ClosedPeriod::Range {
            start: dt(2026, 1, 2, 10, 0),
            end: dt(2026, 1, 2, 10, 0),
        }];
        assert!(matches!(
            BusinessCalendar::new(WeeklySchedule::default_office(), bad_range, true),
            Err(CalendarError::InvalidClosedRange { .. })
        ));

        // Touching intervals are fine.
        let mut s = WeeklySchedule::default_office();
        s.days[5] = vec![iv(8, 0, 10, 0), iv(10, 0, 11, 0)];
        let c = BusinessCalendar::new(s, vec![], true).unwrap();
        assert_eq!(
            c.add_business_minutes(dt(2026, 3, 7, 9, 0), 90),
            dt(2026, 3, 7, 10, 30)
        );
        let err: Box<dyn std::error::Error> = Box::new(CalendarError::EmptySchedule);
        assert!(err.to_string().contains("horario"));
    }

    #[test]
    fn guard_against_always_closed() {
        let c = BusinessCalendar::new(
            WeeklySchedule::default_office(),
            vec![ClosedPeriod::Range {
                start: dt(2026, 1, 1, 0, 0),
                end: dt(2060, 1, 1, 0, 0),
            }],
            true,
        )
        .unwrap();
        let t = dt(2026, 3, 2, 9, 0);
        assert_eq!(c.add_business_minutes(t, 60), FAR_FUTURE);
        assert_eq!(c.deadline_with_pauses(t, 60, &[]), Some(FAR_FUTURE));
        assert_eq!(c.add_business_days(t, 1), FAR_FUTURE);
        assert_eq!(c.business_minutes_between(t, dt(2030, 1, 1, 0, 0)), 0);
        // Minutes overflow → FAR_FUTURE, no panic.
        assert_eq!(cal().add_business_minutes(t, i64::MAX), FAR_FUTURE);
        // A closure shorter than the guard is crossed.
        let c2 = BusinessCalendar::new(
            WeeklySchedule::default_office(),
            vec![ClosedPeriod::Range {
                start: dt(2026, 1, 1, 0, 0),
                end: dt(2031, 1, 1, 0, 0),
            }],
            false,
        )
        .unwrap();
        assert_eq!(c2.add_business_minutes(t, 60), dt(2031, 1, 1, 9, 0));
    }

    #[test]
    fn calendar_is_send_sync_clone() {
        fn assert_traits<T: Send + Sync + Clone + 'static>() {}
        assert_traits::<BusinessCalendar>();
        assert_traits::<CalendarError>();
        let c = cal();
        let c2 = c.clone();
        let h = std::thread::spawn(move || c2.add_business_minutes(dt(2026, 3, 2, 9, 15), 720));
        assert_eq!(
            h.join().unwrap(),
            c.add_business_minutes(dt(2026, 3, 2, 9, 15), 720)
        );
    }

    /// Run with `cargo test --release -- --ignored --nocapture bench_`.
    #[test]
    #[ignore]
    fn bench_add_business_minutes_720() {
        let c = cal();
        let base = dt(2026, 1, 1, 0, 0);
        let n = 200_000i64;
        let starts: Vec<NaiveDateTime> = (0..n)
            .map(|i| base + TimeDelta::minutes((i * 37) % (60 * 24 * 365)))
            .collect();
        let t0 = std::time::Instant::now();
        let mut acc = 0i64;
        for s in &starts {
            let d = c.add_business_minutes(std::hint::black_box(*s), std::hint::black_box(720));
            acc = acc.wrapping_add(d.and_utc().timestamp());
        }
        let el = t0.elapsed();
        println!(
            "add_business_minutes(720): {:.1} ns/op over {n} ops (acc {acc})",
            el.as_nanos() as f64 / n as f64
        );
        let t0 = std::time::Instant::now();
        let pauses = [(
            base + TimeDelta::hours(30),
            Some(base + TimeDelta::hours(40)),
        )];
        for s in &starts {
            let d = c.deadline_with_pauses(std::hint::black_box(*s), 720, &pauses);
            acc = acc.wrapping_add(d.map_or(0, |d| d.and_utc().timestamp()));
        }
        let el = t0.elapsed();
        println!(
            "deadline_with_pauses(720, 1 pause): {:.1} ns/op (acc {acc})",
            el.as_nanos() as f64 / n as f64
        );
        let t0 = std::time::Instant::now();
        for s in &starts {
            acc = acc.wrapping_add(c.business_minutes_between(*s, *s + TimeDelta::days(5)));
        }
        let el = t0.elapsed();
        println!(
            "business_minutes_between(5 days): {:.1} ns/op (acc {acc})",
            el.as_nanos() as f64 / n as f64
        );
    }
}
