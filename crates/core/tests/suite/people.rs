//! People (issue 14): accounts, login with an increasing delay, the permission matrix checked in
//! core (every role × a real call of each kind of action), separation of duties, staff turned
//! into accounts, the access log and signature blocks with real names and cargos.

use chrono::{DateTime, Duration, Utc};
use mesa_core::assets::{NewAsset, NewDecommissionConcept};
use mesa_core::clock::parse_time_input;
use mesa_core::people::accounts::AccountInput;
use mesa_core::people::{allows, Permission, Role};
use mesa_core::*;

fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

fn input(login: &str, name: &str, role: &str) -> AccountInput {
    AccountInput {
        login: login.into(),
        name: name.into(),
        cargo: format!("Cargo de {name}"),
        role: role.into(),
    }
}

const PW: &str = "clave-de-prueba-1";

/// A database with an administrator (logged in) and one account of each other role.
fn office() -> Store {
    let mut s = crate::support::store();
    let now = at("2026-03-02T08:00");
    s.create_account(&input("jefe", "Ana Jefe", "administrador"), Some(PW), now)
        .unwrap();
    for (l, n, r) in [
        ("tec", "Tomás Técnico", "tecnico"),
        ("aux", "Aura Auxiliar", "auxiliar"),
        ("con", "Carlos Control", "consulta"),
    ] {
        s.create_account(&input(l, n, r), Some(PW), now).unwrap();
    }
    s
}

fn as_role(s: &mut Store, login: &str) {
    s.logout("logout", at("2026-03-02T08:01")).unwrap();
    s.login(login, PW, at("2026-03-02T08:02")).unwrap();
}

fn case(s: &mut Store, actor: &str) -> Ticket {
    s.create_ticket(
        &NewTicket {
            requester: "Luis Pérez".into(),
            department: "Tesorería".into(),
            description: "No imprime".into(),
            ..Default::default()
        },
        actor,
        at("2026-03-02T09:00"),
    )
    .unwrap()
}

fn is_forbidden<T: std::fmt::Debug>(r: &std::result::Result<T, CoreError>) -> bool {
    matches!(r, Err(CoreError::Forbidden { .. }))
}

#[test]
fn the_first_account_must_be_an_administrator_and_turns_logins_on() {
    let mut s = crate::support::store();
    assert!(!s.accounts_enabled().unwrap());
    // Logins off: everything allowed under the default actor.
    s.authorize(Permission::Restore).unwrap();
    let e = s
        .create_account(
            &input("tec", "Tomás", "tecnico"),
            Some(PW),
            at("2026-03-02T08:00"),
        )
        .unwrap_err();
    assert!(e.to_string().contains("administrador"), "{e}");
    s.create_account(
        &input("jefe", "Ana", "administrador"),
        Some(PW),
        at("2026-03-02T08:00"),
    )
    .unwrap();
    assert!(s.accounts_enabled().unwrap());
    assert_eq!(s.principal().unwrap().login, "jefe");
    s.logout("logout", at("2026-03-02T08:05")).unwrap();
    let e = s.authorize(Permission::CaseRegister).unwrap_err();
    assert_eq!(e.code(), "login_required");
    assert!(e.to_string().contains("Inicie sesión"), "{e}");
}

