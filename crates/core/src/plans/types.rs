//! The improvement plan as the UI and the CLI's JSON see it (ts-rs: `ui/src/lib/bindings/`).
//! Every list the UI shows (sources, states and their labels) is served from here
//! ([`plan_catalog`]); the UI keeps no copy.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::attachments::rows::Attachment;
use crate::error::{CoreError, Result};
use crate::text::fold;

/// Where a finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FindingSource {
    /// An indicator in red (indicator sheets).
    Indicador,
    /// Comments of the satisfaction surveys.
    Encuesta,
    /// An internal or external audit.
    Auditoria,
    /// A risk of the risk map.
    Riesgo,
    /// A report (informe de gestión, of a control body…).
    Informe,
    Otro,
}

impl FindingSource {
    pub const ALL: [FindingSource; 6] = [
        FindingSource::Indicador,
        FindingSource::Encuesta,
        FindingSource::Auditoria,
        FindingSource::Riesgo,
        FindingSource::Informe,
        FindingSource::Otro,
    ];

    /// The stored value (`plan_findings.source`).
    pub fn key(self) -> &'static str {
        match self {
            FindingSource::Indicador => "indicador",
            FindingSource::Encuesta => "encuesta",
            FindingSource::Auditoria => "auditoria",
            FindingSource::Riesgo => "riesgo",
            FindingSource::Informe => "informe",
            FindingSource::Otro => "otro",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FindingSource::Indicador => "Indicador",
            FindingSource::Encuesta => "Encuesta de satisfacción",
            FindingSource::Auditoria => "Auditoría",
            FindingSource::Riesgo => "Riesgo",
            FindingSource::Informe => "Informe",
            FindingSource::Otro => "Otro",
        }
    }

    /// The source named by its key or its label (case, accents and punctuation ignored).
    pub fn parse(s: &str) -> Result<FindingSource> {
        let f = fold(s);
        FindingSource::ALL
            .into_iter()
            .find(|x| fold(x.key()) == f || fold(x.label()) == f)
            .ok_or_else(|| {
                CoreError::validation(
                    "fuente",
                    format!(
                        "«{}» no es una fuente de hallazgo; use una de: {}",
                        s.trim(),
                        FindingSource::ALL.map(|x| x.key()).join(", ")
                    ),
                )
            })
    }

    pub(crate) fn from_stored(s: &str) -> Result<FindingSource> {
        FindingSource::ALL
            .into_iter()
            .find(|x| x.key() == s)
            .ok_or_else(|| CoreError::UnknownStoredValue {
                column: "plan_findings.source",
                value: s.to_string(),
            })
    }
}

/// State of an improvement action (and, summarised, of a finding). Computed when read, never
/// stored: see `plans::action_state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ActionState {
    Abierta,
    EnEjecucion,
    Cumplida,
    Vencida,
}

impl ActionState {
    pub const ALL: [ActionState; 4] = [
        ActionState::Abierta,
        ActionState::EnEjecucion,
        ActionState::Cumplida,
        ActionState::Vencida,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ActionState::Abierta => "abierta",
            ActionState::EnEjecucion => "en_ejecucion",
            ActionState::Cumplida => "cumplida",
            ActionState::Vencida => "vencida",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionState::Abierta => "Abierta",
            ActionState::EnEjecucion => "En ejecución",
            ActionState::Cumplida => "Cumplida",
            ActionState::Vencida => "Vencida",
        }
    }

    /// The state named by its key or label (case and accents ignored).
    pub fn parse(s: &str) -> Result<ActionState> {
        let f = fold(s);
        ActionState::ALL
            .into_iter()
            .find(|x| fold(x.key()) == f || fold(x.label()) == f)
            .ok_or_else(|| {
                CoreError::validation(
                    "estado",
                    format!(
                        "«{}» no es un estado del plan; use uno de: {}",
                        s.trim(),
                        ActionState::ALL.map(|x| x.key()).join(", ")
                    ),
                )
            })
    }
}

/// A value and its Spanish label, for the UI's selects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanOption {
    pub value: String,
    pub label: String,
}

/// The lists of the improvement plan the UI shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanCatalog {
    pub sources: Vec<PlanOption>,
    pub states: Vec<PlanOption>,
    /// Days ahead «próximas a vencer» looks (Inicio).
    pub due_days: i64,
}

/// The sources and states with their labels.
pub fn plan_catalog() -> PlanCatalog {
    PlanCatalog {
        sources: FindingSource::ALL
            .iter()
            .map(|s| PlanOption {
                value: s.key().into(),
                label: s.label().into(),
            })
            .collect(),
        states: ActionState::ALL
            .iter()
            .map(|s| PlanOption {
                value: s.key().into(),
                label: s.label().into(),
            })
            .collect(),
        due_days: super::DUE_DAYS,
    }
}

