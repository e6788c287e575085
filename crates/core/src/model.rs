//! Types shared with the UI and the CLI's JSON output. TypeScript bindings are generated from
//! these with ts-rs into `ui/src/lib/bindings/` (see `bindings` test).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// SQL conversion of a stored enum: written as its code, read back only when it is one of the
/// known codes. An unknown value (written by a newer version or by hand) is refused with
/// [`crate::CoreError::UnknownStoredValue`], never read as a default.
macro_rules! stored_enum {
    ($t:ty, $column:literal) => {
        impl $crate::db::ToSqlValue for $t {
            fn to_sql_value(
                &self,
            ) -> std::result::Result<$crate::db::ValueRef<'_>, $crate::db::engine::ToSqlError> {
                Ok($crate::db::ValueRef::Text(self.as_str()))
            }
        }

        impl $crate::db::FromSqlValue for $t {
            fn from_sql_value(
                v: $crate::db::ValueRef<'_>,
            ) -> std::result::Result<Self, $crate::db::FromSqlError> {
                match v {
                    $crate::db::ValueRef::Text(s) => {
                        <$t>::from_db(s).map_err($crate::db::FromSqlError::Other)
                    }
                    _ => Err($crate::db::FromSqlError::InvalidType),
                }
            }
        }

        impl $t {
            /// The enum of a stored code (exact: no labels, no aliases); an unknown code is an
            /// error naming the column and the value.
            pub fn from_db(s: &str) -> std::result::Result<Self, $crate::CoreError> {
                Self::ALL
                    .into_iter()
                    .find(|x| x.as_str() == s)
                    .ok_or_else(|| $crate::CoreError::UnknownStoredValue {
                        column: $column,
                        value: s.to_string(),
                    })
            }
        }
    };
}
pub(crate) use stored_enum;

stored_enum!(TicketStatus, "tickets.status");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    New,
    Assigned,
    InProgress,
    OnHold,
    Resolved,
    Closed,
    Cancelled,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 7] = [
        TicketStatus::New,
        TicketStatus::Assigned,
        TicketStatus::InProgress,
        TicketStatus::OnHold,
        TicketStatus::Resolved,
        TicketStatus::Closed,
        TicketStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::New => "new",
            TicketStatus::Assigned => "assigned",
            TicketStatus::InProgress => "in_progress",
            TicketStatus::OnHold => "on_hold",
            TicketStatus::Resolved => "resolved",
            TicketStatus::Closed => "closed",
            TicketStatus::Cancelled => "cancelled",
        }
    }

    /// Spanish label, as the UI shows it.
    pub fn label(self) -> &'static str {
        match self {
            TicketStatus::New => "Nuevo",
            TicketStatus::Assigned => "Asignado",
            TicketStatus::InProgress => "En proceso",
            TicketStatus::OnHold => "En espera",
            TicketStatus::Resolved => "Solucionado",
            TicketStatus::Closed => "Cerrado",
            TicketStatus::Cancelled => "Anulado",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let k = s.trim().to_lowercase().replace(['-', ' '], "_");
        TicketStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == k || st.label().to_lowercase().replace(' ', "_") == k)
    }

    /// Open = the requester is still waiting for a solution.
    /// Not closed nor cancelled: the case's data can be corrected, followed up and given
    /// attachments ([`can_work_on`]).
    pub fn is_workable(self) -> bool {
        !matches!(self, TicketStatus::Closed | TicketStatus::Cancelled)
    }

    pub fn is_open(self) -> bool {
        matches!(
            self,
            TicketStatus::New
                | TicketStatus::Assigned
                | TicketStatus::InProgress
                | TicketStatus::OnHold
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Survey {
    pub scores: Vec<i64>,
    pub comment: Option<String>,
    pub answered_at: String,
}

/// Where an imported case came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Source {
    pub file: String,
    pub sheet: Option<String>,
    pub row: Option<i64>,
}

/// A case as the UI and `mesa ticket show --json` see it. Times are RFC 3339 in Bogota time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Ticket {
    pub number: String,
    pub legacy_number: Option<String>,
    pub received_at: Option<String>,
    pub registered_at: String,
    pub requester: String,
    pub department: String,
    pub location: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub channel: String,
    pub origin: String,
    pub service_type: Option<String>,
    pub level: i64,
    pub priority: String,
    pub urgency: i64,
    pub impact: i64,
    pub assignee: Option<String>,
    pub status: TicketStatus,
    pub response_due_at: Option<String>,
    pub resolution_due_at: Option<String>,
    pub first_response_at: Option<String>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    pub close_reason: Option<String>,
    pub description: String,
    pub solution: Option<String>,
    pub asset_tag: Option<String>,
    pub survey: Option<Survey>,
    pub survey_due_at: Option<String>,
    pub source: Option<Source>,
    #[ts(type = "Record<string, string>")]
    pub extra: BTreeMap<String, String>,
    pub overdue: bool,
    pub due_soon: bool,
    /// The case's version: the id of its newest timeline entry (every change of a case adds
    /// one). A screen passes back the version it showed when it edits or acts on the case, so
    /// a change made meanwhile by someone else is refused (`conflicto_edicion`) instead of
    /// being overwritten (`Store::edit_ticket_if_unchanged`, `apply_action_if_unchanged`).
    #[ts(type = "number")]
    pub version: i64,
}