#[test]
fn every_role_is_checked_in_core_against_the_matrix() {
    // One real call per kind of action; a refusal must be exactly `forbidden`, and it must come
    // for exactly the roles the matrix denies.
    type Call = fn(&mut Store, &str) -> std::result::Result<(), CoreError>;
    let calls: Vec<(Permission, Call)> = vec![
        (Permission::CaseRegister, |s, _| {
            s.create_ticket(
                &NewTicket {
                    requester: "Luis Pérez".into(),
                    department: "Tesorería".into(),
                    description: "No imprime".into(),
                    ..Default::default()
                },
                "x",
                at("2026-03-02T09:00"),
            )
            .map(|_| ())
        }),
        (Permission::Equipment, |s, _| {
            s.create_asset(
                &NewAsset {
                    tag: format!("IND{}", s.list_assets(&Default::default())?.len() + 100),
                    kind: "computador".into(),
                    ..Default::default()
                },
                "x",
                at("2026-03-02T09:00"),
            )
            .map(|_| ())
        }),
        (Permission::Maintenance, |s, _| {
            s.create_plan(2031, None, "x", at("2026-03-02T09:00"))
                .map(|_| ())
        }),
        (Permission::Settings, |s, _| {
            let a = s.app_settings()?;
            s.set_app_settings(&a).map(|_| ())
        }),
        (Permission::Restore, |s, _| {
            s.restore_backup(
                std::path::Path::new("/no/existe.db"),
                at("2026-03-02T09:00"),
            )
            .map(|_| ())
        }),
        (Permission::Privacy, |s, _| {
            s.anonymize_person("Luis Pérez", "x", at("2026-03-02T09:00"))
                .map(|_| ())
        }),
        (Permission::ImportUndo, |s, _| {
            s.undo_import(999, "x", at("2026-03-02T09:00")).map(|_| ())
        }),
        (Permission::AttachmentDelete, |s, n| {
            s.remove_attachment(
                &AttachmentOwner::Ticket(n.to_string()),
                1,
                "motivo",
                "x",
                at("2026-03-02T09:00"),
            )
            .map(|_| ())
        }),
        (Permission::Accounts, |s, _| {
            s.reset_password("con", None, at("2026-03-02T09:00"))
        }),
        (Permission::ManagementDelete, |s, _| {
            s.delete_finding("H-2026-999", "x", at("2026-03-02T09:00"))
        }),
        (Permission::ManagementDelete, |s, _| {
            s.delete_plan_action(999, "x", at("2026-03-02T09:00"))
        }),
        (Permission::Reports, |s, _| {
            s.update_finding(
                "H-2026-999",
                &mesa_core::plans::FindingInput::default(),
                "x",
                at("2026-03-02T09:00"),
            )
            .map(|_| ())
        }),
    ];
    for (login, role) in [
        ("jefe", Role::Administrador),
        ("tec", Role::Tecnico),
        ("aux", Role::Auxiliar),
        ("con", Role::Consulta),
    ] {
        for (perm, call) in &calls {
            let mut s = office();
            let n = case(&mut s, "Ana Jefe").number;
            as_role(&mut s, login);
            let r = call(&mut s, &n);
            assert_eq!(
                is_forbidden(&r),
                !allows(role, *perm),
                "{login} × {perm:?}: {r:?}"
            );
            if let Err(CoreError::Forbidden { .. }) = r {
                let msg = r.unwrap_err().to_string();
                assert!(msg.starts_with("Su rol ("), "{msg}");
            }
        }
    }
}

#[test]
fn an_auxiliary_works_only_on_the_cases_assigned_to_them() {
    let mut s = office();
    let mine = case(&mut s, "Ana Jefe").number;
    let other = case(&mut s, "Ana Jefe").number;
    s.apply_action(
        &mine,
        &TicketAction::Assign {
            to: "Aura Auxiliar".into(),
        },
        "Ana Jefe",
        at("2026-03-02T09:10"),
    )
    .unwrap();
    as_role(&mut s, "aux");
    s.apply_action(
        &mine,
        &TicketAction::Start,
        "Aura Auxiliar",
        at("2026-03-02T09:20"),
    )
    .unwrap();
    let e = s
        .apply_action(
            &other,
            &TicketAction::Start,
            "Aura Auxiliar",
            at("2026-03-02T09:20"),
        )
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
    assert!(e.to_string().contains(&other), "{e}");
    // Registering a new case is allowed.
    case(&mut s, "Aura Auxiliar");
    // A consulta account registers nothing.
    as_role(&mut s, "con");
    let e = s
        .create_ticket(
            &NewTicket {
                requester: "x".into(),
                department: "Tesorería".into(),
                description: "x".into(),
                ..Default::default()
            },
            "Carlos Control",
            at("2026-03-02T10:00"),
        )
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
}

