//! Value parsing: dates in every shape the office typed them, statuses, catalog names with
//! synonyms and abbreviations, asset tags, numbers stored as text.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use super::read::Cell;
use crate::text::fold;

/// A date, with its time when the source has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateVal {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
}

impl DateVal {
    /// `YYYY-MM-DDTHH:MM:SS` with a time, `YYYY-MM-DD` without.
    pub fn iso(&self) -> String {
        match self.time {
            Some(t) => format!("{}T{}", self.date.format("%Y-%m-%d"), t.format("%H:%M:%S")),
            None => self.date.format("%Y-%m-%d").to_string(),
        }
    }

    pub fn naive(&self) -> NaiveDateTime {
        self.date.and_time(self.time.unwrap_or(NaiveTime::MIN))
    }
}

const MONTHS: [(&str, u32); 24] = [
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    ("setiembre", 9),
    ("ene", 1),
    ("feb", 2),
    ("mar", 3),
    ("abr", 4),
    ("may", 5),
    ("jun", 6),
    ("jul", 7),
    ("ago", 8),
    ("sep", 9),
    ("oct", 10),
    ("nov", 11),
];

fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.');
    if w == "dic" || w == "set" {
        return Some(if w == "dic" { 12 } else { 9 });
    }
    if w.len() < 3 {
        return None;
    }
    // English abbreviations some exports use.
    let en = [("jan", 1), ("apr", 4), ("aug", 8), ("dec", 12)];
    if let Some((_, m)) = en.iter().find(|(n, _)| *n == w) {
        return Some(*m);
    }
    MONTHS
        .iter()
        .find(|(n, _)| *n == w || (n.len() > 3 && n.starts_with(w) && w.len() >= 3))
        .map(|(_, m)| *m)
}

fn year(n: i64, digits: usize) -> Option<i32> {
    let y = if digits <= 2 {
        if n < 70 {
            2000 + n
        } else {
            1900 + n
        }
    } else {
        n
    };
    (1950..=2200).contains(&y).then_some(y as i32)
}

/// Parses a time like `14:05`, `2:10 p. m.`, `2:10pm`, `14:05:30`, `9 a. m.`.
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    let f = s.to_lowercase().replace(['.', ' ', '\u{a0}'], "");
    let (body, pm) = if let Some(b) = f.strip_suffix("pm") {
        (b, Some(true))
    } else if let Some(b) = f.strip_suffix("am") {
        (b, Some(false))
    } else {
        (f.as_str(), None)
    };
    let mut parts = body.split(':');
    let h: u32 = parts.next()?.parse().ok()?;
    let m: u32 = match parts.next() {
        Some(p) => p.parse().ok()?,
        None if pm.is_some() => 0,
        None => return None,
    };
    let sec: u32 = match parts.next() {
        Some(p) => p.split(',').next()?.parse::<f64>().ok()? as u32,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    let h = match pm {
        Some(true) if h < 12 => h + 12,
        Some(false) if h == 12 => 0,
        Some(_) if h > 12 => return None,
        _ => h,
    };
    NaiveTime::from_hms_opt(h, m, sec)
}

/// Parses a date (and optional time) typed as text. Day first, as in Colombia.
pub fn parse_date_text(s: &str) -> Option<DateVal> {
    let s = s.trim();
    if s.is_empty() || s.len() > 60 {
        return None;
    }
    let lower = s.to_lowercase();
    // ISO: 2024-05-06, 2024-05-06 10:30, 2024-05-06T10:30:00
    if lower.len() >= 10
        && lower.as_bytes()[4] == b'-'
        && lower[..4].chars().all(|c| c.is_ascii_digit())
    {
        let d = NaiveDate::parse_from_str(lower.get(..10)?, "%Y-%m-%d").ok()?;
        let rest = lower[10..].trim_start_matches(['t', ' ']).trim();
        let time = if rest.is_empty() {
            None
        } else {
            Some(parse_time(rest.trim_end_matches('z'))?)
        };
        return Some(DateVal { date: d, time });
    }
    // Split the date part from a time part ("5/3/22 14:05", "15 de marzo de 2022 2:10 p. m.").
    let (date_part, time_part) = match lower.find(':') {
        Some(colon) => {
            let start = lower[..colon].rfind([' ', 't']).map(|i| i + 1).unwrap_or(0);
            (lower[..start].trim(), Some(lower[start..].trim()))
        }
        None => {
            // "9 a. m." style times without minutes are rare in dates; ignore.
            (lower.as_str(), None)
        }
    };
    let time = match time_part {
        Some(t) if !t.is_empty() => Some(parse_time(t)?),
        _ => None,
    };
    let date = parse_date_only(date_part)?;
    Some(DateVal { date, time })
}

