//! What the sender wrote above the quote, and survey answers by reply.

use mesa_mail::{parse, parse_survey_reply, reply_text};

fn fixture_text(name: &str) -> String {
    let path = format!("{}/tests/fixtures/mail/{name}", env!("CARGO_MANIFEST_DIR"));
    parse(&std::fs::read(&path).unwrap()).text
}

#[test]
fn reply_text_cuts_every_quote_style() {
    let cases = [
        ("Listo, gracias.\n\n> Su caso fue resuelto.\n> Mesa", "Listo, gracias."),
        (
            "Sí funciona.\n\nEl mié, 2 dic 2026 a las 15:00, Mesa de Ayuda TI\n<sistemas@x.gov.co> escribió:\n\nSu caso...",
            "Sí funciona.",
        ),
        (
            "It works.\n\nOn Wed, Dec 2, 2026 at 3:00 PM Mesa <sistemas@x.gov.co> wrote:\nYour case",
            "It works.",
        ),
        ("Ok\n-----Mensaje original-----\nDe: Mesa\nEnviado: hoy", "Ok"),
        ("Ok\n\n-----Original Message-----\nFrom: Mesa\nSent: today", "Ok"),
        (
            "Gracias\n\nDe: Mesa de Ayuda TI <sistemas@x.gov.co>\nEnviado: martes, 1 de diciembre de 2026 4:12 p. m.\nPara: Ana\nAsunto: caso",
            "Gracias",
        ),
        (
            "Thanks\nFrom: Mesa <sistemas@x.gov.co>\nSent: Tuesday\nTo: Ana\nSubject: case",
            "Thanks",
        ),
        (
            "Quedo atenta.\n________________________________\nDe: Mesa\nEnviado: martes",
            "Quedo atenta.",
        ),
        ("Sin cita, solo texto.\nSegunda línea.\n\n", "Sin cita, solo texto.\nSegunda línea."),
        ("", ""),
    ];
    for (input, want) in cases {
        assert_eq!(reply_text(input), want, "input: {input:?}");
    }
    // Bottom-posting: nothing above the quote, the answer below it.
    assert_eq!(
        reply_text("El lun, 1 dic 2026, Mesa <s@x.co> escribió:\n> ¿Ya funciona?\n\nSí, ya funciona.\n> Gracias\nListo."),
        "Sí, ya funciona.\nListo."
    );
    assert_eq!(
        reply_text("> 1. Oportunidad: __\n1. 5\n> 2. Calidad: __\n2. 4"),
        "1. 5\n2. 4"
    );
    assert_eq!(reply_text("> solo cita"), "");
    // Ordinary sentences that look like quote headers are kept.
    let keep = "El equipo no enciende.\nDe: la oficina de archivo, segundo piso.\nGracias";
    assert_eq!(reply_text(keep), keep);
    let keep = "El técnico dijo que volvería.\nOn the other hand, no hubo cambio.";
    assert_eq!(reply_text(keep), keep);
}

#[test]
fn reply_text_of_fixtures() {
    assert_eq!(
        reply_text(&fixture_text("reply-threaded.eml")),
        "Ya la impresora funciona, pero quedó desconfigurada la bandeja 2."
    );
    assert_eq!(
        reply_text(&fixture_text("survey-p-equals.eml")),
        "P1=5, p2: 4, P3=3, p4: 5"
    );
}

#[test]
fn survey_reply_styles_from_fixtures() {
    let s = parse_survey_reply(&fixture_text("survey-numbered.eml"), 4, 1..=5);
    assert_eq!(s.answers, vec![Some(5), Some(4), Some(5), Some(5)]);
    assert!(s.complete, "{:?}", s.problems);
    assert_eq!(
        s.comment.as_deref(),
        Some("Muy rápida la atención, gracias.")
    );

    let s = parse_survey_reply(&fixture_text("survey-one-line.eml"), 4, 1..=5);
    assert_eq!(s.answers, vec![Some(5), Some(4), Some(5), Some(4)]);
    assert!(s.complete);

    // Words, and a phone number in the signature that must not count.
    let s = parse_survey_reply(&fixture_text("survey-words.eml"), 4, 1..=5);
    assert_eq!(s.answers, vec![Some(5), Some(4), Some(5), Some(3)]);
    assert!(s.complete, "{:?}", s.problems);

    let s = parse_survey_reply(&fixture_text("survey-p-equals.eml"), 4, 1..=5);
    assert_eq!(s.answers, vec![Some(5), Some(4), Some(3), Some(5)]);
    assert!(s.complete);

    // The app's own template filled in (question text between number and answer); the quoted
    // template below with «__» does not count.
    let s = parse_survey_reply(&fixture_text("survey-template-filled.eml"), 4, 1..=5);
    assert_eq!(s.answers, vec![Some(4), Some(5), Some(5), Some(5)]);
    assert!(s.complete, "{:?}", s.problems);
    assert_eq!(s.comment, None);

    let s = parse_survey_reply(&fixture_text("survey-problems.eml"), 4, 1..=5);
    assert!(!s.complete);
    assert_eq!(s.answers, vec![Some(5), None, None, None]);
    assert_eq!(
        s.problems,
        vec![
            "La respuesta a la pregunta 2 (7) no está entre 1 y 5",
            "La pregunta 3 tiene respuestas distintas (4 y 2)",
            "Falta la respuesta a la pregunta 4",
        ]
    );
}

