//! Errors of the core. Every variant has a stable machine `code` and a Spanish message
//! (its `Display`) that the UI and the CLI show as is.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum CoreError {
    #[error("Dato inválido en «{field}»: {message}")]
    Validation { field: String, message: String },

    #[error("No existe el caso {0}.")]
    TicketNotFound(String),

    #[error("No existe {what} «{name}» en el catálogo.")]
    CatalogNotFound { what: &'static str, name: String },

    #[error("No se puede {action} un caso en estado «{status}».")]
    InvalidTransition { action: String, status: String },

    #[error(
        "La base de datos fue creada por una versión más reciente de Mesa de Ayuda TI \
         (esquema {found}, esta versión conoce hasta {known}). Actualice la aplicación; \
         el archivo no se modificó."
    )]
    DatabaseTooNew { found: i64, known: i64 },

    #[error(
        "La migración {version} ({name}) ya aplicada en esta base de datos no coincide con \
         la incluida en la aplicación (suma de verificación distinta). No se modificó nada."
    )]
    MigrationChecksum { version: i64, name: String },

    #[error("El archivo «{path}» no es una base de datos de Mesa de Ayuda TI válida: {detail}")]
    NotADatabase { path: String, detail: String },

    #[error(
        "No se pudo determinar la carpeta de datos del usuario; use --data-dir o MESA_DATA_DIR."
    )]
    NoDataDir,

    #[error("Error de entrada/salida en «{path}»: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },

    /// `program`: «Excel» for spreadsheets and CSV, «el visor de PDF» for PDFs (see
    /// `files::program_for`).
    #[error(
        "No se pudo guardar «{path}»: el archivo está abierto en otro programa. Cierre el \
         archivo en {program} y vuelva a intentarlo."
    )]
    FileInUse { path: String, program: &'static str },

    #[error("No existe el equipo con placa «{0}».")]
    AssetNotFound(String),

    #[error("Ya existe un equipo con la placa «{tag}»{origin}.")]
    DuplicateAsset { tag: String, origin: String },

    #[error("No existe {what} «{id}».")]
    MaintenanceNotFound { what: &'static str, id: String },

    #[error("No se pudo generar el documento «{what}»: {detail}")]
    Document { what: String, detail: String },

    #[error(
        "El archivo «{path}» no es una copia de seguridad de Mesa de Ayuda TI: no es una base \
         de datos SQLite. No se cambió nada."
    )]
    BackupNotSqlite { path: String },

    #[error(
        "La copia «{path}» está dañada: la verificación de integridad falló ({detail}). \
         No se cambió nada."
    )]
    BackupCorrupt { path: String, detail: String },

    #[error(
        "El archivo «{path}» es una base de datos de otra aplicación, no una copia de Mesa de \
         Ayuda TI. No se cambió nada."
    )]
    BackupForeign { path: String },

    #[error(
        "La copia «{path}» fue hecha por una versión más reciente de Mesa de Ayuda TI (esquema \
         {found}, esta versión conoce hasta {known}). Actualice la aplicación; no se cambió nada."
    )]
    BackupTooNew {
        path: String,
        found: i64,
        known: i64,
    },

    #[error(
        "La base de datos «{path}» está dañada ({detail}). Restaure la última copia de \
         seguridad buena."
    )]
    DatabaseDamaged { path: String, detail: String },

    #[error("No hay ninguna copia de seguridad verificada en «{0}».")]
    NoBackup(String),

    #[error("No hay casos ni registros de la persona «{0}».")]
    PersonNotFound(String),

    #[error(
        "La base de datos ya tiene {0} caso(s): los datos de demostración solo se cargan en una \
         base de datos sin casos. No se cambió nada."
    )]
    DemoNotEmpty(i64),

    #[error("No hay datos de demostración para borrar.")]
    NoDemoData,

    #[error("Inicie sesión: esta base de datos tiene cuentas y cada acción queda a nombre de quien la hace.")]
    LoginRequired,

    #[error("Usuario o contraseña incorrectos.")]
    LoginFailed,

    #[error(
        "Demasiados intentos fallidos: espere {seconds} segundo(s) antes de volver a intentarlo."
    )]
    LoginDelayed { seconds: i64 },

    #[error("La cuenta «{0}» aún no tiene contraseña: defínala para ingresar por primera vez.")]
    PasswordNotSet(String),

    #[error("La cuenta «{0}» está desactivada. Pida a un administrador que la reactive.")]
    AccountInactive(String),

    #[error("Su rol ({role}) no permite {action}. Pídaselo a un administrador.")]
    Forbidden { role: String, action: String },

    #[error("Separación de funciones: {what}. {hint}")]
    SeparationOfDuties { what: String, hint: String },

    #[error(
        "La base de datos «{path}» está en una unidad de red ({kind}). SQLite necesita que todos \
         sus usuarios estén en el mismo equipo: dos equipos sobre un mismo archivo compartido \
         pueden dañarlo. Guarde la base de datos en un disco local de este equipo (por ejemplo, \
         la carpeta de datos por omisión) y use copias de seguridad; para varios puestos de \
         trabajo, use el modo servidor (PostgreSQL) cuando esté disponible."
    )]
    NetworkDatabase { path: String, kind: String },

    #[error("{0}")]
    Import(#[from] crate::import::ImportError),

    #[error(
        "La base de datos tiene en «{column}» el valor «{value}», que esta versión de Mesa de \
         Ayuda TI no reconoce (¿lo escribió una versión más reciente o un programa externo?). \
         No se cambió nada."
    )]
    UnknownStoredValue { column: &'static str, value: String },

    /// A failure of the e-mail side (mesa-mailnet / mesa-mailsync: network, TLS, login,
    /// folder, SMTP refusals, OAuth2, credential store, collector lock). `code` is one of the
    /// `mail_*` codes of [`ERROR_CODES`] (see [`MAIL_ERROR_CODES`]); the message is theirs, in
    /// Spanish, as is.
    #[error("{message}")]
    Mail { code: &'static str, message: String },

    /// A case changed between the moment the caller read it and its edit (another user,
    /// another workstation): nothing was written.
    #[error(
        "Otro usuario modificó el caso {number} a las {at} del {date} ({actor}); vuelva a \
         abrirlo para ver los cambios. No se guardó nada."
    )]
    EditConflict {
        number: String,
        at: String,
        date: String,
        actor: String,
    },

    #[error("Error de la base de datos: {0}")]
    Sqlite(rusqlite::Error),

    /// The PostgreSQL server (issue 17) cannot be used: unreachable, refused the login, too old,
    /// lacks `unaccent`, or is not the empty database a move needs.
    #[error("Servidor PostgreSQL: {detail}")]
    Server { detail: String },

    /// A statement failed on the PostgreSQL server (the counterpart of `Sqlite`).
    #[error("Error de la base de datos (PostgreSQL): {0}")]
    Postgres(String),

    #[error("Error interno de datos: {0}")]
    Json(#[from] serde_json::Error),
}

