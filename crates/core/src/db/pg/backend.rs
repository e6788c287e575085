//! The PostgreSQL side of [`crate::db::Db`] (the `Inner::Pg` arms of `engine.rs` call here):
//! the connection with its per-statement cache, the dialect rewriting of core's SQLite-flavoured
//! SQL, and value conversion both ways.
//!
//! Dialect rules (applied once per statement text, outside string literals, quoted names and
//! comments; the result is cached with the prepared statement):
//! - placeholders `?NNN`, bare `?` (previous number + 1, as SQLite numbers them) and named
//!   `:name`/`@name` become `$n` (names in order of first appearance);
//! - `LIKE` → `COLLATE "C" ILIKE` (SQLite's LIKE ignores ASCII case only; "C" folds ASCII
//!   only, and lifts the `mesa_nocase` collation that ILIKE refuses), `IFNULL(` → `COALESCE(`,
//!   `COLLATE NOCASE` → `COLLATE mesa_nocase`, `INSERT OR IGNORE INTO …` → `INSERT INTO … ON
//!   CONFLICT DO NOTHING`.
//!
//! A lost connection (the server restarted, the backend terminated, the network dropped) is
//! replaced once, transparently, where that cannot repeat a write: before a statement when the
//! client is known closed, and on a connection-class failure of `BEGIN` (the write path's first
//! statement), of preparing a statement, or of a query outside a transaction (outside the write
//! path the store only reads). A failure inside a transaction is returned as is: it may have
//! committed, or not, and the caller's transaction is gone either way. The new connection gets
//! the session's who/when again and an empty statement cache.
//!
//! What has no exact rewrite (FTS5 `MATCH`, `json_each`, `printf`, `sqlite_master`, pragmas)
//! is a per-engine branch in its module (`match db.engine()`).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::error::Error as StdError;

use bytes::BytesMut;
use postgres::types::{to_sql_checked, FromSql, IsNull, ToSql, Type};
use postgres::{Client, Statement};

use crate::error::{CoreError, Result};

/// A value as SQLite holds it (the engine's `Value`, mirrored here so this module does not
/// depend on `engine.rs`, which dispatches to it).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map(Into::into).unwrap_or(Value::Null)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Integer(i)
    }
}

/// The same, borrowed from a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// The advisory lock every write transaction takes first: writes are serialised like SQLite's
/// `BEGIN IMMEDIATE`, across all workstations (the counters then never race).
pub const WRITE_LOCK: i64 = 7_236_200_002;

/// Statements kept prepared per connection (then the cache starts over).
const CACHE_LIMIT: usize = 512;

/// A statement rewritten for PostgreSQL and prepared on the connection.
#[derive(Clone)]
pub struct Prepared {
    pub stmt: Statement,
    /// For named parameters: the name of each `$n`, in order.
    pub names: Vec<String>,
    /// The statement as core wrote it (to prepare it again on a new connection).
    sql: String,
}

/// Opens a new connection like the first one (same server, same session settings).
pub type Reconnect = Box<dyn Fn() -> Result<Client> + Send>;

/// One PostgreSQL connection behind a [`crate::db::Db`].
pub struct PgConn {
    pub(crate) client: RefCell<Client>,
    cache: RefCell<HashMap<String, Prepared>>,
    in_tx: Cell<bool>,
    reconnect: Option<Reconnect>,
    /// The session's who/when (set outside write transactions), set again after a reconnect.
    session: RefCell<Option<(String, Option<String>)>>,
    reconnects: Cell<u64>,
}

fn db_err(e: postgres::Error) -> CoreError {
    e.into()
}

/// A failure of the connection itself (closed, reset, the server shutting the backend down),
/// not of the statement.
pub fn is_connection_error(e: &postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    if let Some(db) = e.as_db_error() {
        let c = db.code().code();
        // 08: connection exception; 57P01-03: admin/crash shutdown, cannot connect now.
        return c.starts_with("08") || matches!(c, "57P01" | "57P02" | "57P03");
    }
    let mut src = e.source();
    while let Some(s) = src {
        if s.is::<std::io::Error>() {
            return true;
        }
        src = s.source();
    }
    false
}

