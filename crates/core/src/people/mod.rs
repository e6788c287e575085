//! People: accounts, roles and the one permission table (issue 14).
//!
//! - [`Role`] and [`Permission`] with the matrix [`allows`]: the only place that says who may do
//!   what. Checked in core by [`crate::Store::authorize`] at the top of every write (and of the
//!   reads that are administrator-only), not only by hidden buttons.
//! - [`accounts`]: create, list, change, deactivate; Argon2id hashes; login with an increasing
//!   delay after failures; the access log ([`access`]).
//! - [`duties`]: separation of duties (who prepared cannot approve, who executed cannot verify).
//!
//! With no account in the database, logins are off: everything is allowed under the default
//! actor, as before accounts existed. Once the first administrator exists every session needs a
//! login (the store's [`Principal`]).

pub mod access;
pub mod accounts;
pub mod duties;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{CoreError, Result};
use crate::Store;

/// The four roles (Spanish names in the UI from [`Role::label`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Role {
    /// Jefe TIC / ingeniero: everything.
    Administrador,
    /// Cases, equipment, maintenance, imports, reports.
    Tecnico,
    /// Auxiliar or contratista: new registrations and the cases assigned to them.
    Auxiliar,
    /// Read-only: control interno, auditors.
    Consulta,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Administrador,
        Role::Tecnico,
        Role::Auxiliar,
        Role::Consulta,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrador => "administrador",
            Role::Tecnico => "tecnico",
            Role::Auxiliar => "auxiliar",
            Role::Consulta => "consulta",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Administrador => "Administrador",
            Role::Tecnico => "Técnico",
            Role::Auxiliar => "Auxiliar / contratista",
            Role::Consulta => "Consulta",
        }
    }

    pub fn parse(s: &str) -> Result<Role> {
        let f = crate::text::fold(s);
        Ok(match f.trim() {
            "administrador" | "admin" => Role::Administrador,
            "tecnico" => Role::Tecnico,
            "auxiliar" | "contratista" | "auxiliar/contratista" => Role::Auxiliar,
            "consulta" => Role::Consulta,
            _ => {
                return Err(CoreError::validation(
                    "rol",
                    format!("«{s}» no es un rol; use administrador, tecnico, auxiliar o consulta"),
                ))
            }
        })
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// What an action needs. One variant per kind of action; [`allows`] is the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Permission {
    /// Register a new case.
    CaseRegister,
    /// Work on any case (assign, edit, follow-ups, resolve, visits, links, attachments).
    /// Auxiliaries have [`Permission::CaseWorkOwn`] instead.
    CaseWork,
    /// Work on the cases assigned to oneself.
    CaseWorkOwn,
    /// Equipment: create, edit, move, peripherals, conceptos de baja.
    Equipment,
    /// Approve a concepto de baja.
    DecommissionApprove,
    /// Maintenance plans, cronograma and logs.
    Maintenance,
    /// Verify a maintenance log.
    MaintenanceVerify,
    /// Import cases or equipment.
    Import,
    /// Undo an import.
    ImportUndo,
    /// Save a report's analysis and improvement actions; management records.
    Reports,
    /// Take a backup now.
    Backup,
    /// Restore a backup.
    Restore,
    /// Anonymise a person (Ley 1581) or export the data held on a person.
    Privacy,
    /// Settings, catalogs, calendar, logo, demo data.
    Settings,
    /// Delete an attachment.
    AttachmentDelete,
    /// Create, change and deactivate accounts; reset passwords.
    Accounts,
    /// Delete management records (a risk, a finding, an indicator).
    ManagementDelete,
}

impl Permission {
    pub const ALL: [Permission; 17] = [
        Permission::CaseRegister,
        Permission::CaseWork,
        Permission::CaseWorkOwn,
        Permission::Equipment,
        Permission::DecommissionApprove,
        Permission::Maintenance,
        Permission::MaintenanceVerify,
        Permission::Import,
        Permission::ImportUndo,
        Permission::Reports,
        Permission::Backup,
        Permission::Restore,
        Permission::Privacy,
        Permission::Settings,
        Permission::AttachmentDelete,
        Permission::Accounts,
        Permission::ManagementDelete,
    ];

