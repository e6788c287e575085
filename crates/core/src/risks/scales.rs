//! The DAFP risk guide as data («Guía para la administración del riesgo y el diseño de controles
//! en entidades públicas», Departamento Administrativo de la Función Pública, v5 dic. 2020 and
//! v6 nov. 2022, which keeps v5's method for management risks): the 5-level probability and
//! impact scales, the 5×5 heat map ([`ZONE_TABLE`]), the control attributes and their weights,
//! the classifications and treatments, and the residual risk by successive reduction. A leaf: it
//! knows nothing of the store. Served to the UI by [`scales`] (never copied into TypeScript).
//!
//! **Checked against the guide** (session 7, issue 18; the sections are v5's numbering):
//! - probability (§3.1 «Criterios para definir el nivel de probabilidad»): by how often the
//!   activity that carries the risk is carried out — Muy baja 20 % (at most 2 times a year),
//!   Baja 40 % (3 to 24), Media 60 % (24 to 500), Alta 80 % (500 to 5.000), Muy alta 100 %
//!   (more than 5.000): [`PROBABILITY_HINTS`], unchanged;
//! - impact («Criterios para definir el nivel de impacto»): the higher of the economic
//!   (SMLMV) and the reputational effect — Leve 20 %, Menor 40 %, Moderado 60 %, Mayor 80 %,
//!   Catastrófico 100 %: [`IMPACT_HINTS`] now state the guide's criteria (they were help-desk
//!   paraphrases that did not say the SMLMV bands);
//! - heat map («Matriz de calor, niveles de severidad del riesgo»): every one of the 25 cells of
//!   [`ZONE_TABLE`] agrees with the guide (Catastrófico is Extremo in every row, Mayor Alto in
//!   every row, Muy alta Alto below Catastrófico, the low corner Bajo at (1,1), (1,2), (2,1)).
//!   The guide calls the four levels Bajo, Moderado, Alto, Extremo («nivel de severidad»); the
//!   app says «zona» Baja, Moderada, Alta, Extrema (the same four levels, agreeing with «zona»,
//!   as the guide's v4 did); only the wording differs;
//! - control attributes («Atributos para el diseño del control»): eficiencia — tipo preventivo
//!   25 %, detectivo 15 %, correctivo 10 %; implementación automático 25 %, manual 15 %;
//!   informative only — documentación, frecuencia (continua / aleatoria), evidencia: unchanged;
//! - §3.2.2 «Nivel de riesgo (riesgo residual)»: preventive and detective controls lower the
//!   probability, corrective ones the impact, each applied to the value the previous one left
//!   (the guide's worked example: 60 % → 36 % → 25,2 %, in `tests/risks.rs`): unchanged.
//!
//! The guide's full text could not be fetched in the session that checked this (no network;
//! the search corpus held only its opening pages), so the check was made against the guide's
//! tables as known to the engineer; the impact hints were the one discrepancy found.
//!
//! **Residual risk** ([`residual`]): each control's weight is the sum of its type
//! (preventivo 25 %, detectivo 15 %, correctivo 10 %) and implementation (automático 25 %,
//! manual 15 %) weights; the informative attributes (documentado, frecuencia, evidencia) do not
//! change it. Preventive and detective controls lower the probability, corrective ones the
//! impact. Starting from the inherent level's percentage (level × 20 %), controls are applied in
//! their order, each to the value left by the previous one: `v = v × (1 − weight)` (successive
//! reduction, not a sum). **Rounding to a level**: the value is kept exactly (in hundredths of
//! a percentage point, rounded half up after each step) and the level is the one whose range
//! holds it: up to 20 % Muy baja / Leve, more than 20 up to 40 % Baja / Menor, more than 40 up
//! to 60 % Media / Moderado, more than 60 up to 80 % Alta / Mayor, more than 80 % Muy alta /
//! Catastrófico — so a value exactly on a bound (e.g. 60 × 0.6 = 36 %, or 100 × 0.6 = 60 %) keeps
//! the lower level's name of that bound (Baja; Media), and the residual level is never below 1.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Zone of the heat map (severity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Zone {
    Low,
    Moderate,
    High,
    Extreme,
}