/// Writes [`ERROR_CODES`] and [`MAIL_ERROR_CODES`] from one list, so each e-mail code is
/// written once and stays in both.
macro_rules! error_codes {
    (
        core: [$($core:literal),* $(,)?],
        mail: [$($mail:literal),* $(,)?],
        last: [$($last:literal),* $(,)?] $(,)?
    ) => {
        /// Every code [`CoreError::code`] can return (those of
        /// [`ImportError`](crate::import::ImportError) included), in declaration order. The UI
        /// gets them as the TypeScript union `ErrorCode` (`ui/src/lib/bindings/ErrorCode.ts`,
        /// written by the bindings test), so a misspelt code in the UI fails the type check.
        pub const ERROR_CODES: &[&str] = &[$($core,)* $($mail,)* $($last,)*];

        /// The e-mail codes of [`ERROR_CODES`] ([`CoreError::Mail`]): those of mesa-mailnet's
        /// `MailNetError` and mesa-mailsync's `SyncError` (their tests check each is listed
        /// here).
        pub const MAIL_ERROR_CODES: &[&str] = &[$($mail,)*];
    };
}

error_codes! {
    core: [
        "validation",
        "ticket_not_found",
        "catalog_not_found",
        "invalid_transition",
        "database_too_new",
        "migration_checksum",
        "not_a_database",
        "no_data_dir",
        "io",
        "file_in_use",
        "asset_not_found",
        "duplicate_asset",
        "maintenance_not_found",
        "document",
        "backup_not_sqlite",
        "backup_corrupt",
        "backup_foreign",
        "backup_too_new",
        "database_damaged",
        "no_backup",
        "person_not_found",
        "demo_not_empty",
        "no_demo_data",
        "login_required",
        "login_failed",
        "login_delayed",
        "password_not_set",
        "account_inactive",
        "forbidden",
        "separation_of_duties",
        "network_database",
        "import_damaged",
        "import_password",
        "import_empty",
        "import_header_only",
        "import_no_columns",
        "import_unsupported",
        "import_sheet_not_found",
        "import_changed",
        "import_assets_unavailable",
        "import_batch_not_found",
        "import_batch_undone",
        "import_batch_touched",
        "import_bad_mapping",
        "import_cancelled",
        "unknown_stored_value",
        "conflicto_edicion",
    ],
    mail: [
        "mail_host_not_found",
        "mail_connection_refused",
        "mail_timeout",
        "mail_network",
        "mail_tls",
        "mail_starttls_unavailable",
        "mail_insecure_not_loopback",
        "mail_auth_failed",
        "mail_reconnect",
        "mail_smtp_auth_disabled",
        "mail_basic_auth_blocked",
        "mail_smtp_auth_unavailable",
        "mail_folder_missing",
        "mail_protocol",
        "mail_smtp_rejected",
        "mail_invalid_account",
        "mail_credential_store_unavailable",
        "mail_secret_missing",
        "mail_credential_store",
        "mail_oauth",
        "mail_oauth_timeout",
        "mail_no_account",
        "mail_collector_busy",
        "mail_unsupported_auth",
        "mail_msg",
    ],
    last: [
        "server",
        "database",
        "internal",
    ],
}