    /// What the action is, in Spanish, for messages («Su rol no permite …»).
    pub fn label(self) -> &'static str {
        match self {
            Permission::CaseRegister => "registrar casos",
            Permission::CaseWork => "trabajar en cualquier caso",
            Permission::CaseWorkOwn => "trabajar en los casos asignados a usted",
            Permission::Equipment => "registrar y modificar equipos",
            Permission::DecommissionApprove => "aprobar conceptos de baja",
            Permission::Maintenance => "gestionar planes y bitácoras de mantenimiento",
            Permission::MaintenanceVerify => "verificar bitácoras de mantenimiento",
            Permission::Import => "importar archivos",
            Permission::ImportUndo => "deshacer importaciones",
            Permission::Reports => "guardar informes y registros de gestión",
            Permission::Backup => "hacer copias de seguridad",
            Permission::Restore => "restaurar copias de seguridad",
            Permission::Privacy => "anonimizar o exportar los datos de una persona",
            Permission::Settings => "cambiar ajustes y catálogos",
            Permission::AttachmentDelete => "eliminar adjuntos",
            Permission::Accounts => "administrar cuentas",
            Permission::ManagementDelete => "eliminar registros de gestión",
        }
    }
}

/// The permission matrix: `MATRIX[permission]` = allowed for [administrador, técnico, auxiliar,
/// consulta]. The README's table is this one (a test compares them).
const MATRIX: [(Permission, [bool; 4]); 17] = [
    (Permission::CaseRegister, [true, true, true, false]),
    (Permission::CaseWork, [true, true, false, false]),
    (Permission::CaseWorkOwn, [true, true, true, false]),
    (Permission::Equipment, [true, true, false, false]),
    (Permission::DecommissionApprove, [true, true, false, false]),
    (Permission::Maintenance, [true, true, false, false]),
    (Permission::MaintenanceVerify, [true, true, false, false]),
    (Permission::Import, [true, true, false, false]),
    (Permission::ImportUndo, [true, false, false, false]),
    (Permission::Reports, [true, true, false, false]),
    (Permission::Backup, [true, true, false, false]),
    (Permission::Restore, [true, false, false, false]),
    (Permission::Privacy, [true, false, false, false]),
    (Permission::Settings, [true, false, false, false]),
    (Permission::AttachmentDelete, [true, false, false, false]),
    (Permission::Accounts, [true, false, false, false]),
    (Permission::ManagementDelete, [true, false, false, false]),
];

/// Whether `role` may do what `permission` names.
pub fn allows(role: Role, permission: Permission) -> bool {
    MATRIX
        .iter()
        .find(|(p, _)| *p == permission)
        .map(|(_, row)| row[role.index()])
        .unwrap_or(false)
}

/// Every permission of `role` (served to the UI, which hides what the role cannot do).
pub fn permissions_of(role: Role) -> Vec<Permission> {
    Permission::ALL
        .into_iter()
        .filter(|p| allows(role, *p))
        .collect()
}

/// The matrix as rows for the UI and the README: permission label, then one flag per role.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct MatrixRow {
    pub permission: Permission,
    pub label: String,
    pub allowed: Vec<bool>,
}

pub fn matrix() -> Vec<MatrixRow> {
    MATRIX
        .iter()
        .map(|(p, row)| MatrixRow {
            permission: *p,
            label: p.label().to_string(),
            allowed: row.to_vec(),
        })
        .collect()
}

/// Whether `p` may work on a case assigned to `assignee` (the same rule as
/// [`Store::authorize_case`], for detail views read on another connection). None: logins off.
pub fn may_work_on(p: Option<&Principal>, assignee: Option<&str>) -> bool {
    match p {
        None => true,
        Some(p) if allows(p.role, Permission::CaseWork) => true,
        Some(p) => {
            allows(p.role, Permission::CaseWorkOwn)
                && assignee.is_some_and(|a| crate::text::fold(a) == crate::text::fold(&p.name))
        }
    }
}

/// A role with its Spanish label, in the order of the matrix's columns (served to the UI).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RoleInfo {
    pub role: Role,
    pub label: String,
}

