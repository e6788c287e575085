//! Keeping only what the sender wrote above the quoted part of a reply.

use crate::classify::fold;

/// The part of a reply the sender wrote, above the quoted message: cut at the first `>` quoted
/// block, «El … escribió:», «On … wrote:», «-----Mensaje original-----», «-----Original
/// Message-----», an Outlook header block («De: … Enviado: …», «From: … Sent: …») or the line
/// of underscores Outlook puts before it. Trailing blank lines are removed.
///
/// When nothing is written above a `>` quote (bottom-posting, as Thunderbird users do), the
/// lines outside the `>` quotes are kept instead, so the answer is not lost.
pub fn reply_text(text: &str) -> String {
    let above = text_above_quote(text);
    if !above.is_empty() {
        return above;
    }
    let lines: Vec<&str> = text.lines().collect();
    let starts_with_quote = lines
        .iter()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .is_some_and(|l| l.starts_with('>') || is_attribution(l));
    if !starts_with_quote {
        return above;
    }
    let mut out: Vec<&str> = Vec::new();
    for l in &lines {
        let t = l.trim();
        if t.starts_with('>') || is_attribution(t) {
            continue;
        }
        if is_separator(t) {
            break;
        }
        out.push(l.trim_end());
    }
    out.join("\n").trim().to_string()
}

/// «El … escribió:» / «On … wrote:» on one line.
fn is_attribution(t: &str) -> bool {
    let f = fold(t);
    f.ends_with("escribio:") || f.ends_with("wrote:")
}

fn text_above_quote(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut cut = lines.len();
    for (i, line) in lines.iter().enumerate() {
        if is_quote_start(&lines, i, line) {
            cut = i;
            break;
        }
    }
    let kept = &lines[..cut];
    let mut out = kept
        .iter()
        .map(|l| l.trim_end())
        .collect::<Vec<_>>()
        .join("\n");
    let trimmed_len = out.trim_end().len();
    out.truncate(trimmed_len);
    // Leading blank lines too.
    out.trim_start_matches(['\n', '\r']).to_string()
}

fn is_quote_start(lines: &[&str], i: usize, line: &str) -> bool {
    let t = line.trim();
    if t.starts_with('>') {
        return true;
    }
    if is_separator(t) {
        return true;
    }
    let f = fold(t);
    // «El lun, 2 dic 2026 a las 10:00, Ana <ana@x> escribió:» (possibly wrapped on 2–3 lines).
    if f.starts_with("el ") || f.starts_with("on ") {
        // The attribution line may be wrapped: one of the next lines ends with the verb.
        let verb = if f.starts_with("el ") {
            "escribio:"
        } else {
            "wrote:"
        };
        for l in lines.iter().skip(i).take(3) {
            let lf = fold(l.trim());
            if lf.is_empty() {
                break;
            }
            if lf.ends_with(verb) {
                return true;
            }
        }
    }
    if f.ends_with("escribio:") || f.ends_with("wrote:") {
        return true;
    }
    // Outlook header block: «De: …» followed within a few lines by «Enviado:»/«Fecha:»,
    // or «From: …» followed by «Sent:»/«Date:».
    if let Some(kind) = header_kind(&f) {
        let next: Vec<String> = lines
            .iter()
            .skip(i + 1)
            .take(4)
            .map(|l| fold(l.trim()))
            .collect();
        let follows = next.iter().any(|n| match kind {
            Lang::Es => {
                n.starts_with("enviado:")
                    || n.starts_with("fecha:")
                    || n.starts_with("enviado el:")
                    || n.starts_with("para:")
                    || n.starts_with("sent:")
            }
            Lang::En => n.starts_with("sent:") || n.starts_with("date:") || n.starts_with("to:"),
        });
        if follows {
            return true;
        }
    }
    false
}

enum Lang {
    Es,
    En,
}

fn header_kind(f: &str) -> Option<Lang> {
    let f = f.trim_start_matches('*');
    if f.starts_with("de:") {
        Some(Lang::Es)
    } else if f.starts_with("from:") {
        Some(Lang::En)
    } else {
        None
    }
}

fn is_separator(t: &str) -> bool {
    let f = fold(t);
    let core = f.trim_matches(|c: char| c == '-' || c == ' ' || c == '_' || c == '=');
    let dashed = f.starts_with("---") || f.starts_with("___") || f.starts_with("===");
    if dashed
        && matches!(
            core,
            "mensaje original"
                | "original message"
                | "mensaje reenviado"
                | "forwarded message"
                | "respuesta original"
        )
    {
        return true;
    }
    // Outlook's line of underscores before the header block.
    t.len() >= 10 && t.chars().all(|c| c == '_')
}