impl Zone {
    pub const ALL: [Zone; 4] = [Zone::Low, Zone::Moderate, Zone::High, Zone::Extreme];

    pub fn label(self) -> &'static str {
        match self {
            Zone::Low => "Baja",
            Zone::Moderate => "Moderada",
            Zone::High => "Alta",
            Zone::Extreme => "Extrema",
        }
    }

    /// Colour of the zone (`#RRGGBB`), as the guide paints its heat map.
    pub fn colour(self) -> &'static str {
        match self {
            Zone::Low => "#4CAF50",
            Zone::Moderate => "#FFEB3B",
            Zone::High => "#FF9800",
            Zone::Extreme => "#E53935",
        }
    }
}

/// The guide's heat map: `ZONE_TABLE[probability − 1][impact − 1]` (probability 1 Muy baja …
/// 5 Muy alta; impact 1 Leve … 5 Catastrófico). Checked cell by cell against the DAFP guide's
/// «Matriz de calor» (v5 2020 / v6 2022; see the module docs).
pub const ZONE_TABLE: [[Zone; 5]; 5] = {
    use Zone::*;
    [
        // Leve, Menor, Moderado, Mayor, Catastrófico
        [Low, Low, Moderate, High, Extreme],           // Muy baja
        [Low, Moderate, Moderate, High, Extreme],      // Baja
        [Moderate, Moderate, Moderate, High, Extreme], // Media
        [Moderate, Moderate, High, High, Extreme],     // Alta
        [High, High, High, High, Extreme],             // Muy alta
    ]
};

/// The zone of a (probability, impact) pair; levels outside 1..=5 are clamped.
pub fn zone(probability: i64, impact: i64) -> Zone {
    let p = probability.clamp(1, 5) as usize - 1;
    let i = impact.clamp(1, 5) as usize - 1;
    ZONE_TABLE[p][i]
}

/// Names of the probability levels 1..=5.
pub const PROBABILITY_LABELS: [&str; 5] = ["Muy baja", "Baja", "Media", "Alta", "Muy alta"];
/// Names of the impact levels 1..=5.
pub const IMPACT_LABELS: [&str; 5] = ["Leve", "Menor", "Moderado", "Mayor", "Catastrófico"];

/// What each probability level means: how often the activity that carries the risk is
/// carried out in a year (DAFP guide, «Criterios para definir el nivel de probabilidad»).
pub const PROBABILITY_HINTS: [&str; 5] = [
    "La actividad que conlleva el riesgo se ejecuta como máximo 2 veces por año",
    "De 3 a 24 veces por año",
    "De 24 a 500 veces por año",
    "De 500 a 5.000 veces por año",
    "Más de 5.000 veces por año",
];
/// What each impact level means (DAFP guide, «Criterios para definir el nivel de impacto»):
/// the economic effect in SMLMV or the reputational one; when both apply, the higher level.
pub const IMPACT_HINTS: [&str; 5] = [
    "Afectación económica menor a 10 SMLMV, o afecta la imagen de algún área de la entidad",
    "Entre 10 y 50 SMLMV, o afecta la imagen de la entidad internamente (conocimiento general \
     en la entidad, la dirección o los proveedores)",
    "Entre 50 y 100 SMLMV, o afecta la imagen de la entidad ante algunos usuarios de \
     relevancia para el logro de los objetivos",
    "Entre 100 y 500 SMLMV, o afecta la imagen de la entidad con efecto publicitario sostenido \
     en el sector administrativo o en el departamento o municipio",
    "Mayor a 500 SMLMV, o afecta la imagen de la entidad a nivel nacional, con efecto \
     publicitario sostenido en el país",
];

/// Label of a probability level (1..=5), `?` outside.
pub fn probability_label(level: i64) -> &'static str {
    usize::try_from(level - 1)
        .ok()
        .and_then(|i| PROBABILITY_LABELS.get(i))
        .copied()
        .unwrap_or("?")
}