/// Input of "register a case".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct NewTicket {
    pub requester: String,
    pub department: String,
    pub description: String,
    /// RFC 3339, or `YYYY-MM-DDTHH:MM` in Bogota time; `null` = now.
    pub received_at: Option<String>,
    pub location: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub channel: Option<String>,
    pub origin: Option<String>,
    pub service_type: Option<String>,
    pub asset_tag: Option<String>,
    pub urgency: Option<i64>,
    pub impact: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TicketQuery {
    pub status: Option<TicketStatus>,
    pub search: Option<String>,
    pub service_type: Option<String>,
    pub department: Option<String>,
    pub assignee: Option<String>,
    pub level: Option<i64>,
    pub overdue: Option<bool>,
    /// Only open cases (new, assigned, in progress, on hold).
    pub open: Option<bool>,
    /// Only cases not yet overdue whose running clock ends today.
    pub due_today: Option<bool>,
    /// Received on or after this date (`YYYY-MM-DD`, Bogota).
    pub from: Option<String>,
    /// Received on or before this date (`YYYY-MM-DD`, Bogota).
    pub to: Option<String>,
    pub sort: Option<String>,
    pub desc: bool,
    pub limit: i64,
    pub offset: i64,
}

impl Default for TicketQuery {
    fn default() -> Self {
        TicketQuery {
            status: None,
            search: None,
            service_type: None,
            department: None,
            assignee: None,
            level: None,
            overdue: None,
            open: None,
            due_today: None,
            from: None,
            to: None,
            sort: None,
            desc: true,
            limit: 100,
            offset: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TicketPage {
    pub total: i64,
    pub items: Vec<Ticket>,
}

/// One entry of a case's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TicketEvent {
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TicketDetail {
    pub ticket: Ticket,
    pub events: Vec<TicketEvent>,
    /// What can be done to the case now, in the order to offer it: the lifecycle rule of
    /// [`allowed_actions`], sent to the UI so it keeps no copy of it.
    pub allowed_actions: Vec<ActionKind>,
    /// Whether the case's data can still be corrected and followed up ([`can_work_on`]).
    pub editable: bool,
    /// Follow-ups and internal notes, oldest first.
    pub follow_ups: Vec<FollowUp>,
    /// Attached files (removed ones included, marked), oldest first.
    pub attachments: Vec<crate::attachments::rows::Attachment>,
    /// The case's scheduled visit, if any (`agenda`).
    pub visit: Option<crate::agenda::types::Visit>,
    /// Linked cases (duplicates, related, parent and children), oldest link first.
    pub links: Vec<TicketLink>,
    /// The case's mails, in and out, with their Message-IDs, oldest first (issue 16).
    pub mails: Vec<crate::mail::types::CaseMail>,
}

/// Who may read a follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpVisibility {
    /// What the requester is told (sent by e-mail once mail is connected).
    Public,
    /// Never shown or sent to the requester.
    Internal,
}

impl FollowUpVisibility {
    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpVisibility::Public => "public",
            FollowUpVisibility::Internal => "internal",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "public" => Some(FollowUpVisibility::Public),
            "internal" => Some(FollowUpVisibility::Internal),
            _ => None,
        }
    }
    /// The Spanish label used in exports.
    pub fn label(self) -> &'static str {
        match self {
            FollowUpVisibility::Public => "Público",
            FollowUpVisibility::Internal => "Nota interna (no se comparte con el solicitante)",
        }
    }
}

