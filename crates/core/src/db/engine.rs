//! The engine-neutral connection API (issue 17): [`Db`], one connection to either engine, with
//! rusqlite's shape (`execute`, `query_row`, `prepare`/`prepare_cached`, `query_map`, rows read
//! by column name) but none of rusqlite's types in its signatures, so the core modules written
//! against it run unchanged on SQLite and on PostgreSQL.
//!
//! The SQLite backend is a thin pass-through: the SQL text goes to rusqlite as is (no rewriting,
//! no allocation per call), parameters are bound one by one from [`ToSqlValue`] borrows, values
//! are read through rusqlite's own conversion, so errors are exactly rusqlite's as before (a
//! type mismatch is `InvalidColumnType`, an unknown stored code the [`CoreError`] it raised).
//!
//! The PostgreSQL backend (`Inner::Pg`, behind the cargo feature `postgres`) adds one arm to
//! each `match` below: it rewrites `?1`/`?`/`:name` placeholders to `$n` once per statement
//! (cached), maps `LIKE`, `INSERT OR IGNORE`, `IFNULL` (see the `// pg:` comments in the core
//! modules for what else differs), and maps its errors to the same [`CoreError`] codes.

use std::error::Error as StdError;

use crate::error::{CoreError, Result};

/// Which engine a [`Db`] talks to, for the few statements that differ (`match db.engine()`
/// right where they differ; never a second copy of a module).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// One connection to the database (SQLite file or PostgreSQL server). All methods take `&self`.
pub struct Db {
    inner: Inner,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.inner {
            Inner::Sqlite(c) => f
                .debug_struct("Db")
                .field("engine", &"sqlite")
                .field("path", &c.path())
                .finish(),
            #[cfg(feature = "postgres")]
            Inner::Pg(_) => f.debug_struct("Db").field("engine", &"postgres").finish(),
        }
    }
}

enum Inner {
    Sqlite(rusqlite::Connection),
    #[cfg(feature = "postgres")]
    Pg(Box<PgConn>),
}

#[cfg(feature = "postgres")]
use super::pg::backend::{self as pgb, PgConn, PgParam, Prepared};

#[cfg(feature = "postgres")]
fn to_pg(v: Value) -> pgb::Value {
    match v {
        Value::Null => pgb::Value::Null,
        Value::Integer(i) => pgb::Value::Integer(i),
        Value::Real(f) => pgb::Value::Real(f),
        Value::Text(s) => pgb::Value::Text(s),
        Value::Blob(b) => pgb::Value::Blob(b),
    }
}

#[cfg(feature = "postgres")]
fn from_pg(v: pgb::Value) -> Value {
    match v {
        pgb::Value::Null => Value::Null,
        pgb::Value::Integer(i) => Value::Integer(i),
        pgb::Value::Real(f) => Value::Real(f),
        pgb::Value::Text(s) => Value::Text(s),
        pgb::Value::Blob(b) => Value::Blob(b),
    }
}

