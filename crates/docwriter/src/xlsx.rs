//! XLSX house style on rust_xlsxwriter: the formats every sheet shares, written once, and the
//! one way user text reaches a cell.
//!
//! **User text is never a formula.** Text a person typed (a description, a name, a comment) can
//! start with `=`, `+`, `-` or `@`; written as a formula it would run in Excel (CSV/formula
//! injection). It always goes through [`text`] (rust_xlsxwriter's `write_string`), never
//! `write_formula` nor a generic `write` that guesses the type.

use rust_xlsxwriter::{Color, Format, FormatBorder, Worksheet, XlsxError};

use crate::DocError;

/// Light blue of table headers.
pub const HEADER_FILL: u32 = 0xD9E2F3;

/// A sheet's title: bold, 13 pt.
pub fn title() -> Format {
    Format::new().set_bold().set_font_size(13)
}

/// Bold text (labels, section names).
pub fn bold() -> Format {
    Format::new().set_bold()
}

/// A table's header cell: bold on light blue with a thin border.
pub fn header() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(HEADER_FILL))
        .set_border(FormatBorder::Thin)
}

/// A table's body cell: thin border, wrapped text.
pub fn bordered_wrapped() -> Format {
    Format::new().set_border(FormatBorder::Thin).set_text_wrap()
}

/// Dates dd/mm/aaaa (Colombian order), as real Excel dates.
pub fn date() -> Format {
    Format::new().set_num_format("dd/mm/yyyy")
}

/// Date and time dd/mm/aaaa hh:mm.
pub fn date_time() -> Format {
    Format::new().set_num_format("dd/mm/yyyy hh:mm")
}

/// A number with `decimals` decimals (0 → whole numbers).
pub fn number(decimals: usize) -> Format {
    let f = if decimals == 0 {
        "0".to_string()
    } else {
        format!("0.{}", "0".repeat(decimals))
    };
    Format::new().set_num_format(f)
}

/// Writes user text as text (see the module docs).
pub fn text(ws: &mut Worksheet, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
    ws.write_string(row, col, s).map(|_| ())
}

/// Maps rust_xlsxwriter's errors to [`DocError`] naming the document.
pub fn err(what: &str) -> impl Fn(XlsxError) -> DocError + '_ {
    move |e| DocError {
        what: what.to_string(),
        detail: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_that_looks_like_a_formula_stays_text() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        text(ws, 0, 0, "=HYPERLINK(\"http://x\",\"clic\")").unwrap();
        text(ws, 1, 0, "+57 300 000 0000").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        // The sheet XML holds shared strings only, no <f> (formula) element.
        let zip = String::from_utf8_lossy(&bytes);
        assert!(!zip.contains("<f>"));
    }

    #[test]
    fn number_formats() {
        assert_eq!(number(0), Format::new().set_num_format("0"));
        assert_eq!(number(2), Format::new().set_num_format("0.00"));
    }
}
