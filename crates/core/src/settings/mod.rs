//! Settings kept in the database: the business calendar configuration.

pub mod catalogs;
pub mod setup;

/// Who acts when nobody is named (until accounts exist): the app's user and the CLI's default.
pub const DEFAULT_ACTOR: &str = "Técnico de sistemas";

/// The acting person for the app and the CLI when none is given: `MESA_USER` when set, else
/// [`DEFAULT_ACTOR`]. Read once by the shells at start, never inside a rule.
pub fn actor_from_env() -> String {
    std::env::var("MESA_USER")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_ACTOR.to_string())
}

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::calendar::{BusinessCalendar, ClosedPeriod, WeeklySchedule, WorkInterval};
use crate::error::{CoreError, Result};

/// Editable business calendar: opening hours per weekday (Monday first), extra closed days
/// and closed periods decreed by the entity, and whether Colombian holidays are observed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CalendarConfig {
    /// Seven lists (Monday … Sunday) of `["HH:MM", "HH:MM"]` open intervals.
    pub days: Vec<Vec<(String, String)>>,
    /// Extra whole closed days, `YYYY-MM-DD`.
    pub closed_days: Vec<String>,
    /// Extra closed periods, `["YYYY-MM-DDTHH:MM", "YYYY-MM-DDTHH:MM"]` Bogota time.
    pub closed_ranges: Vec<(String, String)>,
    pub observe_holidays: bool,
}

impl Default for CalendarConfig {
    fn default() -> Self {
        let office = vec![
            ("08:00".to_string(), "12:00".to_string()),
            ("14:00".to_string(), "18:00".to_string()),
        ];
        let mut days = vec![office; 5];
        days.push(vec![]);
        days.push(vec![]);
        CalendarConfig {
            days,
            closed_days: vec![],
            closed_ranges: vec![],
            observe_holidays: true,
        }
    }
}

fn bad(msg: String) -> CoreError {
    CoreError::validation("calendario", msg)
}

fn time(s: &str) -> Result<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|_| bad(format!("«{s}» no es una hora HH:MM")))
}

fn datetime(s: &str) -> Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M")
        .map_err(|_| bad(format!("«{s}» no es una fecha y hora AAAA-MM-DDTHH:MM")))
}

impl CalendarConfig {
    pub fn build(&self) -> Result<BusinessCalendar> {
        if self.days.len() != 7 {
            return Err(bad("debe tener exactamente 7 días (lunes a domingo)".into()));
        }
        let mut days: [Vec<WorkInterval>; 7] = Default::default();
        for (i, list) in self.days.iter().enumerate() {
            for (a, b) in list {
                days[i].push(WorkInterval {
                    start: time(a)?,
                    end: time(b)?,
                });
            }
        }
        let mut closed = Vec::new();
        for d in &self.closed_days {
            let day = NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .map_err(|_| bad(format!("«{d}» no es una fecha AAAA-MM-DD")))?;
            closed.push(ClosedPeriod::Day(day));
        }
        for (a, b) in &self.closed_ranges {
            closed.push(ClosedPeriod::Range {
                start: datetime(a)?,
                end: datetime(b)?,
            });
        }
        BusinessCalendar::new(WeeklySchedule { days }, closed, self.observe_holidays)
            .map_err(|e| bad(e.to_string()))
    }
}
