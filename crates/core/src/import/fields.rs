//! The fields a column can map to, their header synonyms, and header-row detection.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::read::{Cell, SheetRow};
use crate::text::fold;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
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

/// A field with its key (used in saved mappings), Spanish label and header synonyms.
pub struct FieldDef {
    pub key: &'static str,
    pub label: &'static str,
    pub synonyms: &'static [&'static str],
}

pub const CASE_FIELDS: &[FieldDef] = &[
    FieldDef {
        key: "legacy_number",
        label: "Número anterior",
        synonyms: &[
            "radicado",
            "no radicado",
            "numero radicado",
            "item",
            "nro",
            "no",
            "n",
            "numero",
            "num",
            "id",
            "consecutivo",
            "caso",
            "no caso",
            "numero de caso",
            "ticket",
            "no ticket",
            "codigo",
            "cod",
            "folio",
            "orden",
        ],
    },
    FieldDef {
        key: "received_at",
        label: "Fecha de recepción",
        synonyms: &[
            "fecha",
            "fecha y hora",
            "fecha y hora de registro",
            "fecha recibido",
            "fecha de recibido",
            "fecha registro",
            "fecha de registro",
            "fecha de apertura",
            "fecha apertura",
            "apertura",
            "fecha solicitud",
            "fecha de solicitud",
            "fecha de recepcion",
            "fecha recepcion",
            "recibido",
            "fecha de creacion",
            "fecha creacion",
            "dia",
            "fecha del reporte",
            "fecha reporte",
            "fecha ingreso",
            "fecha de ingreso",
            "registrado el",
            "reportado el",
        ],
    },
    FieldDef {
        key: "received_time",
        label: "Hora de recepción",
        synonyms: &[
            "hora",
            "hora de registro",
            "hora recibido",
            "hora de recepcion",
            "hora solicitud",
            "hora de solicitud",
            "hora de apertura",
        ],
    },
    FieldDef {
        key: "requester",
        label: "Solicitante",
        synonyms: &[
            "solicitante",
            "funcionario que solicita",
            "funcionario solicitante",
            "nombre usuario",
            "nombre del usuario",
            "usuario",
            "solicitado por",
            "quien solicita",
            "nombre",
            "funcionario",
            "peticionario",
            "reportado por",
            "usuario solicitante",
            "nombre solicitante",
            "nombre del solicitante",
            "contratista",
            "persona que solicita",
            "requester",
        ],
    },
    FieldDef {
        key: "department",
        label: "Dependencia",
        synonyms: &[
            "dependencia",
            "area",
            "area solicitante",
            "unidad",
            "proceso",
            "oficina",
            "oficina o dependencia",
            "dependencia solicitante",
            "seccion",
            "area o dependencia",
            "unidad administrativa",
            "departamento",
        ],
    },
    FieldDef {
        key: "service_type",
        label: "Tipo de servicio",
        synonyms: &[
            "tipo de servicio",
            "tipo servicio",
            "categoria",
            "categoria del servicio",
            "servicio solicitado",
            "tipo de soporte",
            "servicio",
            "tipo de solicitud",
            "tipo solicitud",
            "clase de servicio",
            "tipo de requerimiento",
            "clasificacion",
            "tipo",
        ],
    },
    FieldDef {
        key: "description",
        label: "Descripción",
        synonyms: &[
            "descripcion",
            "detalle",
            "detalle de la solicitud",
            "falla o requerimiento",
            "descripcion del problema",
            "descripcion de la solicitud",
            "titulo",
            "asunto",
            "solicitud",
            "requerimiento",
            "problema",
            "falla",
            "motivo",
            "descripcion del caso",
            "necesidad",
            "detalle del requerimiento",
        ],
    },
    FieldDef {
        key: "assignee",
        label: "Técnico asignado",
        synonyms: &[
            "tecnico",
            "tecnico responsable",
            "atendido por",
            "soportado por",
            "ingeniero",
            "responsable",
            "asignado a",
            "asignado",
            "tecnico asignado",
            "asignado a tecnico",
            "encargado",
            "quien atiende",
            "atiende",
            "resuelto por",
            "soporte",
        ],
    },
    FieldDef {
        key: "status",
        label: "Estado",
        synonyms: &[
            "estado",
            "estado del caso",
            "estatus",
            "status",
            "situacion",
            "estado actual",
            "estado de la solicitud",
            "estado solicitud",
        ],
    },
    FieldDef {
        key: "closed_at",
        label: "Fecha de cierre",
        synonyms: &[
            "fecha de cierre",
            "fecha cierre",
            "cerrado el",
            "fecha atencion",
            "fecha de atencion",
            "dia de cierre",
            "fecha solucion",
            "fecha de solucion",
            "fecha fin",
            "fecha final",
            "fecha de terminacion",
            "fecha resuelto",
            "cierre",
            "solucionado el",
            "fecha de respuesta",
            "fecha respuesta",
            "fecha entrega",
        ],
    },
    FieldDef {
        key: "solution",
        label: "Solución",
        synonyms: &[
            "solucion",
            "solucion dada",
            "respuesta",
            "actividad realizada",
            "trabajo realizado",
            "accion realizada",
            "acciones realizadas",
            "diagnostico y solucion",
        ],
    },
    FieldDef {
        key: "priority",
        label: "Prioridad",
        synonyms: &["prioridad", "urgencia", "nivel de prioridad"],
    },
    FieldDef {
        key: "phone",
        label: "Teléfono / extensión",
        synonyms: &[
            "telefono",
            "extension",
            "ext",
            "celular",
            "contacto",
            "telefono de contacto",
        ],
    },
    FieldDef {
        key: "email",
        label: "Correo",
        synonyms: &["correo", "correo electronico", "email", "e mail", "mail"],
    },
    FieldDef {
        key: "location",
        label: "Ubicación",
        synonyms: &["ubicacion", "sede", "lugar", "piso", "oficina ubicacion"],
    },
    FieldDef {
        key: "asset_tag",
        label: "Placa del equipo",
        synonyms: &[
            "placa",
            "placa del equipo",
            "placa equipo",
            "no inventario",
            "codigo del equipo",
            "activo",
        ],
    },
    FieldDef {
        key: "channel",
        label: "Canal",
        synonyms: &[
            "canal",
            "medio",
            "medio de solicitud",
            "via",
            "origen de la solicitud",
        ],
    },
];

