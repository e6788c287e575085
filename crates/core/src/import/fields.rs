//! The fields a column can map to, their header synonyms, and header-row detection.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::read::{Cell, SheetRow};
use crate::text::fold;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    #[default]
    Cases,
    Assets,
}

impl ImportKind {
    pub fn parse(s: &str) -> Option<Self> {
        match fold(s).as_str() {
            "cases" | "casos" | "case" | "caso" => Some(ImportKind::Cases),
            "assets" | "asset" | "equipos" | "inventario" => Some(ImportKind::Assets),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Cases => "cases",
            ImportKind::Assets => "assets",
        }
    }
}

/// A field with its key (used in saved mappings) and Spanish label. Its header synonyms are
/// data: `lexicon/es.txt` (see [`super::lexicon`]).
pub struct FieldDef {
    pub key: &'static str,
    pub label: &'static str,
}

pub const CASE_FIELDS: &[FieldDef] = &[
    FieldDef {
        key: "legacy_number",
        label: "Número anterior",
    },
    FieldDef {
        key: "received_at",
        label: "Fecha de recepción",
    },
    FieldDef {
        key: "received_time",
        label: "Hora de recepción",
    },
    FieldDef {
        key: "requester",
        label: "Solicitante",
    },
    FieldDef {
        key: "department",
        label: "Dependencia",
    },
    FieldDef {
        key: "service_type",
        label: "Tipo de servicio",
    },
    FieldDef {
        key: "description",
        label: "Descripción",
    },
    FieldDef {
        key: "assignee",
        label: "Técnico asignado",
    },
    FieldDef {
        key: "status",
        label: "Estado",
    },
    FieldDef {
        key: "closed_at",
        label: "Fecha de cierre",
    },
    FieldDef {
        key: "solution",
        label: "Solución",
    },
    FieldDef {
        key: "priority",
        label: "Prioridad",
    },
    FieldDef {
        key: "phone",
        label: "Teléfono / extensión",
    },
    FieldDef {
        key: "email",
        label: "Correo",
    },
    FieldDef {
        key: "location",
        label: "Ubicación",
    },
    FieldDef {
        key: "asset_tag",
        label: "Placa del equipo",
    },
    FieldDef {
        key: "channel",
        label: "Canal",
    },
];

pub const ASSET_FIELDS: &[FieldDef] = &[
    FieldDef {
        key: "placa",
        label: "Placa",
    },
    FieldDef {
        key: "tipo",
        label: "Tipo de equipo",
    },
    FieldDef {
        key: "marca",
        label: "Marca",
    },
    FieldDef {
        key: "modelo",
        label: "Modelo",
    },
    FieldDef {
        key: "serial",
        label: "Serial",
    },
    FieldDef {
        key: "procesador",
        label: "Procesador",
    },
    FieldDef {
        key: "ram",
        label: "Memoria RAM",
    },
    FieldDef {
        key: "disco",
        label: "Almacenamiento",
    },
    FieldDef {
        key: "sistema_operativo",
        label: "Sistema operativo",
    },
    FieldDef {
        key: "dependencia",
        label: "Dependencia",
    },
    FieldDef {
        key: "responsable",
        label: "Responsable",
    },
    FieldDef {
        key: "fecha_adquisicion",
        label: "Fecha de adquisición",
    },
    FieldDef {
        key: "estado",
        label: "Estado",
    },
    FieldDef {
        key: "observaciones",
        label: "Observaciones",
    },
];

pub fn fields(kind: ImportKind) -> &'static [FieldDef] {
    match kind {
        ImportKind::Cases => CASE_FIELDS,
        ImportKind::Assets => ASSET_FIELDS,
    }
}

const STOP: &[&str] = &[
    "de", "del", "la", "el", "los", "las", "y", "a", "al", "o", "en", "por",
];

fn content_tokens(f: &str) -> Vec<&str> {
    f.split(' ')
        .filter(|t| !t.is_empty() && !STOP.contains(t))
        .collect()
}

