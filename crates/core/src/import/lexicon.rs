//! The header lexicon: how offices title each field's column, written as data
//! (`lexicon/es.txt`, embedded) and parsed once. Headers and synonyms are compared after the
//! same normalisation (`normalize`): case, accents, punctuation and spacing folded, `º`/`ª`
//! dropped, and abbreviations expanded word by word («Fecha sol.» → «fecha solicitud»).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::text::fold;

const ES: &str = include_str!("lexicon/es.txt");

/// One synonym of a field: its normalised text and its weight (1 = strong, below 1 = weak).
#[derive(Debug, Clone)]
pub struct Synonym {
    pub text: String,
    pub weight: f64,
}

/// The parsed lexicon.
#[derive(Debug, Default)]
pub struct Lexicon {
    /// Abbreviation (1 or 2 normalised words) → expansion.
    abbreviations: HashMap<String, String>,
    /// (kind — `casos` or `equipos` —, field key) → synonyms.
    fields: HashMap<(String, String), Vec<Synonym>>,
}

/// A problem in the lexicon file (caught by a unit test; the embedded file is fixed at build).
#[derive(Debug, Clone, PartialEq)]
pub struct LexiconError {
    pub line: usize,
    pub message: String,
}

impl Lexicon {
    /// Parses a lexicon file (format described at the top of `lexicon/es.txt`).
    pub fn parse(text: &str) -> Result<Self, LexiconError> {
        let mut lex = Lexicon::default();
        let mut section: Option<Section> = None;
        let mut raw_abbr: Vec<(String, String)> = Vec::new();
        let mut raw_fields: Vec<((String, String), String, f64)> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            let err = |message: String| LexiconError {
                line: i + 1,
                message,
            };
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = Some(if name == "abreviaturas" {
                    Section::Abbreviations
                } else {
                    let (kind, key) = name
                        .split_once('.')
                        .ok_or_else(|| err(format!("sección «{name}» sin campo")))?;
                    if !matches!(kind, "casos" | "equipos") {
                        return Err(err(format!("tipo «{kind}» desconocido")));
                    }
                    Section::Field(kind.to_string(), key.to_string())
                });
                continue;
            }
            match &section {
                None => return Err(err("línea fuera de una sección".into())),
                Some(Section::Abbreviations) => {
                    let (a, b) = line
                        .split_once('=')
                        .ok_or_else(|| err("se esperaba «abreviatura = palabra»".into()))?;
                    raw_abbr.push((header_fold(a), header_fold(b)));
                }
                Some(Section::Field(kind, key)) => {
                    let (t, w) = match line.split_once('|') {
                        Some((t, w)) => (
                            t,
                            w.trim()
                                .parse::<f64>()
                                .ok()
                                .filter(|w| *w > 0.0 && *w <= 1.0)
                                .ok_or_else(|| err(format!("peso «{}» no válido", w.trim())))?,
                        ),
                        None => (line, 1.0),
                    };
                    raw_fields.push(((kind.clone(), key.clone()), t.to_string(), w));
                }
            }
        }
        for (a, b) in raw_abbr {
            if a.is_empty() || b.is_empty() {
                continue;
            }
            lex.abbreviations.insert(a, b);
        }
        for (k, t, w) in raw_fields {
            let text = lex.normalize(&t);
            if text.is_empty() {
                continue;
            }
            let list = lex.fields.entry(k).or_default();
            if !list.iter().any(|s| s.text == text) {
                list.push(Synonym { text, weight: w });
            }
        }
        Ok(lex)
    }

    /// The synonyms of one field of `kind` (`casos` or `equipos`); empty when the lexicon
    /// does not name it.
    pub fn synonyms(&self, kind: &str, key: &str) -> &[Synonym] {
        self.fields
            .get(&(kind.to_string(), key.to_string()))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Every (kind, field key) the lexicon names.
    pub fn sections(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.keys().map(|(k, f)| (k.as_str(), f.as_str()))
    }

    /// A header (or synonym) as compared: folded, abbreviations expanded word by word (two-word
    /// abbreviations first, e.g. «s n» → «serial»).
    pub fn normalize(&self, s: &str) -> String {
        let f = header_fold(s);
        let toks: Vec<&str> = f.split(' ').filter(|t| !t.is_empty()).collect();
        let mut out: Vec<&str> = Vec::with_capacity(toks.len());
        let mut i = 0;
        while i < toks.len() {
            if i + 1 < toks.len() {
                let pair = format!("{} {}", toks[i], toks[i + 1]);
                if let Some(e) = self.abbreviations.get(&pair) {
                    out.push(e);
                    i += 2;
                    continue;
                }
            }
            match self.abbreviations.get(toks[i]) {
                Some(e) => out.push(e),
                None => out.push(toks[i]),
            }
            i += 1;
        }
        out.join(" ")
    }
}

enum Section {
    Abbreviations,
    Field(String, String),
}

/// [`fold`] plus the ordinal signs (`Nº`, `N°`) read as the letter alone.
fn header_fold(s: &str) -> String {
    fold(&s.replace(['º', 'ª', '°'], " "))
}

/// The Spanish lexicon, parsed once.
pub fn es() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    // The embedded file is checked by a unit test; a broken one yields an empty lexicon (the
    // importer still maps by content and by saved mappings) rather than a panic.
    LEX.get_or_init(|| Lexicon::parse(ES).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_lexicon_parses() {
        let lex = Lexicon::parse(ES).expect("lexicon/es.txt");
        assert!(lex.synonyms("casos", "description").len() > 20);
        assert!(lex.synonyms("casos", "assignee").len() > 20);
    }

    #[test]
    fn bad_lexicon_lines_are_reported_with_their_line() {
        let e = Lexicon::parse("[casos.description]\nfalla | 7\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(Lexicon::parse("suelta\n").is_err());
        assert!(Lexicon::parse("[otros.x]\na\n").is_err());
    }

    #[test]
    fn abbreviations_accents_case_and_punctuation_fold() {
        let lex = es();
        assert_eq!(lex.normalize("FECHA SOL."), "fecha solicitud");
        assert_eq!(lex.normalize("Nº"), "n");
        assert_eq!(lex.normalize("No. de Radicado"), "numero de radicado");
        assert_eq!(lex.normalize("Dato F"), "dato f");
        assert_eq!(lex.normalize("Tel./Ext."), "telefono extension");
        assert_eq!(lex.normalize("E-mail"), "correo");
        assert_eq!(lex.normalize("Dpto."), "dependencia");
    }
}