/// Label of an impact level (1..=5), `?` outside.
pub fn impact_label(level: i64) -> &'static str {
    usize::try_from(level - 1)
        .ok()
        .and_then(|i| IMPACT_LABELS.get(i))
        .copied()
        .unwrap_or("?")
}

/// Type of a control (DAFP guide, «Atributos para el diseño del control»: tipo).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ControlKind {
    Preventive,
    Detective,
    Corrective,
}

impl ControlKind {
    pub const ALL: [ControlKind; 3] = [
        ControlKind::Preventive,
        ControlKind::Detective,
        ControlKind::Corrective,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ControlKind::Preventive => "preventive",
            ControlKind::Detective => "detective",
            ControlKind::Corrective => "corrective",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ControlKind::Preventive => "Preventivo",
            ControlKind::Detective => "Detectivo",
            ControlKind::Corrective => "Correctivo",
        }
    }
    /// Weight in percentage points (the guide: preventivo 25 %, detectivo 15 %, correctivo
    /// 10 %).
    pub fn weight(self) -> i64 {
        match self {
            ControlKind::Preventive => 25,
            ControlKind::Detective => 15,
            ControlKind::Corrective => 10,
        }
    }
    /// Accepts the stored key or the Spanish name (`preventivo`, `detectivo`, `correctivo`).
    pub fn parse(s: &str) -> Option<Self> {
        match crate::text::fold(s).as_str() {
            "preventive" | "preventivo" => Some(ControlKind::Preventive),
            "detective" | "detectivo" => Some(ControlKind::Detective),
            "corrective" | "correctivo" => Some(ControlKind::Corrective),
            _ => None,
        }
    }
    /// Whether it lowers the probability (else the impact): the guide's §3.2.2 — preventive
    /// and detective controls act on the probability, corrective ones on the impact.
    pub fn lowers_probability(self) -> bool {
        !matches!(self, ControlKind::Corrective)
    }
}

/// How a control is carried out (the guide: implementación automático 25 %, manual 15 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Implementation {
    Automatic,
    Manual,
}

impl Implementation {
    pub const ALL: [Implementation; 2] = [Implementation::Automatic, Implementation::Manual];
    pub fn as_str(self) -> &'static str {
        match self {
            Implementation::Automatic => "automatic",
            Implementation::Manual => "manual",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Implementation::Automatic => "Automático",
            Implementation::Manual => "Manual",
        }
    }
    pub fn weight(self) -> i64 {
        match self {
            Implementation::Automatic => 25,
            Implementation::Manual => 15,
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match crate::text::fold(s).as_str() {
            "automatic" | "automatico" => Some(Implementation::Automatic),
            "manual" => Some(Implementation::Manual),
            _ => None,
        }
    }
}

/// How often a control runs (informative).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ControlFrequency {
    Continuous,
    Random,
}

impl ControlFrequency {
    pub const ALL: [ControlFrequency; 2] = [ControlFrequency::Continuous, ControlFrequency::Random];
    pub fn as_str(self) -> &'static str {
        match self {
            ControlFrequency::Continuous => "continuous",
            ControlFrequency::Random => "random",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ControlFrequency::Continuous => "Continua",
            ControlFrequency::Random => "Aleatoria",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match crate::text::fold(s).as_str() {
            "continuous" | "continua" => Some(ControlFrequency::Continuous),
            "random" | "aleatoria" => Some(ControlFrequency::Random),
            _ => None,
        }
    }
}

/// Risk treatment (the guide's options).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Treatment {
    Accept,
    Reduce,
    Avoid,
    Share,
}