#[test]
fn failed_logins_slow_down_and_are_recorded() {
    let mut s = office();
    s.logout("logout", at("2026-03-02T08:01")).unwrap();
    let t0 = at("2026-03-02T10:00");
    for i in 0..3 {
        let e = s
            .login("tec", "equivocada", t0 + Duration::seconds(i))
            .unwrap_err();
        assert_eq!(e.code(), "login_failed");
    }
    // The fourth attempt, one second after the third, must wait 5 s, even with the right password.
    let e = s.login("tec", PW, t0 + Duration::seconds(3)).unwrap_err();
    assert_eq!(e.code(), "login_delayed");
    assert!(e.to_string().contains("espere"), "{e}");
    // After the wait the right password goes in and the count resets.
    let p = s.login("tec", PW, t0 + Duration::seconds(8)).unwrap();
    assert_eq!(p.role, Role::Tecnico);
    assert_eq!(s.failed_logins("tec").unwrap(), 0);
    let log = s.access_log(0).unwrap();
    let events: Vec<&str> = log.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(events.iter().filter(|e| **e == "failed").count(), 3);
    assert!(events.contains(&"refused"));
    assert_eq!(events[0], "login");
    // Unknown accounts fail the same way (no hint that the login exists).
    let e = s.login("nadie", PW, t0).unwrap_err();
    assert_eq!(e.code(), "login_failed");
    // The access log cannot be edited.
    assert!(s
        .connection()
        .execute("DELETE FROM access_log", [])
        .is_err());
}

#[test]
fn deactivated_accounts_cannot_log_in_and_the_last_administrator_stays() {
    let mut s = office();
    let e = s
        .set_account_active("jefe", false, at("2026-03-02T09:00"))
        .unwrap_err();
    assert!(e.to_string().contains("propia"), "{e}");
    s.set_account_active("aux", false, at("2026-03-02T09:00"))
        .unwrap();
    let e = s.login("aux", PW, at("2026-03-02T09:01")).unwrap_err();
    assert_eq!(e.code(), "account_inactive");
    let e = s
        .update_account(
            &input("jefe", "Ana Jefe", "tecnico"),
            at("2026-03-02T09:02"),
        )
        .unwrap_err();
    assert!(e.to_string().contains("único administrador"), "{e}");
}

#[test]
fn staff_become_accounts_and_set_their_password_at_first_login() {
    let mut s = crate::support::store();
    s.create_account(
        &input("jefe", "Ana Jefe", "administrador"),
        Some(PW),
        at("2026-03-02T08:00"),
    )
    .unwrap();
    // «Técnico de sistemas» is in the staff catalog from the first migration.
    let a = s
        .account_from_staff(
            "técnico de sistemas",
            "tecnico1",
            "tecnico",
            "Técnico",
            at("2026-03-02T08:05"),
        )
        .unwrap();
    assert!(a.needs_password);
    assert_eq!(a.name, "Técnico de sistemas");
    s.logout("logout", at("2026-03-02T08:06")).unwrap();
    let e = s
        .login("tecnico1", "lo-que-sea-1", at("2026-03-02T08:07"))
        .unwrap_err();
    assert_eq!(e.code(), "password_not_set");
    let e = s
        .set_first_password("tecnico1", "corta", at("2026-03-02T08:07"))
        .unwrap_err();
    assert!(e.to_string().contains("8 caracteres"), "{e}");
    let p = s
        .set_first_password("tecnico1", "mi-clave-nueva", at("2026-03-02T08:08"))
        .unwrap();
    assert_eq!(p.name, "Técnico de sistemas");
    // The password is now set: the first-login path is closed.
    assert!(s
        .set_first_password("tecnico1", "otra-clave-99", at("2026-03-02T08:09"))
        .is_err());
    s.change_own_password("mi-clave-nueva", "mi-clave-segunda", at("2026-03-02T08:10"))
        .unwrap();
    s.logout("logout", at("2026-03-02T08:11")).unwrap();
    assert!(s
        .login("tecnico1", "mi-clave-nueva", at("2026-03-02T08:12"))
        .is_err());
    s.login("tecnico1", "mi-clave-segunda", at("2026-03-02T08:13"))
        .unwrap();
    // Not in the catalog: a clear message.
    s.logout("logout", at("2026-03-02T08:14")).unwrap();
    s.login("jefe", PW, at("2026-03-02T08:15")).unwrap();
    let e = s
        .account_from_staff("Nadie", "nadie", "tecnico", "", at("2026-03-02T08:16"))
        .unwrap_err();
    assert!(e.to_string().contains("catálogo de personal"), "{e}");
}

