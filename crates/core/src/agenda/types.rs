//! The visit as the case detail carries it (a leaf: `model.rs` refers to it).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The current scheduled visit of a case (at most one; see `agenda`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Visit {
    /// Row id: with the case number it makes the `.ics` UID, stable across reschedulings.
    pub id: i64,
    /// Start, RFC 3339 in Bogota time (`2026-03-05T09:00:00-05:00`).
    pub starts_at: String,
    /// End (start + `minutes`), RFC 3339 in Bogota time.
    pub ends_at: String,
    pub minutes: i64,
    pub place: Option<String>,
    /// Who goes: a staff member of the catalog.
    pub who: Option<String>,
    pub note: Option<String>,
    /// Times the visit was changed since it was scheduled (the `.ics` SEQUENCE).
    pub sequence: i64,
    pub scheduled_by: String,
    /// When it was last scheduled or changed, RFC 3339 in Bogota time.
    pub scheduled_at: String,
}

/// Input of «Programar visita» / «Reprogramar».
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct VisitInput {
    /// Bogota wall time: `AAAA-MM-DD HH:MM`, `AAAA-MM-DDTHH:MM`, `dd/mm/aaaa hh:mm`, or RFC 3339.
    pub at: String,
    /// Duration in minutes (5–1440); `null` = 60.
    pub minutes: Option<i64>,
    /// `null` = the case's location.
    pub place: Option<String>,
    /// A staff member; `null` = the case's assignee.
    pub who: Option<String>,
    pub note: Option<String>,
}