/// A follow-up (seguimiento) of a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FollowUp {
    pub id: i64,
    /// RFC 3339, Bogota time.
    pub at: String,
    pub actor: String,
    pub visibility: FollowUpVisibility,
    pub text: String,
    /// Time spent, in minutes.
    pub minutes: Option<i64>,
    /// A contact with the requester (call, visit, message).
    pub contact: bool,
}

/// Input of «add a follow-up».
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NewFollowUp {
    pub text: String,
    pub visibility: FollowUpVisibility,
    pub minutes: Option<i64>,
    pub contact: bool,
    /// When it happened, if earlier than now (RFC 3339, or `YYYY-MM-DDTHH:MM` in Bogota time);
    /// `null` = now.
    pub at: Option<String>,
}

/// A correction of a registered case: each `Some` field is set (an empty text clears an
/// optional field). A change of `received_at` needs a `reason`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct TicketEdit {
    pub requester: Option<String>,
    pub department: Option<String>,
    pub location: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub description: Option<String>,
    pub channel: Option<String>,
    pub origin: Option<String>,
    pub asset_tag: Option<String>,
    pub urgency: Option<i64>,
    pub impact: Option<i64>,
    pub service_type: Option<String>,
    /// RFC 3339, or `YYYY-MM-DDTHH:MM` in Bogota time.
    pub received_at: Option<String>,
    pub reason: Option<String>,
}

/// Closed and cancelled cases are the record: their data is not corrected any more, nor
/// followed up (a supervisor's right to do so comes with accounts).
pub fn can_work_on(t: &Ticket) -> bool {
    t.status.is_workable()
}

/// The kinds of [`TicketAction`] (the buttons of a case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Assign,
    Start,
    Resume,
    Hold,
    Escalate,
    Resolve,
    Verify,
    Reject,
    Survey,
    Cancel,
}

impl ActionKind {
    /// In the order a case offers them.
    pub const ALL: [ActionKind; 10] = [
        ActionKind::Assign,
        ActionKind::Start,
        ActionKind::Resume,
        ActionKind::Hold,
        ActionKind::Escalate,
        ActionKind::Resolve,
        ActionKind::Verify,
        ActionKind::Reject,
        ActionKind::Survey,
        ActionKind::Cancel,
    ];
}

/// The lifecycle of a case, in one place: may `kind` be applied to `t` now? `apply_action`
/// refuses what this refuses; the case detail offers what this allows.
pub fn action_allowed(t: &Ticket, kind: ActionKind) -> bool {
    use TicketStatus as S;
    let st = t.status;
    match kind {
        ActionKind::Assign => matches!(st, S::New | S::Assigned | S::InProgress | S::OnHold),
        ActionKind::Start => matches!(st, S::New | S::Assigned),
        ActionKind::Hold => matches!(st, S::Assigned | S::InProgress),
        ActionKind::Resume => st == S::OnHold,
        ActionKind::Escalate => matches!(st, S::New | S::Assigned | S::InProgress),
        // A quick fix over the phone is resolved without assigning or starting first.
        ActionKind::Resolve => st.is_open(),
        ActionKind::Verify | ActionKind::Reject => st == S::Resolved,
        ActionKind::Cancel => st.is_open(),
        ActionKind::Survey => {
            t.survey.is_none()
                && (st == S::Resolved
                    || (st == S::Closed && t.close_reason.as_deref() == Some("verified")))
        }
    }
}

/// Every action [`action_allowed`] allows on `t`, in [`ActionKind::ALL`] order.
pub fn allowed_actions(t: &Ticket) -> Vec<ActionKind> {
    ActionKind::ALL
        .into_iter()
        .filter(|k| action_allowed(t, *k))
        .collect()
}

impl TicketAction {
    pub fn kind(&self) -> ActionKind {
        match self {
            TicketAction::Assign { .. } => ActionKind::Assign,
            TicketAction::Start => ActionKind::Start,
            TicketAction::Hold { .. } => ActionKind::Hold,
            TicketAction::Resume => ActionKind::Resume,
            TicketAction::Escalate { .. } => ActionKind::Escalate,
            TicketAction::Resolve { .. } => ActionKind::Resolve,
            TicketAction::Verify { .. } => ActionKind::Verify,
            TicketAction::Reject { .. } => ActionKind::Reject,
            TicketAction::Cancel { .. } => ActionKind::Cancel,
            TicketAction::Survey { .. } => ActionKind::Survey,
        }
    }
}

