//! The integration tests of mesa-cli, one module per area, built as one test binary
//! (one link instead of one per file: the Linux and Windows builds link each test binary).
//! Run one area with `cargo test -p mesa-cli --test suite <module>::`.

mod accounts_cli;
mod agenda_cli;
mod asset_tag_display;
mod assets;
mod attachments_cli;
mod backup_cli;
mod casework;
mod cli;
mod common;
mod crash;
mod demo_cli;
mod import_cli;
mod indicators_cli;
mod links_cli;
mod mail_cli;
mod mail_errors;
mod mailwire;
#[path = "../../../core/tests/suite/pg_support.rs"]
mod pg_support;
mod plans_cli;
mod report_cli;
mod risks_cli;
mod server_cli;
mod server_ops_cli;
mod settings;
#[path = "../../../core/tests/suite/test_engine.rs"]
mod test_engine;