#[cfg(feature = "postgres")]
fn from_pg_ref(v: pgb::ValueRef<'_>) -> ValueRef<'_> {
    match v {
        pgb::ValueRef::Null => ValueRef::Null,
        pgb::ValueRef::Integer(i) => ValueRef::Integer(i),
        pgb::ValueRef::Real(f) => ValueRef::Real(f),
        pgb::ValueRef::Text(s) => ValueRef::Text(s),
        pgb::ValueRef::Blob(b) => ValueRef::Blob(b),
    }
}

/// The values of `params` in `$n` order (named ones placed by name), for PostgreSQL.
#[cfg(feature = "postgres")]
fn ordered_params(p: &Prepared, params: &dyn Params) -> Result<Vec<PgParam>> {
    let mut positional: Vec<PgParam> = Vec::new();
    let mut named: std::collections::HashMap<String, PgParam> = Default::default();
    params.visit(&mut |name, v| {
        let val: Value = v
            .to_sql_value()
            .map_err(|e| CoreError::Postgres(format!("parámetro no válido: {e}")))?
            .into();
        match name {
            Some(n) => {
                named.insert(n.to_string(), PgParam(to_pg(val)));
            }
            None => positional.push(PgParam(to_pg(val))),
        }
        Ok(())
    })?;
    if !named.is_empty() {
        let mut out = Vec::with_capacity(p.names.len());
        for n in &p.names {
            out.push(
                named
                    .remove(n)
                    .ok_or_else(|| CoreError::Postgres(format!("falta el parámetro {n}")))?,
            );
        }
        if let Some(extra) = named.keys().next() {
            return Err(CoreError::Postgres(format!(
                "el parámetro {extra} no está en la consulta"
            )));
        }
        return Ok(out);
    }
    let expected = p.stmt.params().len();
    if positional.len() != expected {
        return Err(CoreError::Postgres(format!(
            "se dieron {} parámetros y la consulta espera {expected}",
            positional.len()
        )));
    }
    Ok(positional)
}

#[cfg(feature = "postgres")]
fn unported() -> CoreError {
    CoreError::Server {
        detail: "esta función todavía no trabaja sobre PostgreSQL".into(),
    }
}

impl Db {
    /// Wraps an opened SQLite connection (only `db/mod.rs` opens connections).
    pub(crate) fn from_sqlite(conn: rusqlite::Connection) -> Db {
        Db {
            inner: Inner::Sqlite(conn),
        }
    }

    /// Wraps a PostgreSQL connection whose server was checked and schema migrated
    /// (`db::pg::open`).
    #[cfg(feature = "postgres")]
    pub(crate) fn from_pg(client: postgres::Client) -> Db {
        Db {
            inner: Inner::Pg(Box::new(PgConn::new(client))),
        }
    }

    /// [`Db::from_pg`] for a connection that replaces itself once when lost, with
    /// `reconnect` (see `db/pg/backend.rs`).
    #[cfg(feature = "postgres")]
    pub(crate) fn from_pg_reconnecting(client: postgres::Client, reconnect: pgb::Reconnect) -> Db {
        Db {
            inner: Inner::Pg(Box::new(PgConn::with_reconnect(client, reconnect))),
        }
    }

    /// How many times a PostgreSQL connection was replaced after being lost (0 on SQLite).
    pub fn reconnects(&self) -> u64 {
        match &self.inner {
            Inner::Sqlite(_) => 0,
            #[cfg(feature = "postgres")]
            Inner::Pg(c) => c.reconnects(),
        }
    }

    pub fn engine(&self) -> Engine {
        match &self.inner {
            Inner::Sqlite(_) => Engine::Sqlite,
            #[cfg(feature = "postgres")]
            Inner::Pg(_) => Engine::Postgres,
        }
    }

    /// Who and when for the audit triggers of the open write transaction. SQLite reads them
    /// from the connection's `mesa_actor()`/`mesa_now()` functions (the store's audit context),
    /// so this does nothing there; PostgreSQL's triggers read `SET LOCAL mesa.actor/mesa.at`.
    pub(crate) fn set_write_context(&self, actor: &str, at: Option<&str>) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(_) => {
                let _ = (actor, at);
                Ok(())
            }
            #[cfg(feature = "postgres")]
            Inner::Pg(c) => c.set_write_context(actor, at),
        }
    }

    /// Who and when for the audit triggers of statements outside a write transaction on this
    /// connection (the session's: `Store::set_session`). Nothing to do on SQLite (the store's
    /// audit context is read by `mesa_actor()`/`mesa_now()`); PostgreSQL: session-level
    /// `mesa.actor`/`mesa.at`, which a write transaction's `SET LOCAL` overrides until it ends.
    pub(crate) fn set_session_context(&self, actor: &str, at: Option<&str>) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(_) => {
                let _ = (actor, at);
                Ok(())
            }
            #[cfg(feature = "postgres")]
            Inner::Pg(c) => c.set_context(actor, at, false),
        }
    }

    /// One write transaction on this connection by `actor` (at `at`, UTC ISO-8601; None: the
    /// database's clock): begun (SQLite `BEGIN IMMEDIATE`; PostgreSQL `BEGIN` + the write
    /// advisory lock), who/when set for the audit triggers, committed when `f` returns Ok,
    /// rolled back otherwise. The store's write path (`store.rs`) is this plus its audit
    /// context on SQLite; on PostgreSQL this is all it needs.
    pub fn write<T>(
        &self,
        actor: &str,
        at: Option<&str>,
        f: impl FnOnce(&Db) -> Result<T>,
    ) -> Result<T> {
        self.begin_write()?;
        let r = self.set_write_context(actor, at).and_then(|()| f(self));
        match r {
            Ok(v) => {
                self.commit()?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.rollback();
                Err(e)
            }
        }
    }

    /// The database server's clock, the "now" of writes on PostgreSQL; `None` on SQLite (the
    /// caller's `now` stands).
    pub fn server_now(&self) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        match &self.inner {
            Inner::Sqlite(_) => Ok(None),
            #[cfg(feature = "postgres")]
            Inner::Pg(c) => c.server_now().map(Some),
        }
    }

    /// The SQLite connection, for what exists only on SQLite and lives below the store
    /// (`db/`: pragmas, SQL functions for the audit triggers, migrations; `safety/backup.rs`:
    /// the online backup API and integrity checks; on PostgreSQL those are `pg_dump` and the
    /// server's own). An error on PostgreSQL. Not for ordinary queries: use the methods of [`Db`].
    pub fn sqlite_native(&self) -> Result<&rusqlite::Connection> {
        match &self.inner {
            Inner::Sqlite(c) => Ok(c),
            #[cfg(feature = "postgres")]
            Inner::Pg(_) => Err(unported()),
        }
    }

    /// [`Db::sqlite_native`], mutable (the backup API writes into a connection).
    pub fn sqlite_native_mut(&mut self) -> Result<&mut rusqlite::Connection> {
        match &mut self.inner {
            Inner::Sqlite(c) => Ok(c),
            #[cfg(feature = "postgres")]
            Inner::Pg(_) => Err(unported()),
        }
    }

    /// Runs one statement; the number of rows it changed.
    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        self.prepare(sql)?.execute(params)
    }

    /// Runs several statements separated by `;`, with no parameters.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(c) => Ok(c.execute_batch(sql)?),
            #[cfg(feature = "postgres")]
            Inner::Pg(c) => c.execute_batch(sql),
        }
    }

    /// The first row of a query mapped by `f`; no row is an error (see [`OptionalExt`]).
    pub fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        self.prepare(sql)?.query_row(params, f)
    }

    /// `INSERT … RETURNING id` in one call: the `id` of the row inserted.
    pub fn insert_returning_id<P: Params>(&self, sql: &str, params: P) -> Result<i64> {
        self.query_row(sql, params, |r| r.get("id"))
    }

    pub fn prepare(&self, sql: &str) -> Result<Stmt<'_>> {
        match &self.inner {
            Inner::Sqlite(c) => Ok(Stmt {
                inner: StmtInner::Sqlite(c.prepare(sql)?),
            }),
            #[cfg(feature = "postgres")]
            Inner::Pg(c) => Ok(Stmt {
                inner: StmtInner::Pg(c, c.prepare(sql)?, Vec::new()),
            }),
        }
    }

    /// A statement kept prepared on this connection between calls (hot paths).
    pub fn prepare_cached(&self, sql: &str) -> Result<Stmt<'_>> {
        match &self.inner {
            Inner::Sqlite(c) => Ok(Stmt {
                inner: StmtInner::SqliteCached(c.prepare_cached(sql)?),
            }),
            // Every PostgreSQL statement is cached (rewritten and prepared once per text).
            #[cfg(feature = "postgres")]
            Inner::Pg(c) => Ok(Stmt {
                inner: StmtInner::Pg(c, c.prepare(sql)?, Vec::new()),
            }),
        }
    }

    /// Starts the one write transaction. SQLite: `BEGIN IMMEDIATE` (takes the write lock at
    /// once, so writers queue behind the busy timeout instead of failing at commit).
    // pg: `BEGIN` + `SELECT pg_advisory_xact_lock(<constant>)` (writes serialised the same way).
    pub(crate) fn begin_write(&self) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(_) => self.execute_batch("BEGIN IMMEDIATE"),
            #[cfg(feature = "postgres")]
            Inner::Pg(c) => c.begin_write(),
        }
    }

    pub(crate) fn commit(&self) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(_) => self.execute_batch("COMMIT"),
            #[cfg(feature = "postgres")]
            Inner::Pg(c) => c.commit(),
        }
    }

    pub(crate) fn rollback(&self) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(_) => self.execute_batch("ROLLBACK"),
            #[cfg(feature = "postgres")]
            Inner::Pg(c) => c.rollback(),
        }
    }

    /// Rows changed by every statement since the connection opened (SQLite's
    /// `total_changes()`): the write path uses it to checkpoint after a large batch.
    // pg: not needed (no WAL file to shrink); 0 is fine.
    pub(crate) fn total_changes(&self) -> u64 {
        match &self.inner {
            Inner::Sqlite(c) => c.total_changes(),
            #[cfg(feature = "postgres")]
            Inner::Pg(_) => 0,
        }
    }

    /// Whether no transaction is open on this connection.
    pub fn is_autocommit(&self) -> bool {
        match &self.inner {
            Inner::Sqlite(c) => c.is_autocommit(),
            #[cfg(feature = "postgres")]
            Inner::Pg(c) => c.is_autocommit(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Values

/// A value as stored, borrowed: what a parameter binds and what a column holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl<'a> ValueRef<'a> {
    /// Text or NULL (`None`); any other type is [`FromSqlError::InvalidType`].
    pub fn as_str_or_null(&self) -> std::result::Result<Option<&'a str>, FromSqlError> {
        match *self {
            ValueRef::Text(s) => Ok(Some(s)),
            ValueRef::Null => Ok(None),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

/// A value as stored, owned (dynamic parameter lists, generic row copies).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    pub fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Null => ValueRef::Null,
            Value::Integer(i) => ValueRef::Integer(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(s) => ValueRef::Text(s),
            Value::Blob(b) => ValueRef::Blob(b),
        }
    }
}

impl From<ValueRef<'_>> for Value {
    fn from(v: ValueRef<'_>) -> Value {
        match v {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Real(f) => Value::Real(f),
            ValueRef::Text(s) => Value::Text(s.to_string()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        }
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_string())
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Integer(i)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map(Into::into).unwrap_or(Value::Null)
    }
}

/// Why a parameter could not be converted (a `usize` above `i64::MAX`).
pub type ToSqlError = Box<dyn StdError + Send + Sync + 'static>;

/// A Rust value bound as a statement parameter.
pub trait ToSqlValue {
    fn to_sql_value(&self) -> std::result::Result<ValueRef<'_>, ToSqlError>;
}

/// Why a column could not be read as the type asked for.
#[derive(Debug)]
pub enum FromSqlError {
    /// The stored type does not fit (text read as a number…).
    InvalidType,
    /// An integer out of the target type's range.
    OutOfRange(i64),
    /// The value is of the right type but not acceptable (an unknown stored code).
    Other(CoreError),
}

/// A Rust value read from a column.
pub trait FromSqlValue: Sized {
    fn from_sql_value(v: ValueRef<'_>) -> std::result::Result<Self, FromSqlError>;
}

impl<T: ToSqlValue + ?Sized> ToSqlValue for &T {
    fn to_sql_value(&self) -> std::result::Result<ValueRef<'_>, ToSqlError> {
        (**self).to_sql_value()
    }
}

impl<T: ToSqlValue + ?Sized> ToSqlValue for Box<T> {
    fn to_sql_value(&self) -> std::result::Result<ValueRef<'_>, ToSqlError> {
        (**self).to_sql_value()
    }
}