/// What can be done to a case. Serialized with a `kind` tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TicketAction {
    Assign {
        to: String,
    },
    Start,
    Hold {
        reason: String,
    },
    Resume,
    Escalate {
        to: String,
        reason: String,
    },
    Resolve {
        solution: String,
        products: Option<String>,
        time_spent_minutes: Option<i64>,
    },
    /// The requester confirmed the solution. `confirmation`: how (llamada, correo, en persona…);
    /// required when whoever resolved the case registers it (separation of duties).
    Verify {
        #[serde(default)]
        confirmation: Option<String>,
    },
    Reject {
        reason: String,
    },
    Cancel {
        reason: String,
    },
    Survey {
        scores: Vec<i64>,
        comment: Option<String>,
    },
}

stored_enum!(LinkKind, "ticket_links.kind");

/// The kinds of link between two cases, as chosen when linking case N to case M (the add-link
/// form offers [`LinkKind::ALL`]; the UI's labels live in `es.ts` keyed by these codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// N is a duplicate of M: N is cancelled with the link.
    Duplicate,
    /// N and M are related (symmetric).
    Related,
    /// M is the parent case of N (N is one of its children).
    Parent,
}

impl LinkKind {
    pub const ALL: [LinkKind; 3] = [LinkKind::Duplicate, LinkKind::Related, LinkKind::Parent];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Duplicate => "duplicate",
            LinkKind::Related => "related",
            LinkKind::Parent => "parent",
        }
    }
}

/// A link as seen from one case: what the other case is to this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LinkRole {
    /// This case is a duplicate of the other.
    DuplicateOf,
    /// The other case is a duplicate of this one.
    DuplicatedBy,
    Related,
    /// The other case is this case's parent.
    Parent,
    /// The other case is a child of this one.
    Child,
}

impl LinkRole {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkRole::DuplicateOf => "duplicate_of",
            LinkRole::DuplicatedBy => "duplicated_by",
            LinkRole::Related => "related",
            LinkRole::Parent => "parent",
            LinkRole::Child => "child",
        }
    }
}

/// A parent case resolved with its open children (`Store::resolve_with_children`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ResolvedWithChildren {
    pub ticket: Ticket,
    /// Numbers of the children resolved with it.
    pub children: Vec<String>,
}

/// One linked case in a case's detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TicketLink {
    pub role: LinkRole,
    /// The other case.
    pub number: String,
    pub status: TicketStatus,
    pub requester: String,
    /// Who linked them, and when (RFC 3339, Bogota time).
    pub actor: String,
    pub at: String,
    /// Related and parent links can be removed; a duplicate link stays with the cancelled case.
    pub removable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AssigneeCount {
    pub assignee: String,
    pub open: i64,
    pub overdue: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TypeCount {
    pub service_type: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Dashboard {
    pub open: i64,
    pub overdue: i64,
    pub due_today: i64,
    pub awaiting_survey: i64,
    pub by_assignee: Vec<AssigneeCount>,
    pub by_type: Vec<TypeCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ServiceType {
    pub name: String,
    pub default_level: i64,
    pub response_minutes: i64,
    pub resolution_minutes: i64,
    pub default_assignee: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StaffMember {
    pub name: String,
    pub role: String,
    pub level: i64,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Catalogs {
    pub departments: Vec<String>,
    pub service_types: Vec<ServiceType>,
    pub staff: Vec<StaffMember>,
    pub survey_questions: Vec<String>,
    pub channels: Vec<String>,
    /// Kinds of equipment offered in the forms (`assets::ASSET_KINDS`; free text accepted).
    pub asset_kinds: Vec<String>,
    /// Causes offered for a concepto de baja (`assets::DECOMMISSION_CAUSES`).
    pub decommission_causes: Vec<String>,
    /// Infrastructure areas a plan item may target (`maintenance::INFRA_AREAS`).
    pub infra_areas: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub db_path: String,
}

/// The error shape at every boundary (Tauri commands, CLI `--json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl From<&crate::error::CoreError> for ApiError {
    fn from(e: &crate::error::CoreError) -> Self {
        ApiError {
            code: e.code().to_string(),
            message: e.to_string(),
        }
    }
}

pub const CHANNELS: [&str; 5] = [
    "correo",
    "teléfono",
    "presencial",
    "aplicativo",
    "alarma automática",
];
