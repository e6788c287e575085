//! Mesa de Ayuda TI — core: domain rules, the SQLite store and (later) importers and report
//! builders. Knows nothing of Tauri or of the UI. Time is always passed in.

pub mod assets;
pub mod audit;
pub mod audit_triggers;
pub mod backup;
/// The business calendar and Colombian holidays: a crate of its own (`crates/calendar`).
pub use mesa_calendar as calendar;
pub mod catalog;
pub mod clock;
pub mod db;
pub mod demo;
pub mod docs;
pub mod error;
pub mod export;
pub mod files;
pub mod import;
pub mod maintenance;
pub mod model;
#[cfg(test)]
mod module_graph;
pub mod paths;
pub mod pdf;
pub mod privacy;
pub mod report;
pub mod report_docs;
pub mod safety;
pub mod settings;
pub mod setup;
pub mod store;
pub mod text;
pub mod tickets;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{CoreError, Result, ERROR_CODES};
pub use model::*;
pub use store::{ReadPool, Store};

/// Version of the application (the workspace version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
