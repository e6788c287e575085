//! `mesa indicator list|show|set|new|value|values|analysis` on the real binary (issue 18): a
//! temporary data directory, fixed `--now`.

use serde_json::Value;

use crate::common::Env;

/// A case received at `received` and attended (started) at `started`.
fn case(env: &Env, received: &str, started: &str) {
    let n = env
        .ok(
            received,
            &[
                "ticket",
                "new",
                "--requester",
                "Ana Gutiérrez",
                "--department",
                "tesoreria",
                "--description",
                "Sin red en el piso 2",
                "--received-at",
                received,
            ],
        )
        .trim()
        .to_string();
    env.ok(started, &["ticket", "start", &n]);
}

fn ind<'a>(list: &'a Value, code: &str) -> &'a Value {
    list["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["sheet"]["code"] == code)
        .unwrap_or_else(|| panic!("{code} no está en la lista"))
}

const NOW: &str = "2026-03-15T09:00";

#[test]
fn list_set_values_and_manual_value() {
    let env = Env::new();
    // January: 1 of 2 attended within 12 business hours (50 %); February: 2 of 2 (100 %).
    case(&env, "2026-01-05T08:00", "2026-01-05T09:00");
    case(&env, "2026-01-05T08:00", "2026-01-07T09:00");
    case(&env, "2026-02-02T08:00", "2026-02-02T09:00");
    case(&env, "2026-02-03T08:00", "2026-02-03T10:00");

    let list = env.json(NOW, &["indicator", "list"]);
    let r = ind(&list, "IND-01");
    assert_eq!(r["last"]["period"], "2026-02");
    assert_eq!(r["last"]["value"], 100.0);
    assert_eq!(r["last"]["light"], "satisfactory");
    assert_eq!(r["current"]["period"], "2026-03");
    assert!(r["current"]["light"].is_null(), "{r}");
    let text = env.ok(NOW, &["indicator", "list"]);
    assert!(text.contains("IND-01"), "{text}");
    assert!(text.contains("Satisfactorio"), "{text}");

    // Raise the target: 100 % stays satisfactory, January's 50 % is critical.
    let s = env.json(
        NOW,
        &[
            "indicator",
            "set",
            "IND-01",
            "--target",
            "95",
            "--satisfactory",
            "95",
            "--acceptable",
            "60",
            "--owner",
            "Ingeniero de sistemas",
        ],
    );
    assert_eq!(s["target"], 95.0);
    assert_eq!(s["owner_measure"], "Ingeniero de sistemas");
    let v = env.json(NOW, &["indicator", "values", "IND-01", "--periods", "3"]);
    let got: Vec<(String, Value, Value)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["period"].as_str().unwrap().to_string(),
                x["value"].clone(),
                x["light"].clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("2026-01".into(), Value::from(50.0), Value::from("critical")),
            (
                "2026-02".into(),
                Value::from(100.0),
                Value::from("satisfactory")
            ),
            ("2026-03".into(), Value::Null, Value::Null),
        ]
    );
    let shown = env.ok(NOW, &["indicator", "show", "ind-01"]);
    assert!(shown.contains("Meta: ≥ 95 %"), "{shown}");
    assert!(shown.contains("Fórmula: % atendidos dentro del plazo de respuesta"));

    // Thresholds against the direction are refused in Spanish.
    let e = env.fails(NOW, &["indicator", "set", "IND-01", "--acceptable", "99"]);
    assert_eq!(e["code"], "validation");
    // A computed indicator's value is never typed.
    let e = env.fails(
        NOW,
        &[
            "indicator",
            "value",
            "IND-01",
            "--period",
            "2026-02",
            "--value",
            "80",
        ],
    );
    assert!(
        e["message"].as_str().unwrap().contains("no se digita"),
        "{e}"
    );
    // …but its analysis is stored.
    env.ok(
        NOW,
        &[
            "indicator",
            "analysis",
            "IND-01",
            "--period",
            "2026-01",
            "--text",
            "Un técnico en vacaciones",
        ],
    );

    // A manual indicator, quarterly, lower is better.
    env.ok(
        NOW,
        &[
            "indicator",
            "new",
            "TIC-02",
            "--name",
            "Incidentes de seguridad",
            "--unit",
            "casos",
            "--frequency",
            "trimestral",
            "--target",
            "2",
            "--acceptable",
            "4",
            "--direction",
            "down",
            "--formula",
            "Incidentes de seguridad registrados en el trimestre",
        ],
    );
    let v = env.json(
        NOW,
        &[
            "indicator",
            "value",
            "TIC-02",
            "--period",
            "2026-02",
            "--value",
            "3",
            "--analysis",
            "Dos correos de phishing",
        ],
    );
    assert_eq!(v["period"], "2026-01");
    assert_eq!(v["light"], "acceptable");
    let e = env.fails(
        NOW,
        &[
            "indicator",
            "value",
            "TIC-02",
            "--period",
            "2026-07",
            "--value",
            "1",
        ],
    );
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("aún no ha empezado"),
        "{e}"
    );
    let text = env.ok(NOW, &["indicator", "values", "TIC-02", "--periods", "2"]);
    assert!(text.contains("ene–mar 2026"), "{text}");
    assert!(text.contains("3 casos"), "{text}");
    assert!(text.contains("Dos correos de phishing"), "{text}");
    let v = env.json(NOW, &["indicator", "values", "IND-01", "--periods", "3"]);
    assert_eq!(v[0]["analysis"], "Un técnico en vacaciones");
    let e = env.fails(NOW, &["indicator", "show", "NADA"]);
    assert_eq!(e["code"], "catalog_not_found");
}
