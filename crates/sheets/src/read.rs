//! Reading workbooks into rows of typed cells. `.xlsx`/`.xlsm` are streamed cell by cell on a
//! reader thread (calamine's cell reader) so that parsing the XML and mapping the rows run side
//! by side; `.xls`, `.xlsb` and `.ods` are read as ranges; text files through [`super::csv`].
//! Every call into calamine is guarded so that no input can panic the importer.

use std::collections::VecDeque;
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{sync_channel, Receiver};

use calamine::{Data, DataRef, Reader, SheetVisible, Sheets, Xlsx};
use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::detect::Format;
pub use super::sheet::{number_text, Cell, SheetRow};
use crate::ReadError;

/// An Excel serial date (1900 system) → date and time, when plausible (years 1900–2200).
pub fn serial_to_datetime(serial: f64) -> Option<NaiveDateTime> {
    if !serial.is_finite() || !(1.0..=110_000.0).contains(&serial) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
    // Serials below 60 predate Excel's fictitious 29/02/1900.
    let f = if serial < 60.0 { serial + 1.0 } else { serial };
    let secs = (f * 86_400.0).round() as i64;
    base.checked_add_signed(Duration::seconds(secs))
}

fn date_cell(serial: f64) -> Cell {
    match serial_to_datetime(serial) {
        Some(at) => Cell::Date {
            at,
            time: serial.fract().abs() > 1e-9,
        },
        None => Cell::Number(serial),
    }
}

fn iso_cell(s: &str) -> Cell {
    let s = s.trim();
    if let Ok(at) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        return Cell::Date { at, time: true };
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Cell::Date {
            at: d.and_hms_opt(0, 0, 0).unwrap_or_default(),
            time: false,
        };
    }
    Cell::Text(s.to_string())
}

fn from_data(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => {
            if s.trim().is_empty() {
                Cell::Empty
            } else {
                Cell::Text(s.clone())
            }
        }
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => date_cell(dt.as_f64()),
        Data::DateTimeIso(s) => iso_cell(s),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(_) => Cell::Empty,
    }
}

fn from_data_ref(d: DataRef<'_>) -> Cell {
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::SharedString(s) => {
            if s.trim().is_empty() {
                Cell::Empty
            } else {
                Cell::Text(s.to_string())
            }
        }
        DataRef::String(s) => {
            if s.trim().is_empty() {
                Cell::Empty
            } else {
                Cell::Text(s)
            }
        }
        DataRef::Int(i) => Cell::Number(i as f64),
        DataRef::Float(f) => Cell::Number(f),
        DataRef::Bool(b) => Cell::Bool(b),
        DataRef::DateTime(dt) => date_cell(dt.as_f64()),
        DataRef::DateTimeIso(s) => iso_cell(&s),
        DataRef::DurationIso(s) => Cell::Text(s),
        DataRef::Error(_) => Cell::Empty,
    }
}

type Cur<'a> = Cursor<&'a [u8]>;