fn parse_date_only(s: &str) -> Option<NaiveDate> {
    let s = s.trim().trim_end_matches(',');
    let tokens: Vec<&str> = s
        .split(|c: char| c == '/' || c == '-' || c == '.' || c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty() && *t != "de" && *t != "del")
        .collect();
    // Drop a leading weekday ("lunes 5 de …").
    let tokens: Vec<&str> = match tokens.first() {
        Some(t)
            if [
                "lunes",
                "martes",
                "miercoles",
                "miércoles",
                "jueves",
                "viernes",
                "sabado",
                "sábado",
                "domingo",
            ]
            .contains(t) =>
        {
            tokens[1..].to_vec()
        }
        _ => tokens,
    };
    if tokens.len() != 3 {
        return None;
    }
    let num = |t: &str| {
        t.parse::<i64>()
            .ok()
            .filter(|_| t.chars().all(|c| c.is_ascii_digit()))
    };
    let (d, m, y) = match (
        num(tokens[0]),
        month(tokens[1]),
        num(tokens[1]),
        num(tokens[2]),
    ) {
        (Some(d), Some(m), _, Some(y)) => (d, m, year(y, tokens[2].len())?),
        (Some(d), None, Some(m), Some(y)) if tokens[0].len() == 4 => {
            // yyyy/mm/dd
            (y, m as u32, year(d, 4)?)
        }
        (Some(d), None, Some(m), Some(y)) => (d, m as u32, year(y, tokens[2].len())?),
        (None, _, Some(d), Some(y)) => {
            // "marzo 15 de 2022"
            let m = month(tokens[0])?;
            (d, m, year(y, tokens[2].len())?)
        }
        _ => return None,
    };
    if !(1..=31).contains(&d) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d as u32)
}

/// A date from any cell: date cells, Excel serials, text.
pub fn cell_date(c: &Cell) -> Option<DateVal> {
    match c {
        Cell::Date { at, time } => Some(DateVal {
            date: at.date(),
            time: (*time && at.time() != NaiveTime::MIN)
                .then(|| at.time().with_nanosecond(0).unwrap_or(at.time())),
        }),
        Cell::Number(f) if (20_000.0..=80_000.0).contains(f) => {
            let at = super::read::serial_to_datetime(*f)?;
            Some(DateVal {
                date: at.date(),
                time: (f.fract().abs() > 1e-9).then(|| at.time()),
            })
        }
        Cell::Text(s) => parse_date_text(s),
        _ => None,
    }
}

/// A time of day from a cell (a separate "hora" column).
pub fn cell_time(c: &Cell) -> Option<NaiveTime> {
    match c {
        Cell::Date { at, .. } => Some(at.time()),
        Cell::Number(f) if (0.0..1.0).contains(f) => {
            let secs = (f * 86_400.0).round() as u32;
            NaiveTime::from_num_seconds_from_midnight_opt(secs.min(86_399), 0)
        }
        Cell::Text(s) => parse_time(s),
        _ => None,
    }
}

/// True when a text in a date column means "no date": a dash, or a word ("Pendiente").
pub fn is_no_date(s: &str) -> bool {
    let t = s.trim();
    t.is_empty()
        || t.chars().all(|c| "-—–_/.".contains(c) || c.is_whitespace())
        || !t.chars().any(|c| c.is_ascii_digit())
}

/// The five statuses a legacy file can say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LegacyStatus {
    Abierto,
    EnProceso,
    Solucionado,
    Cerrado,
    Anulado,
}

impl LegacyStatus {
    pub fn key(self) -> &'static str {
        match self {
            LegacyStatus::Abierto => "abierto",
            LegacyStatus::EnProceso => "en_proceso",
            LegacyStatus::Solucionado => "solucionado",
            LegacyStatus::Cerrado => "cerrado",
            LegacyStatus::Anulado => "anulado",
        }
    }

    pub fn from_key(k: &str) -> Option<Self> {
        Some(match fold(k).replace(' ', "_").as_str() {
            "abierto" | "new" | "assigned" => LegacyStatus::Abierto,
            "en_proceso" | "in_progress" | "on_hold" => LegacyStatus::EnProceso,
            "solucionado" | "resolved" => LegacyStatus::Solucionado,
            "cerrado" | "closed" => LegacyStatus::Cerrado,
            "anulado" | "cancelled" => LegacyStatus::Anulado,
            _ => return None,
        })
    }
}