/// Input of «Nuevo hallazgo» (also a draft made from a red indicator or a risk).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct FindingInput {
    pub description: String,
    /// A [`FindingSource`] key or label.
    pub source: String,
    /// Free text naming what it comes from (indicator, audit report, risk…).
    pub source_ref: Option<String>,
    /// Date of the finding (`dd/mm/aaaa` or `AAAA-MM-DD`); `null` = today.
    pub found_on: Option<String>,
    pub effect: Option<String>,
    /// One or more causes (blank ones ignored).
    pub causes: Vec<String>,
}

/// Input of «Agregar acción».
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct ActionInput {
    /// The improvement action (acción de mejora).
    pub description: String,
    pub objective: Option<String>,
    /// Goal / description of the activities (meta).
    pub goal: Option<String>,
    /// Unit of measure (unidad de medida).
    pub unit: Option<String>,
    pub quantity: Option<f64>,
    /// `dd/mm/aaaa` or `AAAA-MM-DD`.
    pub starts_on: String,
    /// `dd/mm/aaaa` or `AAAA-MM-DD`.
    pub ends_on: String,
    /// A staff member of the catalog.
    pub owner: String,
}

/// Input of «Registrar seguimiento».
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct FollowUpInput {
    /// `dd/mm/aaaa` or `AAAA-MM-DD`; `null` = today.
    pub done_on: Option<String>,
    /// Progress of the action so far, 0–100 %.
    pub progress: i64,
    pub comment: String,
}

/// Input of the closing verification.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct VerifyInput {
    pub note: Option<String>,
    /// Why the owner verifies their own action (one-account offices; see `verify_plan_action`).
    pub justification: Option<String>,
}

/// Filters of the findings list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanFilter {
    pub state: Option<ActionState>,
    pub source: Option<FindingSource>,
}

/// One follow-up of an action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanFollowUp {
    pub id: i64,
    pub action_id: i64,
    /// `AAAA-MM-DD`.
    pub done_on: String,
    pub progress: i64,
    pub comment: String,
    /// Local RFC 3339.
    pub created_at: String,
    pub created_by: String,
    /// The evidence.
    pub attachments: Vec<Attachment>,
}

/// One improvement action with its follow-ups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanAction {
    pub id: i64,
    pub finding_number: String,
    pub finding_description: String,
    pub description: String,
    pub objective: Option<String>,
    pub goal: Option<String>,
    pub unit: Option<String>,
    pub quantity: Option<f64>,
    /// `AAAA-MM-DD`.
    pub starts_on: String,
    /// `AAAA-MM-DD`.
    pub ends_on: String,
    /// Plazo en semanas: (end − start) ÷ 7, one decimal.
    pub weeks: f64,
    pub owner: String,
    pub state: ActionState,
    pub state_label: String,
    /// The progress of the last follow-up (0 without follow-ups).
    pub progress: i64,
    /// Days from today to the end date (negative when past).
    pub days_left: i64,
    pub follow_ups: Vec<PlanFollowUp>,
    pub verified_at: Option<String>,
    pub verified_by: Option<String>,
    pub verification_note: Option<String>,
    pub justification: Option<String>,
    pub created_at: String,
    pub created_by: String,
}

/// A finding with its causes and actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Finding {
    pub id: i64,
    /// `H-AAAA-NNN`.
    pub number: String,
    pub description: String,
    pub source: FindingSource,
    pub source_label: String,
    pub source_ref: Option<String>,
    /// `AAAA-MM-DD`.
    pub found_on: String,
    pub effect: Option<String>,
    pub causes: Vec<String>,
    pub state: ActionState,
    pub state_label: String,
    /// Average progress of its actions (0 without actions).
    pub progress: f64,
    pub actions: Vec<PlanAction>,
    pub created_at: String,
    pub created_by: String,
}

/// A row of the findings list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FindingSummary {
    pub number: String,
    pub description: String,
    pub source: FindingSource,
    pub source_label: String,
    pub source_ref: Option<String>,
    pub found_on: String,
    pub state: ActionState,
    pub state_label: String,
    pub actions: i64,
    pub actions_done: i64,
    pub progress: f64,
    /// The nearest end date among its actions not yet verified.
    pub next_end: Option<String>,
}

/// Actions overdue and due soon (Inicio).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanDue {
    /// `AAAA-MM-DD` (Bogota).
    pub today: String,
    pub days: i64,
    /// End date passed and not verified, oldest first.
    pub overdue: Vec<PlanAction>,
    /// Ending from today to today + `days`, nearest first.
    pub due_soon: Vec<PlanAction>,
}
