//! What every reader produces, whatever the file: rows of typed cells (shared by the workbook
//! reader, `read.rs`, and the CSV reader, `csv.rs`, which know nothing of each other's code).

use std::borrow::Cow;

use chrono::NaiveDateTime;

/// One cell as the importer sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A date cell; `time` tells whether it carries a time of day.
    Date {
        at: NaiveDateTime,
        time: bool,
    },
    Bool(bool),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, the way a person reads it (numbers without a trailing `.0`).
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) => Cow::Borrowed(s.as_str()),
            Cell::Number(f) => Cow::Owned(number_text(*f)),
            Cell::Date { at, time } => Cow::Owned(if *time {
                at.format("%d/%m/%Y %H:%M").to_string()
            } else {
                at.format("%d/%m/%Y").to_string()
            }),
            Cell::Bool(b) => Cow::Borrowed(if *b { "VERDADERO" } else { "FALSO" }),
        }
    }
}

/// `8.0` → `8`, `1234567890.0` → `1234567890`, `2.5` → `2.5`.
pub fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// One row: its 1-based sheet row (or CSV record) and its cells by absolute column.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    pub row: u32,
    pub cells: Vec<Cell>,
}

impl SheetRow {
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_empty)
    }
}
