//! A conflicting edit gets a clear Spanish message, never a silent overwrite (issue 17, «Several
//! PCs at once»): two workstations (two stores on one database) read the same case; the second
//! one to write, with the version it read, is refused with `conflicto_edicion` naming who
//! changed the case and when, and nothing of its edit is written.

use chrono::{DateTime, Utc};
use mesa_core::clock::parse_time_input;
use mesa_core::*;

fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

fn requester(n: &str) -> TicketEdit {
    TicketEdit {
        requester: Some(n.into()),
        ..Default::default()
    }
}

/// The scenario on any two stores of one database (SQLite file or PostgreSQL database).
pub fn two_workstations_never_overwrite_each_other(a: &mut Store, b: &mut Store) {
    a.upsert_staff("Luis", "tecnico", 1).unwrap();
    let created = a
        .create_ticket(
            &NewTicket {
                requester: "Rosa Díaz".into(),
                department: "Tesorería".into(),
                description: "La impresora no imprime".into(),
                received_at: Some("2026-03-20T09:00".into()),
                ..Default::default()
            },
            "Ana",
            at("2026-03-20T09:05"),
        )
        .unwrap();
    let n = created.number.clone();
    assert!(created.version > 0, "{created:?}");

    // Both workstations open the case.
    let seen_a = a.get_ticket(&n, at("2026-03-20T10:00")).unwrap().ticket;
    let seen_b = b.get_ticket(&n, at("2026-03-20T10:00")).unwrap().ticket;
    assert_eq!(seen_a.version, seen_b.version);
    assert_eq!(seen_a.version, created.version);
    // The list shows the same version as the case.
    let page = b
        .list_tickets(&TicketQuery::default(), at("2026-03-20T10:00"))
        .unwrap();
    assert_eq!(page.items[0].version, seen_b.version);

    // A corrects the requester at 10:32.
    let after_a = a
        .edit_ticket_if_unchanged(
            &n,
            &requester("Rosa Díaz Peña"),
            seen_a.version,
            "Ana",
            at("2026-03-20T10:32"),
        )
        .unwrap();
    assert!(after_a.version > seen_a.version);

    // B, still showing the old case, corrects the same field: refused, nothing written.
    let e = b
        .edit_ticket_if_unchanged(
            &n,
            &requester("R. Díaz"),
            seen_b.version,
            "Luis",
            at("2026-03-20T10:40"),
        )
        .unwrap_err();
    assert_eq!(e.code(), "conflicto_edicion", "{e}");
    assert_eq!(
        e.to_string(),
        format!(
            "Otro usuario modificó el caso {n} a las 10:32 del 20/03/2026 (Ana); vuelva a \
             abrirlo para ver los cambios. No se guardó nada."
        )
    );
    // B's assignment from the stale screen is refused too.
    let e = b
        .apply_action_if_unchanged(
            &n,
            &TicketAction::Assign { to: "Luis".into() },
            seen_b.version,
            "Luis",
            at("2026-03-20T10:41"),
        )
        .unwrap_err();
    assert_eq!(e.code(), "conflicto_edicion", "{e}");
    let now = b.get_ticket(&n, at("2026-03-20T10:45")).unwrap();
    assert_eq!(now.ticket.requester, "Rosa Díaz Peña");
    assert_eq!(now.ticket.assignee, None);
    assert_eq!(now.ticket.version, after_a.version);
    assert!(!now.events.iter().any(|e| e.actor == "Luis"));

    // B reopens the case: its action goes through and the answer carries the new version.
    let after_b = b
        .apply_action_if_unchanged(
            &n,
            &TicketAction::Assign { to: "Luis".into() },
            now.ticket.version,
            "Luis",
            at("2026-03-20T10:50"),
        )
        .unwrap();
    assert_eq!(after_b.assignee.as_deref(), Some("Luis"));
    assert!(after_b.version > now.ticket.version);
    // A, still on its own answer, is now the stale one.
    let e = a
        .apply_action_if_unchanged(
            &n,
            &TicketAction::Start,
            after_a.version,
            "Ana",
            at("2026-03-20T11:00"),
        )
        .unwrap_err();
    assert_eq!(e.code(), "conflicto_edicion");
    assert!(
        e.to_string().contains("a las 10:50 del 20/03/2026 (Luis)"),
        "{e}"
    );
    // Consecutive actions from one screen each use the version the previous one returned.
    let t = a
        .apply_action_if_unchanged(
            &n,
            &TicketAction::Start,
            after_b.version,
            "Ana",
            at("2026-03-20T11:01"),
        )
        .unwrap();
    let t = a
        .apply_action_if_unchanged(
            &n,
            &TicketAction::Hold {
                reason: "esperando el tóner".into(),
            },
            t.version,
            "Ana",
            at("2026-03-20T11:02"),
        )
        .unwrap();
    assert_eq!(t.status, TicketStatus::OnHold);
    // A case that does not exist is said as such, whatever the version.
    let e = a
        .edit_ticket_if_unchanged(
            "MA-2026-9999",
            &requester("x"),
            3,
            "Ana",
            at("2026-03-20T11:03"),
        )
        .unwrap_err();
    assert_eq!(e.code(), "ticket_not_found", "{e}");
}

#[test]
#[cfg(feature = "postgres")]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn two_stores_on_one_postgresql_database_get_a_conflict_instead_of_an_overwrite() {
    let t = super::pg_support::migrated_db();
    let target = mesa_core::db::pg::PgTarget::parse(&t.url()).unwrap();
    let mut a = Store::open_server(&target, None).unwrap();
    let mut b = Store::open_server(&target, None).unwrap();
    two_workstations_never_overwrite_each_other(&mut a, &mut b);
}

#[test]
fn two_stores_on_one_sqlite_file_get_a_conflict_instead_of_an_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mesa.db");
    let mut a = Store::open(&path).unwrap();
    let mut b = Store::open(&path).unwrap();
    two_workstations_never_overwrite_each_other(&mut a, &mut b);
}
