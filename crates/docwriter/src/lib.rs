//! The house style of every document the app writes, with no knowledge of cases, equipment or
//! the store: PDF pages ([`pdf`]: entity header, tables that break across pages, signatures,
//! charts, «Página X de Y», DejaVu Sans subset to the glyphs used) and XLSX sheets ([`xlsx`]:
//! the shared formats, and the rule that user text is always written as text, never as a
//! formula). mesa-core draws the hoja de vida, the concepto de baja, the cronograma, the
//! report, the exports and the problems list with them.

pub mod pdf;
pub mod xlsx;

/// A document could not be produced: which one and why (becomes the core's
/// `CoreError::Document`, code `document`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("No se pudo generar el documento «{what}»: {detail}")]
pub struct DocError {
    pub what: String,
    pub detail: String,
}

pub type Result<T, E = DocError> = std::result::Result<T, E>;