impl<T: ToSqlValue> ToSqlValue for Option<T> {
    fn to_sql_value(&self) -> std::result::Result<ValueRef<'_>, ToSqlError> {
        match self {
            Some(v) => v.to_sql_value(),
            None => Ok(ValueRef::Null),
        }
    }
}

impl ToSqlValue for Value {
    fn to_sql_value(&self) -> std::result::Result<ValueRef<'_>, ToSqlError> {
        Ok(self.as_ref())
    }
}

impl ToSqlValue for ValueRef<'_> {
    fn to_sql_value(&self) -> std::result::Result<ValueRef<'_>, ToSqlError> {
        Ok(*self)
    }
}

impl ToSqlValue for str {
    fn to_sql_value(&self) -> std::result::Result<ValueRef<'_>, ToSqlError> {
        Ok(ValueRef::Text(self))
    }
}

impl ToSqlValue for String {
    fn to_sql_value(&self) -> std::result::Result<ValueRef<'_>, ToSqlError> {
        Ok(ValueRef::Text(self))
    }
}

impl ToSqlValue for [u8] {
    fn to_sql_value(&self) -> std::result::Result<ValueRef<'_>, ToSqlError> {
        Ok(ValueRef::Blob(self))
    }
}

impl ToSqlValue for Vec<u8> {
    fn to_sql_value(&self) -> std::result::Result<ValueRef<'_>, ToSqlError> {
        Ok(ValueRef::Blob(self))
    }
}

impl ToSqlValue for bool {
    fn to_sql_value(&self) -> std::result::Result<ValueRef<'_>, ToSqlError> {
        Ok(ValueRef::Integer(*self as i64))
    }
}