#[test]
fn survey_reply_inline_variants() {
    let ok = |text: &str, want: Vec<Option<u8>>| {
        let s = parse_survey_reply(text, want.len(), 1..=5);
        assert_eq!(s.answers, want, "{text:?}: {:?}", s.problems);
        assert!(s.complete, "{text:?}: {:?}", s.problems);
    };
    ok("1. 5 2. 4 3. 5", vec![Some(5), Some(4), Some(5)]);
    ok("1) 5\n2) 4\n3) 5", vec![Some(5), Some(4), Some(5)]);
    ok("1 - 5\n2 - 4\n3 - 5", vec![Some(5), Some(4), Some(5)]);
    ok(
        "Pregunta 1: 5\nPregunta 2: 4\nPregunta 3: 5",
        vec![Some(5), Some(4), Some(5)],
    );
    ok("P1=5 P2=4 P3=5", vec![Some(5), Some(4), Some(5)]);
    ok("p1: 5\np2: 4\np3: 5", vec![Some(5), Some(4), Some(5)]);
    ok("#1: 5, #2: 4, #3: 5", vec![Some(5), Some(4), Some(5)]);
    ok("1. 5.\n2. 4.\n3. 5.", vec![Some(5), Some(4), Some(5)]);
    ok(
        "1. EXCELENTE\n2. Muy bueno\n3. Bueno\n4. regular\n5. aceptable\n6. malo\n7. Muy malo\n8. pésimo\n9. Pésima",
        vec![Some(5), Some(5), Some(4), Some(3), Some(3), Some(2), Some(1), Some(1), Some(1)],
    );
    ok("  - 1. 5\n  - 2. 4", vec![Some(5), Some(4)]);
    // The same answer twice is not a conflict.
    ok("1. 5\n2. 4\n1. 5", vec![Some(5), Some(4)]);
    // Text above the quote only.
    ok("1. 5 2. 4\n\n> 1. 1\n> 2. 1", vec![Some(5), Some(4)]);
}

#[test]
fn survey_reply_problems() {
    let s = parse_survey_reply("Gracias, todo bien.", 4, 1..=5);
    assert!(!s.complete);
    assert_eq!(s.answers, vec![None; 4]);
    assert_eq!(s.problems.len(), 4);
    assert_eq!(s.problems[0], "Falta la respuesta a la pregunta 1");

    let s = parse_survey_reply("1. 5\n2. 0\n3. 15", 3, 1..=5);
    assert!(!s.complete);
    assert_eq!(s.answers, vec![Some(5), None, None]);
    assert!(s.problems[0].contains("pregunta 2 (0)"));
    assert!(s.problems[1].contains("pregunta 3 (15)"));

    let s = parse_survey_reply("1. 5\n2. 4\n5. 3", 2, 1..=5);
    assert!(!s.complete);
    assert_eq!(s.answers, vec![Some(5), Some(4)]);
    assert_eq!(
        s.problems,
        vec!["La pregunta 5 no existe: la encuesta tiene 2 preguntas"]
    );

    let s = parse_survey_reply("1. bueno\n1. malo", 1, 1..=5);
    assert!(!s.complete);
    assert_eq!(
        s.problems,
        vec!["La pregunta 1 tiene respuestas distintas (4 y 2)"]
    );

    // Other scales.
    let s = parse_survey_reply("1. 9 2. 10", 2, 1..=10);
    assert!(s.complete);
    assert_eq!(s.answers, vec![Some(9), Some(10)]);
    let s = parse_survey_reply("", 0, 1..=5);
    assert!(s.complete && s.answers.is_empty());
}
