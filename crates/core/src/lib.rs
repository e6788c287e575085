//! Mesa de Ayuda TI — core: domain rules, the SQLite store and (later) importers and report
//! builders. Knows nothing of Tauri or of the UI. Time is always passed in.

pub mod agenda;
pub mod assets;
pub mod attachments;
/// The business calendar and Colombian holidays: a crate of its own (`crates/calendar`).
pub use mesa_calendar as calendar;
pub mod clock;
pub mod db;
pub mod error;
pub mod files;
pub mod import;
pub mod mail;
pub mod maintenance;
pub mod management;
pub mod model;
#[cfg(test)]
mod module_graph;
pub mod paths;
pub mod people;
pub mod plans;
/// PDF house style: a crate of its own (`crates/docwriter`), as is the XLSX one.
pub use mesa_docwriter::pdf;
pub mod reports;
pub mod risks;
pub mod safety;
/// Which database a workstation uses; moving the office to PostgreSQL (issue 17). The DTOs
/// always exist (the UI's types); the functions need the `postgres` feature.
pub mod server;
pub mod settings;
pub mod store;
pub mod text;
pub mod tickets;

pub use attachments::{Attachment, AttachmentOwner};
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{CoreError, Result, ERROR_CODES, MAIL_ERROR_CODES};
pub use model::*;
pub use store::{ReadPool, Store};

/// Version of the application (the workspace version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
