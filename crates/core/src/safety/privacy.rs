//! Personal data (Ley 1581 de 2012, habeas data): everything about one person for a
//! data-subject request, and anonymisation on request.
//!
//! A person is found by name (compared with [`fold`]: case, accents and punctuation ignored) or
//! by e-mail (case ignored) among the requesters of the cases; equipment in their custody is
//! listed in the export (custodians are public servants accountable for inventory, so they are
//! not anonymised).
//!
//! Anonymisation, in one transaction: the person's cases get a pseudonym
//! («Titular anonimizado N») as requester, e-mail/phone/location are erased, and occurrences of
//! their name/e-mail/phone in the description and solution are replaced; the full-text index
//! follows (its triggers), and is then optimised so no old tokens remain. The audit trail keeps
//! *that* the data was anonymised, when and by whom (rows with action `anonymize`, no personal
//! data); the personal values the audit trail and the case timelines had kept (old values,
//! creation snapshots) are redacted to `[anonimizado]` — the point of the request is that the
//! data is gone. `secure_delete` is on during the change, the full-text index is optimised,
//! the file is rewritten (`VACUUM`) and the WAL checkpointed, so the old bytes do not linger in
//! the database file (tested by searching the file's bytes). Backups made before keep the data until
//! rotation removes them (12 months at most); copies in folders the user chose must be removed
//! by hand (the report says so).

use std::path::Path;

use crate::db::ValueRef;
use crate::db::{params_from_iter, Db, Engine};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::clock::to_rfc3339_local;
use crate::error::{CoreError, Result};
use crate::safety::audit::{AuditEntry, REDACTED};
use crate::store::Store;
use crate::text::fold;
use mesa_docwriter::xlsx;

/// Everything the office holds about one person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PersonExport {
    pub query: String,
    pub generated_at: String,
    pub names: Vec<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub cases: Vec<Value>,
    pub timeline: Vec<Value>,
    pub surveys: Vec<Value>,
    pub assets_in_custody: Vec<Value>,
    pub audit: Vec<AuditEntry>,
    /// The files attached to the person's cases (listing; `file` = where the export copied
    /// it, in the folder `<export name>-adjuntos/` beside the export).
    #[serde(default)]
    pub attachments: Vec<Value>,
    /// Follow-ups of the person's cases, internal notes marked in `visibility`.
    #[serde(default)]
    pub follow_ups: Vec<Value>,
    /// Visits scheduled on the person's cases.
    #[serde(default)]
    pub visits: Vec<Value>,
    /// Mails of the person's cases and from or to their addresses, in and out (issue 16).
    #[serde(default)]
    pub mails: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AnonymizeReport {
    pub pseudonym: String,
    pub cases: Vec<String>,
    #[ts(type = "number")]
    pub audit_redacted: i64,
    #[ts(type = "number")]
    pub timeline_redacted: i64,
    pub note: String,
    /// Attachments of the person's cases removed (reason «Ley 1581») when asked to.
    #[serde(default)]
    #[ts(type = "number")]
    pub attachments_removed: i64,
}

/// One person found by [`Store::person_search`]: the requester name as written on their newest
/// case, and exactly the cases that [`Store::person_export`]/[`Store::anonymize_person`] act on
/// when given that name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PersonMatch {
    pub name: String,
    pub emails: Vec<String>,
    pub departments: Vec<String>,
    #[ts(type = "number")]
    pub cases: i64,
    /// Case numbers, newest first (at most [`PERSON_NUMBERS_SHOWN`]).
    pub numbers: Vec<String>,
}

/// How many case numbers a [`PersonMatch`] lists.
pub const PERSON_NUMBERS_SHOWN: usize = 50;

fn value(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => Value::from(f),
        ValueRef::Text(t) => Value::from(t.to_string()),
        ValueRef::Blob(b) => Value::from(format!("<{} bytes>", b.len())),
    }
}

fn rows_json(conn: &Db, sql: &str, args: &[i64]) -> Result<Vec<Value>> {
    let mut st = conn.prepare(sql)?;
    let names: Vec<String> = st.column_names().iter().map(|s| s.to_string()).collect();
    let mut rows = st.query(params_from_iter(args.iter()))?;
    let mut out = vec![];
    while let Some(r) = rows.next()? {
        let mut m = Map::new();
        for (i, n) in names.iter().enumerate() {
            m.insert(n.clone(), value(r.get_ref(i)?));
        }
        out.push(Value::Object(m));
    }
    Ok(out)
}

