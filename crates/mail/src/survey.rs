//! Reading survey answers written by reply («1. 5», «Pregunta 2: 4», «P3=bueno»…).

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use crate::classify::fold;
use crate::reply::reply_text;

/// The answers found in a reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyReply {
    /// One entry per question (index 0 is question 1); `None` when missing or ambiguous.
    pub answers: Vec<Option<u8>>,
    /// Every question answered once, within the scale, with no problem.
    pub complete: bool,
    /// What is wrong, in Spanish, one line each.
    pub problems: Vec<String>,
    /// The text after «Comentarios:», when the requester wrote one.
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(u32),
    Word(String),
    /// One of `. ) : = - –`.
    Mark,
    /// `#`, as in `#1: 5`.
    Hash,
    Other,
}

/// Reads the answers of a survey with `questions` questions on `scale` (the core's is 1..=5)
/// from a reply. Only the text above the quoted part counts. Words after a question number are
/// accepted: excelente/muy bueno = 5, bueno = 4, regular/aceptable = 3, malo = 2,
/// muy malo/pésimo = 1 (accents and case folded).
pub fn parse_survey_reply(text: &str, questions: usize, scale: RangeInclusive<u8>) -> SurveyReply {
    let questions = questions.min(100);
    let own = reply_text(text);
    let mut answers: Vec<Option<u8>> = vec![None; questions];
    let mut seen: Vec<Vec<u32>> = vec![Vec::new(); questions];
    let mut problems: Vec<String> = Vec::new();
    let mut comment: Option<String> = None;
    let mut in_comment = false;

    for line in own.lines() {
        let folded = fold(line);
        if in_comment {
            if folded.is_empty() {
                in_comment = false;
            } else {
                append(&mut comment, line.trim());
            }
            continue;
        }
        if let Some(rest) = comment_start(line, &folded) {
            in_comment = true;
            if !rest.is_empty() {
                append(&mut comment, rest);
            }
            continue;
        }
        for (q, v) in line_answers(&folded) {
            let Some(slot) = (q as usize).checked_sub(1).filter(|&i| i < questions) else {
                // Large numbers at the start of a line are not question numbers (phones, years).
                if q > 99 {
                    continue;
                }
                problems.push(format!(
                    "La pregunta {q} no existe: la encuesta tiene {questions} preguntas"
                ));
                continue;
            };
            if !seen[slot].contains(&v) {
                seen[slot].push(v);
            }
        }
    }

    for (i, vals) in seen.iter().enumerate() {
        let n = i + 1;
        match vals.as_slice() {
            [] => problems.push(format!("Falta la respuesta a la pregunta {n}")),
            [v] => {
                let in_scale = u8::try_from(*v).ok().filter(|b| scale.contains(b));
                match in_scale {
                    Some(b) => answers[i] = Some(b),
                    None => problems.push(format!(
                        "La respuesta a la pregunta {n} ({v}) no está entre {} y {}",
                        scale.start(),
                        scale.end()
                    )),
                }
            }
            many => problems.push(format!(
                "La pregunta {n} tiene respuestas distintas ({})",
                many.iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join(" y ")
            )),
        }
    }
    let complete = problems.is_empty() && answers.iter().all(Option::is_some);
    SurveyReply {
        answers,
        complete,
        problems,
        comment,
    }
}

fn append(acc: &mut Option<String>, s: &str) {
    let s = s.trim();
    if s.is_empty() {
        return;
    }
    match acc {
        Some(a) => {
            a.push('\n');
            a.push_str(s);
        }
        None => *acc = Some(s.to_string()),
    }
}

/// «Comentarios: …» / «Comentario: …» / «Observaciones: …»: the rest of the line, as written.
fn comment_start<'a>(line: &'a str, folded: &str) -> Option<&'a str> {
    let starts = ["comentarios", "comentario", "observaciones", "observacion"];
    if !starts.iter().any(|s| folded.starts_with(s)) {
        return None;
    }
    let idx = line.find(':')?;
    Some(line[idx + 1..].trim())
}

fn tokens(folded: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let chars: Vec<char> = folded.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let mut v: u32 = 0;
            while i < chars.len() && chars[i].is_ascii_digit() {
                v = v
                    .saturating_mul(10)
                    .saturating_add(chars[i].to_digit(10).unwrap_or(0));
                i += 1;
            }
            out.push(Tok::Num(v));
            continue;
        }
        if c.is_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_alphabetic() {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
            continue;
        }
        if matches!(c, '.' | ')' | ':' | '=' | '-' | '–' | '—') {
            out.push(Tok::Mark);
        } else if c == '#' {
            out.push(Tok::Hash);
        } else if !c.is_whitespace() {
            out.push(Tok::Other);
        }
        i += 1;
    }
    out
}

/// Rating words and how many tokens they take.
fn rating_word(toks: &[Tok], i: usize) -> Option<(u32, usize)> {
    let Tok::Word(w) = toks.get(i)? else {
        return None;
    };
    if w == "muy" {
        if let Some(Tok::Word(next)) = toks.get(i + 1) {
            match next.as_str() {
                "bueno" | "buena" | "buenos" | "buenas" => return Some((5, 2)),
                "malo" | "mala" | "malos" | "malas" => return Some((1, 2)),
                _ => {}
            }
        }
        return None;
    }
    Some(match w.as_str() {
        "excelente" | "excelentes" => (5, 1),
        "bueno" | "buena" | "buenos" | "buenas" => (4, 1),
        "regular" | "aceptable" => (3, 1),
        "malo" | "mala" | "malos" | "malas" => (2, 1),
        "pesimo" | "pesima" | "pesimos" | "pesimas" => (1, 1),
        _ => return None,
    })
}

/// (question, value) pairs on one folded line. A question is a number followed by `.`, `)`,
/// `:`, `=` or `-` at the start of the line or right after an answer, or a number after
/// «pregunta»/«p»/«#» anywhere; its value is the next number or rating word on the same line
/// (question text in between is skipped). Numbers elsewhere (phones, dates) are ignored.
fn line_answers(folded: &str) -> Vec<(u32, u32)> {
    let toks = tokens(folded);
    let mut out = Vec::new();
    let mut pending: Option<u32> = None;
    let mut may_start = true;
    let mut i = 0;
    while i < toks.len() {
        match pending {
            None => {
                let prefixed = matches!(&toks[i], Tok::Word(w) if w == "pregunta" || w == "preg" || w == "p")
                    || toks[i] == Tok::Hash;
                if prefixed {
                    if let Some(Tok::Num(q)) = toks.get(i + 1) {
                        pending = Some(*q);
                        i += 2;
                        continue;
                    }
                }
                if may_start {
                    if let (Some(Tok::Num(q)), Some(Tok::Mark)) = (toks.get(i), toks.get(i + 1)) {
                        pending = Some(*q);
                        i += 2;
                        continue;
                    }
                }
                if !matches!(toks[i], Tok::Mark | Tok::Other) {
                    may_start = false;
                }
                i += 1;
            }
            Some(q) => {
                if let Tok::Num(v) = toks[i] {
                    out.push((q, v));
                    pending = None;
                    may_start = true;
                    i += 1;
                    continue;
                }
                if let Some((v, len)) = rating_word(&toks, i) {
                    out.push((q, v));
                    pending = None;
                    may_start = true;
                    i += len;
                    continue;
                }
                i += 1;
            }
        }
    }
    out
}
