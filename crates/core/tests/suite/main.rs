//! The integration tests of mesa-core, one module per area, built as one test binary
//! (one link instead of one per file: the Linux and Windows builds link each test binary).
//! Run one area with `cargo test -p mesa-core --test suite <module>::`.

mod agenda;
mod asset_tag_display;
mod assets;
mod attachments;
mod audit;
mod backup;
mod bindings;
#[cfg(feature = "postgres")]
mod cross_engine;
mod edit_conflict;
mod import;
mod import_problems;
mod import_search;
mod import_unseen;
mod indicators;
mod links;
mod logo;
mod mail;
mod mail_triage;
mod mail_window;
mod management_report;
mod people;
#[cfg(feature = "postgres")]
mod pg_engine;
#[cfg(feature = "postgres")]
mod pg_ops;
#[cfg(feature = "postgres")]
mod pg_schema;
#[cfg(feature = "postgres")]
mod pg_support;
mod plans;
mod privacy;
mod report;
mod risks;
#[cfg(feature = "postgres")]
mod server_move;
mod support;
mod test_engine;
mod tickets;
mod work;