impl ToSqlValue for f64 {
    fn to_sql_value(&self) -> std::result::Result<ValueRef<'_>, ToSqlError> {
        Ok(ValueRef::Real(*self))
    }
}

macro_rules! to_sql_int {
    ($($t:ty),*) => {$(
        impl ToSqlValue for $t {
            fn to_sql_value(&self) -> std::result::Result<ValueRef<'_>, ToSqlError> {
                Ok(ValueRef::Integer(i64::try_from(*self)?))
            }
        }
    )*};
}
to_sql_int!(i64, i32, i16, i8, u32, u16, u8, u64, usize);

impl FromSqlValue for Value {
    fn from_sql_value(v: ValueRef<'_>) -> std::result::Result<Self, FromSqlError> {
        Ok(v.into())
    }
}

impl<T: FromSqlValue> FromSqlValue for Option<T> {
    fn from_sql_value(v: ValueRef<'_>) -> std::result::Result<Self, FromSqlError> {
        match v {
            ValueRef::Null => Ok(None),
            v => T::from_sql_value(v).map(Some),
        }
    }
}

impl FromSqlValue for String {
    fn from_sql_value(v: ValueRef<'_>) -> std::result::Result<Self, FromSqlError> {
        match v {
            ValueRef::Text(s) => Ok(s.to_string()),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

impl FromSqlValue for Vec<u8> {
    fn from_sql_value(v: ValueRef<'_>) -> std::result::Result<Self, FromSqlError> {
        match v {
            ValueRef::Blob(b) => Ok(b.to_vec()),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

impl FromSqlValue for f64 {
    fn from_sql_value(v: ValueRef<'_>) -> std::result::Result<Self, FromSqlError> {
        match v {
            ValueRef::Real(f) => Ok(f),
            ValueRef::Integer(i) => Ok(i as f64),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

impl FromSqlValue for bool {
    fn from_sql_value(v: ValueRef<'_>) -> std::result::Result<Self, FromSqlError> {
        match v {
            ValueRef::Integer(i) => Ok(i != 0),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

macro_rules! from_sql_int {
    ($($t:ty),*) => {$(
        impl FromSqlValue for $t {
            fn from_sql_value(v: ValueRef<'_>) -> std::result::Result<Self, FromSqlError> {
                match v {
                    ValueRef::Integer(i) => {
                        <$t>::try_from(i).map_err(|_| FromSqlError::OutOfRange(i))
                    }
                    _ => Err(FromSqlError::InvalidType),
                }
            }
        }
    )*};
}
from_sql_int!(i64, i32, i16, i8, u32, u16, u8, u64, usize);

// ---------------------------------------------------------------------------------------------
// Parameters

/// What [`Params::visit`] calls with each parameter and its name (when named).
pub type ParamVisitor<'a> = dyn FnMut(Option<&str>, &dyn ToSqlValue) -> Result<()> + 'a;

/// The parameters of one statement: positional (`?1`, `?`) or named (`:name`).
pub trait Params {
    /// Calls `f` with each parameter in order, with its name when named.
    fn visit(&self, f: &mut ParamVisitor<'_>) -> Result<()>;
}

/// `[]`: no parameters.
impl Params for [&dyn ToSqlValue; 0] {
    fn visit(&self, _: &mut ParamVisitor<'_>) -> Result<()> {
        Ok(())
    }
}

impl Params for &[&dyn ToSqlValue] {
    fn visit(&self, f: &mut ParamVisitor<'_>) -> Result<()> {
        self.iter().try_for_each(|p| f(None, *p))
    }
}

impl Params for &[(&str, &dyn ToSqlValue)] {
    fn visit(&self, f: &mut ParamVisitor<'_>) -> Result<()> {
        self.iter().try_for_each(|(n, p)| f(Some(n), *p))
    }
}

impl<T: ToSqlValue> Params for &[(String, T)] {
    fn visit(&self, f: &mut ParamVisitor<'_>) -> Result<()> {
        self.iter().try_for_each(|(n, p)| f(Some(n), p))
    }
}

macro_rules! array_params {
    ($($n:literal)*) => {$(
        impl<T: ToSqlValue> Params for [T; $n] {
            fn visit(
                &self,
                f: &mut ParamVisitor<'_>,
            ) -> Result<()> {
                self.iter().try_for_each(|p| f(None, p))
            }
        }
    )*};
}
array_params!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32
              33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48);

/// Parameters from an iterator (dynamic lists: `IN (?, ?, …)`, filters).
pub struct ParamsFromIter<I>(I);

pub fn params_from_iter<I>(iter: I) -> ParamsFromIter<I>
where
    I: IntoIterator + Clone,
    I::Item: ToSqlValue,
{
    ParamsFromIter(iter)
}

impl<I> Params for ParamsFromIter<I>
where
    I: IntoIterator + Clone,
    I::Item: ToSqlValue,
{
    fn visit(&self, f: &mut ParamVisitor<'_>) -> Result<()> {
        self.0.clone().into_iter().try_for_each(|p| f(None, &p))
    }
}

/// Positional parameters of different types: `params![a, b, c]`, like rusqlite's.
#[macro_export]
macro_rules! params {
    () => {
        &[] as &[&dyn $crate::db::engine::ToSqlValue]
    };
    ($($p:expr),+ $(,)?) => {
        &[$(&$p as &dyn $crate::db::engine::ToSqlValue),+] as &[&dyn $crate::db::engine::ToSqlValue]
    };
}

/// Named parameters: `named_params! {":a": x, ":b": y}`, like rusqlite's.
#[macro_export]
macro_rules! named_params {
    () => {
        &[] as &[(&str, &dyn $crate::db::engine::ToSqlValue)]
    };
    ($($n:literal: $p:expr),+ $(,)?) => {
        &[$(($n, &$p as &dyn $crate::db::engine::ToSqlValue)),+] as &[(&str, &dyn $crate::db::engine::ToSqlValue)]
    };
}

// ---------------------------------------------------------------------------------------------
// Statements and rows

/// A prepared statement.
pub struct Stmt<'c> {
    inner: StmtInner<'c>,
}

enum StmtInner<'c> {
    Sqlite(rusqlite::Statement<'c>),
    SqliteCached(rusqlite::CachedStatement<'c>),
    /// The connection, the prepared statement, and parameters bound one by one
    /// ([`Stmt::raw_bind_parameter`]).
    #[cfg(feature = "postgres")]
    Pg(&'c PgConn, Prepared, Vec<PgParam>),
}

impl<'c> Stmt<'c> {
    fn sqlite(&mut self) -> Option<&mut rusqlite::Statement<'c>> {
        match &mut self.inner {
            StmtInner::Sqlite(s) => Some(s),
            StmtInner::SqliteCached(s) => Some(s),
            #[cfg(feature = "postgres")]
            StmtInner::Pg(..) => None,
        }
    }

    /// Binds `params` as rusqlite's `execute`/`query` do: positional ones must be exactly as
    /// many as the statement's placeholders; named ones must exist in the statement.
    fn bind_sqlite(st: &mut rusqlite::Statement<'_>, params: &dyn Params) -> Result<()> {
        let expected = st.parameter_count();
        let mut given = 0usize;
        let mut named = false;
        params.visit(&mut |name, v| {
            match name {
                Some(n) => {
                    named = true;
                    st.raw_bind_parameter(n, SqliteBind(v))?;
                }
                None => {
                    given += 1;
                    if given <= expected {
                        st.raw_bind_parameter(given, SqliteBind(v))?;
                    }
                }
            }
            Ok(())
        })?;
        if !named && given != expected {
            return Err(rusqlite::Error::InvalidParameterCount(given, expected).into());
        }
        Ok(())
    }

    /// Runs the statement; the number of rows it changed.
    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        #[cfg(feature = "postgres")]
        if let StmtInner::Pg(c, p, _) = &self.inner {
            return c.execute(p, &ordered_params(p, &params)?);
        }
        let Some(st) = self.sqlite() else {
            return Err(no_rows());
        };
        Self::bind_sqlite(st, &params)?;
        Ok(st.raw_execute()?)
    }

    /// Runs the query; its rows one at a time ([`Rows::next`]).
    pub fn query<P: Params>(&mut self, params: P) -> Result<Rows<'_>> {
        #[cfg(feature = "postgres")]
        if let StmtInner::Pg(c, p, _) = &self.inner {
            let rows = c.query(p, &ordered_params(p, &params)?)?;
            return Ok(Rows {
                inner: RowsInner::Pg(rows.into_iter(), None),
            });
        }
        let Some(st) = self.sqlite() else {
            return Err(no_rows());
        };
        Self::bind_sqlite(st, &params)?;
        Ok(Rows {
            inner: RowsInner::Sqlite(st.raw_query()),
        })
    }

    /// Runs the query; an iterator of its rows mapped by `f`.
    pub fn query_map<T, P, F>(&mut self, params: P, f: F) -> Result<MappedRows<'_, F>>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        Ok(MappedRows {
            rows: self.query(params)?,
            f,
        })
    }

    /// The first row mapped by `f`; no row is `QueryReturnedNoRows` (see [`OptionalExt`]).
    pub fn query_row<T, P, F>(&mut self, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let mut rows = self.query(params)?;
        match rows.next()? {
            Some(r) => f(&r),
            None => Err(no_rows()),
        }
    }

    /// Binds one parameter (1-based) for [`Stmt::raw_execute`]: statements built at run time
    /// with many rows per `INSERT` (the importer's hot path) bind without a parameter list.
    pub fn raw_bind_parameter<T: ToSqlValue>(&mut self, index: usize, v: T) -> Result<()> {
        #[cfg(feature = "postgres")]
        if let StmtInner::Pg(_, _, bound) = &mut self.inner {
            let val: Value = v
                .to_sql_value()
                .map_err(|e| CoreError::Postgres(format!("parámetro no válido: {e}")))?
                .into();
            if index == 0 {
                return Err(CoreError::Postgres("parámetro 0 no existe".into()));
            }
            while bound.len() < index {
                bound.push(PgParam(pgb::Value::Null));
            }
            bound[index - 1] = PgParam(to_pg(val));
            return Ok(());
        }
        match self.sqlite() {
            Some(st) => Ok(st.raw_bind_parameter(index, SqliteBind(&v))?),
            None => Err(no_rows()),
        }
    }

    /// Runs the statement with the parameters bound by [`Stmt::raw_bind_parameter`].
    pub fn raw_execute(&mut self) -> Result<usize> {
        #[cfg(feature = "postgres")]
        if let StmtInner::Pg(c, p, bound) = &mut self.inner {
            let params = std::mem::take(bound);
            return c.execute(p, &params);
        }
        match self.sqlite() {
            Some(st) => Ok(st.raw_execute()?),
            None => Err(no_rows()),
        }
    }

    /// Whether the query returns at least one row.
    pub fn exists<P: Params>(&mut self, params: P) -> Result<bool> {
        Ok(self.query(params)?.next()?.is_some())
    }

    /// The number of columns of the result.
    pub fn column_count(&mut self) -> usize {
        #[cfg(feature = "postgres")]
        if let StmtInner::Pg(_, p, _) = &self.inner {
            return p.stmt.columns().len();
        }
        self.sqlite().map(|s| s.column_count()).unwrap_or(0)
    }

    /// The names of the result's columns, in order.
    pub fn column_names(&mut self) -> Vec<String> {
        #[cfg(feature = "postgres")]
        if let StmtInner::Pg(_, p, _) = &self.inner {
            return p
                .stmt
                .columns()
                .iter()
                .map(|c| c.name().to_string())
                .collect();
        }
        self.sqlite()
            .map(|s| s.column_names().into_iter().map(str::to_string).collect())
            .unwrap_or_default()
    }
}

/// The error of a query that returned no row (`.optional()` turns it into `None`). The same
/// value on both engines, so callers match on one thing.
pub fn no_rows() -> CoreError {
    CoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows)
}

/// Whether `e` is the error of a query that returned no row.
pub fn is_no_rows(e: &CoreError) -> bool {
    matches!(e, CoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
}

/// `.optional()` on the result of `query_row`: no row is `Ok(None)`.
pub trait OptionalExt<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExt<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(e) if is_no_rows(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The rows of a running query.
pub struct Rows<'s> {
    inner: RowsInner<'s>,
}

enum RowsInner<'s> {
    Sqlite(rusqlite::Rows<'s>),
    /// PostgreSQL rows are fetched whole (a page of a list, a report's rows), so a closure
    /// may run other statements on the same connection while iterating.
    #[cfg(feature = "postgres")]
    Pg(std::vec::IntoIter<postgres::Row>, Option<postgres::Row>),
}

impl<'s> Rows<'s> {
    /// The next row, `None` after the last.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Row<'_>>> {
        match &mut self.inner {
            RowsInner::Sqlite(r) => Ok(r.next()?.map(|r| Row {
                inner: RowInner::Sqlite(r),
            })),
            #[cfg(feature = "postgres")]
            RowsInner::Pg(it, cur) => {
                *cur = it.next();
                Ok(cur.as_ref().map(|r| Row {
                    inner: RowInner::Pg(r),
                }))
            }
        }
    }
}

/// An iterator over rows mapped by a function ([`Stmt::query_map`]).
pub struct MappedRows<'s, F> {
    rows: Rows<'s>,
    f: F,
}

impl<T, F> Iterator for MappedRows<'_, F>
where
    F: FnMut(&Row<'_>) -> Result<T>,
{
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        match self.rows.next() {
            Ok(Some(r)) => Some((self.f)(&r)),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// One row of a result.
pub struct Row<'r> {
    inner: RowInner<'r>,
}

enum RowInner<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    #[cfg(feature = "postgres")]
    Pg(&'r postgres::Row),
}

/// A column of a row: by name (the rule in core) or by position (`PRAGMA`s, `count(*)` in
/// tests).
pub trait RowIndex {
    fn column(&self) -> Column<'_>;
}

pub enum Column<'a> {
    Name(&'a str),
    Position(usize),
}

impl RowIndex for &str {
    fn column(&self) -> Column<'_> {
        Column::Name(self)
    }
}

impl RowIndex for usize {
    fn column(&self) -> Column<'_> {
        Column::Position(*self)
    }
}

impl Row<'_> {
    /// The value of one column, read as `T`.
    pub fn get<I: RowIndex, T: FromSqlValue>(&self, idx: I) -> Result<T> {
        match &self.inner {
            RowInner::Sqlite(r) => {
                let v: SqliteRead<T> = match idx.column() {
                    Column::Name(n) => r.get(n)?,
                    Column::Position(i) => r.get(i)?,
                };
                Ok(v.0)
            }
            #[cfg(feature = "postgres")]
            RowInner::Pg(r) => {
                let i = match idx.column() {
                    Column::Name(n) => {
                        r.columns()
                            .iter()
                            .position(|c| c.name() == n)
                            .ok_or_else(|| {
                                CoreError::Postgres(format!(
                                    "la consulta no tiene la columna «{n}»"
                                ))
                            })?
                    }
                    Column::Position(i) if i < r.len() => i,
                    Column::Position(i) => {
                        return Err(CoreError::Postgres(format!(
                            "la consulta no tiene la columna {i}"
                        )))
                    }
                };
                let v = from_pg(pgb::value_at(r, i)?);
                T::from_sql_value(v.as_ref()).map_err(|e| match e {
                    FromSqlError::Other(c) => c,
                    FromSqlError::InvalidType => CoreError::Postgres(format!(
                        "la columna «{}» tiene un tipo inesperado ({v:?})",
                        r.columns()[i].name()
                    )),
                    FromSqlError::OutOfRange(n) => CoreError::Postgres(format!(
                        "el valor {n} de la columna «{}» está fuera de rango",
                        r.columns()[i].name()
                    )),
                })
            }
        }
    }

    /// The value of one column as stored, borrowed from the row (generic copies: exports, the
    /// personal-data report).
    pub fn get_ref<I: RowIndex>(&self, idx: I) -> Result<ValueRef<'_>> {
        match &self.inner {
            RowInner::Sqlite(r) => {
                use rusqlite::types::ValueRef as R;
                let v = match idx.column() {
                    Column::Name(n) => r.get_ref(n)?,
                    Column::Position(i) => r.get_ref(i)?,
                };
                Ok(match v {
                    R::Null => ValueRef::Null,
                    R::Integer(i) => ValueRef::Integer(i),
                    R::Real(f) => ValueRef::Real(f),
                    R::Text(t) => {
                        ValueRef::Text(std::str::from_utf8(t).map_err(rusqlite::Error::Utf8Error)?)
                    }
                    R::Blob(b) => ValueRef::Blob(b),
                })
            }
            #[cfg(feature = "postgres")]
            RowInner::Pg(r) => {
                let i = match idx.column() {
                    Column::Name(n) => {
                        r.columns()
                            .iter()
                            .position(|c| c.name() == n)
                            .ok_or_else(|| {
                                CoreError::Postgres(format!(
                                    "la consulta no tiene la columna «{n}»"
                                ))
                            })?
                    }
                    Column::Position(i) => i,
                };
                pgb::value_ref_at(r, i).map(from_pg_ref)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// SQLite glue: our values through rusqlite's own conversions (so its errors are unchanged).

struct SqliteBind<'a>(&'a dyn ToSqlValue);

impl rusqlite::types::ToSql for SqliteBind<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef as R};
        let v = self
            .0
            .to_sql_value()
            .map_err(rusqlite::Error::ToSqlConversionFailure)?;
        Ok(ToSqlOutput::Borrowed(match v {
            ValueRef::Null => R::Null,
            ValueRef::Integer(i) => R::Integer(i),
            ValueRef::Real(f) => R::Real(f),
            ValueRef::Text(s) => R::Text(s.as_bytes()),
            ValueRef::Blob(b) => R::Blob(b),
        }))
    }
}

struct SqliteRead<T>(T);

impl<T: FromSqlValue> rusqlite::types::FromSql for SqliteRead<T> {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        use rusqlite::types::{FromSqlError as E, ValueRef as R};
        let v = match v {
            R::Null => ValueRef::Null,
            R::Integer(i) => ValueRef::Integer(i),
            R::Real(f) => ValueRef::Real(f),
            R::Text(t) => ValueRef::Text(std::str::from_utf8(t).map_err(|e| E::Other(e.into()))?),
            R::Blob(b) => ValueRef::Blob(b),
        };
        T::from_sql_value(v).map(SqliteRead).map_err(|e| match e {
            FromSqlError::InvalidType => E::InvalidType,
            FromSqlError::OutOfRange(i) => E::OutOfRange(i),
            FromSqlError::Other(c) => E::Other(Box::new(c)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Db {
        let db = Db::from_sqlite(rusqlite::Connection::open_in_memory().unwrap());
        db.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, r REAL, s TEXT, b BLOB,
                             flag INTEGER NOT NULL DEFAULT 0, u TEXT UNIQUE) STRICT;",
        )
        .unwrap();
        db
    }

    #[test]
    fn values_round_trip() {
        let db = db();
        let blob: Vec<u8> = vec![0, 1, 2, 255];
        let id = db
            .insert_returning_id(
                "INSERT INTO t(i, r, s, b, flag) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                params![-7i64, 2.5f64, "ñandú «á»", blob, true],
            )
            .unwrap();
        assert_eq!(id, 1);
        let (i, r, s, b, flag): (i64, f64, String, Vec<u8>, bool) = db
            .query_row(
                "SELECT flag, b, s, r, i FROM t WHERE id = ?1",
                [id],
                |row| {
                    Ok((
                        row.get("i")?,
                        row.get("r")?,
                        row.get("s")?,
                        row.get("b")?,
                        row.get("flag")?,
                    ))
                },
            )
            .unwrap();
        assert_eq!(
            (i, r, s.as_str(), b, flag),
            (-7, 2.5, "ñandú «á»", vec![0, 1, 2, 255], true)
        );
        // Narrow integer types both ways, and usize/u32 parameters.
        db.execute("UPDATE t SET i = ?1 WHERE id = ?2", params![40u32, 1usize])
            .unwrap();
        let n: i32 = db.query_row("SELECT i FROM t", [], |r| r.get("i")).unwrap();
        let u: usize = db.query_row("SELECT i FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!((n, u), (40, 40));
        // An owned Value reads whatever is stored.
        let v: Value = db.query_row("SELECT s FROM t", [], |r| r.get("s")).unwrap();
        assert_eq!(v, Value::Text("ñandú «á»".into()));
        // A real column read from an integer, as rusqlite allows.
        let f: f64 = db.query_row("SELECT i FROM t", [], |r| r.get("i")).unwrap();
        assert_eq!(f, 40.0);
    }

    #[test]
    fn nulls_and_optional() {
        let db = db();
        let none: Option<String> = None;
        db.execute(
            "INSERT INTO t(s, i) VALUES (?1, ?2)",
            params![none, Some(3i64)],
        )
        .unwrap();
        let (s, i): (Option<String>, Option<i64>) = db
            .query_row("SELECT s, i FROM t", [], |r| Ok((r.get("s")?, r.get("i")?)))
            .unwrap();
        assert_eq!((s, i), (None, Some(3)));
        let missing = db
            .query_row("SELECT s FROM t WHERE id = 99", [], |r| {
                r.get::<_, Option<String>>("s")
            })
            .optional()
            .unwrap();
        assert_eq!(missing, None);
        let present = db
            .query_row("SELECT i FROM t", [], |r| r.get::<_, i64>("i"))
            .optional()
            .unwrap();
        assert_eq!(present, Some(3));
        // Without .optional() no row is an error with the same code as before.
        let e = db
            .query_row("SELECT i FROM t WHERE id = 99", [], |r| {
                r.get::<_, i64>("i")
            })
            .unwrap_err();
        assert_eq!(e.code(), "database");
        assert!(is_no_rows(&e));
        // A NULL read as a non-optional value is an error, not a default.
        let e = db
            .query_row("SELECT s FROM t", [], |r| r.get::<_, String>("s"))
            .unwrap_err();
        assert!(matches!(
            e,
            CoreError::Sqlite(rusqlite::Error::InvalidColumnType(0, _, _))
        ));
    }

    #[test]
    fn prepared_and_cached_statements_run_many_times() {
        let db = db();
        {
            let mut ins = db
                .prepare_cached("INSERT INTO t(i, s) VALUES (?1, ?2)")
                .unwrap();
            for k in 0..5i64 {
                assert_eq!(ins.execute(params![k, format!("n{k}")]).unwrap(), 1);
            }
        }
        // The cached statement is reused with fresh bindings.
        let mut ins = db
            .prepare_cached("INSERT INTO t(i, s) VALUES (?1, ?2)")
            .unwrap();
        ins.execute(params![5i64, "n5"]).unwrap();
        let mut st = db
            .prepare("SELECT i, s FROM t WHERE i >= ?1 ORDER BY i")
            .unwrap();
        let got: Vec<(i64, String)> = st
            .query_map([2i64], |r| Ok((r.get("i")?, r.get("s")?)))
            .unwrap()
            .collect::<Result<_>>()
            .unwrap();
        assert_eq!(got.len(), 4);
        assert_eq!(got[0], (2, "n2".to_string()));
        // The same statement again with another parameter, streamed with next().
        let mut rows = st.query([4i64]).unwrap();
        let mut seen = vec![];
        while let Some(r) = rows.next().unwrap() {
            seen.push(r.get::<_, String>("s").unwrap());
        }
        assert_eq!(seen, ["n4", "n5"]);
        drop(rows);
        assert!(st.exists([5i64]).unwrap());
        assert!(!st.exists([6i64]).unwrap());
        assert_eq!(st.column_names(), ["i", "s"]);
    }

    #[test]
    fn named_dynamic_and_slice_parameters() {
        let db = db();
        for k in 1..=4i64 {
            db.execute("INSERT INTO t(i) VALUES (?1)", [k]).unwrap();
        }
        let n: i64 = db
            .query_row(
                "SELECT count(*) AS n FROM t WHERE i >= :lo AND i <= :hi",
                named_params! {":lo": 2i64, ":hi": 3i64},
                |r| r.get("n"),
            )
            .unwrap();
        assert_eq!(n, 2);
        let named: Vec<(String, Value)> = vec![(":lo".into(), Value::Integer(3))];
        let n: i64 = db
            .query_row(
                "SELECT count(*) AS n FROM t WHERE i >= :lo",
                named.as_slice(),
                |r| r.get("n"),
            )
            .unwrap();
        assert_eq!(n, 2);
        let ids = [Value::Integer(1), Value::Integer(4)];
        let n: i64 = db
            .query_row(
                "SELECT count(*) AS n FROM t WHERE i IN (?, ?)",
                params_from_iter(ids.iter()),
                |r| r.get("n"),
            )
            .unwrap();
        assert_eq!(n, 2);
        let dynamic: Vec<&dyn ToSqlValue> = vec![&1i64, &"x"];
        db.execute("UPDATE t SET s = ?2 WHERE i = ?1", dynamic.as_slice())
            .unwrap();
        let s: String = db
            .query_row("SELECT s FROM t WHERE i = 1", [], |r| r.get("s"))
            .unwrap();
        assert_eq!(s, "x");
    }

    #[test]
    fn errors_are_mapped_as_before() {
        let db = db();
        // Wrong parameter count.
        let e = db
            .execute("INSERT INTO t(i) VALUES (?1)", params![])
            .unwrap_err();
        assert!(matches!(
            e,
            CoreError::Sqlite(rusqlite::Error::InvalidParameterCount(0, 1))
        ));
        let e = db
            .execute("INSERT INTO t(i) VALUES (?1)", params![1i64, 2i64])
            .unwrap_err();
        assert!(matches!(
            e,
            CoreError::Sqlite(rusqlite::Error::InvalidParameterCount(2, 1))
        ));
        // A unique violation keeps SQLite's constraint error code.
        db.execute("INSERT INTO t(u) VALUES ('a')", []).unwrap();
        let e = db.execute("INSERT INTO t(u) VALUES ('a')", []).unwrap_err();
        match &e {
            CoreError::Sqlite(s) => assert_eq!(
                s.sqlite_error_code(),
                Some(rusqlite::ErrorCode::ConstraintViolation)
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(e.code(), "database");
        // A type mismatch on read.
        let e = db
            .query_row("SELECT u FROM t", [], |r| r.get::<_, i64>("u"))
            .unwrap_err();
        assert!(matches!(
            e,
            CoreError::Sqlite(rusqlite::Error::InvalidColumnType(0, _, _))
        ));
        // An unknown column name.
        let e = db
            .query_row("SELECT u FROM t", [], |r| r.get::<_, String>("nope"))
            .unwrap_err();
        assert!(matches!(
            e,
            CoreError::Sqlite(rusqlite::Error::InvalidColumnName(_))
        ));
        // Out of range for the target type.
        db.execute("UPDATE t SET i = ?1", [i64::MAX]).unwrap();
        let e = db
            .query_row("SELECT i FROM t", [], |r| r.get::<_, i32>("i"))
            .unwrap_err();
        assert!(matches!(
            e,
            CoreError::Sqlite(rusqlite::Error::IntegralValueOutOfRange(0, _))
        ));
        // A conversion that refuses the value keeps its own CoreError (stored enums).
        let e = db
            .query_row("SELECT 'zzz' AS status", [], |r| {
                r.get::<_, crate::model::TicketStatus>("status")
            })
            .unwrap_err();
        assert_eq!(e.code(), "unknown_stored_value", "{e}");
        // A named parameter missing from the statement.
        let e = db
            .execute("UPDATE t SET i = :a", named_params! {":b": 1i64})
            .unwrap_err();
        assert!(matches!(
            e,
            CoreError::Sqlite(rusqlite::Error::InvalidParameterName(_))
        ));
        // A usize parameter too large for a signed 64-bit integer.
        let e = db.execute("UPDATE t SET i = ?1", [usize::MAX]).unwrap_err();
        assert!(matches!(
            e,
            CoreError::Sqlite(rusqlite::Error::ToSqlConversionFailure(_))
        ));
    }

    #[test]
    fn write_transactions_commit_and_roll_back() {
        let db = db();
        db.begin_write().unwrap();
        assert!(!db.is_autocommit());
        db.execute("INSERT INTO t(i) VALUES (1)", []).unwrap();
        db.rollback().unwrap();
        assert!(db.is_autocommit());
        db.begin_write().unwrap();
        db.execute("INSERT INTO t(i) VALUES (2)", []).unwrap();
        db.commit().unwrap();
        let v: Vec<i64> = db
            .prepare("SELECT i FROM t")
            .unwrap()
            .query_map([], |r| r.get("i"))
            .unwrap()
            .collect::<Result<_>>()
            .unwrap();
        assert_eq!(v, [2]);
        assert_eq!(db.engine(), Engine::Sqlite);
    }
}
