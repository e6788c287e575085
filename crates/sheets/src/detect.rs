//! Format sniffing from the content (never from the extension).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ReadError;

/// A spreadsheet or text format the importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Xlsx,
    Xlsm,
    Xlsb,
    Xls,
    Ods,
    Csv,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Xlsx => "Excel (.xlsx)",
            Format::Xlsm => "Excel con macros (.xlsm)",
            Format::Xlsb => "Excel binario (.xlsb)",
            Format::Xls => "Excel 97-2003 (.xls)",
            Format::Ods => "LibreOffice Calc (.ods)",
            Format::Csv => "Texto delimitado (.csv/.txt)",
        }
    }
}

const OLE2: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

/// Detects the format of `bytes`. Zip containers are told apart by the names of their inner
/// files (read from the local headers, so a truncated zip is still recognised); an OLE2
/// container is Excel 97-2003 unless it holds an encrypted OOXML package (password).
pub fn detect(bytes: &[u8]) -> Result<Format, ReadError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        // Inner file names appear in clear text in the local file headers.
        if contains(bytes, b"mimetype")
            && contains(bytes, b"application/vnd.oasis.opendocument.spreadsheet")
            || contains(bytes, b"content.xml") && !contains(bytes, b"xl/")
        {
            return Ok(Format::Ods);
        }
        if contains(bytes, b"xl/workbook.bin") {
            return Ok(Format::Xlsb);
        }
        if contains(bytes, b"vbaProject.bin") || contains(bytes, b"macroEnabled") {
            return Ok(Format::Xlsm);
        }
        if contains(bytes, b"xl/") || contains(bytes, b"[Content_Types].xml") {
            return Ok(Format::Xlsx);
        }
        return Err(ReadError::Unsupported(
            "es un archivo comprimido (zip) que no contiene una hoja de cálculo".into(),
        ));
    }
    if bytes.starts_with(OLE2) {
        if contains(bytes, &utf16("EncryptionInfo")) || contains(bytes, &utf16("EncryptedPackage"))
        {
            return Err(ReadError::Password);
        }
        return Ok(Format::Xls);
    }
    if bytes.starts_with(b"%PDF") {
        return Err(ReadError::Unsupported("es un documento PDF".into()));
    }
    // Text: UTF-8/UTF-16 with BOM, or mostly printable bytes.
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Ok(Format::Csv);
    }
    let sample = &bytes[..bytes.len().min(8192)];
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    if control * 50 > sample.len().max(1) || sample.contains(&0) {
        return Err(ReadError::Unsupported(
            "no es una hoja de cálculo ni un archivo de texto delimitado".into(),
        ));
    }
    Ok(Format::Csv)
}