impl PgConn {
    pub fn new(client: Client) -> PgConn {
        PgConn {
            client: RefCell::new(client),
            cache: RefCell::new(HashMap::new()),
            in_tx: Cell::new(false),
            reconnect: None,
            session: RefCell::new(None),
            reconnects: Cell::new(0),
        }
    }

    /// A connection that replaces itself once when lost (see the module docs).
    pub fn with_reconnect(client: Client, reconnect: Reconnect) -> PgConn {
        PgConn {
            reconnect: Some(reconnect),
            ..PgConn::new(client)
        }
    }

    /// How many times this connection was replaced after being lost.
    pub fn reconnects(&self) -> u64 {
        self.reconnects.get()
    }

    /// Replaces the client with a new connection: empty statement cache, the session's
    /// who/when set again.
    fn reconnect_now(&self) -> Result<()> {
        let Some(f) = &self.reconnect else {
            return Err(CoreError::Server {
                detail: "se perdió la conexión con el servidor".into(),
            });
        };
        let client = f()?;
        *self.client.try_borrow_mut().map_err(|_| busy())? = client;
        self.cache.borrow_mut().clear();
        self.in_tx.set(false);
        self.reconnects.set(self.reconnects.get() + 1);
        let session = self.session.borrow().clone();
        if let Some((actor, at)) = session {
            self.set_context(&actor, at.as_deref(), false)?;
        }
        Ok(())
    }

    /// Before a statement outside a transaction: a client known to be closed is replaced.
    fn ensure_open(&self) -> Result<()> {
        if self.in_tx.get() || self.reconnect.is_none() {
            return Ok(());
        }
        let closed = self
            .client
            .try_borrow()
            .map(|c| c.is_closed())
            .unwrap_or(false);
        if closed {
            self.reconnect_now()?;
        }
        Ok(())
    }

    /// Whether a failure may be retried on a new connection: outside a transaction, a
    /// connection-class error, and a way to reconnect.
    fn may_retry(&self, e: &postgres::Error) -> bool {
        !self.in_tx.get() && self.reconnect.is_some() && is_connection_error(e)
    }

