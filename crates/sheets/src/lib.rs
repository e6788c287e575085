//! Reading spreadsheets and text tables into rows of typed cells, with no knowledge of cases,
//! equipment or the store: the format told by the content ([`detect`]), workbooks through
//! calamine ([`read`]: `.xlsx`/`.xlsm` streamed, `.xls`/`.xlsb`/`.ods` as ranges, every call
//! guarded so no bytes can panic), CSV and other text tables ([`csv`]: encoding and delimiter
//! sniffed), and what both produce ([`sheet`]). The importer in mesa-core maps these rows to
//! cases and equipment.

pub mod csv;
pub mod detect;
pub mod read;
pub mod sheet;

/// Why a file could not be read as a table. The importer turns each into its `ImportError`
/// (same Spanish message and code).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReadError {
    #[error(
        "El archivo está dañado o incompleto: no se pudo leer como hoja de cálculo. Ábralo en \
         Excel o LibreOffice, guárdelo de nuevo (o pida una copia completa) y vuelva a \
         importarlo. No se importó nada."
    )]
    Damaged,
    #[error(
        "El libro está protegido con contraseña y no se puede leer. Ábralo en Excel, quite la \
         contraseña (Archivo › Información › Proteger libro › Cifrar con contraseña, dejándola \
         vacía), guárdelo y vuelva a importarlo. No se importó nada."
    )]
    Password,
    #[error(
        "El archivo no contiene datos: todas sus hojas están vacías. Revise que eligió el \
         archivo correcto. No se importó nada."
    )]
    Empty,
    #[error("El archivo no se puede importar: {0}. Use un archivo .xlsx, .xlsm, .xls, .ods o .csv. No se importó nada.")]
    Unsupported(String),
}