pub fn roles() -> Vec<RoleInfo> {
    Role::ALL
        .into_iter()
        .map(|r| RoleInfo {
            role: r,
            label: r.label().to_string(),
        })
        .collect()
}

/// The logged-in account, as the store knows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Principal {
    pub login: String,
    pub name: String,
    pub cargo: String,
    pub role: Role,
}

/// The session as the UI sees it: whether logins are on, who is logged in and what they may do.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SessionInfo {
    /// False while the database has no account: everything is allowed under the default actor.
    pub accounts_enabled: bool,
    pub principal: Option<Principal>,
    pub role_label: Option<String>,
    pub permissions: Vec<Permission>,
    /// Minutes of inactivity before the screen locks (setting `idle_lock_minutes`).
    pub idle_lock_minutes: i64,
    /// The same in seconds (the app's timer; tests may shorten it).
    pub idle_lock_seconds: i64,
    /// The name every action carries (the account's, or the default actor's).
    pub actor: String,
    /// The roles with their labels, in the matrix's column order.
    pub roles: Vec<RoleInfo>,
    /// Shortest password core accepts.
    pub min_password_chars: i64,
}

/// Default minutes of inactivity before the app locks.
pub const DEFAULT_IDLE_LOCK_MINUTES: i64 = 15;
/// Cargo under «Revisó» and «Aprobó» until the office sets them in Ajustes.
pub const DEFAULT_REVIEWER_CARGO: &str = "Ingeniero de sistemas";
pub const DEFAULT_APPROVER_CARGO: &str = "Jefe de la oficina";
/// Cargo under «Elaboró» when the person has no account with a cargo.
pub const DEFAULT_PREPARER_CARGO: &str = "Técnico de sistemas";

impl Store {
    /// The signature blocks of a document: «Elaboró» is `preparer` (the account generating it,
    /// or who prepared the record) with the cargo of their account; «Revisó» and «Aprobó» are
    /// the names and cargos configured in Ajustes (`reviewer` / `approver` override the names,
    /// for records that store who reviewed and approved). «Revisó» falls back to the first
    /// active engineer of the staff catalog.
    pub fn signature_blocks(
        &self,
        preparer: &str,
        reviewer: Option<&str>,
        approver: Option<&str>,
    ) -> Result<Vec<mesa_docwriter::pdf::Signature>> {
        use crate::db::OptionalExt;
        let set = self.app_settings()?;
        let engineer: Option<String> = self
            .conn
            .query_row(
                "SELECT name FROM staff WHERE role = 'ingeniero' AND active = 1 ORDER BY level, id LIMIT 1",
                [],
                |r| r.get("name"),
            )
            .optional()?;
        let pick = |given: Option<&str>, configured: &str, fallback: Option<String>| {
            given
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .or_else(|| Some(configured.trim().to_string()).filter(|s| !s.is_empty()))
                .or(fallback)
                .unwrap_or_default()
        };
        // Cargo: the one set in Ajustes, else the person's account's, else the default.
        let cargo = |name: &str, key: &str, default: &str| -> Result<String> {
            let set = self.setting(key)?.filter(|s| !s.trim().is_empty());
            Ok(match set {
                Some(c) => c,
                None => self.cargo_of(name)?.unwrap_or_else(|| default.to_string()),
            })
        };
        let reviewer = pick(reviewer, &set.reviewer_name, engineer);
        let approver = pick(approver, &set.approver_name, None);
        Ok(vec![
            mesa_docwriter::pdf::Signature {
                role: "Elaboró".into(),
                name: preparer.trim().to_string(),
                position: self
                    .cargo_of(preparer)?
                    .unwrap_or_else(|| DEFAULT_PREPARER_CARGO.into()),
            },
            mesa_docwriter::pdf::Signature {
                role: "Revisó".into(),
                position: cargo(&reviewer, "reviewer_cargo", DEFAULT_REVIEWER_CARGO)?,
                name: reviewer,
            },
            mesa_docwriter::pdf::Signature {
                role: "Aprobó".into(),
                position: cargo(&approver, "approver_cargo", DEFAULT_APPROVER_CARGO)?,
                name: approver,
            },
        ])
    }