enum Book<'a> {
    Xlsx(Box<Xlsx<Cur<'a>>>),
    Other(Box<Sheets<Cur<'a>>>),
    Csv(Vec<SheetRow>),
}

/// An open workbook.
pub struct Workbook<'a> {
    book: Option<Book<'a>>,
    pub format: Format,
    /// Sheet names with their visibility, in workbook order.
    pub sheets: Vec<(String, bool)>,
    /// For text files: the encoding and delimiter found.
    pub text_info: Option<(&'static str, char)>,
}

fn guard<T>(f: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(Err(ReadError::Damaged))
}

fn map_err(e: impl std::fmt::Display) -> ReadError {
    let s = e.to_string().to_lowercase();
    if s.contains("password") || s.contains("encrypt") {
        ReadError::Password
    } else {
        ReadError::Damaged
    }
}

impl<'a> Workbook<'a> {
    pub fn open(bytes: &'a [u8], format: Format) -> Result<Self, ReadError> {
        guard(|| {
            let (book, sheets, text_info) = match format {
                Format::Csv => {
                    let (text, enc) = super::csv::decode(bytes);
                    let delim = super::csv::sniff_delimiter(&text);
                    let rows = super::csv::parse(&text, delim);
                    (
                        Book::Csv(rows),
                        vec![(String::new(), true)],
                        Some((enc, delim)),
                    )
                }
                Format::Xlsx | Format::Xlsm => {
                    let x: Xlsx<Cur<'a>> = Xlsx::new(Cursor::new(bytes)).map_err(map_err)?;
                    let sheets = sheet_list(x.sheets_metadata());
                    (Book::Xlsx(Box::new(x)), sheets, None)
                }
                Format::Xls | Format::Xlsb | Format::Ods => {
                    let s = match format {
                        Format::Xls => {
                            Sheets::Xls(calamine::Xls::new(Cursor::new(bytes)).map_err(map_err)?)
                        }
                        Format::Xlsb => {
                            Sheets::Xlsb(calamine::Xlsb::new(Cursor::new(bytes)).map_err(map_err)?)
                        }
                        _ => Sheets::Ods(calamine::Ods::new(Cursor::new(bytes)).map_err(map_err)?),
                    };
                    let sheets = sheet_list(s.sheets_metadata());
                    (Book::Other(Box::new(s)), sheets, None)
                }
            };
            Ok(Workbook {
                book: Some(book),
                format,
                sheets,
                text_info,
            })
        })
    }

    /// Streams the rows of one sheet into `f`. Blank rows are included (the caller skips them).
    pub fn with_rows<R>(
        &mut self,
        sheet: &str,
        f: impl FnOnce(&mut dyn Iterator<Item = Result<SheetRow, ReadError>>) -> R,
    ) -> Result<R, ReadError> {
        let book = self.book.take().ok_or(ReadError::Damaged)?;
        let (book, out) = match book {
            Book::Csv(rows) => {
                let out = {
                    let mut it = rows.iter().cloned().map(Ok);
                    f(&mut it)
                };
                (Book::Csv(rows), Ok(out))
            }
            Book::Other(mut s) => {
                let range = guard(|| s.worksheet_range(sheet).map_err(map_err));
                match range {
                    Ok(range) => {
                        let (r0, c0) = range.start().unwrap_or((0, 0));
                        let mut it = range.rows().enumerate().map(|(i, r)| {
                            let mut cells = vec![Cell::Empty; c0 as usize];
                            cells.extend(r.iter().map(from_data));
                            Ok(SheetRow {
                                row: r0 + i as u32 + 1,
                                cells,
                            })
                        });
                        let out = f(&mut it);
                        (Book::Other(s), Ok(out))
                    }
                    Err(e) => (Book::Other(s), Err(e)),
                }
            }
            Book::Xlsx(x) => {
                let (x, out) = stream_xlsx(x, sheet, f);
                self.book = x.map(Book::Xlsx);
                return out;
            }
        };
        self.book = Some(book);
        out
    }
}

fn sheet_list(meta: &[calamine::Sheet]) -> Vec<(String, bool)> {
    meta.iter()
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .collect()
}

/// Rows received from the reader thread.
struct RowIter {
    rx: Receiver<Result<Vec<SheetRow>, ReadError>>,
    buf: VecDeque<SheetRow>,
    done: bool,
}

impl Iterator for RowIter {
    type Item = Result<SheetRow, ReadError>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(r) = self.buf.pop_front() {
                return Some(Ok(r));
            }
            if self.done {
                return None;
            }
            match self.rx.recv() {
                Ok(Ok(rows)) => self.buf.extend(rows),
                Ok(Err(e)) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Err(_) => {
                    self.done = true;
                    return None;
                }
            }
        }
    }
}

const BATCH: usize = 512;

fn stream_xlsx<'a, R>(
    mut x: Box<Xlsx<Cur<'a>>>,
    sheet: &str,
    f: impl FnOnce(&mut dyn Iterator<Item = Result<SheetRow, ReadError>>) -> R,
) -> (Option<Box<Xlsx<Cur<'a>>>>, Result<R, ReadError>) {
    let (tx, rx) = sync_channel::<Result<Vec<SheetRow>, ReadError>>(16);
    std::thread::scope(|scope| {
        let handle = scope.spawn(move || {
            let res = catch_unwind(AssertUnwindSafe(|| -> Result<(), ReadError> {
                let mut reader = x.worksheet_cells_reader(sheet).map_err(map_err)?;
                let mut batch: Vec<SheetRow> = Vec::with_capacity(BATCH);
                let mut current: Option<SheetRow> = None;
                loop {
                    let cell = reader.next_cell().map_err(map_err)?;
                    let Some(cell) = cell else { break };
                    let (r, c) = cell.get_position();
                    let value = from_data_ref(cell.get_value().clone());
                    if matches!(value, Cell::Empty) {
                        continue;
                    }
                    let row = r + 1;
                    if current.as_ref().map(|cur| cur.row) != Some(row) {
                        if let Some(done) = current.take() {
                            batch.push(done);
                            if batch.len() >= BATCH {
                                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                                if tx.send(Ok(full)).is_err() {
                                    return Ok(());
                                }
                            }
                        }
                        current = Some(SheetRow {
                            row,
                            cells: Vec::with_capacity(16),
                        });
                    }
                    let cur = current.as_mut().expect("row just set");
                    let c = c as usize;
                    if c > 16_384 {
                        continue;
                    }
                    if cur.cells.len() <= c {
                        cur.cells.resize(c + 1, Cell::Empty);
                    }
                    cur.cells[c] = value;
                }
                batch.extend(current.take());
                if !batch.is_empty() {
                    let _ = tx.send(Ok(batch));
                }
                Ok(())
            }));
            match res {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    let _ = tx.send(Err(e));
                }
                Err(_) => {
                    let _ = tx.send(Err(ReadError::Damaged));
                }
            }
            x
        });
        let out = {
            let mut it = RowIter {
                rx,
                buf: VecDeque::new(),
                done: false,
            };
            f(&mut it)
        };
        match handle.join() {
            Ok(x) => (Some(x), Ok(out)),
            Err(_) => (None, Err(ReadError::Damaged)),
        }
    })
}