#[test]
fn every_action_carries_the_logged_in_name() {
    let mut s = office();
    as_role(&mut s, "tec");
    let actor = s.principal().unwrap().name.clone();
    let t = case(&mut s, &actor);
    let d = s.get_ticket(&t.number, at("2026-03-02T09:30")).unwrap();
    assert!(d.events.iter().all(|e| e.actor == "Tomás Técnico"));
    let audit = s.audit_history("tickets", &t.number).unwrap();
    assert!(!audit.is_empty());
    assert!(
        audit.iter().all(|e| e.actor == "Tomás Técnico"),
        "{audit:?}"
    );
}

fn asset_with_concept(s: &mut Store, actor: &str) -> String {
    s.create_asset(
        &NewAsset {
            tag: "IND0500".into(),
            kind: "computador".into(),
            ..Default::default()
        },
        actor,
        at("2026-03-02T09:00"),
    )
    .unwrap();
    s.create_decommission_concept(
        "IND0500",
        &NewDecommissionConcept {
            diagnosis: "Placa base dañada".into(),
            cause: "Daño irreparable".into(),
            recommendation: "Dar de baja".into(),
            destination: "Almacén".into(),
            technician: Some("Otra persona".into()),
            engineer: Some("Ana Jefe".into()),
            concept_date: None,
        },
        actor,
        at("2026-03-02T09:10"),
    )
    .unwrap()
    .number
}

#[test]
fn who_prepared_a_concept_cannot_approve_it() {
    let mut s = office();
    as_role(&mut s, "tec");
    // Logged in, «Elaboró» is the account whatever was typed.
    let n = asset_with_concept(&mut s, "Tomás Técnico");
    let e = s
        .approve_decommission(
            &n,
            None,
            "Comité",
            Some("no hay nadie más"),
            "Tomás Técnico",
            at("2026-03-02T10:00"),
        )
        .unwrap_err();
    assert_eq!(e.code(), "separation_of_duties");
    assert!(e.to_string().contains("otra persona"), "{e}");
    as_role(&mut s, "jefe");
    let c = s
        .approve_decommission(&n, None, "Comité", None, "Ana Jefe", at("2026-03-02T10:05"))
        .unwrap();
    assert_eq!(c.status, "approved");
}

#[test]
fn a_one_account_office_approves_its_own_work_with_a_justification() {
    let mut s = crate::support::store();
    s.create_account(
        &input("solo", "Única Persona", "administrador"),
        Some(PW),
        at("2026-03-02T08:00"),
    )
    .unwrap();
    let n = asset_with_concept(&mut s, "Única Persona");
    let e = s
        .approve_decommission(
            &n,
            None,
            "Única Persona",
            None,
            "Única Persona",
            at("2026-03-02T10:00"),
        )
        .unwrap_err();
    assert_eq!(e.code(), "separation_of_duties");
    assert!(e.to_string().contains("justificación"), "{e}");
    s.approve_decommission(
        &n,
        None,
        "Única Persona",
        Some("Oficina de una sola persona; lo revisa el comité en su próxima sesión"),
        "Única Persona",
        at("2026-03-02T10:01"),
    )
    .unwrap();
    let j: Option<String> = s
        .connection()
        .query_row(
            "SELECT sod_justification FROM decommission_concepts WHERE number = ?1",
            [&n],
            |r| r.get(0),
        )
        .unwrap();
    assert!(j.unwrap().contains("una sola persona"));
}

