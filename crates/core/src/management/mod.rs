//! Management (gestión, issue 18): indicator sheets with targets and traffic lights
//! (`indicators.rs`), and the management report (informe de gestión: `report.rs`, its PDF and
//! XLSX in `report_documents.rs`). Above the store and the help-desk report, whose figures the computed
//! indicators take.

pub mod indicators;
pub mod report;
pub mod report_documents;
