//! `mesa account …`, acting as an account with `--user` and `MESA_PASSWORD`, refused actions
//! with a non-zero exit and a Spanish message, and the access log (issue 14).


use std::io::Write;
use std::process::{Output, Stdio};

use crate::common::Env;

const NOW: &str = "2026-03-02T09:00";

/// Runs `mesa` with `stdin` piped in and the given user/password in the environment.
fn run(env: &Env, user: Option<(&str, &str)>, stdin: Option<&str>, args: &[&str]) -> Output {
    let mut c = env.cmd();
    c.arg("--now").arg(NOW).args(args);
    if let Some((u, p)) = user {
        c.env("MESA_USER", u).env("MESA_PASSWORD", p);
    }
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "falló: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: Output) -> String {
    assert!(
        !o.status.success(),
        "debió fallar: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const ADMIN: (&str, &str) = ("jefe", "clave-del-jefe");
const TEC: (&str, &str) = ("tomas", "clave-de-tomas");
const CON: (&str, &str) = ("control", "clave-de-control");

fn office(env: &Env) {
    // The first account: no login needed, must be an administrator.
    let e = err(run(
        env,
        None,
        Some("clave-de-tomas\n"),
        &[
            "account",
            "new",
            "tomas",
            "--name",
            "Tomás Técnico",
            "--role",
            "tecnico",
            "--password-stdin",
        ],
    ));
    assert!(e.contains("administrador"), "{e}");
    ok(run(
        env,
        None,
        Some("clave-del-jefe\n"),
        &[
            "account",
            "new",
            "jefe",
            "--name",
            "Ana Jefe",
            "--cargo",
            "Jefe de la Oficina TIC",
            "--role",
            "administrador",
            "--password-stdin",
        ],
    ));
    ok(run(
        env,
        Some(ADMIN),
        Some("clave-de-tomas\n"),
        &[
            "account",
            "new",
            "tomas",
            "--name",
            "Tomás Técnico",
            "--cargo",
            "Técnico",
            "--role",
            "tecnico",
            "--password-stdin",
        ],
    ));
    ok(run(
        env,
        Some(ADMIN),
        Some("clave-de-control\n"),
        &[
            "account",
            "new",
            "control",
            "--name",
            "Carlos Control",
            "--role",
            "consulta",
            "--password-stdin",
        ],
    ));
}

#[test]
fn commands_act_as_an_account_and_refuse_what_the_role_lacks() {
    let env = Env::new();
    office(&env);
    // No user: refused with a Spanish message.
    let e = err(run(&env, None, None, &["ticket", "list"]));
    assert!(e.contains("--user"), "{e}");
    // Wrong password.
    let e = err(run(
        &env,
        Some(("tomas", "equivocada")),
        None,
        &["ticket", "list"],
    ));
    assert!(e.contains("usuario o contraseña incorrectos"), "{e}");
    // The técnico registers a case; the timeline carries his name.
    let out = ok(run(
        &env,
        Some(TEC),
        None,
        &[
            "--json",
            "ticket",
            "new",
            "--requester",
            "Luis Pérez",
            "--department",
            "Tesorería",
            "--description",
            "No imprime",
        ],
    ));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let n = v["number"].as_str().unwrap().to_string();
    let show = ok(run(
        &env,
        Some(TEC),
        None,
        &["--json", "ticket", "show", &n],
    ));
    assert!(show.contains("Tomás Técnico"), "{show}");
    // A técnico cannot restore nor change settings.
    let e = err(run(
        &env,
        Some(TEC),
        None,
        &["backup", "restore", "/no/existe.db"],
    ));
    assert!(e.contains("Su rol (Técnico) no permite restaurar"), "{e}");
    let e = err(run(
        &env,
        Some(TEC),
        None,
        &["settings", "set", "--entity-name", "Otra"],
    ));
    assert!(e.contains("no permite cambiar ajustes"), "{e}");
    // Consulta reads but registers nothing.
    ok(run(&env, Some(CON), None, &["ticket", "list"]));
    let e = err(run(
        &env,
        Some(CON),
        None,
        &[
            "ticket",
            "new",
            "--requester",
            "X",
            "--department",
            "Tesorería",
            "--description",
            "Y",
        ],
    ));
    assert!(
        e.contains("Su rol (Consulta) no permite registrar casos"),
        "{e}"
    );
    // JSON errors carry the stable code.
    let e = err(run(
        &env,
        Some(CON),
        None,
        &[
            "--json",
            "ticket",
            "new",
            "--requester",
            "X",
            "--department",
            "Tesorería",
            "--description",
            "Y",
        ],
    ));
    assert!(e.contains("\"code\":\"forbidden\""), "{e}");
    // Only an administrator manages accounts.
    let e = err(run(
        &env,
        Some(TEC),
        None,
        &["account", "deactivate", "control"],
    ));
    assert!(e.contains("no permite administrar cuentas"), "{e}");
    ok(run(
        &env,
        Some(ADMIN),
        None,
        &["account", "deactivate", "control"],
    ));
    let e = err(run(&env, Some(CON), None, &["ticket", "list"]));
    assert!(e.contains("desactivada"), "{e}");
    // The list and the access log.
    let list = ok(run(&env, Some(ADMIN), None, &["--json", "account", "list"]));
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);
    let log = ok(run(
        &env,
        Some(ADMIN),
        None,
        &["--json", "access-log", "--limit", "0"],
    ));
    let v: serde_json::Value = serde_json::from_str(&log).unwrap();
    let events: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert!(events.contains(&"failed"), "{events:?}");
    assert!(events.contains(&"deactivated"), "{events:?}");
    assert!(events.contains(&"login"), "{events:?}");
}

#[test]
fn an_administrator_resets_a_password_and_the_person_sets_it_at_first_login() {
    let env = Env::new();
    office(&env);
    ok(run(
        &env,
        Some(ADMIN),
        Some("clave-temporal-1\n"),
        &["account", "password", "tomas", "--password-stdin"],
    ));
    err(run(&env, Some(TEC), None, &["ticket", "list"]));
    ok(run(
        &env,
        Some(("tomas", "clave-temporal-1")),
        None,
        &["ticket", "list"],
    ));
    // Without --password-stdin the password is cleared: the CLI cannot log in until it is set.
    ok(run(
        &env,
        Some(ADMIN),
        None,
        &["account", "password", "tomas"],
    ));
    let e = err(run(
        &env,
        Some(("tomas", "lo-que-sea")),
        None,
        &["ticket", "list"],
    ));
    assert!(e.contains("aún no tiene contraseña"), "{e}");
}