    /// The statement for `sql` (rewritten and prepared once per text).
    pub fn prepare(&self, sql: &str) -> Result<Prepared> {
        if let Some(p) = self.cache.borrow().get(sql) {
            return Ok(p.clone());
        }
        self.ensure_open()?;
        let (text, names) = rewrite(sql);
        let first = self
            .client
            .try_borrow_mut()
            .map_err(|_| busy())?
            .prepare(&text);
        let stmt = match first {
            Ok(s) => s,
            Err(e) if self.may_retry(&e) => {
                self.reconnect_now()?;
                self.client
                    .try_borrow_mut()
                    .map_err(|_| busy())?
                    .prepare(&text)
                    .map_err(db_err)?
            }
            Err(e) => return Err(db_err(e)),
        };
        let p = Prepared {
            stmt,
            names,
            sql: sql.to_string(),
        };
        let mut cache = self.cache.borrow_mut();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(sql.to_string(), p.clone());
        Ok(p)
    }

    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        self.ensure_open()?;
        let (text, _) = rewrite(sql);
        self.client
            .try_borrow_mut()
            .map_err(|_| busy())?
            .batch_execute(&text)
            .map_err(db_err)
    }

    pub fn execute(&self, p: &Prepared, params: &[PgParam]) -> Result<usize> {
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|v| v as _).collect();
        if self.client.try_borrow().is_ok_and(|c| c.is_closed()) && !self.in_tx.get() {
            // Lost since it was prepared: nothing was sent, so run it on a new connection.
            self.reconnect_now()?;
            let again = self.prepare(&p.sql)?;
            return self.execute(&again, params);
        }
        let n = self
            .client
            .try_borrow_mut()
            .map_err(|_| busy())?
            .execute(&p.stmt, &refs)
            .map_err(db_err)?;
        Ok(n as usize)
    }

    /// Runs a query. Outside a transaction (where the store only reads) a connection-class
    /// failure is retried once on a new connection.
    pub fn query(&self, p: &Prepared, params: &[PgParam]) -> Result<Vec<postgres::Row>> {
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|v| v as _).collect();
        let first = self
            .client
            .try_borrow_mut()
            .map_err(|_| busy())?
            .query(&p.stmt, &refs);
        match first {
            Ok(rows) => Ok(rows),
            Err(e) if self.may_retry(&e) => {
                self.reconnect_now()?;
                let again = self.prepare(&p.sql)?;
                self.client
                    .try_borrow_mut()
                    .map_err(|_| busy())?
                    .query(&again.stmt, &refs)
                    .map_err(db_err)
            }
            Err(e) => Err(db_err(e)),
        }
    }

    /// `BEGIN` + the write lock (see [`WRITE_LOCK`]). A lost connection found here is
    /// replaced and the transaction started on the new one: nothing of it had run.
    pub fn begin_write(&self) -> Result<()> {
        self.ensure_open()?;
        let sql = format!("BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})");
        let first = self
            .client
            .try_borrow_mut()
            .map_err(|_| busy())?
            .batch_execute(&sql);
        let res = match first {
            Ok(()) => Ok(()),
            Err(e) if self.may_retry(&e) => self.reconnect_now().and_then(|_| {
                self.client
                    .try_borrow_mut()
                    .map_err(|_| busy())?
                    .batch_execute(&sql)
                    .map_err(db_err)
            }),
            Err(e) => Err(db_err(e)),
        };
        if let Err(e) = res {
            // BEGIN may have run and the lock failed (a timeout, a cancel): leave no aborted
            // transaction behind on this connection.
            let _ = self.execute_batch("ROLLBACK");
            return Err(e);
        }
        self.in_tx.set(true);
        Ok(())
    }

    /// `COMMIT` on this very connection: never on a new one (a lost transaction must fail
    /// here, not "succeed" as an empty commit elsewhere).
    pub fn commit(&self) -> Result<()> {
        self.in_tx.set(false);
        self.client
            .try_borrow_mut()
            .map_err(|_| busy())?
            .batch_execute("COMMIT")
            .map_err(db_err)
    }

    /// `ROLLBACK`; on a lost connection there is nothing to roll back (the server did), and the
    /// next statement reconnects.
    pub fn rollback(&self) -> Result<()> {
        self.in_tx.set(false);
        let mut c = self.client.try_borrow_mut().map_err(|_| busy())?;
        if c.is_closed() {
            return Ok(());
        }
        c.batch_execute("ROLLBACK").map_err(db_err)
    }

    pub fn is_autocommit(&self) -> bool {
        !self.in_tx.get()
    }

    /// Who and when for the audit triggers, for the open transaction only (`SET LOCAL`).
    pub fn set_write_context(&self, actor: &str, at: Option<&str>) -> Result<()> {
        self.set_context(actor, at, true)
    }

    /// Who and when for the audit triggers: for the open transaction only (`local`, `SET
    /// LOCAL`) or for the connection (the session's, used outside write transactions).
    pub fn set_context(&self, actor: &str, at: Option<&str>, local: bool) -> Result<()> {
        if !local {
            *self.session.borrow_mut() = Some((actor.to_string(), at.map(str::to_string)));
        }
        let p = self.prepare(if local {
            "SELECT set_config('mesa.actor', ?1, true) AS a, set_config('mesa.at', coalesce(?2, ''), true) AS b"
        } else {
            "SELECT set_config('mesa.actor', ?1, false) AS a, set_config('mesa.at', coalesce(?2, ''), false) AS b"
        })?;
        self.query(
            &p,
            &[
                PgParam(Value::Text(actor.to_string())),
                PgParam(
                    at.map(|s| Value::Text(s.to_string()))
                        .unwrap_or(Value::Null),
                ),
            ],
        )?;
        Ok(())
    }

    /// The server's clock (UTC, to the second): "now" of writes on PostgreSQL, so a workstation
    /// with a wrong clock cannot misdate a case.
    pub fn server_now(&self) -> Result<chrono::DateTime<chrono::Utc>> {
        let p = self.prepare(
            "SELECT to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS now",
        )?;
        let rows = self.query(&p, &[])?;
        let s: String = rows
            .first()
            .ok_or(CoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))?
            .try_get("now")
            .map_err(db_err)?;
        crate::clock::from_db(&s)
    }
}