    /// Whether the database has at least one account (then every session needs a login).
    pub fn accounts_enabled(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS(SELECT 1 FROM accounts)", [], |r| {
                r.get::<_, i64>(0)
            })?
            == 1)
    }

    /// The logged-in account (None: nobody, or logins are off).
    pub fn principal(&self) -> Option<&Principal> {
        self.principal.as_ref()
    }

    /// Sets who is logged in without a password check: for a shell that already authenticated
    /// this person on another connection of the same database (the app's readers).
    pub fn set_principal(&mut self, p: Option<Principal>) {
        if let (Some(p), Ok(mut c)) = (&p, self.audit.lock()) {
            c.session_actor = p.name.clone();
        }
        self.principal = p;
    }

    /// The session for the UI.
    pub fn session_info(&self, default_actor: &str) -> Result<SessionInfo> {
        let enabled = self.accounts_enabled()?;
        let idle = self.setting_i64("idle_lock_minutes", DEFAULT_IDLE_LOCK_MINUTES)?;
        let p = self.principal.clone();
        let permissions = match (&p, enabled) {
            (Some(p), _) => permissions_of(p.role),
            (None, false) => Permission::ALL.to_vec(),
            (None, true) => Vec::new(),
        };
        Ok(SessionInfo {
            accounts_enabled: enabled,
            role_label: p.as_ref().map(|p| p.role.label().to_string()),
            actor: p
                .as_ref()
                .map(|p| p.name.clone())
                .unwrap_or_else(|| default_actor.to_string()),
            principal: p,
            permissions,
            roles: roles(),
            min_password_chars: accounts::MIN_PASSWORD_CHARS as i64,
            idle_lock_minutes: idle,
            idle_lock_seconds: idle * 60,
        })
    }

    /// Checks that the session may do what `permission` names: always with logins off; with
    /// accounts, only logged in and with a role that allows it (Spanish message otherwise).
    pub fn authorize(&self, permission: Permission) -> Result<()> {
        match &self.principal {
            Some(p) if allows(p.role, permission) => Ok(()),
            Some(p) => Err(CoreError::Forbidden {
                role: p.role.label().to_string(),
                action: permission.label().to_string(),
            }),
            None if self.accounts_enabled()? => Err(CoreError::LoginRequired),
            None => Ok(()),
        }
    }

    /// Checks that the session may work on the case `number`: any case with
    /// [`Permission::CaseWork`]; an auxiliary only the cases assigned to them.
    pub fn authorize_case(&self, number: &str) -> Result<()> {
        let p = match &self.principal {
            Some(p) if allows(p.role, Permission::CaseWork) => return Ok(()),
            Some(p) => p,
            None => return self.authorize(Permission::CaseWork),
        };
        self.authorize(Permission::CaseWorkOwn)?;
        let assignee: Option<String> = self
            .conn
            .query_row(
                "SELECT assignee FROM tickets WHERE number = ?1",
                [number],
                |r| r.get("assignee"),
            )
            .map_err(|e| match e {
                e if crate::db::engine::is_no_rows(&e) => CoreError::TicketNotFound(number.into()),
                e => e,
            })?;
        if may_work_on(Some(p), assignee.as_deref()) {
            Ok(())
        } else {
            Err(CoreError::Forbidden {
                role: p.role.label().to_string(),
                action: format!("trabajar en el caso {number}, que no está asignado a usted"),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_covers_every_permission_once() {
        for p in Permission::ALL {
            assert_eq!(MATRIX.iter().filter(|(q, _)| *q == p).count(), 1, "{p:?}");
        }
    }

    #[test]
    fn administrator_may_do_everything_and_consulta_nothing() {
        for p in Permission::ALL {
            assert!(allows(Role::Administrador, p), "{p:?}");
            assert!(!allows(Role::Consulta, p), "{p:?}");
        }
    }

    #[test]
    fn role_names_parse_in_spanish() {
        assert_eq!(Role::parse("Técnico").unwrap(), Role::Tecnico);
        assert_eq!(Role::parse("contratista").unwrap(), Role::Auxiliar);
        assert!(Role::parse("jefe").is_err());
    }
}
