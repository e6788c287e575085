//! The Tauri commands, one file per area. Each is a line or two: DTO in, core, DTO out. Their
//! TypeScript side (`ui/src/lib/commands.ts`) is generated from these declarations by
//! `crates/contract` (`make bindings`).

pub mod agenda;
pub mod assets;
pub mod attachments;
pub mod import;
pub mod indicators;
pub mod links;
pub mod mail_inbox;
pub mod mail_settings;
pub mod management;
pub mod people;
pub mod plans;
pub mod reports;
pub mod risks;
pub mod safety;
pub mod server;
pub mod settings;
pub mod setup;
pub mod tickets;