impl Treatment {
    pub const ALL: [Treatment; 4] = [
        Treatment::Accept,
        Treatment::Reduce,
        Treatment::Avoid,
        Treatment::Share,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Treatment::Accept => "accept",
            Treatment::Reduce => "reduce",
            Treatment::Avoid => "avoid",
            Treatment::Share => "share",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Treatment::Accept => "Aceptar",
            Treatment::Reduce => "Reducir (mitigar)",
            Treatment::Avoid => "Evitar",
            Treatment::Share => "Compartir (transferir)",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match crate::text::fold(s).as_str() {
            "accept" | "aceptar" => Some(Treatment::Accept),
            "reduce" | "reducir" | "mitigar" | "reducir mitigar" => Some(Treatment::Reduce),
            "avoid" | "evitar" => Some(Treatment::Avoid),
            "share" | "compartir" | "transferir" | "compartir transferir" => Some(Treatment::Share),
            _ => None,
        }
    }
}

/// Where the app's own data about a risk comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DataSource {
    None,
    Backups,
    Sla,
    Maintenance,
}

impl DataSource {
    pub const ALL: [DataSource; 4] = [
        DataSource::None,
        DataSource::Backups,
        DataSource::Sla,
        DataSource::Maintenance,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            DataSource::None => "none",
            DataSource::Backups => "backups",
            DataSource::Sla => "sla",
            DataSource::Maintenance => "maintenance",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            DataSource::None => "Ninguno",
            DataSource::Backups => "Copias de seguridad",
            DataSource::Sla => "Cumplimiento de tiempos (ANS)",
            DataSource::Maintenance => "Cumplimiento del mantenimiento",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match crate::text::fold(s).as_str() {
            "none" | "ninguno" | "" => Some(DataSource::None),
            "backups" | "copias" => Some(DataSource::Backups),
            "sla" | "ans" => Some(DataSource::Sla),
            "maintenance" | "mantenimiento" => Some(DataSource::Maintenance),
            _ => None,
        }
    }
}

/// The guide's classification of risks.
pub const CLASSIFICATIONS: [&str; 7] = [
    "Ejecución y administración de procesos",
    "Fallas tecnológicas",
    "Usuarios, productos y prácticas organizacionales",
    "Daños a activos fijos / eventos externos",
    "Relaciones laborales",
    "Fraude interno",
    "Fraude externo",
];

/// One (key, label) option of a list shown in the UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RiskOption {
    pub key: String,
    pub label: String,
    /// Weight in percentage points (control attributes), else null.
    pub weight: Option<i64>,
}

/// One level of a 5-level scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ScaleLevel {
    pub level: i64,
    pub label: String,
    /// Percentage of the level (20, 40, …, 100).
    pub pct: i64,
    pub hint: String,
}

/// A zone with its label and colour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ZoneInfo {
    pub zone: Zone,
    pub label: String,
    pub colour: String,
}

/// Every scale and list of the risk map, as the UI shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RiskScales {
    pub probability: Vec<ScaleLevel>,
    pub impact: Vec<ScaleLevel>,
    pub zones: Vec<ZoneInfo>,
    /// `heat_map[probability − 1][impact − 1]`.
    pub heat_map: Vec<Vec<Zone>>,
    pub control_kinds: Vec<RiskOption>,
    pub implementations: Vec<RiskOption>,
    pub frequencies: Vec<RiskOption>,
    pub treatments: Vec<RiskOption>,
    pub data_sources: Vec<RiskOption>,
    pub classifications: Vec<String>,
    /// How the residual risk is computed and rounded (shown beside the controls).
    pub method: String,
}

pub const METHOD: &str = "Cada control pesa la suma de su tipo (preventivo 25 %, detectivo 15 %, \
correctivo 10 %) y su implementación (automático 25 %, manual 15 %); documentación, frecuencia y \
evidencia son informativas. Los controles preventivos y detectivos reducen la probabilidad y los \
correctivos el impacto, cada uno sobre el valor que dejó el anterior. El valor resultante se \
ubica en su nivel: hasta 20 % el primero, más de 20 % hasta 40 % el segundo, más de 40 % hasta \
60 % el tercero, más de 60 % hasta 80 % el cuarto y más de 80 % el quinto.";

