//! First run: whether the initial setup was completed, and the demo data a new user can load
//! to look around (and remove later). Both live in the `settings` key/value table:
//! `setup_done = 1` and `demo_data = 1`. Demo cases are the ones of [`crate::tickets::demo::generate`]:
//! `extra.demo = "sí"`, created by the actor `demo`, never imported.

use crate::db::{params, OptionalExt};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{CoreError, Result};
use crate::safety::backup::BackupKind;
use crate::store::Store;
use crate::text::{clean, fold};

/// Entity name seeded by the first migration: a database that still has it (and nothing else)
/// has not been set up.
pub const DEFAULT_ENTITY_NAME: &str =
    "Instituto Municipal de Deporte y Recreación de Valledupar — INDUPAL";

/// How many cases «Cargar datos de demostración» creates (about a year of work).
pub const DEMO_CASES: usize = 1000;

/// Seed of the demo data loaded from the app (deterministic, like `mesa demo`).
pub const DEMO_SEED: u64 = 20_260_101;

/// Where the first-run setup stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SetupStatus {
    /// False only on a database that was never set up: the app shows the setup wizard.
    pub setup_done: bool,
    /// Demo data is loaded: the app shows a «Datos de demostración» badge.
    pub demo_data: bool,
    /// Number of cases in the database (the demo data loads only when it is 0).
    #[ts(type = "number")]
    pub cases: i64,
}

/// What removing the demo data did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DemoClearReport {
    #[ts(type = "number")]
    pub removed: i64,
    /// Cases that stay (registered by hand while exploring).
    #[ts(type = "number")]
    pub kept: i64,
    /// The case numbering starts again at 0001 (no case is left).
    pub numbering_reset: bool,
}

/// SQL condition (on `assets a`) that selects the demo equipment (`extra.demo`, typed in by
/// the demo, never imported).
const DEMO_ASSET: &str = "json_extract(a.extra, '$.demo') = 'sí' AND a.import_batch IS NULL
    AND a.source_file IS NULL";

/// SQL condition (on `tickets t`) that selects the demo cases.
const DEMO_CASE: &str = "t.import_batch IS NULL
    AND json_extract(t.extra, '$.demo') = 'sí'
    AND EXISTS (SELECT 1 FROM ticket_events e
                WHERE e.ticket_id = t.id AND e.kind = 'create' AND e.actor = 'demo')";