#[test]
fn who_executed_a_log_cannot_verify_it() {
    let mut s = office();
    as_role(&mut s, "tec");
    let log = s
        .create_log(
            &mesa_core::maintenance::NewLog {
                area: Some("Correo institucional".into()),
                activity: Some("Monitoreo diario".into()),
                ..Default::default()
            },
            "Tomás Técnico",
            at("2026-03-02T09:00"),
        )
        .unwrap();
    let e = s
        .verify_log(log.id, "Ana Jefe", None, None, at("2026-03-02T09:30"))
        .unwrap_err();
    // Logged in, the verifier is the account, not the name typed.
    assert_eq!(e.code(), "separation_of_duties");
    as_role(&mut s, "jefe");
    let v = s
        .verify_log(log.id, "", Some("Conforme"), None, at("2026-03-02T09:40"))
        .unwrap();
    assert_eq!(v.verified_by.as_deref(), Some("Ana Jefe"));
}

#[test]
fn the_resolver_must_say_how_the_requester_confirmed() {
    let mut s = office();
    as_role(&mut s, "tec");
    let n = case(&mut s, "Tomás Técnico").number;
    let solve = TicketAction::Resolve {
        solution: "Se cambió el tóner".into(),
        products: None,
        time_spent_minutes: None,
    };
    s.apply_action(&n, &solve, "Tomás Técnico", at("2026-03-02T10:00"))
        .unwrap();
    let e = s
        .apply_action(
            &n,
            &TicketAction::Verify { confirmation: None },
            "Tomás Técnico",
            at("2026-03-02T10:30"),
        )
        .unwrap_err();
    assert_eq!(e.code(), "separation_of_duties");
    s.apply_action(
        &n,
        &TicketAction::Verify {
            confirmation: Some("llamada a la extensión 120".into()),
        },
        "Tomás Técnico",
        at("2026-03-02T10:31"),
    )
    .unwrap();
    let d = s.get_ticket(&n, at("2026-03-02T11:00")).unwrap();
    assert!(d.events.iter().any(|e| e
        .note
        .as_deref()
        .is_some_and(|x| x.contains("extensión 120"))));
}

#[test]
fn signature_blocks_carry_names_and_cargos() {
    let mut s = office();
    let mut a = s.app_settings().unwrap();
    a.reviewer_name = "Rita Revisora".into();
    a.approver_name = "Pedro Aprobador".into();
    a.approver_cargo = "Jefe de la Oficina TIC".into();
    s.set_app_settings(&a).unwrap();
    let b = s.signature_blocks("Tomás Técnico", None, None).unwrap();
    assert_eq!(b[0].name, "Tomás Técnico");
    assert_eq!(b[0].position, "Cargo de Tomás Técnico");
    assert_eq!(b[1].name, "Rita Revisora");
    assert_eq!(b[1].position, "Ingeniero de sistemas");
    assert_eq!(b[2].name, "Pedro Aprobador");
    assert_eq!(b[2].position, "Jefe de la Oficina TIC");
}

#[test]
fn the_audit_export_carries_the_access_log() {
    let mut s = office();
    as_role(&mut s, "tec");
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("auditoria.csv");
    s.audit_export(&Default::default(), &f).unwrap();
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(text.contains("Registro de accesos"));
    assert!(text.contains("Ingreso"));
    assert!(text.contains("Cuenta creada"));
}

#[test]
fn the_readme_matrix_is_the_core_table() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    for row in mesa_core::people::matrix() {
        let want: Vec<&str> = row
            .allowed
            .iter()
            .map(|a| if *a { "sí" } else { "no" })
            .collect();
        let line = format!("| {} | {} |", row.label, want.join(" | "));
        assert!(readme.contains(&line), "falta en el README: {line}");
    }
    for role in Role::ALL {
        assert!(readme.contains(role.label()), "{}", role.label());
    }
}