/// The scales and lists served to the UI.
pub fn scales() -> RiskScales {
    let opt = |key: &str, label: &str, weight: Option<i64>| RiskOption {
        key: key.into(),
        label: label.into(),
        weight,
    };
    RiskScales {
        probability: (1..=5)
            .map(|l| ScaleLevel {
                level: l,
                label: PROBABILITY_LABELS[l as usize - 1].into(),
                pct: l * 20,
                hint: PROBABILITY_HINTS[l as usize - 1].into(),
            })
            .collect(),
        impact: (1..=5)
            .map(|l| ScaleLevel {
                level: l,
                label: IMPACT_LABELS[l as usize - 1].into(),
                pct: l * 20,
                hint: IMPACT_HINTS[l as usize - 1].into(),
            })
            .collect(),
        zones: Zone::ALL
            .iter()
            .map(|z| ZoneInfo {
                zone: *z,
                label: z.label().into(),
                colour: z.colour().into(),
            })
            .collect(),
        heat_map: ZONE_TABLE.iter().map(|r| r.to_vec()).collect(),
        control_kinds: ControlKind::ALL
            .iter()
            .map(|k| opt(k.as_str(), k.label(), Some(k.weight())))
            .collect(),
        implementations: Implementation::ALL
            .iter()
            .map(|k| opt(k.as_str(), k.label(), Some(k.weight())))
            .collect(),
        frequencies: ControlFrequency::ALL
            .iter()
            .map(|k| opt(k.as_str(), k.label(), None))
            .collect(),
        treatments: Treatment::ALL
            .iter()
            .map(|k| opt(k.as_str(), k.label(), None))
            .collect(),
        data_sources: DataSource::ALL
            .iter()
            .map(|k| opt(k.as_str(), k.label(), None))
            .collect(),
        classifications: CLASSIFICATIONS.iter().map(|s| s.to_string()).collect(),
        method: METHOD.into(),
    }
}

/// The control attributes that change the residual risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlWeight {
    pub kind: ControlKind,
    pub implementation: Implementation,
}

impl ControlWeight {
    /// Weight in percentage points: type + implementation.
    pub fn weight(self) -> i64 {
        self.kind.weight() + self.implementation.weight()
    }
}

/// Residual values: percentages (two decimals) and levels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Residual {
    pub probability_pct: f64,
    pub impact_pct: f64,
    pub probability: i64,
    pub impact: i64,
}

/// The level (1..=5) of a percentage given in hundredths of a point (see the module's doc).
pub fn level_of_hundredths(v: i64) -> i64 {
    // Up to 2000 → 1, 2001..=4000 → 2, …; never below 1 nor above 5.
    ((v + 1999) / 2000).clamp(1, 5)
}

/// The level of a percentage (e.g. 36.0 → 2).
pub fn level_of_pct(pct: f64) -> i64 {
    level_of_hundredths((pct * 100.0).round() as i64)
}

/// Applies `weight` percentage points to `v` (hundredths), rounding half up.
fn reduce(v: i64, weight: i64) -> i64 {
    // v × (100 − w) / 100, rounded half up, in integers (no float drift on the bounds).
    (v * (100 - weight) + 50) / 100
}

