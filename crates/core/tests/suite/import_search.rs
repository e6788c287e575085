//! Imported cases are indexed for full-text search in bulk (one statement per batch), and
//! leave the index again when the batch is undone.

use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use mesa_core::import::{ImportKind, ImportOptions};
use mesa_core::TicketQuery;

#[test]
fn imported_cases_are_searchable_and_undo_removes_them_from_the_index() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/legacy/casos_exportados.csv");
    let bytes = std::fs::read(&path).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap();
    let mut s = crate::support::store();
    let opts = ImportOptions {
        kind: ImportKind::Cases,
        sheet: None,
        mapping: None,
        expect_hash: None,
        cancel: None,
    };
    let rep = s
        .import_bytes(
            &bytes,
            "casos_exportados.csv",
            &opts,
            false,
            "t",
            now,
            &mut |_| {},
        )
        .unwrap();
    assert_eq!(rep.imported, 120);
    let all = s
        .list_tickets(
            &TicketQuery {
                limit: 200,
                ..Default::default()
            },
            now,
        )
        .unwrap();
    // Every imported case is found by a word of its own description.
    for t in all.items.iter().step_by(7) {
        let Some(word) = t
            .description
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 6)
            .max_by_key(|w| w.chars().count())
            .map(str::to_string)
        else {
            continue;
        };
        let found = s
            .list_tickets(
                &TicketQuery {
                    search: Some(word.clone()),
                    limit: 500,
                    ..Default::default()
                },
                now,
            )
            .unwrap();
        assert!(
            found.items.iter().any(|x| x.number == t.number),
            "«{word}» should find {}",
            t.number
        );
    }
    let n_fts: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM tickets_fts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n_fts, 120);
    s.undo_import(rep.batch.unwrap(), "t", now).unwrap();
    let n_fts: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM tickets_fts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n_fts, 0);
    let integrity: String = s
        .connection()
        .query_row(
            "INSERT INTO tickets_fts(tickets_fts, rank) VALUES('integrity-check', 1) RETURNING 'ok'",
            [],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| e.to_string());
    assert_eq!(integrity, "ok");
}