/// Words (folded, gender-neutral stems) for each status.
const STATUS_WORDS: &[(LegacyStatus, &[&str])] = &[
    (
        LegacyStatus::Abierto,
        &[
            "abiert",
            "pendient",
            "sin atender",
            "nuev",
            "recibid",
            "registrad",
            "por atender",
            "sin asignar",
            "asignad",
            "open",
            "new",
            "sin iniciar",
            "radicad",
        ],
    ),
    (
        LegacyStatus::EnProceso,
        &[
            "en proceso",
            "en curso",
            "en tramite",
            "tramite",
            "en espera",
            "espera",
            "proceso",
            "atendiend",
            "en revision",
            "en ejecucion",
            "in progress",
            "pausad",
            "escalad",
        ],
    ),
    (
        LegacyStatus::Solucionado,
        &[
            "solucionad",
            "resuelt",
            "atendid",
            "realizad",
            "ejecutad",
            "resolved",
            "solved",
            "ok",
        ],
    ),
    (
        LegacyStatus::Cerrado,
        &[
            "cerrad",
            "finalizad",
            "terminad",
            "concluid",
            "closed",
            "completad",
            "entregad",
        ],
    ),
    (
        LegacyStatus::Anulado,
        &[
            "anulad",
            "cancelad",
            "rechazad",
            "duplicad",
            "descartad",
            "cancelled",
            "canceled",
            "no procede",
        ],
    ),
];

fn stem_ao(w: &str) -> &str {
    w.strip_suffix('a')
        .or_else(|| w.strip_suffix('o'))
        .or_else(|| w.strip_suffix('e'))
        .unwrap_or(w)
}

/// Normalises a status as typed ("PENDIENTE", "En curso (asignada)", "SOLUCIONADA", …).
pub fn parse_status(raw: &str) -> Option<LegacyStatus> {
    // GLPI adds a detail in parentheses: "En curso (asignada)".
    let main = raw.split('(').next().unwrap_or(raw);
    let f = fold(main);
    if f.is_empty() {
        return None;
    }
    let words: Vec<&str> = f.split(' ').collect();
    let stemmed: String = words
        .iter()
        .map(|w| stem_ao(w))
        .collect::<Vec<_>>()
        .join(" ");
    // Whole-value matches first, then the longest phrase contained.
    let mut best: Option<(usize, LegacyStatus)> = None;
    for (st, list) in STATUS_WORDS {
        for w in *list {
            let ws = w.split(' ').map(stem_ao).collect::<Vec<_>>().join(" ");
            let hit =
                stemmed == ws || f == *w || format!(" {stemmed} ").contains(&format!(" {ws} "));
            if hit && best.is_none_or(|(l, _)| ws.len() > l) {
                best = Some((ws.len(), *st));
            }
        }
    }
    best.map(|(_, s)| s)
}

// ------------------------------------------------------------------- catalogs

const STOP: &[&str] = &[
    "de", "del", "la", "las", "el", "los", "y", "e", "a", "al", "en", "para", "por", "con", "o",
    "u",
];

