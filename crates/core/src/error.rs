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

    #[error("{0}")]
    Import(#[from] crate::import::ImportError),

    #[error(
        "La base de datos tiene en «{column}» el valor «{value}», que esta versión de Mesa de \
         Ayuda TI no reconoce (¿lo escribió una versión más reciente o un programa externo?). \
         No se cambió nada."
    )]
    UnknownStoredValue { column: &'static str, value: String },

    #[error("Error de la base de datos: {0}")]
    Sqlite(rusqlite::Error),

    #[error("Error interno de datos: {0}")]
    Json(#[from] serde_json::Error),
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
            CoreError::Import(e) => e.code(),
            CoreError::UnknownStoredValue { .. } => "unknown_stored_value",
            CoreError::Sqlite(_) => "database",
            CoreError::Json(_) => "internal",
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
