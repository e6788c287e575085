//! `mesa demo` fills Equipos and Mantenimiento too: a fixed inventory (with peripherals and two
//! retired equipment), the year's maintenance plan with its logs for the months already past,
//! and demo cases linked to equipment. Deterministic for a seed.

use crate::common::Env;
use serde_json::Value;

const NOW: &str = "2026-07-15T10:00";

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().expect("lista JSON")
}

#[test]
fn demo_creates_inventory_plan_logs_and_cases_linked_to_equipment() {
    let env = Env::new();
    let v = env.json(NOW, &["demo", "--cases", "300", "--seed", "7"]);
    assert_eq!(v["created"], 300);

    // 61 equipment, two retired with an approved concepto de baja
    let all = env.json(NOW, &["asset", "list", "--all"]);
    assert_eq!(arr(&all).len(), 61);
    let active = env.json(NOW, &["asset", "list"]);
    assert_eq!(arr(&active).len(), 59);
    let retired = env.json(NOW, &["asset", "list", "--status", "decommissioned"]);
    assert_eq!(arr(&retired).len(), 2);
    assert!(arr(&retired).iter().all(|a| a["decommission_concept"]
        .as_str()
        .unwrap()
        .starts_with("CTB-2026-")));
    for kind in [
        "Computador de escritorio",
        "Portátil",
        "Impresora",
        "Escáner",
        "Servidor",
        "Switch",
        "UPS",
        "Teléfono IP",
    ] {
        assert!(
            arr(&all).iter().any(|a| a["kind"] == kind),
            "falta un equipo de tipo {kind}"
        );
    }
    // every equipment has brand, model, serial, dependencia and custodian
    for a in arr(&all) {
        for f in ["brand", "model", "serial", "department", "custodian"] {
            assert!(
                a[f].as_str().is_some_and(|s| !s.is_empty()),
                "{f} vacío en {a}"
            );
        }
    }
    // peripherals on a few computers (the placa is found in any form)
    let pc = env.json(NOW, &["asset", "show", "ind 0001"]);
    assert_eq!(pc["tag"], "IND-0001");
    assert!(!arr(&pc["peripherals"]).is_empty());

    // the plan of the year: logs for the months past, some late, one pending
    let plan = env.json(NOW, &["plan", "list", "--year", "2026"]);
    assert_eq!(arr(&plan["rows"]).len(), 7);
    let c = &plan["compliance"];
    assert_eq!(c["programmed"], 22, "{c}");
    assert_eq!(c["executed"], 18, "{c}");
    let on_time = c["on_time"].as_i64().unwrap();
    assert!(on_time > 0 && on_time < 18, "{c}");
    let due = env.json(NOW, &["plan", "due"]);
    assert!(!due.to_string().is_empty());

    // demo cases linked to equipment, shown on the equipment's record
    let cases = env.json(NOW, &["ticket", "list", "--limit", "1000"]);
    let cases = arr(&cases);
    assert_eq!(cases.len(), 300);
    let linked: Vec<&str> = cases
        .iter()
        .filter_map(|t| t["asset_tag"].as_str())
        .collect();
    assert!(linked.len() >= 30, "solo {} casos con placa", linked.len());
    let tag = linked[0];
    let rec = env.json(NOW, &["asset", "show", tag]);
    assert!(!arr(&rec["cases"]).is_empty(), "{tag} sin casos vinculados");

    // deterministic: the same seed gives the same data
    let env2 = Env::new();
    env2.json(NOW, &["demo", "--cases", "300", "--seed", "7"]);
    assert_eq!(env2.json(NOW, &["asset", "list", "--all"]), all);
    let cases2 = env2.json(NOW, &["ticket", "list", "--limit", "1000"]);
    let linked2: Vec<&str> = arr(&cases2)
        .iter()
        .filter_map(|t| t["asset_tag"].as_str())
        .collect();
    assert_eq!(linked, linked2);

    // a second demo run adds cases without repeating the inventory or the plan
    env.json(NOW, &["demo", "--cases", "5"]);
    assert_eq!(arr(&env.json(NOW, &["asset", "list", "--all"])).len(), 61);
}