fn busy() -> CoreError {
    CoreError::Postgres("la conexión está ocupada con otra consulta".into())
}

// ---------------------------------------------------------------------------------------------
// Rewriting

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The SQL text for PostgreSQL and, for named parameters, the name of each `$n`.
pub fn rewrite(sql: &str) -> (String, Vec<String>) {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = String::with_capacity(sql.len() + 16);
    let mut names: Vec<String> = Vec::new();
    let mut last_num = 0usize;
    let mut or_ignore = false;
    let mut i = 0;
    let word_at = |i: usize, w: &str| -> bool {
        let n = w.chars().count();
        if i + n > chars.len() {
            return false;
        }
        let cand: String = chars[i..i + n].iter().collect();
        cand.eq_ignore_ascii_case(w)
            && (i == 0 || !is_word(chars[i - 1]))
            && (i + n == chars.len() || !is_word(chars[i + n]))
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' | '"' => {
                // A literal or a quoted name, copied as is ('' and "" escape themselves).
                out.push(c);
                i += 1;
                while i < chars.len() {
                    out.push(chars[i]);
                    if chars[i] == c {
                        if i + 1 < chars.len() && chars[i + 1] == c {
                            out.push(c);
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    i += 1;
                }
            }
            '-' if i + 1 < chars.len() && chars[i + 1] == '-' => {
                while i < chars.len() && chars[i] != '\n' {
                    out.push(chars[i]);
                    i += 1;
                }
            }
            '?' => {
                let start = i + 1;
                let mut j = start;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                let n = if j > start {
                    chars[start..j]
                        .iter()
                        .collect::<String>()
                        .parse()
                        .unwrap_or(0)
                } else {
                    last_num + 1
                };
                last_num = last_num.max(n);
                out.push_str(&format!("${n}"));
                i = j;
            }
            ':' | '@'
                if i + 1 < chars.len()
                    && (chars[i + 1].is_ascii_alphabetic() || chars[i + 1] == '_')
                    && !(i > 0 && chars[i - 1] == ':')
                    && !(c == ':' && i + 1 < chars.len() && chars[i + 1] == ':') =>
            {
                let start = i + 1;
                let mut j = start;
                while j < chars.len() && is_word(chars[j]) {
                    j += 1;
                }
                let name: String = chars[i..j].iter().collect();
                let pos = match names.iter().position(|n| *n == name) {
                    Some(p) => p + 1,
                    None => {
                        names.push(name);
                        names.len()
                    }
                };
                out.push_str(&format!("${pos}"));
                i = j;
            }
            _ if word_at(i, "LIKE") => {
                // ASCII-only case folding like SQLite's LIKE, and allowed on `mesa_nocase`
                // columns (PostgreSQL refuses ILIKE under a nondeterministic collation).
                let t = out.trim_end();
                let cut = t.len().saturating_sub(3);
                let negated = t.get(cut..).is_some_and(|w| w.eq_ignore_ascii_case("NOT"))
                    && !t.get(..cut).is_some_and(|b| b.ends_with(is_word));
                if negated {
                    out.truncate(cut);
                    out.push_str("COLLATE \"C\" NOT ILIKE");
                } else {
                    out.push_str("COLLATE \"C\" ILIKE");
                }
                i += 4;
            }
            _ if word_at(i, "IFNULL") => {
                out.push_str("COALESCE");
                i += 6;
            }
            _ if word_at(i, "NOCASE")
                && out.trim_end().to_ascii_uppercase().ends_with("COLLATE") =>
            {
                out.push_str("mesa_nocase");
                i += 6;
            }
            _ if word_at(i, "OR")
                && out.trim_end().to_ascii_uppercase().ends_with("INSERT")
                && {
                    let mut j = i + 2;
                    while j < chars.len() && chars[j].is_whitespace() {
                        j += 1;
                    }
                    word_at(j, "IGNORE")
                } =>
            {
                // `INSERT OR IGNORE` → `INSERT`, and `ON CONFLICT DO NOTHING` at the end.
                let mut j = i + 2;
                while j < chars.len() && chars[j].is_whitespace() {
                    j += 1;
                }
                i = j + 6;
                while i < chars.len() && chars[i].is_whitespace() {
                    i += 1;
                }
                or_ignore = true;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    if or_ignore {
        let trimmed = out.trim_end().trim_end_matches(';').to_string();
        out = format!("{trimmed} ON CONFLICT DO NOTHING");
    }
    (out, names)
}

// ---------------------------------------------------------------------------------------------
// Values

/// A parameter bound as whatever type the server inferred for its placeholder.
#[derive(Debug)]
pub struct PgParam(pub Value);

impl ToSql for PgParam {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn StdError + Sync + Send>> {
        let mismatch = || -> Box<dyn StdError + Sync + Send> {
            format!(
                "el valor {:?} no cabe en el tipo {ty} de PostgreSQL",
                self.0
            )
            .into()
        };
        match &self.0 {
            Value::Null => Ok(IsNull::Yes),
            Value::Integer(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::FLOAT4 => (*i as f32).to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                    i.to_string().as_str().to_sql(&Type::TEXT, out)
                }
                _ => Err(mismatch()),
            },
            Value::Real(f) => match *ty {
                Type::FLOAT8 => f.to_sql(ty, out),
                Type::FLOAT4 => (*f as f32).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR | Type::UNKNOWN => {
                    f.to_string().as_str().to_sql(&Type::TEXT, out)
                }
                _ => Err(mismatch()),
            },
            Value::Text(s) => match *ty {
                Type::INT8 => s
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| mismatch())?
                    .to_sql(ty, out),
                Type::INT4 => s
                    .trim()
                    .parse::<i32>()
                    .map_err(|_| mismatch())?
                    .to_sql(ty, out),
                Type::FLOAT8 => s
                    .trim()
                    .parse::<f64>()
                    .map_err(|_| mismatch())?
                    .to_sql(ty, out),
                Type::BYTEA => s.as_bytes().to_sql(ty, out),
                _ => s.as_str().to_sql(&Type::TEXT, out),
            },
            Value::Blob(b) => match *ty {
                Type::BYTEA => b.as_slice().to_sql(ty, out),
                _ => Err(mismatch()),
            },
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A column's raw binary value, whatever its type (decoded by [`value_at`]).
struct Raw<'a>(Option<&'a [u8]>);

impl<'a> FromSql<'a> for Raw<'a> {
    fn from_sql(
        _: &Type,
        raw: &'a [u8],
    ) -> std::result::Result<Self, Box<dyn StdError + Sync + Send>> {
        Ok(Raw(Some(raw)))
    }
    fn from_sql_null(_: &Type) -> std::result::Result<Self, Box<dyn StdError + Sync + Send>> {
        Ok(Raw(None))
    }
    fn accepts(_: &Type) -> bool {
        true
    }
}

/// PostgreSQL's binary NUMERIC (what `sum`/`avg` of BIGINT return): an integer when it has no
/// fraction and fits, else a float.
fn numeric(raw: &[u8]) -> Option<Value> {
    let rd =
        |i: usize| -> Option<i16> { Some(i16::from_be_bytes([*raw.get(i)?, *raw.get(i + 1)?])) };
    let ndigits = rd(0)? as usize;
    let weight = rd(2)? as i32;
    let sign = rd(4)? as u16;
    let dscale = rd(6)?;
    if sign == 0xC000 {
        return Some(Value::Real(f64::NAN));
    }
    let mut f = 0f64;
    let mut int: Option<i128> = Some(0);
    for k in 0..ndigits {
        let d = rd(8 + 2 * k)? as i64;
        let exp = weight - k as i32;
        f += d as f64 * 10000f64.powi(exp);
        int = match int {
            Some(acc) if exp >= 0 => 10000i128
                .checked_pow(exp as u32)
                .and_then(|p| (d as i128).checked_mul(p))
                .and_then(|v| acc.checked_add(v)),
            Some(acc) if d == 0 => Some(acc),
            _ => None,
        };
    }
    let neg = sign == 0x4000;
    match int.and_then(|v| i64::try_from(v).ok()) {
        Some(v) if dscale == 0 => Some(Value::Integer(if neg { -v } else { v })),
        _ => Some(Value::Real(if neg { -f } else { f })),
    }
}

/// The value of column `i` as SQLite would hold it.
pub fn value_at(row: &postgres::Row, i: usize) -> Result<Value> {
    let ty = row.columns()[i].type_().clone();
    let bad = |e: postgres::Error| CoreError::Postgres(e.to_string());
    Ok(match ty {
        Type::INT8 => row.try_get::<_, Option<i64>>(i).map_err(bad)?.into(),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(i)
            .map_err(bad)?
            .map(|v| Value::Integer(v as i64))
            .unwrap_or(Value::Null),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(i)
            .map_err(bad)?
            .map(|v| Value::Integer(v as i64))
            .unwrap_or(Value::Null),
        Type::OID => row
            .try_get::<_, Option<u32>>(i)
            .map_err(bad)?
            .map(|v| Value::Integer(v as i64))
            .unwrap_or(Value::Null),
        Type::BOOL => row
            .try_get::<_, Option<bool>>(i)
            .map_err(bad)?
            .map(|v| Value::Integer(v as i64))
            .unwrap_or(Value::Null),
        Type::FLOAT8 => row
            .try_get::<_, Option<f64>>(i)
            .map_err(bad)?
            .map(Value::Real)
            .unwrap_or(Value::Null),
        Type::FLOAT4 => row
            .try_get::<_, Option<f32>>(i)
            .map_err(bad)?
            .map(|v| Value::Real(v as f64))
            .unwrap_or(Value::Null),
        Type::BYTEA => row
            .try_get::<_, Option<Vec<u8>>>(i)
            .map_err(bad)?
            .map(Value::Blob)
            .unwrap_or(Value::Null),
        Type::NUMERIC => match row.try_get::<_, Raw<'_>>(i).map_err(bad)?.0 {
            None => Value::Null,
            Some(raw) => {
                numeric(raw).ok_or_else(|| CoreError::Postgres("valor NUMERIC ilegible".into()))?
            }
        },
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => row
            .try_get::<_, Option<String>>(i)
            .map_err(bad)?
            .map(Value::Text)
            .unwrap_or(Value::Null),
        other => {
            return Err(CoreError::Postgres(format!(
                "la columna «{}» es de tipo {other}, que Mesa de Ayuda TI no lee",
                row.columns()[i].name()
            )))
        }
    })
}

/// The value of column `i` borrowed from the row where it can be (text, bytes).
pub fn value_ref_at(row: &postgres::Row, i: usize) -> Result<ValueRef<'_>> {
    if i >= row.len() {
        return Err(CoreError::Postgres(format!(
            "la consulta no tiene la columna {i}"
        )));
    }
    let bad = |e: postgres::Error| CoreError::Postgres(e.to_string());
    let ty = row.columns()[i].type_().clone();
    Ok(match ty {
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => row
            .try_get::<_, Option<&str>>(i)
            .map_err(bad)?
            .map(ValueRef::Text)
            .unwrap_or(ValueRef::Null),
        Type::BYTEA => row
            .try_get::<_, Option<&[u8]>>(i)
            .map_err(bad)?
            .map(ValueRef::Blob)
            .unwrap_or(ValueRef::Null),
        _ => match value_at(row, i)? {
            Value::Integer(v) => ValueRef::Integer(v),
            Value::Real(v) => ValueRef::Real(v),
            _ => ValueRef::Null,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_dialect_are_rewritten_outside_literals() {
        let (s, n) =
            rewrite("SELECT * FROM t WHERE a = ?1 AND b LIKE ?2 AND c = '?3 LIKE' -- ?9\n");
        assert_eq!(
            s,
            "SELECT * FROM t WHERE a = $1 AND b COLLATE \"C\" ILIKE $2 AND c = '?3 LIKE' -- ?9\n"
        );
        assert!(n.is_empty());
        let (s, _) = rewrite("UPDATE t SET a = ?, b = ? WHERE c = ?");
        assert_eq!(s, "UPDATE t SET a = $1, b = $2 WHERE c = $3");
        let (s, n) = rewrite("SELECT x::text FROM t WHERE a = :lo AND b <= :hi AND c = :lo");
        assert_eq!(
            s,
            "SELECT x::text FROM t WHERE a = $1 AND b <= $2 AND c = $1"
        );
        assert_eq!(n, [":lo", ":hi"]);
        let (s, _) = rewrite("INSERT OR IGNORE INTO t(a) VALUES (?1);");
        assert_eq!(s, "INSERT INTO t(a) VALUES ($1) ON CONFLICT DO NOTHING");
        let (s, _) =
            rewrite("SELECT ifnull(a, 0) FROM t WHERE n = ?1 COLLATE NOCASE AND x NOT LIKE 'a%'");
        assert_eq!(
            s,
            "SELECT COALESCE(a, 0) FROM t WHERE n = $1 COLLATE mesa_nocase AND x COLLATE \"C\" NOT ILIKE 'a%'"
        );
        // Non-ASCII text right before LIKE (byte boundaries) and words containing keywords.
        let (s, _) = rewrite("SELECT 1 WHERE 'ñ' LIKE 'Ñ' OR añoñ LIKE ?");
        assert_eq!(
            s,
            "SELECT 1 WHERE 'ñ' COLLATE \"C\" ILIKE 'Ñ' OR añoñ COLLATE \"C\" ILIKE $1"
        );
        let (s, _) = rewrite("SELECT likely, nocase_x FROM \"LIKE\"");
        assert_eq!(s, "SELECT likely, nocase_x FROM \"LIKE\"");
    }

    #[test]
    fn numerics_decode_as_integers_or_floats() {
        // 12345678 = digits [1234, 5678], weight 1, scale 0.
        let raw = [0, 2, 0, 1, 0, 0, 0, 0, 0x04, 0xD2, 0x16, 0x2E];
        assert_eq!(numeric(&raw), Some(Value::Integer(12_345_678)));
        // -2.5 = digits [2, 5000], weight 0, sign negative, scale 1.
        let raw = [0, 2, 0, 0, 0x40, 0, 0, 1, 0, 2, 0x13, 0x88];
        assert_eq!(numeric(&raw), Some(Value::Real(-2.5)));
        // 0: no digits.
        let raw = [0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(numeric(&raw), Some(Value::Integer(0)));
    }
}