/// The lexicon's name of a kind of file (its sections are `[casos.…]` and `[equipos.…]`).
pub fn lexicon_kind(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Cases => "casos",
        ImportKind::Assets => "equipos",
    }
}

/// Scores how well a header names a field: exact synonym beats containment; longer beats
/// shorter; a weak synonym (weight below 1 in the lexicon) loses to a strong one.
pub fn match_header(kind: ImportKind, header: &str) -> Option<(usize, f64)> {
    let lex = super::lexicon::es();
    let f = lex.normalize(header);
    if f.is_empty() || f.len() > 60 {
        return None;
    }
    let htoks = content_tokens(&f);
    let mut best: Option<(usize, f64)> = None;
    for (i, def) in fields(kind).iter().enumerate() {
        for syn in lex.synonyms(lexicon_kind(kind), def.key) {
            let s = syn.text.as_str();
            let score = if f == s {
                10.0 + s.len() as f64
            } else {
                let stoks = content_tokens(s);
                if !stoks.is_empty() && stoks.iter().all(|s| htoks.contains(s)) {
                    // Containment: "Asignado a: - Técnico" contains "tecnico".
                    stoks.len() as f64 + s.len() as f64 / 100.0
                } else {
                    0.0
                }
            } * syn.weight;
            if score > 0.0 && best.is_none_or(|(_, b)| score > b) {
                best = Some((i, score));
            }
        }
    }
    best
}

/// Scores a header for a field: (field index, score).
pub type HeaderMatcher<'a> = dyn Fn(ImportKind, &str) -> Option<(usize, f64)> + 'a;

type ScoredColumn = (usize, String, Option<(usize, f64)>);

/// The detected header of a sheet.
#[derive(Debug, Clone)]
pub struct Header {
    /// Index in the buffered rows.
    pub index: usize,
    pub row: u32,
    /// (column, header text, field index) for every non-empty header cell.
    pub columns: Vec<(usize, String, Option<usize>)>,
    /// Columns whose header also names a field another column holds better: (column, field).
    /// They stay unmapped (extra), with a note.
    pub dropped: Vec<(usize, usize)>,
}

/// Finds the header among the first rows: the row naming the most distinct fields (at least
/// three), with short text cells.
pub fn detect_header(
    kind: ImportKind,
    rows: &[SheetRow],
    matcher: &HeaderMatcher<'_>,
) -> Option<Header> {
    let mut best: Option<(usize, f64)> = None;
    for (i, r) in rows.iter().enumerate().take(30) {
        // A row holding a date is data, whatever its words say.
        if r.cells.iter().any(|c| match c {
            Cell::Date { .. } => true,
            Cell::Text(t) => super::values::parse_date_text(t).is_some(),
            _ => false,
        }) {
            continue;
        }
        let mut seen: Vec<usize> = Vec::new();
        let mut score = 0.0;
        for c in &r.cells {
            let Cell::Text(t) = c else { continue };
            // A header is a few words, not a sentence.
            if t.split_whitespace().count() > 8 {
                continue;
            }
            if let Some((f, s)) = matcher(kind, t) {
                if !seen.contains(&f) {
                    seen.push(f);
                    score += 1.0 + s / 100.0;
                }
            }
        }
        if seen.len() >= 3 && best.is_none_or(|(_, b)| score > b) {
            best = Some((i, score));
        }
    }
    let (index, _) = best?;
    Some(header_at(kind, rows, index, matcher))
}

/// Rows that look like a header although their words name no field: at least three short
/// text cells and nothing else (no number, no date), followed by a row with values. Their
/// columns can only be understood by their content (see [`super::infer`]).
pub fn header_candidates(rows: &[SheetRow]) -> Vec<usize> {
    rows.iter()
        .enumerate()
        .take(30)
        .filter(|(i, r)| {
            let cells: Vec<&Cell> = r.cells.iter().filter(|c| !c.is_empty()).collect();
            cells.len() >= 3
                && cells.iter().all(|c| match c {
                    Cell::Text(t) => {
                        t.chars().count() <= 40
                            && super::values::parse_date_text(t).is_none()
                            && !t.trim().chars().all(|c| c.is_ascii_digit())
                    }
                    _ => false,
                })
                && rows.get(i + 1).is_some()
        })
        .map(|(i, _)| i)
        .collect()
}