/// Residual probability and impact from the inherent levels and the controls in their order.
pub fn residual(probability: i64, impact: i64, controls: &[ControlWeight]) -> Residual {
    let mut p = probability.clamp(1, 5) * 2000;
    let mut i = impact.clamp(1, 5) * 2000;
    for c in controls {
        if c.kind.lowers_probability() {
            p = reduce(p, c.weight());
        } else {
            i = reduce(i, c.weight());
        }
    }
    Residual {
        probability_pct: p as f64 / 100.0,
        impact_pct: i as f64 / 100.0,
        probability: level_of_hundredths(p),
        impact: level_of_hundredths(i),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ControlKind::*;
    use Implementation::*;

    fn c(kind: ControlKind, implementation: Implementation) -> ControlWeight {
        ControlWeight {
            kind,
            implementation,
        }
    }

    /// Every cell of the guide's heat map, written out row by row (probability 1..5 ×
    /// impact 1..5).
    #[test]
    fn every_cell_of_the_heat_map() {
        let expected = [
            // (p, i, zone)
            (1, 1, "Baja"),
            (1, 2, "Baja"),
            (1, 3, "Moderada"),
            (1, 4, "Alta"),
            (1, 5, "Extrema"),
            (2, 1, "Baja"),
            (2, 2, "Moderada"),
            (2, 3, "Moderada"),
            (2, 4, "Alta"),
            (2, 5, "Extrema"),
            (3, 1, "Moderada"),
            (3, 2, "Moderada"),
            (3, 3, "Moderada"),
            (3, 4, "Alta"),
            (3, 5, "Extrema"),
            (4, 1, "Moderada"),
            (4, 2, "Moderada"),
            (4, 3, "Alta"),
            (4, 4, "Alta"),
            (4, 5, "Extrema"),
            (5, 1, "Alta"),
            (5, 2, "Alta"),
            (5, 3, "Alta"),
            (5, 4, "Alta"),
            (5, 5, "Extrema"),
        ];
        assert_eq!(expected.len(), 25);
        for (p, i, z) in expected {
            assert_eq!(zone(p, i).label(), z, "probabilidad {p}, impacto {i}");
        }
        // Out-of-range levels are clamped, never panic.
        assert_eq!(zone(0, 9), Zone::Extreme);
        assert_eq!(zone(-3, -3), Zone::Low);
        // The served table is the same one.
        let s = scales();
        for p in 1..=5 {
            for i in 1..=5 {
                assert_eq!(s.heat_map[p - 1][i - 1], zone(p as i64, i as i64));
            }
        }
    }

    #[test]
    fn one_preventive_control_lowers_probability_only() {
        // Alta (80 %) × (1 − (25 + 15) %) = 48 % → Media (3); impact stays Mayor.
        let r = residual(4, 4, &[c(Preventive, Manual)]);
        assert_eq!(r.probability_pct, 48.0);
        assert_eq!(r.probability, 3);
        assert_eq!(r.impact_pct, 80.0);
        assert_eq!(r.impact, 4);
    }

    #[test]
    fn one_detective_control() {
        // Muy alta 100 % × (1 − (15 + 25) %) = 60 % → Media (3, on the bound).
        let r = residual(5, 3, &[c(Detective, Automatic)]);
        assert_eq!(r.probability_pct, 60.0);
        assert_eq!(r.probability, 3);
        assert_eq!(r.impact, 3);
    }

    #[test]
    fn one_corrective_control_lowers_impact_only() {
        // Catastrófico 100 % × (1 − (10 + 15) %) = 75 % → Mayor (4); probability stays.
        let r = residual(3, 5, &[c(Corrective, Manual)]);
        assert_eq!(r.impact_pct, 75.0);
        assert_eq!(r.impact, 4);
        assert_eq!(r.probability_pct, 60.0);
        assert_eq!(r.probability, 3);
    }

    #[test]
    fn two_successive_controls_multiply_not_add() {
        // Muy alta 100 %: preventive automatic (50 %) → 50 %; detective manual (30 %) on what is
        // left → 35 % → Baja (2). A sum (80 %) would give 20 % → Muy baja: not the guide.
        let r = residual(5, 2, &[c(Preventive, Automatic), c(Detective, Manual)]);
        assert_eq!(r.probability_pct, 35.0);
        assert_eq!(r.probability, 2);
        // Order does not change a product.
        let r2 = residual(5, 2, &[c(Detective, Manual), c(Preventive, Automatic)]);
        assert_eq!(r2.probability_pct, 35.0);
        // Mixed: one of each side.
        let r3 = residual(
            4,
            5,
            &[
                c(Preventive, Manual),
                c(Corrective, Automatic),
                c(Detective, Manual),
            ],
        );
        // p: 80 × 0.6 = 48 → × 0.7 = 33.6 → Baja; i: 100 × 0.65 = 65 → Mayor.
        assert_eq!(r3.probability_pct, 33.6);
        assert_eq!(r3.probability, 2);
        assert_eq!(r3.impact_pct, 65.0);
        assert_eq!(r3.impact, 4);
        assert_eq!(zone(r3.probability, r3.impact), Zone::High);
    }

    #[test]
    fn rounding_edges() {
        assert_eq!(level_of_hundredths(2000), 1);
        assert_eq!(level_of_hundredths(2001), 2);
        assert_eq!(level_of_hundredths(4000), 2);
        assert_eq!(level_of_hundredths(4001), 3);
        assert_eq!(level_of_hundredths(8000), 4);
        assert_eq!(level_of_hundredths(8001), 5);
        assert_eq!(level_of_hundredths(10000), 5);
        assert_eq!(level_of_hundredths(0), 1);
        assert_eq!(level_of_hundredths(1), 1);
        assert_eq!(level_of_pct(36.0), 2);
        assert_eq!(level_of_pct(40.0), 2);
        assert_eq!(level_of_pct(40.01), 3);
        // Media 60 % × 0.6 = 36 % exactly → Baja; Baja 40 % × 0.5 = 20 % → Muy baja.
        assert_eq!(residual(3, 1, &[c(Preventive, Manual)]).probability, 2);
        assert_eq!(residual(2, 1, &[c(Preventive, Automatic)]).probability, 1);
        // Many controls never go below level 1 and values stay ≥ 0.
        let many = vec![c(Preventive, Automatic); 40];
        let r = residual(5, 5, &many);
        assert_eq!(r.probability, 1);
        assert!(r.probability_pct >= 0.0);
        // Half-up rounding of hundredths: 20 % × 0.7 = 14 %; 33.6 × 0.7 = 23.52 %.
        let r = residual(
            4,
            1,
            &[
                c(Preventive, Manual),
                c(Detective, Manual),
                c(Detective, Manual),
            ],
        );
        assert_eq!(r.probability_pct, 23.52);
        assert_eq!(r.probability, 2);
        // No control: the inherent levels.
        let r = residual(4, 3, &[]);
        assert_eq!((r.probability, r.impact), (4, 3));
    }

    /// The level definitions are the guide's (probability by yearly frequency; impact by
    /// SMLMV bands or reputation).
    #[test]
    fn level_definitions_are_the_guides() {
        let s = scales();
        let pct: Vec<i64> = s.probability.iter().map(|l| l.pct).collect();
        assert_eq!(pct, [20, 40, 60, 80, 100]);
        assert_eq!(s.impact.iter().map(|l| l.pct).collect::<Vec<_>>(), pct);
        for (level, needle) in [
            (0, "2 veces"),
            (1, "3 a 24"),
            (2, "24 a 500"),
            (3, "500 a 5.000"),
            (4, "Más de 5.000"),
        ] {
            assert!(s.probability[level].hint.contains(needle), "{level}");
        }
        for (level, needle) in [
            (0, "menor a 10 SMLMV"),
            (1, "Entre 10 y 50 SMLMV"),
            (2, "Entre 50 y 100 SMLMV"),
            (3, "Entre 100 y 500 SMLMV"),
            (4, "Mayor a 500 SMLMV"),
        ] {
            assert!(s.impact[level].hint.contains(needle), "{level}");
        }
        assert_eq!(
            IMPACT_LABELS,
            ["Leve", "Menor", "Moderado", "Mayor", "Catastrófico"]
        );
        assert_eq!(
            PROBABILITY_LABELS,
            ["Muy baja", "Baja", "Media", "Alta", "Muy alta"]
        );
    }

    #[test]
    fn weights_are_the_guides() {
        assert_eq!(c(Preventive, Automatic).weight(), 50);
        assert_eq!(c(Preventive, Manual).weight(), 40);
        assert_eq!(c(Detective, Automatic).weight(), 40);
        assert_eq!(c(Detective, Manual).weight(), 30);
        assert_eq!(c(Corrective, Automatic).weight(), 35);
        assert_eq!(c(Corrective, Manual).weight(), 25);
        assert_eq!(ControlKind::parse("Preventivo"), Some(Preventive));
        assert_eq!(Implementation::parse("automático"), Some(Automatic));
        assert_eq!(ControlKind::parse("otro"), None);
    }
}