impl CoreError {
    /// Stable code for programs (UI, scripts). Never translated.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Validation { .. } => "validation",
            CoreError::TicketNotFound(_) => "ticket_not_found",
            CoreError::CatalogNotFound { .. } => "catalog_not_found",
            CoreError::InvalidTransition { .. } => "invalid_transition",
            CoreError::DatabaseTooNew { .. } => "database_too_new",
            CoreError::MigrationChecksum { .. } => "migration_checksum",
            CoreError::NotADatabase { .. } => "not_a_database",
            CoreError::NoDataDir => "no_data_dir",
            CoreError::Io { .. } => "io",
            CoreError::FileInUse { .. } => "file_in_use",
            CoreError::AssetNotFound(_) => "asset_not_found",
            CoreError::DuplicateAsset { .. } => "duplicate_asset",
            CoreError::MaintenanceNotFound { .. } => "maintenance_not_found",
            CoreError::Document { .. } => "document",
            CoreError::BackupNotSqlite { .. } => "backup_not_sqlite",
            CoreError::BackupCorrupt { .. } => "backup_corrupt",
            CoreError::BackupForeign { .. } => "backup_foreign",
            CoreError::BackupTooNew { .. } => "backup_too_new",
            CoreError::DatabaseDamaged { .. } => "database_damaged",
            CoreError::NoBackup(_) => "no_backup",
            CoreError::PersonNotFound(_) => "person_not_found",
            CoreError::DemoNotEmpty(_) => "demo_not_empty",
            CoreError::NoDemoData => "no_demo_data",
            CoreError::LoginRequired => "login_required",
            CoreError::LoginFailed => "login_failed",
            CoreError::LoginDelayed { .. } => "login_delayed",
            CoreError::PasswordNotSet(_) => "password_not_set",
            CoreError::AccountInactive(_) => "account_inactive",
            CoreError::Forbidden { .. } => "forbidden",
            CoreError::SeparationOfDuties { .. } => "separation_of_duties",
            CoreError::NetworkDatabase { .. } => "network_database",
            CoreError::Import(e) => e.code(),
            CoreError::UnknownStoredValue { .. } => "unknown_stored_value",
            CoreError::EditConflict { .. } => "conflicto_edicion",
            CoreError::Mail { code, .. } => code,
            CoreError::Sqlite(_) => "database",
            CoreError::Server { .. } => "server",
            CoreError::Postgres(_) => "database",
            CoreError::Json(_) => "internal",
        }
    }

    /// An e-mail failure with its `mail_*` code. A code not in [`MAIL_ERROR_CODES`] (a bug of
    /// the caller) is reported as `mail_network` rather than leaving the list.
    pub fn mail(code: &'static str, message: impl Into<String>) -> Self {
        let code = if MAIL_ERROR_CODES.contains(&code) {
            code
        } else {
            "mail_network"
        };
        CoreError::Mail {
            code,
            message: message.into(),
        }
    }

    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        CoreError::Validation {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// A read that met an unknown stored value keeps that error (not a generic database error).
impl From<mesa_docwriter::DocError> for CoreError {
    fn from(e: mesa_docwriter::DocError) -> Self {
        CoreError::Document {
            what: e.what,
            detail: e.detail,
        }
    }
}

impl From<rusqlite::Error> for CoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::FromSqlConversionFailure(_, _, inner) if inner.is::<CoreError>() => {
                *inner.downcast::<CoreError>().expect("comprobado con is")
            }
            e => CoreError::Sqlite(e),
        }
    }
}