/// The header at `rows[index]`: each field goes to its best-named column; the others stay
/// unmapped (extra) and are listed in [`Header::dropped`].
pub fn header_at(
    kind: ImportKind,
    rows: &[SheetRow],
    index: usize,
    matcher: &HeaderMatcher<'_>,
) -> Header {
    let row = &rows[index];
    let mut cols: Vec<ScoredColumn> = row
        .cells
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_empty())
        .map(|(i, c)| {
            let t = crate::text::clean(&c.text()).replace('\n', " ");
            let m = matcher(kind, &t);
            (i, t, m)
        })
        .collect();
    let mut dropped = Vec::new();
    let n = fields(kind).len();
    for f in 0..n {
        let holders: Vec<usize> = cols
            .iter()
            .enumerate()
            .filter(|(_, c)| c.2.map(|m| m.0) == Some(f))
            .map(|(i, _)| i)
            .collect();
        let score = |i: usize| cols[i].2.map(|m| m.1).unwrap_or(0.0);
        // The best score wins; on a tie, the leftmost column.
        let Some(keep) = holders
            .iter()
            .copied()
            .max_by(|a, b| score(*a).total_cmp(&score(*b)).then(b.cmp(a)))
        else {
            continue;
        };
        for h in holders {
            if h != keep {
                cols[h].2 = None;
                dropped.push((cols[h].0, f));
            }
        }
    }
    Header {
        index,
        row: row.row,
        columns: cols
            .into_iter()
            .map(|(i, t, m)| (i, t, m.map(|m| m.0)))
            .collect(),
        dropped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lexicon_names_every_field_and_only_known_fields() {
        let lex = super::super::lexicon::es();
        for kind in [ImportKind::Cases, ImportKind::Assets] {
            for d in fields(kind) {
                assert!(
                    !lex.synonyms(lexicon_kind(kind), d.key).is_empty(),
                    "{kind:?}.{} has no synonyms",
                    d.key
                );
            }
        }
        for (kind, key) in lex.sections() {
            let k = if kind == "casos" {
                ImportKind::Cases
            } else {
                ImportKind::Assets
            };
            assert!(
                fields(k).iter().any(|d| d.key == key),
                "unknown field {kind}.{key}"
            );
        }
    }

    fn field_of(h: &str) -> Option<&'static str> {
        match_header(ImportKind::Cases, h).map(|(i, _)| fields(ImportKind::Cases)[i].key)
    }

    #[test]
    fn headers_offices_use_map_to_their_fields() {
        for (h, f) in [
            ("Novedad", "description"),
            ("Inconveniente presentado", "description"),
            ("REQUERIMIENTO", "description"),
            ("Detalle", "description"),
            ("Atendió", "assignee"),
            ("Quién atendió", "assignee"),
            ("Ejecutado por", "assignee"),
            ("Resp.", "assignee"),
            ("Fecha sol.", "received_at"),
            ("F. Solicitud", "received_at"),
            ("Fecha de respuesta", "closed_at"),
            ("Fecha resp.", "closed_at"),
            ("Secretaría", "department"),
            ("Dpto.", "department"),
            ("Ext.", "phone"),
            ("Cel.", "phone"),
            ("No. Inventario", "asset_tag"),
            ("Activo fijo", "asset_tag"),
            ("E-mail", "email"),
            ("Nº", "legacy_number"),
            ("Acciones tomadas", "solution"),
            ("Detalle de la solución", "solution"),
        ] {
            assert_eq!(field_of(h), Some(f), "{h}");
        }
        // Words nobody lists name nothing (content inference decides).
        assert_eq!(field_of("Dato F"), None);
    }
}