/// PostgreSQL: every table a redaction writes, rewritten without the old row versions (one
/// statement: VACUUM runs outside a transaction, and a multi-statement batch would be one).
const PG_REDACTED_VACUUM: &str = "VACUUM (FULL) tickets, ticket_events, audit_log, ticket_pauses, \
     surveys, ticket_followups, ticket_visits, attachments, mail_messages, mail_raw, mail_outbox, \
     mail_outbox_raw, settings, ticket_search";

/// `VACUUM FULL` keeps a dead row version that a snapshot taken before the redaction may still
/// see (another workstation's long read, an autovacuum `ANALYZE` that began earlier): the old
/// text would stay on disk. Waits (at most 30 s, then goes on) until no other session of this
/// database holds a snapshot from a transaction that began before now.
fn wait_for_older_snapshots(conn: &Db) -> Result<()> {
    let since: String =
        conn.query_row("SELECT clock_timestamp()::text AS t", [], |r| r.get("t"))?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let older: i64 = conn.query_row(
            "SELECT count(*) AS n FROM pg_stat_activity
              WHERE datname = current_database() AND pid <> pg_backend_pid()
                AND backend_xmin IS NOT NULL AND xact_start <= ?1::text::timestamptz",
            [&since],
            |r| r.get("n"),
        )?;
        if older == 0 || std::time::Instant::now() >= deadline {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Whether the database has table `t` (older databases and test schemas may lack some).
pub(crate) fn table_exists(conn: &Db, t: &str) -> Result<bool> {
    let sql = match conn.engine() {
        Engine::Sqlite => {
            "SELECT count(*) > 0 AS found FROM sqlite_master WHERE type = 'table' AND name = ?1"
        }
        // The schema's own tables (the search path's first schema), not a catalog's.
        Engine::Postgres => {
            "SELECT count(*) > 0 AS found FROM pg_tables
              WHERE schemaname = current_schema() AND tablename = ?1"
        }
    };
    conn.query_row(sql, [t], |r| r.get("found"))
}

/// Ids and numbers of the cases whose requester is `query` (by name or e-mail).
fn matching_cases(conn: &Db, query: &str) -> Result<Vec<(i64, String)>> {
    let q = query.trim();
    let key = fold(q);
    let ql = q.to_lowercase();
    let mut st = conn.prepare("SELECT id, number, requester, email FROM tickets ORDER BY id")?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, i64>("id")?,
            r.get::<_, String>("number")?,
            r.get::<_, String>("requester")?,
            r.get::<_, Option<String>>("email")?,
        ))
    })?;
    let mut out = vec![];
    for r in rows {
        let (id, number, requester, email) = r?;
        let by_email = email
            .as_deref()
            .is_some_and(|e| !e.trim().is_empty() && e.trim().to_lowercase() == ql);
        if (!key.is_empty() && fold(&requester) == key) || by_email {
            out.push((id, number));
        }
    }
    Ok(out)
}

fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn distinct(conn: &Db, col: &str, ids: &[i64]) -> Result<Vec<String>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!(
        "SELECT DISTINCT {col} FROM tickets WHERE id IN ({}) AND {col} IS NOT NULL AND trim({col}) <> '' ORDER BY 1",
        placeholders(ids.len())
    );
    let mut st = conn.prepare(&sql)?;
    let v = st
        .query_map(params_from_iter(ids.iter()), |r| r.get(0))?
        .collect::<crate::error::Result<Vec<String>>>()?;
    Ok(v)
}

/// Up to this many spellings, [`Store::person_search`] reads their cases through the
/// requester index; beyond, one pass over the table is cheaper.
const FEW_PEOPLE: usize = 200;