pub type Result<T> = std::result::Result<T, CoreError>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::ImportError;

    /// Index of the variant: the match has no wildcard, so a new variant does not compile until
    /// it is listed here, and then [`every_code_is_listed`] fails until it has a sample.
    fn core_variant(e: &CoreError) -> usize {
        match e {
            CoreError::Validation { .. } => 0,
            CoreError::TicketNotFound(_) => 1,
            CoreError::CatalogNotFound { .. } => 2,
            CoreError::InvalidTransition { .. } => 3,
            CoreError::DatabaseTooNew { .. } => 4,
            CoreError::MigrationChecksum { .. } => 5,
            CoreError::NotADatabase { .. } => 6,
            CoreError::NoDataDir => 7,
            CoreError::Io { .. } => 8,
            CoreError::FileInUse { .. } => 9,
            CoreError::AssetNotFound(_) => 10,
            CoreError::DuplicateAsset { .. } => 11,
            CoreError::MaintenanceNotFound { .. } => 12,
            CoreError::Document { .. } => 13,
            CoreError::BackupNotSqlite { .. } => 14,
            CoreError::BackupCorrupt { .. } => 15,
            CoreError::BackupForeign { .. } => 16,
            CoreError::BackupTooNew { .. } => 17,
            CoreError::DatabaseDamaged { .. } => 18,
            CoreError::NoBackup(_) => 19,
            CoreError::PersonNotFound(_) => 20,
            CoreError::DemoNotEmpty(_) => 21,
            CoreError::NoDemoData => 22,
            CoreError::Import(_) => 23,
            CoreError::UnknownStoredValue { .. } => 24,
            CoreError::Sqlite(_) => 25,
            CoreError::Json(_) => 26,
            CoreError::LoginRequired => 27,
            CoreError::LoginFailed => 28,
            CoreError::LoginDelayed { .. } => 29,
            CoreError::PasswordNotSet(_) => 30,
            CoreError::AccountInactive(_) => 31,
            CoreError::Forbidden { .. } => 32,
            CoreError::SeparationOfDuties { .. } => 33,
            CoreError::NetworkDatabase { .. } => 34,
            CoreError::Mail { .. } => 35,
            CoreError::Server { .. } => 36,
            CoreError::Postgres(_) => 37,
            CoreError::EditConflict { .. } => 38,
        }
    }
    const CORE_VARIANTS: usize = 39;

    fn import_variant(e: &ImportError) -> usize {
        match e {
            ImportError::Damaged => 0,
            ImportError::Password => 1,
            ImportError::Empty => 2,
            ImportError::HeaderOnly(_) => 3,
            ImportError::NoColumns { .. } => 4,
            ImportError::Unsupported(_) => 5,
            ImportError::SheetNotFound(..) => 6,
            ImportError::Changed => 7,
            ImportError::AssetsUnavailable => 8,
            ImportError::BatchNotFound(_) => 9,
            ImportError::BatchUndone(_) => 10,
            ImportError::BatchTouched { .. } => 11,
            ImportError::BadMapping(_) => 12,
            ImportError::Cancelled => 13,
        }
    }
    const IMPORT_VARIANTS: usize = 14;

    fn import_samples() -> Vec<ImportError> {
        let s = || "x".to_string();
        vec![
            ImportError::Damaged,
            ImportError::Password,
            ImportError::Empty,
            ImportError::HeaderOnly(s()),
            ImportError::NoColumns {
                what: "casos",
                found: s(),
            },
            ImportError::Unsupported(s()),
            ImportError::SheetNotFound(s(), s()),
            ImportError::Changed,
            ImportError::AssetsUnavailable,
            ImportError::BatchNotFound(1),
            ImportError::BatchUndone(1),
            ImportError::BatchTouched {
                batch: 1,
                count: 1,
                example: s(),
            },
            ImportError::BadMapping(s()),
            ImportError::Cancelled,
        ]
    }

    fn core_samples() -> Vec<CoreError> {
        let s = || "x".to_string();
        let mut v = vec![
            CoreError::validation("campo", "mal"),
            CoreError::TicketNotFound(s()),
            CoreError::CatalogNotFound {
                what: "la dependencia",
                name: s(),
            },
            CoreError::InvalidTransition {
                action: s(),
                status: s(),
            },
            CoreError::DatabaseTooNew { found: 2, known: 1 },
            CoreError::MigrationChecksum {
                version: 1,
                name: s(),
            },
            CoreError::NotADatabase {
                path: s(),
                detail: s(),
            },
            CoreError::NoDataDir,
            CoreError::Io {
                path: s(),
                source: std::io::Error::other("x"),
            },
            CoreError::FileInUse {
                path: s(),
                program: "Excel",
            },
            CoreError::AssetNotFound(s()),
            CoreError::DuplicateAsset {
                tag: s(),
                origin: s(),
            },
            CoreError::MaintenanceNotFound {
                what: "el plan",
                id: s(),
            },
            CoreError::Document {
                what: s(),
                detail: s(),
            },
            CoreError::BackupNotSqlite { path: s() },
            CoreError::BackupCorrupt {
                path: s(),
                detail: s(),
            },
            CoreError::BackupForeign { path: s() },
            CoreError::BackupTooNew {
                path: s(),
                found: 2,
                known: 1,
            },
            CoreError::DatabaseDamaged {
                path: s(),
                detail: s(),
            },
            CoreError::NoBackup(s()),
            CoreError::PersonNotFound(s()),
            CoreError::DemoNotEmpty(1),
            CoreError::NoDemoData,
            CoreError::LoginRequired,
            CoreError::LoginFailed,
            CoreError::LoginDelayed { seconds: 5 },
            CoreError::PasswordNotSet(s()),
            CoreError::AccountInactive(s()),
            CoreError::Forbidden {
                role: s(),
                action: s(),
            },
            CoreError::SeparationOfDuties {
                what: s(),
                hint: s(),
            },
            CoreError::NetworkDatabase {
                path: s(),
                kind: s(),
            },
            CoreError::UnknownStoredValue {
                column: "status",
                value: s(),
            },
            CoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows),
            CoreError::Server { detail: s() },
            CoreError::Postgres(s()),
            CoreError::EditConflict {
                number: s(),
                at: s(),
                date: s(),
                actor: s(),
            },
            CoreError::Json(serde_json::from_str::<i32>("x").unwrap_err()),
        ];
        v.extend(import_samples().into_iter().map(CoreError::Import));
        v.extend(MAIL_ERROR_CODES.iter().map(|c| CoreError::mail(c, "x")));
        v
    }

    #[test]
    fn mail_codes_are_kept_and_unknown_ones_fall_back() {
        for c in MAIL_ERROR_CODES {
            assert_eq!(CoreError::mail(c, "m").code(), *c);
            assert!(ERROR_CODES.contains(c), "{c}");
        }
        let e = CoreError::mail("no_such_code", "Mensaje en español");
        assert_eq!(e.code(), "mail_network");
        assert_eq!(e.to_string(), "Mensaje en español");
    }

    #[test]
    fn every_code_is_listed() {
        let samples = core_samples();
        let mut seen = [false; CORE_VARIANTS];
        let mut seen_import = [false; IMPORT_VARIANTS];
        for e in &samples {
            seen[core_variant(e)] = true;
            if let CoreError::Import(i) = e {
                seen_import[import_variant(i)] = true;
            }
            assert!(
                ERROR_CODES.contains(&e.code()),
                "{:?} has code {:?}, missing from ERROR_CODES",
                e,
                e.code()
            );
        }
        assert!(seen.iter().all(|s| *s), "a CoreError variant has no sample");
        assert!(
            seen_import.iter().all(|s| *s),
            "an ImportError variant has no sample"
        );
        // And nothing listed that no variant returns.
        for code in ERROR_CODES {
            assert!(
                samples.iter().any(|e| e.code() == *code),
                "{code:?} is in ERROR_CODES but no variant returns it"
            );
        }
    }
}