pub const ASSET_FIELDS: &[FieldDef] = &[
    FieldDef {
        key: "placa",
        label: "Placa",
        synonyms: &[
            "placa",
            "codigo",
            "cod",
            "codigo inventario",
            "no inventario",
            "numero de inventario",
            "inventario",
            "placa inventario",
            "activo",
            "id",
            "etiqueta",
        ],
    },
    FieldDef {
        key: "tipo",
        label: "Tipo de equipo",
        synonyms: &[
            "tipo",
            "tipo de equipo",
            "clase de equipo",
            "clase",
            "equipo",
            "descripcion del equipo",
            "elemento",
            "categoria",
        ],
    },
    FieldDef {
        key: "marca",
        label: "Marca",
        synonyms: &["marca", "fabricante"],
    },
    FieldDef {
        key: "modelo",
        label: "Modelo",
        synonyms: &["modelo", "referencia", "ref"],
    },
    FieldDef {
        key: "serial",
        label: "Serial",
        synonyms: &[
            "serial",
            "no de serie",
            "numero de serie",
            "serie",
            "s n",
            "sn",
            "no serie",
        ],
    },
    FieldDef {
        key: "procesador",
        label: "Procesador",
        synonyms: &["procesador", "cpu", "micro", "microprocesador"],
    },
    FieldDef {
        key: "ram",
        label: "Memoria RAM",
        synonyms: &["memoria", "ram", "memoria ram"],
    },
    FieldDef {
        key: "disco",
        label: "Almacenamiento",
        synonyms: &[
            "almacenamiento",
            "disco",
            "disco duro",
            "hdd",
            "ssd",
            "capacidad disco",
        ],
    },
    FieldDef {
        key: "sistema_operativo",
        label: "Sistema operativo",
        synonyms: &["s o", "so", "sistema operativo", "os"],
    },
    FieldDef {
        key: "dependencia",
        label: "Dependencia",
        synonyms: &[
            "dependencia",
            "ubicacion area",
            "area",
            "ubicacion",
            "oficina",
            "unidad",
            "proceso",
        ],
    },
    FieldDef {
        key: "responsable",
        label: "Responsable",
        synonyms: &[
            "funcionario a cargo",
            "responsable",
            "funcionario",
            "usuario",
            "asignado a",
            "custodio",
            "a cargo",
        ],
    },
    FieldDef {
        key: "fecha_adquisicion",
        label: "Fecha de adquisición",
        synonyms: &[
            "ano de compra",
            "fecha de compra",
            "fecha adquisicion",
            "fecha de adquisicion",
            "ano adquisicion",
            "ano",
            "compra",
            "fecha compra",
        ],
    },
    FieldDef {
        key: "estado",
        label: "Estado",
        synonyms: &["condicion", "estado", "estado fisico", "estado del equipo"],
    },
    FieldDef {
        key: "observaciones",
        label: "Observaciones",
        synonyms: &[
            "notas",
            "observaciones",
            "observacion",
            "comentarios",
            "nota",
        ],
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

/// Scores how well a header names a field: exact synonym beats containment; longer beats shorter.
pub fn match_header(kind: ImportKind, header: &str) -> Option<(usize, f64)> {
    let f = fold(header);
    if f.is_empty() || f.len() > 60 {
        return None;
    }
    let htoks = content_tokens(&f);
    let mut best: Option<(usize, f64)> = None;
    for (i, def) in fields(kind).iter().enumerate() {
        for syn in def.synonyms {
            let score = if f == *syn {
                10.0 + syn.len() as f64
            } else {
                let stoks = content_tokens(syn);
                if !stoks.is_empty() && stoks.iter().all(|s| htoks.contains(s)) {
                    // Containment: "Asignado a: - Técnico" contains "tecnico".
                    stoks.len() as f64 + syn.len() as f64 / 100.0
                } else {
                    0.0
                }
            };
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
        let mut seen: Vec<usize> = Vec::new();
        let mut score = 0.0;
        for c in &r.cells {
            let Cell::Text(t) = c else { continue };
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
    let row = &rows[index];
    // Assign each field to its best column; the others stay unmapped (extra).
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
    let n = fields(kind).len();
    for f in 0..n {
        let holders: Vec<usize> = cols
            .iter()
            .enumerate()
            .filter(|(_, c)| c.2.map(|m| m.0) == Some(f))
            .map(|(i, _)| i)
            .collect();
        if holders.len() > 1 {
            let keep = *holders
                .iter()
                .max_by(|a, b| {
                    cols[**a]
                        .2
                        .unwrap()
                        .1
                        .total_cmp(&cols[**b].2.unwrap().1)
                        .then(b.cmp(a))
                })
                .unwrap();
            for h in holders {
                if h != keep {
                    cols[h].2 = None;
                }
            }
        }
    }
    Some(Header {
        index,
        row: row.row,
        columns: cols
            .into_iter()
            .map(|(i, t, m)| (i, t, m.map(|m| m.0)))
            .collect(),
    })
}