fn tokens(s: &str) -> Vec<String> {
    fold(s)
        .split(' ')
        .filter(|t| !t.is_empty() && !STOP.contains(t) && !t.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

fn stem(w: &str) -> &str {
    let w = w
        .strip_suffix("es")
        .filter(|s| s.len() >= 4)
        .or_else(|| w.strip_suffix('s'))
        .unwrap_or(w);
    w.strip_suffix(['a', 'o', 'e'])
        .filter(|s| s.len() >= 3)
        .unwrap_or(w)
}

fn is_subsequence(short: &str, long: &str) -> bool {
    let mut it = long.chars();
    short.chars().all(|c| it.any(|l| l == c))
}

/// Does a typed token stand for a catalog token? Equal, same stem, a prefix abbreviation
/// ("adm" → "administrativa", "c" → "control") or a contraction ("gral" → "general").
fn token_matches(src: &str, cat: &str) -> bool {
    if src == cat || stem(src) == stem(cat) {
        return true;
    }
    if src.len() < cat.len() {
        if cat.starts_with(src) {
            return true;
        }
        if src.len() <= 5
            && src.len() >= 2
            && src.chars().next() == cat.chars().next()
            && is_subsequence(src, cat)
        {
            return true;
        }
    }
    false
}

/// A catalog with canonical names and extra synonyms/codes per name.
pub struct Catalog {
    entries: Vec<(String, Vec<String>)>,
}

impl Catalog {
    pub fn new(names: &[&str], synonyms: &[(&str, &[&str])]) -> Self {
        let mut entries: Vec<(String, Vec<String>)> = names
            .iter()
            .map(|n| (n.to_string(), vec![n.to_string()]))
            .collect();
        for (name, syns) in synonyms {
            if let Some(e) = entries.iter_mut().find(|(n, _)| fold(n) == fold(name)) {
                e.1.extend(syns.iter().map(|s| s.to_string()));
            }
        }
        Catalog { entries }
    }

    /// Adds names (e.g. from the database's catalog) not yet present.
    pub fn extend_names(&mut self, names: impl IntoIterator<Item = String>) {
        for n in names {
            if !self.entries.iter().any(|(e, _)| fold(e) == fold(&n)) {
                self.entries.push((n.clone(), vec![n]));
            }
        }
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(n, _)| n.as_str())
    }

    /// The canonical name for a typed value, or `None` when unknown or ambiguous.
    pub fn resolve(&self, raw: &str) -> Option<String> {
        let f = fold(raw);
        if f.is_empty() {
            return None;
        }
        // Exact (folded) name, synonym or code.
        for (name, syns) in &self.entries {
            if syns.iter().any(|s| fold(s) == f) {
                return Some(name.clone());
            }
        }
        let src = tokens(raw);
        if src.is_empty() {
            return None;
        }
        let mut scored: Vec<(f64, &str)> = Vec::new();
        for (name, syns) in &self.entries {
            let mut best = 0.0f64;
            for s in syns {
                let cat = tokens(s);
                if cat.is_empty() {
                    continue;
                }
                let src_hit = src
                    .iter()
                    .filter(|t| cat.iter().any(|c| token_matches(t, c)))
                    .count();
                let cat_hit = cat
                    .iter()
                    .filter(|c| src.iter().any(|t| token_matches(t, c)))
                    .count();
                let sc = src_hit as f64 / src.len() as f64;
                let cc = cat_hit as f64 / cat.len() as f64;
                if sc >= 0.5 && cc >= 0.25 && sc + cc >= 1.3 {
                    best = best.max(sc + cc);
                }
            }
            if best > 0.0 {
                scored.push((best, name));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        match scored.as_slice() {
            [] => None,
            [(_, n)] => Some(n.to_string()),
            [(a, n), (b, _), ..] if a - b > 0.1 => Some(n.to_string()),
            _ => None,
        }
    }
}

pub const DEPARTMENTS: &[&str] = &[
    "Dirección General",
    "Subdirección Administrativa y Financiera",
    "Oficina Jurídica",
    "Control Interno",
    "Talento Humano",
    "Tesorería",
    "Contabilidad",
    "Presupuesto",
    "Almacén",
    "Área de Deportes",
    "Área de Recreación",
    "Escuelas Deportivas",
    "Comunicaciones",
    "Atención al Ciudadano",
    "Sistemas",
];

pub const DEPARTMENT_SYNONYMS: &[(&str, &[&str])] = &[
    (
        "Dirección General",
        &["Gerencia", "Despacho", "Dirección", "DG"],
    ),
    (
        "Subdirección Administrativa y Financiera",
        &[
            "SAF",
            "Administrativa y Financiera",
            "Subdirección Administrativa",
            "Financiera",
        ],
    ),
    ("Oficina Jurídica", &["Jurídica", "Asesoría Jurídica", "OJ"]),
    ("Control Interno", &["OCI", "Oficina de Control Interno"]),
    (
        "Talento Humano",
        &["Recursos Humanos", "RRHH", "Personal", "Nómina", "TH"],
    ),
    ("Área de Deportes", &["Deportes"]),
    ("Área de Recreación", &["Recreación"]),
    (
        "Escuelas Deportivas",
        &["Escuelas de Formación", "Escuelas"],
    ),
    ("Comunicaciones", &["Prensa", "Comunicaciones y Prensa"]),
    (
        "Atención al Ciudadano",
        &[
            "Ventanilla Única",
            "PQRS",
            "Ventanilla",
            "Servicio al Ciudadano",
        ],
    ),
    (
        "Sistemas",
        &[
            "TIC",
            "TI",
            "Tecnología",
            "Informática",
            "Sistemas de Información",
            "Sistemas / TIC",
        ],
    ),
    ("Almacén", &["Almacén General", "Bodega", "Inventarios"]),
];

pub const SERVICE_TYPES: &[&str] = &[
    "Mantenimiento de equipos de cómputo",
    "Publicación de archivo a sitio web",
    "Administración de telefonía IP",
    "Actualización y soporte de aplicativos área financiera",
    "Administración de correo electrónico institucional",
    "Atención a solicitudes de equipos de cómputo",
    "Concepto técnico para dar de baja equipos",
    "Apoyo para alistamiento de equipos en reuniones",
    "Soporte de red e internet",
    "Instalación y configuración de software",
];

pub const SERVICE_SYNONYMS: &[(&str, &[&str])] = &[
    (
        "Mantenimiento de equipos de cómputo",
        &[
            "HW",
            "Hardware",
            "Mantenimiento",
            "Mantenimiento preventivo",
            "Mantenimiento correctivo",
            "Reparación de equipos",
            "Impresoras",
        ],
    ),
    (
        "Publicación de archivo a sitio web",
        &[
            "WEB",
            "Página web",
            "Publicación",
            "Sitio web",
            "Publicación web",
        ],
    ),
    (
        "Administración de telefonía IP",
        &[
            "TEL",
            "Telefonía",
            "Teléfono",
            "Teléfonos",
            "Extensión",
            "Telefonía IP",
        ],
    ),
    (
        "Actualización y soporte de aplicativos área financiera",
        &[
            "FIN",
            "Aplicativo financiero",
            "Software financiero",
            "Aplicativos financieros",
        ],
    ),
    (
        "Administración de correo electrónico institucional",
        &[
            "CORREO",
            "Email",
            "E-mail",
            "Correo electrónico",
            "Correo institucional",
        ],
    ),
    (
        "Atención a solicitudes de equipos de cómputo",
        &[
            "EQUIPOS",
            "Préstamo de equipos",
            "Solicitud de equipos",
            "Solicitud de equipo",
        ],
    ),
    (
        "Concepto técnico para dar de baja equipos",
        &["BAJA", "Concepto de baja", "Baja de equipos", "Dar de baja"],
    ),
    (
        "Apoyo para alistamiento de equipos en reuniones",
        &[
            "REUNION",
            "Reuniones",
            "Alistamiento",
            "Apoyo en reuniones",
            "Eventos",
        ],
    ),
    (
        "Soporte de red e internet",
        &[
            "RED",
            "Internet",
            "Conectividad",
            "Redes",
            "Wifi",
            "Red / Internet",
        ],
    ),
    (
        "Instalación y configuración de software",
        &[
            "SW",
            "Software",
            "Instalación de software",
            "Programas",
            "Licencias",
        ],
    ),
];

pub const ASSET_TYPES: &[&str] = &[
    "Computador de escritorio",
    "Portátil",
    "Impresora",
    "UPS",
    "Switch",
    "Teléfono IP",
    "Escáner",
    "Video beam",
];

pub const ASSET_TYPE_SYNONYMS: &[(&str, &[&str])] = &[
    (
        "Computador de escritorio",
        &[
            "PC",
            "PC Escritorio",
            "Desktop",
            "Computador",
            "CPU",
            "Equipo de escritorio",
            "Torre",
            "All in one",
            "Todo en uno",
        ],
    ),
    (
        "Portátil",
        &["Laptop", "Notebook", "Computador portátil", "Portatil"],
    ),
    (
        "Impresora",
        &[
            "Impresora Multifuncional",
            "Multifuncional",
            "Printer",
            "Impresora láser",
        ],
    ),
    (
        "UPS",
        &["Regulador", "Unidad de potencia ininterrumpida", "No break"],
    ),
    (
        "Switch",
        &["Conmutador", "Switche", "Router", "Access point"],
    ),
    ("Teléfono IP", &["Teléfono", "Telefono IP", "Teléfono VoIP"]),
    ("Escáner", &["Scanner", "Escaner"]),
    (
        "Video beam",
        &["Videobeam", "Proyector", "Video proyector", "Beam"],
    ),
];

/// Asset condition.
pub fn parse_condition(raw: &str) -> Option<&'static str> {
    let f = fold(raw);
    Some(match f.as_str() {
        "b" | "bueno" | "buena" | "bien" | "ok" | "optimo" | "funcional" | "funcionando"
        | "operativo" => "bueno",
        "r" | "regular" | "aceptable" => "regular",
        "m" | "malo" | "mala" | "danado" | "dañado" | "en reparacion" | "fuera de servicio" => {
            "malo"
        }
        "baja" | "para baja" | "dado de baja" | "de baja" | "dar de baja" | "obsoleto" | "d b"
        | "db" => "dado_de_baja",
        _ if f.contains("baja") => "dado_de_baja",
        _ => return None,
    })
}

/// An asset tag as the inventory writes it (`IND-0123` stays `IND-0123`; spaces trimmed and
/// collapsed; `123.0` → `123`); `None` when it has no letters or digits. Matching uses
/// [`crate::assets::normalize_tag`] of it.
pub fn asset_tag(raw: &str) -> Option<String> {
    crate::assets::display_tag(raw).ok()
}

/// A legacy case number: numbers without `.0`, thousands separators removed ("28 316" →
/// "28316"), anything else as written (trimmed), e.g. "SOP-2022-001", "0001".
pub fn legacy_number(c: &Cell) -> Option<String> {
    let t = c.text();
    let t = t.trim();
    if t.is_empty() {
        return None;
    }
    let groups: Vec<&str> = t.split([' ', '\u{a0}', '\u{202f}', '.', ',']).collect();
    if groups.len() > 1
        && groups[0].len() <= 3
        && !groups[0].is_empty()
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
        && groups[1..].iter().all(|g| g.len() == 3)
    {
        return Some(groups.concat());
    }
    Some(t.to_string())
}

/// RAM in GB from `8GB`, `8 Gb`, `4096 MB`, `16`.
pub fn ram_gb(raw: &str) -> Option<f64> {
    let f = fold(raw).replace(' ', "");
    let num: String = f
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .collect();
    let n: f64 = num.replace(',', ".").parse().ok()?;
    let unit = &f[num.len()..];
    let gb = if unit.starts_with("mb") || unit.starts_with('m') {
        n / 1024.0
    } else if unit.starts_with("tb") {
        n * 1024.0
    } else if unit.is_empty() || unit.starts_with('g') {
        n
    } else {
        return None;
    };
    (gb > 0.0 && gb < 100_000.0).then_some(gb)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> String {
        parse_date_text(s)
            .map(|d| d.iso())
            .unwrap_or_else(|| "NONE".into())
    }

    #[test]
    fn dates_in_every_shape() {
        assert_eq!(d("15 de marzo de 2022"), "2022-03-15");
        assert_eq!(d("5/3/22"), "2022-03-05");
        assert_eq!(d("05/03/2022"), "2022-03-05");
        assert_eq!(d("10-abr-23"), "2023-04-10");
        assert_eq!(d("2024-05-06"), "2024-05-06");
        assert_eq!(d("3/02/2026 10:04"), "2026-02-03T10:04:00");
        assert_eq!(d("15/03/2022 2:10 p. m."), "2022-03-15T14:10:00");
        assert_eq!(d("15/03/2022 12:05 a. m."), "2022-03-15T00:05:00");
        assert_eq!(d("Pendiente"), "NONE");
        assert_eq!(d("31/02/2022"), "NONE");
        assert_eq!(parse_time("2:10 p. m."), NaiveTime::from_hms_opt(14, 10, 0));
        assert_eq!(parse_time("11:59 AM"), NaiveTime::from_hms_opt(11, 59, 0));
        let c = Cell::Number(44_562.5);
        assert_eq!(cell_date(&c).unwrap().iso(), "2022-01-01T12:00:00");
    }

    #[test]
    fn statuses() {
        for (raw, st) in [
            ("PENDIENTE", "abierto"),
            ("Sin atender", "abierto"),
            ("Nuevo", "abierto"),
            ("En curso (asignada)", "en_proceso"),
            ("EN PROCESO", "en_proceso"),
            ("En espera", "en_proceso"),
            ("SOLUCIONADA", "solucionado"),
            ("Finalizado", "cerrado"),
            ("ANULADA", "anulado"),
            ("Cerrado", "cerrado"),
        ] {
            assert_eq!(parse_status(raw).map(|s| s.key()), Some(st), "{raw}");
        }
        assert_eq!(parse_status("xyz"), None);
    }

    #[test]
    fn catalog_variants_resolve() {
        let deps = Catalog::new(DEPARTMENTS, DEPARTMENT_SYNONYMS);
        for (raw, want) in [
            ("DIRECCIÓN GENERAL", "Dirección General"),
            ("Dirección Gral.", "Dirección General"),
            (
                "Subdirección Administrativa",
                "Subdirección Administrativa y Financiera",
            ),
            (
                "SUBD. ADMINISTRATIVA Y FINANCIERA",
                "Subdirección Administrativa y Financiera",
            ),
            (
                "Subdirección Adm. y Financiera",
                "Subdirección Administrativa y Financiera",
            ),
            ("Of. Jurídica", "Oficina Jurídica"),
            ("Oficina Asesora Jurídica", "Oficina Jurídica"),
            ("C. Interno", "Control Interno"),
            ("Talento Humano - Nómina", "Talento Humano"),
            ("Tesoreria ", "Tesorería"),
            ("Almacen General", "Almacén"),
            ("Area Deportes", "Área de Deportes"),
            ("DEPORTES", "Área de Deportes"),
            ("Recreacion", "Área de Recreación"),
            ("Escuelas de Formación Deportiva", "Escuelas Deportivas"),
            ("E. Deportivas", "Escuelas Deportivas"),
            ("Comunicaciones y Prensa", "Comunicaciones"),
            (
                "Ventanilla de Atención al Ciudadano",
                "Atención al Ciudadano",
            ),
            ("Sistemas / TIC", "Sistemas"),
            ("TIC", "Sistemas"),
            ("presupuesto", "Presupuesto"),
        ] {
            assert_eq!(deps.resolve(raw).as_deref(), Some(want), "{raw}");
        }
        assert_eq!(deps.resolve("Planeación Estratégica"), None);
        let st = Catalog::new(SERVICE_TYPES, SERVICE_SYNONYMS);
        for (raw, want) in [
            ("Mantenimiento equipos", 0),
            ("MTO. EQUIPOS DE CÓMPUTO", 0),
            ("Mantenimiento de equipos", 0),
            ("Publicación página web", 1),
            ("PUBLICACIÓN WEB", 1),
            ("Telefonía IP", 2),
            ("TELEFONIA", 2),
            ("Soporte aplicativo financiero", 3),
            ("APLICATIVOS FINANCIEROS", 3),
            ("Correo institucional", 4),
            ("CORREO ELECTRÓNICO", 4),
            ("Solicitud de equipos", 5),
            ("SOLICITUD EQUIPO DE CÓMPUTO", 5),
            ("Concepto de baja", 6),
            ("CONCEPTO TÉCNICO DE BAJA", 6),
            ("Alistamiento de reuniones", 7),
            ("APOYO EN REUNIONES", 7),
            ("Red / Internet", 8),
            ("CONECTIVIDAD", 8),
            ("Instalación de software", 9),
            ("SOFTWARE", 9),
            ("HW", 0),
            ("EQUIPOS", 5),
            ("REUNION", 7),
        ] {
            assert_eq!(
                st.resolve(raw).as_deref(),
                Some(SERVICE_TYPES[want]),
                "{raw}"
            );
        }
        assert_eq!(st.resolve("1.Sistemas > Soporte Técnico"), None);
    }

    #[test]
    fn tags_numbers_ram() {
        for (raw, shown) in [
            ("IND0123", "IND0123"),
            (" ind-0123 ", "ind-0123"),
            ("IND   0123", "IND 0123"),
            ("123.0", "123"),
        ] {
            assert_eq!(asset_tag(raw).as_deref(), Some(shown));
        }
        assert_eq!(asset_tag(" -- "), None);
        assert_eq!(
            legacy_number(&Cell::Text("28 316".into())).as_deref(),
            Some("28316")
        );
        assert_eq!(legacy_number(&Cell::Number(12.0)).as_deref(), Some("12"));
        assert_eq!(
            legacy_number(&Cell::Text("0001".into())).as_deref(),
            Some("0001")
        );
        assert_eq!(ram_gb("8GB"), Some(8.0));
        assert_eq!(ram_gb("8 Gb"), Some(8.0));
        assert_eq!(ram_gb("4096 MB"), Some(4.0));
        assert_eq!(parse_condition("Para baja"), Some("dado_de_baja"));
        assert_eq!(parse_condition("B"), Some("bueno"));
    }
}