impl Store {
    fn total_cases(&self) -> Result<i64> {
        self.conn
            .query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))
    }

    /// Whether the first-run setup was done. A database without the `setup_done` key counts
    /// as set up when it already holds cases or equipment, or its entity name was changed
    /// (databases from before the wizard existed).
    pub fn setup_status(&self) -> Result<SetupStatus> {
        let cases = self.total_cases()?;
        let setup_done = match self.setting("setup_done")? {
            Some(v) => v.trim() == "1",
            None => {
                let assets: i64 =
                    self.conn
                        .query_row("SELECT EXISTS (SELECT 1 FROM assets)", [], |r| r.get(0))?;
                let name = self.setting("entity_name")?.unwrap_or_default();
                cases > 0 || assets > 0 || (!name.is_empty() && name != DEFAULT_ENTITY_NAME)
            }
        };
        Ok(SetupStatus {
            setup_done,
            demo_data: self.setting("demo_data")?.as_deref() == Some("1"),
            cases,
        })
    }

    /// Marks the first-run setup as done (the wizard is not shown again).
    pub fn complete_setup(&mut self, actor: &str, now: DateTime<Utc>) -> Result<SetupStatus> {
        self.authorize(crate::people::Permission::Settings)?;
        self.write(actor, now, |tx| {
            crate::store::put_setting(tx, "setup_done", "1")
        })?;
        self.setup_status()
    }

    /// Renames a staff member (the service types that send cases to them follow). Refused
    /// when a case is assigned to that name: a case is never changed silently, add a new
    /// person in Ajustes instead.
    pub fn rename_staff(
        &mut self,
        old: &str,
        new: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.authorize(crate::people::Permission::Settings)?;
        let old = clean(old);
        let new = clean(new);
        if new.is_empty() {
            return Err(CoreError::validation("nombre", "es obligatorio"));
        }
        if old == new {
            return Ok(());
        }
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM staff WHERE name = ?1)",
            [&old],
            |r| r.get(0),
        )?;
        if !exists {
            return Err(CoreError::CatalogNotFound {
                what: "la persona",
                name: old,
            });
        }
        let assigned: i64 = tx.query_row(
            "SELECT count(*) FROM tickets WHERE assignee = ?1",
            [&old],
            |r| r.get(0),
        )?;
        if assigned > 0 {
            return Err(CoreError::validation(
                "nombre",
                format!(
                    "«{old}» ya tiene {assigned} caso(s) asignado(s); agregue a la nueva persona en Ajustes"
                ),
            ));
        }
        // Same person written differently is a rename; another existing person is a conflict.
        let clash: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM staff WHERE name = ?1 AND name <> ?2)",
            params![new, old],
            |r| r.get(0),
        )?;
        if clash && fold(&new) != fold(&old) {
            return Err(CoreError::validation(
                "nombre",
                format!("ya existe una persona llamada «{new}»"),
            ));
        }
        tx.execute(
            "UPDATE staff SET name = ?2 WHERE name = ?1",
            params![old, new],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Loads `n` demo cases into a database without cases and marks it (`demo_data = 1`).
    /// Refused, with nothing written, when there is any case already.
    pub fn load_demo(&mut self, n: usize, actor: &str, now: DateTime<Utc>) -> Result<usize> {
        self.authorize(crate::people::Permission::Settings)?;
        let cases = self.total_cases()?;
        if cases > 0 {
            return Err(CoreError::DemoNotEmpty(cases));
        }
        let cats = self.catalogs()?;
        if cats.service_types.is_empty() || cats.departments.is_empty() || cats.staff.is_empty() {
            return Err(CoreError::validation(
                "catálogos",
                "hacen falta al menos un tipo de servicio, una dependencia y una persona activos",
            ));
        }
        // `generate` writes the cases and the `demo_data` mark in one transaction.
        crate::tickets::demo::generate_by(self, n, DEMO_SEED, Some(actor), now)
    }

    /// Removes every demo case (with its timeline, pauses and survey) in one transaction,
    /// after a verified `pre-demo-clear` backup. Cases registered by hand stay; when none is
    /// left the numbering starts again at 0001. Refused when there is no demo data.
    pub fn clear_demo(&mut self, actor: &str, now: DateTime<Utc>) -> Result<DemoClearReport> {
        self.authorize(crate::people::Permission::Settings)?;
        let demo: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM tickets t WHERE {DEMO_CASE}"),
            [],
            |r| r.get(0),
        )?;
        let marked = self.setting("demo_data")?.as_deref() == Some("1");
        if demo == 0 && !marked {
            return Err(CoreError::NoDemoData);
        }
        self.backup_before(BackupKind::PreDemoClear, now)?;
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        let removed = tx.execute(
            &format!(
                "DELETE FROM tickets WHERE id IN (SELECT t.id FROM tickets t WHERE {DEMO_CASE})"
            ),
            [],
        )? as i64;
        let kept: i64 = tx.query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))?;
        let numbering_reset = kept == 0;
        if numbering_reset {
            tx.execute("DELETE FROM ticket_counters", [])?;
        }
        // The demo equipment and the demo maintenance plan, with their logs.
        let demo_plan: Option<i64> = tx
            .query_row(
                "SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'demo_plan_year'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        tx.execute(
            &format!(
                "DELETE FROM maintenance_logs WHERE asset_id IN (SELECT id FROM assets a WHERE {DEMO_ASSET})
                    OR occurrence_id IN (SELECT o.id FROM maintenance_occurrences o
                        JOIN maintenance_items i ON i.id = o.item_id
                        JOIN maintenance_plans p ON p.id = i.plan_id
                        WHERE p.year = ?1 OR i.asset_id IN (SELECT id FROM assets a WHERE {DEMO_ASSET}))"
            ),
            [demo_plan],
        )?;
        tx.execute("DELETE FROM maintenance_plans WHERE year = ?1", [demo_plan])?;
        tx.execute(
            &format!(
                "DELETE FROM maintenance_items WHERE asset_id IN (SELECT id FROM assets a WHERE {DEMO_ASSET})"
            ),
            [],
        )?;
        tx.execute(
            &format!("DELETE FROM assets WHERE id IN (SELECT id FROM assets a WHERE {DEMO_ASSET})"),
            [],
        )?;
        tx.execute(
            "DELETE FROM settings WHERE key IN ('demo_data', 'demo_plan_year')",
            [],
        )?;
        tx.commit()?;
        Ok(DemoClearReport {
            removed,
            kept,
            numbering_reset,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NewTicket;

    fn now() -> DateTime<Utc> {
        "2026-03-10T15:00:00Z".parse().unwrap()
    }

    fn new_case(s: &mut Store, who: &str) -> String {
        let t = s
            .create_ticket(
                &NewTicket {
                    requester: who.into(),
                    department: "Tesorería".into(),
                    description: "No imprime".into(),
                    ..Default::default()
                },
                "Técnico de sistemas",
                now(),
            )
            .unwrap();
        t.number
    }

    #[test]
    fn fresh_database_needs_setup_until_completed() {
        let mut s = Store::open_in_memory().unwrap();
        let st = s.setup_status().unwrap();
        assert!(!st.setup_done);
        assert!(!st.demo_data);
        assert_eq!(st.cases, 0);
        let st = s.complete_setup("Técnico de sistemas", now()).unwrap();
        assert!(st.setup_done);
        assert_eq!(s.setting("setup_done").unwrap().as_deref(), Some("1"));
    }

    #[test]
    fn existing_databases_count_as_set_up() {
        // A database with cases (from before the wizard).
        let mut s = Store::open_in_memory().unwrap();
        new_case(&mut s, "Ana Gutiérrez");
        assert!(s.setup_status().unwrap().setup_done);
        // A database whose entity name was changed.
        let mut s = Store::open_in_memory().unwrap();
        let mut a = s.app_settings().unwrap();
        a.entity_name = "Alcaldía de Pueblo Bello".into();
        s.set_app_settings(&a).unwrap();
        assert!(s.setup_status().unwrap().setup_done);
        // The default name alone is not a setup.
        let s = Store::open_in_memory().unwrap();
        assert_eq!(
            s.setting("entity_name").unwrap().as_deref(),
            Some(DEFAULT_ENTITY_NAME)
        );
        assert!(!s.setup_status().unwrap().setup_done);
    }

    #[test]
    fn demo_loads_only_into_an_empty_database_and_is_marked() {
        let mut s = Store::open_in_memory().unwrap();
        assert_eq!(s.load_demo(40, "Técnico de sistemas", now()).unwrap(), 40);
        let st = s.setup_status().unwrap();
        assert!(st.demo_data);
        assert_eq!(st.cases, 40);
        // Every demo case is recognisable as such.
        let demo: i64 = s
            .conn
            .query_row(
                &format!("SELECT count(*) FROM tickets t WHERE {DEMO_CASE}"),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(demo, 40);
        // A second load is refused and writes nothing.
        let e = s.load_demo(10, "Técnico de sistemas", now()).unwrap_err();
        assert_eq!(e.code(), "demo_not_empty");
        assert!(e.to_string().contains("40 caso(s)"), "{e}");
        assert_eq!(s.setup_status().unwrap().cases, 40);

        let mut s = Store::open_in_memory().unwrap();
        new_case(&mut s, "Luis Daza");
        let e = s.load_demo(10, "Técnico de sistemas", now()).unwrap_err();
        assert_eq!(e.code(), "demo_not_empty");
        assert_eq!(s.setup_status().unwrap().cases, 1);
        assert!(!s.setup_status().unwrap().demo_data);
    }

    #[test]
    fn clearing_demo_keeps_real_cases_and_resets_numbering_when_empty() {
        let mut s = Store::open_in_memory().unwrap();
        assert_eq!(
            s.clear_demo("Técnico de sistemas", now())
                .unwrap_err()
                .code(),
            "no_demo_data"
        );
        s.load_demo(30, "Técnico de sistemas", now()).unwrap();
        let real = new_case(&mut s, "Nubia Oñate");
        let r = s.clear_demo("Técnico de sistemas", now()).unwrap();
        assert_eq!((r.removed, r.kept, r.numbering_reset), (30, 1, false));
        let numbers: Vec<String> = s
            .conn
            .prepare("SELECT number FROM tickets")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<crate::error::Result<_>>()
            .unwrap();
        assert_eq!(numbers, vec![real.clone()]);
        let events: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM ticket_events WHERE actor = 'demo'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(events, 0, "the timeline of demo cases goes with them");
        assert!(!s.setup_status().unwrap().demo_data);
        // The next case continues after the real one (no number reused).
        let next = new_case(&mut s, "Jorge Castro");
        assert!(next > real, "{next} after {real}");

        // Only demo data: the numbering starts again.
        let mut s = Store::open_in_memory().unwrap();
        s.load_demo(25, "Técnico de sistemas", now()).unwrap();
        let r = s.clear_demo("Técnico de sistemas", now()).unwrap();
        assert_eq!((r.removed, r.kept, r.numbering_reset), (25, 0, true));
        assert_eq!(s.setup_status().unwrap().cases, 0);
        assert!(new_case(&mut s, "Diana Zuleta").ends_with("-2026-0001"));
        // Removal is audited (who removed the demo cases).
        let who: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM audit_log WHERE actor = 'Técnico de sistemas' AND action = 'delete'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(who >= 25, "{who} audit entries");
    }

    #[test]
    fn demo_equipment_and_plan_are_loaded_and_cleared_with_the_demo_cases() {
        use crate::assets::NewAsset;
        let count =
            |s: &Store, sql: &str| -> i64 { s.conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        let mut s = Store::open_in_memory().unwrap();
        s.load_demo(20, "Técnico de sistemas", now()).unwrap();
        assert_eq!(count(&s, "SELECT count(*) FROM assets"), 61);
        assert_eq!(
            count(
                &s,
                "SELECT count(*) FROM maintenance_plans WHERE year = 2026"
            ),
            1
        );
        assert!(count(&s, "SELECT count(*) FROM maintenance_logs") > 0);
        // equipment registered by hand, with its own log, stays
        s.create_asset(
            &NewAsset {
                tag: "ALM-0007".into(),
                kind: "Impresora".into(),
                ..Default::default()
            },
            "Técnico de sistemas",
            now(),
        )
        .unwrap();
        s.clear_demo("Técnico de sistemas", now()).unwrap();
        assert_eq!(count(&s, "SELECT count(*) FROM assets"), 1);
        assert_eq!(s.get_asset("alm 0007").unwrap().tag, "ALM-0007");
        assert_eq!(count(&s, "SELECT count(*) FROM maintenance_plans"), 0);
        assert_eq!(count(&s, "SELECT count(*) FROM maintenance_logs"), 0);
        assert_eq!(count(&s, "SELECT count(*) FROM decommission_concepts"), 0);
        assert_eq!(
            count(&s, "SELECT count(*) FROM settings WHERE key LIKE 'demo%'"),
            0
        );
        // and the demo can be loaded again
        s.load_demo(5, "Técnico de sistemas", now()).unwrap();
        assert_eq!(
            count(&s, "SELECT count(*) FROM assets"),
            1,
            "equipment exists: no demo inventory"
        );
    }

    #[test]
    fn clearing_demo_makes_a_verified_backup_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("mesa.db")).unwrap();
        s.load_demo(10, "Técnico de sistemas", now()).unwrap();
        s.clear_demo("Técnico de sistemas", now()).unwrap();
        let kinds: Vec<_> = s.backups().unwrap().into_iter().map(|b| b.kind).collect();
        assert!(kinds.contains(&Some(BackupKind::PreDemoClear)), "{kinds:?}");
    }

    #[test]
    fn staff_rename_follows_service_types_and_refuses_assigned_names() {
        let mut s = Store::open_in_memory().unwrap();
        s.rename_staff("Técnico de sistemas", "Édgar Cuello", "x", now())
            .unwrap();
        let cats = s.catalogs().unwrap();
        assert!(cats
            .staff
            .iter()
            .any(|m| m.name == "Édgar Cuello" && m.role == "tecnico"));
        assert!(!cats.staff.iter().any(|m| m.name == "Técnico de sistemas"));
        assert!(cats
            .service_types
            .iter()
            .any(|t| t.default_assignee.as_deref() == Some("Édgar Cuello")));
        // Clash with another person.
        let e = s
            .rename_staff("Édgar Cuello", "Ingeniero de sistemas", "x", now())
            .unwrap_err();
        assert!(e.to_string().contains("ya existe"), "{e}");
        // A name with cases assigned stays.
        s.load_demo(30, "x", now()).unwrap();
        let e = s
            .rename_staff("Édgar Cuello", "Otro Nombre", "x", now())
            .unwrap_err();
        assert!(e.to_string().contains("asignado"), "{e}");
    }
}