impl Store {
    /// Requesters whose name contains `query` (case, accents and punctuation ignored) or whose
    /// e-mail (on any of their cases) contains it (case ignored), grouped by name with all the
    /// cases of that name; most cases first. A query shorter than two letters finds nobody.
    pub fn person_search(&self, query: &str, limit: usize) -> Result<Vec<PersonMatch>> {
        let key = fold(query);
        let ql = query.trim().to_lowercase();
        if key.chars().count() < 2 {
            return Ok(vec![]);
        }
        // The distinct names come from the requester index (a few thousand at most), not from
        // every case; e-mails are not indexed and are searched in the table.
        let mut wanted: std::collections::HashSet<String> = Default::default();
        let distinct = match self.conn.engine() {
            Engine::Sqlite => "SELECT DISTINCT requester FROM tickets INDEXED BY tickets_requester",
            // No index hints: the planner uses the requester index when it pays.
            Engine::Postgres => "SELECT DISTINCT requester FROM tickets",
        };
        let names: Vec<String> = self
            .conn
            .prepare(distinct)?
            .query_map([], |r| r.get("requester"))?
            .collect::<crate::error::Result<_>>()?;
        // pg: `instr` here and below → a compatibility function `instr(text, text)` in the
        // schema (strpos), so the statements stay one; `mesa_now()`/`mesa_actor()` and
        // `strftime` likewise (current_setting('mesa.at'/'mesa.actor')).
        let by_email: Vec<String> = self
            .conn
            .prepare(
                "SELECT DISTINCT requester FROM tickets
                 WHERE email IS NOT NULL AND instr(lower(email), ?1) > 0",
            )?
            .query_map([&ql], |r| r.get(0))?
            .collect::<crate::error::Result<_>>()?;
        let by_email: std::collections::HashSet<String> =
            by_email.iter().map(|n| fold(n)).collect();
        let folded_names: Vec<(String, String)> =
            names.into_iter().map(|n| (fold(&n), n)).collect();
        for (folded, _) in &folded_names {
            if !folded.is_empty() && (folded.contains(&key) || by_email.contains(folded)) {
                wanted.insert(folded.clone());
            }
        }
        // Every spelling of the wanted people (exact, as stored) → its folded form.
        let spellings: std::collections::HashMap<String, String> = folded_names
            .into_iter()
            .filter(|(f, _)| wanted.contains(f))
            .map(|(f, n)| (n, f))
            .collect();
        // (folded name, requester, email, department, number), newest first.
        type Row = (String, String, Option<String>, String, String);
        let row = |r: &crate::db::Row<'_>| -> crate::error::Result<(i64, String, Option<String>, String, String)> {
            Ok((
                r.get("id")?,
                r.get("requester")?,
                r.get("email")?,
                r.get("department")?,
                r.get("number")?,
            ))
        };
        let mut all: Vec<Row> = vec![];
        if spellings.is_empty() {
            // Nobody (`IN ()` is not SQL on PostgreSQL).
        } else if spellings.len() <= FEW_PEOPLE {
            // A few people: their cases through the requester index.
            let names: Vec<&String> = spellings.keys().collect();
            let sql = format!(
                "SELECT requester, email, department, number, id FROM tickets
                 WHERE requester COLLATE NOCASE IN ({}) ORDER BY id DESC",
                placeholders(names.len())
            );
            let mut st = self.conn.prepare(&sql)?;
            for r in st.query_map(params_from_iter(names.iter()), row)? {
                let (_, requester, email, department, number) = r?;
                if let Some(f) = spellings.get(&requester) {
                    all.push((f.clone(), requester, email, department, number));
                }
            }
        } else {
            // Many (a query like "@entidad.gov.co"): one pass over the table beats that many
            // index lookups.
            let mut st = self.conn.prepare(
                "SELECT requester, email, department, number, id FROM tickets ORDER BY id DESC",
            )?;
            for r in st.query_map([], row)? {
                let (_, requester, email, department, number) = r?;
                if let Some(f) = spellings.get(&requester) {
                    all.push((f.clone(), requester, email, department, number));
                }
            }
        }
        // All the cases of each of them (what export/anonymise by that name act on).
        let mut order: Vec<&str> = vec![];
        let mut found: std::collections::HashMap<&str, PersonMatch> = Default::default();
        for (folded, requester, email, department, number) in &all {
            if !wanted.contains(folded.as_str()) {
                continue;
            }
            let m = found.entry(folded.as_str()).or_insert_with(|| {
                order.push(folded.as_str());
                PersonMatch {
                    name: requester.clone(),
                    emails: vec![],
                    departments: vec![],
                    cases: 0,
                    numbers: vec![],
                }
            });
            m.cases += 1;
            if m.numbers.len() < PERSON_NUMBERS_SHOWN {
                m.numbers.push(number.clone());
            }
            if let Some(e) = email.as_deref().map(str::trim) {
                if !e.is_empty() && !m.emails.iter().any(|x| x == e) {
                    m.emails.push(e.to_string());
                }
            }
            if !department.trim().is_empty() && !m.departments.contains(department) {
                m.departments.push(department.clone());
            }
        }
        let mut out: Vec<PersonMatch> =
            order.into_iter().filter_map(|k| found.remove(&k)).collect();
        out.sort_by(|a, b| {
            b.cases
                .cmp(&a.cases)
                .then_with(|| fold(&a.name).cmp(&fold(&b.name)))
        });
        out.truncate(limit);
        Ok(out)
    }

    /// Everything about one person (requester name or e-mail). Err(PersonNotFound) if nothing.
    pub fn person_export(&self, query: &str, now: DateTime<Utc>) -> Result<PersonExport> {
        let c = &self.conn;
        let cases = matching_cases(c, query)?;
        let ids: Vec<i64> = cases.iter().map(|c| c.0).collect();
        let custody = if table_exists(c, "assets")? {
            let key = fold(query);
            let all = rows_json(c, "SELECT * FROM assets ORDER BY tag", &[])?;
            all.into_iter()
                .filter(|a| {
                    a.get("custodian")
                        .and_then(Value::as_str)
                        .is_some_and(|s| !key.is_empty() && fold(s) == key)
                })
                .collect()
        } else {
            vec![]
        };
        if ids.is_empty() && custody.is_empty() {
            return Err(CoreError::PersonNotFound(query.trim().to_string()));
        }
        let ph = placeholders(ids.len());
        let attachments = if ids.is_empty() || !table_exists(c, "attachments")? {
            vec![]
        } else {
            rows_json(
                c,
                &format!(
                    "SELECT t.number, a.id, a.name, a.size, a.media_type, a.sha256, a.added_at,
                            a.added_by, a.removed_at, a.removed_by, a.remove_reason
                     FROM attachments a JOIN tickets t ON t.id = a.ticket_id
                     WHERE a.ticket_id IN ({ph}) ORDER BY a.ticket_id, a.id"
                ),
                &ids,
            )?
        };
        let (rows, timeline, surveys, names, emails, phones) = if ids.is_empty() {
            (vec![], vec![], vec![], vec![], vec![], vec![])
        } else {
            (
                rows_json(
                    c,
                    &format!("SELECT * FROM tickets WHERE id IN ({ph}) ORDER BY id"),
                    &ids,
                )?,
                rows_json(
                    c,
                    &format!(
                        "SELECT t.number, e.at, e.actor, e.kind, e.field, e.old_value, e.new_value, e.note
                         FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
                         WHERE e.ticket_id IN ({ph}) ORDER BY e.ticket_id, e.id"
                    ),
                    &ids,
                )?,
                rows_json(
                    c,
                    &format!(
                        "SELECT t.number, s.answered_at, s.scores, s.comment FROM surveys s
                         JOIN tickets t ON t.id = s.ticket_id WHERE s.ticket_id IN ({ph})"
                    ),
                    &ids,
                )?,
                distinct(c, "requester", &ids)?,
                distinct(c, "email", &ids)?,
                distinct(c, "phone", &ids)?,
            )
        };
        let (mut follow_ups, visits) = if ids.is_empty() {
            (vec![], vec![])
        } else {
            (
                rows_json(
                    c,
                    &format!(
                        "SELECT t.number, f.at, f.actor, f.visibility, f.contact, f.minutes, f.body
                         FROM ticket_followups f JOIN tickets t ON t.id = f.ticket_id
                         WHERE f.ticket_id IN ({ph}) ORDER BY f.ticket_id, f.at, f.id"
                    ),
                    &ids,
                )?,
                rows_json(
                    c,
                    &format!(
                        "SELECT t.number, v.starts_at, v.minutes, v.place, v.who, v.note
                         FROM ticket_visits v JOIN tickets t ON t.id = v.ticket_id
                         WHERE v.ticket_id IN ({ph}) ORDER BY v.ticket_id"
                    ),
                    &ids,
                )?,
            )
        };
        // Internal notes said plainly: they were never shown to the requester.
        for f in &mut follow_ups {
            if let Some(v) = f.get("visibility").and_then(Value::as_str) {
                let label = crate::model::FollowUpVisibility::parse(v)
                    .map(|v| v.label())
                    .unwrap_or("");
                f["visibility"] = Value::String(label.to_string());
            }
        }
        let mails = if table_exists(c, "mail_messages")? {
            crate::mail::outbox::person_mails(c, &ids, &emails)?
        } else {
            vec![]
        };
        let mut audit = vec![];
        for (_, number) in &cases {
            for table in ["tickets", "ticket_followups", "ticket_visits"] {
                audit.extend(self.audit_history(table, number)?);
            }
        }
        for a in &custody {
            if let Some(tag) = a.get("tag").and_then(Value::as_str) {
                audit.extend(self.audit_history("assets", tag)?);
            }
        }
        Ok(PersonExport {
            query: query.trim().to_string(),
            generated_at: to_rfc3339_local(now),
            names,
            emails,
            phones,
            cases: rows,
            timeline,
            surveys,
            assets_in_custody: custody,
            audit,
            attachments,
            follow_ups,
            visits,
            mails,
        })
    }

    /// Writes [`Store::person_export`] to `.json` or `.xlsx` (by extension), readable by the
    /// user only.
    pub fn person_export_to(
        &mut self,
        query: &str,
        to: &Path,
        now: DateTime<Utc>,
    ) -> Result<PersonExport> {
        self.authorize(crate::people::Permission::Privacy)?;
        let mut ex = self.person_export(query, now)?;
        self.copy_person_attachments(&mut ex, to)?;
        let ext = to
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "json" => crate::files::write_output_private(
                to,
                serde_json::to_string_pretty(&ex)?.as_bytes(),
            )?,
            "xlsx" => write_xlsx(&ex, to)?,
            _ => {
                return Err(CoreError::validation(
                    "--to",
                    "use un archivo .json o .xlsx",
                ))
            }
        }
        // The request is recorded in the audit trail, by case numbers only (no personal data).
        let numbers: Vec<String> = ex
            .cases
            .iter()
            .filter_map(|c| c["number"].as_str().map(str::to_string))
            .collect();
        let note = format!(
            "{} casos: {}; archivo: {}",
            numbers.len(),
            numbers.join(", "),
            to.file_name().and_then(|n| n.to_str()).unwrap_or("")
        );
        self.session_write(|tx| {
            tx.execute(
                "INSERT INTO audit_log(at, actor, table_name, record_key, action, new_value)
                 VALUES (coalesce(mesa_now(), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')), mesa_actor(),
                         'person', 'solicitud de titular', 'export', ?1)",
                [note],
            )?;
            Ok(())
        })?;
        Ok(ex)
    }

    /// Copies the files attached to the person's cases into `<export name>-adjuntos/` beside
    /// the export (`<case>-<id>-<name>`, verified against their hash) and notes each copy's
    /// relative path in the listing (`file`). Removed attachments are listed, not copied.
    fn copy_person_attachments(&self, ex: &mut PersonExport, to: &Path) -> Result<()> {
        let live = ex.attachments.iter().any(|a| a["removed_at"].is_null());
        let Some(data_dir) = self.data_dir().filter(|_| live) else {
            return Ok(());
        };
        let stem = to
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_else(|| "exportacion".into());
        let folder_name = format!("{stem}-adjuntos");
        let folder = to
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(&folder_name);
        std::fs::create_dir_all(&folder).map_err(crate::files::io(&folder))?;
        for a in ex.attachments.iter_mut() {
            if !a["removed_at"].is_null() {
                continue;
            }
            let (Some(number), Some(id), Some(name), Some(sha)) = (
                a["number"].as_str(),
                a["id"].as_i64(),
                a["name"].as_str(),
                a["sha256"].as_str(),
            ) else {
                continue;
            };
            let Ok(Some(bytes)) = crate::db::blobs::read(&self.conn, &data_dir, sha) else {
                a["file"] = Value::String("(archivo no disponible)".into());
                continue;
            };
            let file_name = format!("{number}-{id}-{name}");
            crate::files::write_output_private(&folder.join(&file_name), &bytes)?;
            a["file"] = Value::String(format!("{folder_name}/{file_name}"));
        }
        Ok(())
    }

    /// Anonymises a person on request (see the module docs). One transaction. Their cases'
    /// attachments stay; see [`Store::anonymize_person_with`].
    pub fn anonymize_person(
        &mut self,
        query: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<AnonymizeReport> {
        self.anonymize_person_with(query, false, actor, now)
    }

    /// [`Store::anonymize_person`]; with `delete_attachments` the attachments of the person's
    /// cases are removed too (reason «Ley 1581», in the same transaction) and their files
    /// deleted when nothing else refers to them.
    pub fn anonymize_person_with(
        &mut self,
        query: &str,
        delete_attachments: bool,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<AnonymizeReport> {
        self.authorize(crate::people::Permission::Privacy)?;
        let engine = self.conn.engine();
        if engine == Engine::Sqlite {
            self.conn
                .sqlite_native()?
                .pragma_update(None, "secure_delete", "ON")?;
        }
        let mut hashes: Vec<String> = vec![];
        let res = self
            .anonymize_tx(query, delete_attachments.then_some(&mut hashes), actor, now)
            .and_then(|report| {
                match engine {
                    // No old tokens left in the full-text index; then the file is rewritten
                    // (VACUUM) and the WAL emptied, so no freed page keeps the old bytes.
                    Engine::Sqlite => {
                        self.session_write(|tx| {
                            tx.execute(
                                "INSERT INTO tickets_fts(tickets_fts) VALUES ('optimize')",
                                [],
                            )?;
                            Ok(())
                        })?;
                        self.conn.execute_batch("VACUUM")?;
                        self.conn
                            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
                    }
                    // The old row versions (and their full-text index entries, an expression
                    // index on `tickets`) stay in the tables as dead tuples until vacuumed:
                    // VACUUM FULL rewrites every table the redaction touched, so no page keeps
                    // the old text. The server's WAL keeps it until its next checkpoints
                    // recycle the segments (README «Varios equipos»).
                    Engine::Postgres => {
                        wait_for_older_snapshots(&self.conn)?;
                        self.conn.execute_batch(PG_REDACTED_VACUUM)?;
                        // Removed attachments' content (db::blobs): rewritten only when some
                        // was deleted (it can be large).
                        if !hashes.is_empty() {
                            self.conn.execute_batch(
                                "VACUUM (FULL) attachment_blobs, attachment_blob_parts",
                            )?;
                        }
                    }
                }
                Ok(report)
            });
        if let Ok(c) = self.conn.sqlite_native() {
            let _ = c.pragma_update(None, "secure_delete", "OFF");
        }
        let report = res?;
        if let Some(d) = self.data_dir() {
            crate::attachments::sweep_blobs(&self.conn, &d, &hashes)?;
        }
        Ok(report)
    }

    fn anonymize_tx(
        &mut self,
        query: &str,
        removed_hashes: Option<&mut Vec<String>>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<AnonymizeReport> {
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        let cases = matching_cases(&tx, query)?;
        if cases.is_empty() {
            return Err(CoreError::PersonNotFound(query.trim().to_string()));
        }
        let ids: Vec<i64> = cases.iter().map(|c| c.0).collect();
        let numbers: Vec<String> = cases.iter().map(|c| c.1.clone()).collect();
        let emails = distinct(&tx, "email", &ids)?;
        // Personal strings to erase wherever they were copied (longest first).
        // Names and e-mails identify the person wherever they appear; phones and locations
        // (shared extensions, offices) are erased only from the person's own records.
        let mut pii: Vec<String> = vec![];
        for col in ["requester", "email"] {
            pii.extend(distinct(&tx, col, &ids)?);
        }
        let mut own: Vec<String> = pii.clone();
        for col in ["phone", "location"] {
            own.extend(distinct(&tx, col, &ids)?);
        }
        own.retain(|s| s.chars().count() >= 4);
        own.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        own.dedup();
        if !query.trim().is_empty() {
            pii.push(query.trim().to_string());
        }
        pii.retain(|s| s.chars().count() >= 4);
        pii.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        pii.dedup();

        let n: i64 = tx.query_row(
            "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'anonymized_count'), 0) + 1",
            [],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO settings(key, value) VALUES ('anonymized_count', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [n.to_string()],
        )?;
        let pseudonym = format!("Titular anonimizado {n}");
        let ph = placeholders(ids.len());
        let mut desc = "description".to_string();
        let mut sol = "solution".to_string();
        let mut args: Vec<String> = vec![pseudonym.clone()];
        for s in &own {
            args.push(s.clone());
            let i = args.len();
            desc = format!("replace({desc}, ?{i}, ?1)");
            sol = format!("replace({sol}, ?{i}, ?1)");
        }
        let base = args.len();
        let sql = format!(
            "UPDATE tickets SET requester = ?1, email = NULL, phone = NULL, location = NULL,
                    description = {desc}, solution = {sol}
             WHERE id IN ({})",
            (1..=ids.len())
                .map(|i| format!("?{}", base + i))
                .collect::<Vec<_>>()
                .join(",")
        );
        let mut all: Vec<crate::db::Value> = args.iter().map(|s| s.clone().into()).collect();
        all.extend(ids.iter().map(|i| (*i).into()));
        tx.execute(&sql, params_from_iter(all.iter()))?;

        // Free text of the person's pauses, survey comments, follow-ups and visits.
        for (table, col) in [
            ("ticket_pauses", "reason"),
            ("surveys", "comment"),
            ("ticket_followups", "body"),
            ("ticket_visits", "place"),
            ("ticket_visits", "note"),
        ] {
            for p in &own {
                let mut a: Vec<crate::db::Value> = vec![p.clone().into(), pseudonym.clone().into()];
                a.extend(ids.iter().map(|i| (*i).into()));
                tx.execute(
                    &format!(
                        "UPDATE {table} SET {col} = replace({col}, ?1, ?2)
                         WHERE ticket_id IN ({}) AND instr({col}, ?1) > 0",
                        (3..ids.len() + 3)
                            .map(|i| format!("?{i}"))
                            .collect::<Vec<_>>()
                            .join(",")
                    ),
                    params_from_iter(a.iter()),
                )?;
            }
        }
        // Their mails (issue 16): personal strings, addresses and raw bytes.
        crate::mail::outbox::anonymize_mails(&tx, &ids, &emails, &own, &pseudonym)?;
        // Redact what the audit trail and the timelines kept.
        let nums_ph = placeholders(numbers.len());
        let mut audit_redacted = tx.execute(
            &format!(
                "UPDATE audit_log SET
                   old_value = CASE WHEN old_value IS NULL THEN NULL ELSE '{REDACTED}' END,
                   new_value = CASE WHEN new_value IS NULL THEN NULL ELSE '{REDACTED}' END
                 WHERE table_name = 'tickets' AND record_key IN ({nums_ph})
                   AND (action IN ('create', 'delete')
                        OR field IN ('requester', 'email', 'phone', 'location', 'description', 'solution'))
                   AND (coalesce(old_value, '') <> '{REDACTED}' OR coalesce(new_value, '') <> '{REDACTED}')"
            ),
            params_from_iter(numbers.iter()),
        )? as i64;
        let mut timeline_redacted = 0i64;
        for s in &own {
            if pii.contains(s) {
                audit_redacted += tx.execute(
                &format!(
                    "UPDATE audit_log SET
                       old_value = CASE WHEN instr(lower(old_value), lower(?1)) > 0 THEN '{REDACTED}' ELSE old_value END,
                       new_value = CASE WHEN instr(lower(new_value), lower(?1)) > 0 THEN '{REDACTED}' ELSE new_value END
                     WHERE instr(lower(old_value), lower(?1)) > 0 OR instr(lower(new_value), lower(?1)) > 0"
                ),
                [s],
            )? as i64;
            }
            let mut a: Vec<crate::db::Value> = vec![s.clone().into()];
            a.extend(ids.iter().map(|i| (*i).into()));
            timeline_redacted += tx.execute(
                &format!(
                    "UPDATE ticket_events SET
                       old_value = CASE WHEN instr(lower(old_value), lower(?1)) > 0 THEN '{REDACTED}' ELSE old_value END,
                       new_value = CASE WHEN instr(lower(new_value), lower(?1)) > 0 THEN '{REDACTED}' ELSE new_value END,
                       note = CASE WHEN instr(lower(note), lower(?1)) > 0 THEN '{REDACTED}' ELSE note END
                     WHERE ticket_id IN ({}) AND (instr(lower(old_value), lower(?1)) > 0
                       OR instr(lower(new_value), lower(?1)) > 0 OR instr(lower(note), lower(?1)) > 0)",
                    (2..ids.len() + 2).map(|i| format!("?{i}")).collect::<Vec<_>>().join(",")
                ),
                params_from_iter(a.iter()),
            )? as i64;
        }
        // The request itself, without personal data.
        for number in &numbers {
            tx.execute(
                "INSERT INTO audit_log(at, actor, table_name, record_key, action, new_value)
                 VALUES (coalesce(mesa_now(), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')), mesa_actor(),
                         'tickets', ?1, 'anonymize', ?2)",
                crate::params![number, pseudonym],
            )?;
        }
        tx.execute(
            "INSERT INTO audit_log(at, actor, table_name, record_key, action, new_value)
             VALUES (coalesce(mesa_now(), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')), mesa_actor(),
                     'person', ?1, 'anonymize', ?2)",
            crate::params![
                pseudonym,
                format!("{} casos: {}", numbers.len(), numbers.join(", "))
            ],
        )?;
        let attachments_removed = match removed_hashes {
            Some(hashes) => crate::attachments::remove_for_tickets(
                &tx,
                &ids,
                crate::attachments::LEY_1581_REASON,
                actor,
                now,
                hashes,
            )?,
            None => 0,
        };
        tx.commit()?;
        let _ = ph;
        Ok(AnonymizeReport {
            attachments_removed,
            pseudonym,
            cases: numbers,
            audit_redacted,
            timeline_redacted,
            note: "Las copias de seguridad anteriores conservan los datos hasta que la rotación \
                   las elimine (12 meses como máximo); las copias guardadas en otras carpetas \
                   deben borrarse a mano."
                .into(),
        })
    }
}

fn write_xlsx(ex: &PersonExport, to: &Path) -> Result<()> {
    use rust_xlsxwriter::Workbook;
    let xerr = |e: rust_xlsxwriter::XlsxError| CoreError::Io {
        path: to.display().to_string(),
        source: std::io::Error::other(e.to_string()),
    };
    let mut wb = Workbook::new();
    let bold = xlsx::bold();
    {
        let ws = wb.add_worksheet();
        ws.set_name("Resumen").map_err(xerr)?;
        let rows: Vec<(&str, String)> = vec![
            ("Consulta", ex.query.clone()),
            ("Generado", ex.generated_at.clone()),
            ("Nombres", ex.names.join("; ")),
            ("Correos", ex.emails.join("; ")),
            ("Teléfonos", ex.phones.join("; ")),
            ("Casos", ex.cases.len().to_string()),
            ("Equipos a cargo", ex.assets_in_custody.len().to_string()),
            ("Registros de auditoría", ex.audit.len().to_string()),
        ];
        for (i, (k, v)) in rows.iter().enumerate() {
            ws.write_string_with_format(i as u32, 0, *k, &bold)
                .map_err(xerr)?;
            ws.write_string(i as u32, 1, v).map_err(xerr)?;
        }
    }
    let audit: Vec<Value> = ex
        .audit
        .iter()
        .map(|a| serde_json::to_value(a).unwrap_or(Value::Null))
        .collect();
    for (name, rows) in [
        ("Casos", &ex.cases),
        ("Línea de tiempo", &ex.timeline),
        ("Encuestas", &ex.surveys),
        ("Equipos a cargo", &ex.assets_in_custody),
        ("Auditoría", &audit),
        ("Adjuntos", &ex.attachments),
        ("Seguimientos", &ex.follow_ups),
        ("Visitas", &ex.visits),
        ("Correos", &ex.mails),
    ] {
        let ws = wb.add_worksheet();
        ws.set_name(name).map_err(xerr)?;
        let headers: Vec<String> = rows
            .first()
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)
                .map_err(xerr)?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, h) in headers.iter().enumerate() {
                match row.get(h) {
                    Some(Value::Number(n)) => {
                        ws.write_number(r as u32 + 1, c as u16, n.as_f64().unwrap_or(0.0))
                            .map_err(xerr)?;
                    }
                    Some(Value::String(s)) => {
                        ws.write_string(r as u32 + 1, c as u16, s).map_err(xerr)?;
                    }
                    Some(Value::Null) | None => {}
                    Some(v) => {
                        ws.write_string(r as u32 + 1, c as u16, v.to_string())
                            .map_err(xerr)?;
                    }
                }
            }
        }
    }
    let buf = wb.save_to_buffer().map_err(xerr)?;
    crate::files::write_output_private(to, &buf)
}
