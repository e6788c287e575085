//! A throw-away PostgreSQL cluster on loopback for the tests (issue 17), shared by mesa-core's
//! and mesa-cli's suites (the CLI includes this file by path).
//!
//! How: Debian's `initdb` + `postgres` (package `postgresql`, found under
//! `/usr/lib/postgresql/<newest>/bin`, or `MESA_PG_BINDIR`) on a temp folder, started once per
//! test binary, on a free loopback port, with password (SCRAM) authentication for the `mesa`
//! superuser and no Unix socket. `pg_virtualenv` was not used: it wraps a *command* (the whole
//! `cargo test`), so a plain `cargo test -p …` would not get a cluster; starting it from the
//! test binary works for every way the tests are run.
//!
//! As root (CI), PostgreSQL refuses to run: `initdb` and the server run as `nobody` through
//! `setpriv`. Nothing is left running: the server is started by a small shell that `setpriv
//! --pdeathsig` ties to a thread that lives as long as the test process; when the process ends
//! (even killed), the shell gets SIGTERM, stops the server at once (SIGQUIT) and deletes the
//! folder.
//!
//! Each test gets a fresh database copied from a migrated template (`CREATE DATABASE …
//! TEMPLATE mesa_template`), so tests run in parallel without seeing each other's rows.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub const USER: &str = "mesa";
pub const PASSWORD: &str = "clave-de-prueba";

pub struct Cluster {
    pub port: u16,
    pub dir: PathBuf,
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
static CREATE: Mutex<()> = Mutex::new(());
static NEXT_DB: AtomicU32 = AtomicU32::new(1);

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// The folder with `initdb` and `postgres`.
pub fn bindir() -> Option<PathBuf> {
    if let Ok(d) = std::env::var("MESA_PG_BINDIR") {
        return Some(PathBuf::from(d));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v: u32 = e.file_name().to_string_lossy().parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("postgres").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, p)| p)
}

fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn server_group() -> &'static str {
    if Command::new("getent")
        .args(["group", "nogroup"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
    {
        "nogroup"
    } else {
        "nobody"
    }
}

/// `cmd` run as `nobody` when root (setpriv), else as is.
fn as_server_user(program: &Path) -> Command {
    if is_root() {
        let group = server_group();
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=nobody",
            &format!("--regid={group}"),
            "--clear-groups",
            "--",
        ])
        .arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn start() -> Result<Cluster, String> {
    let bin = bindir().ok_or("PostgreSQL no está instalado (paquete postgresql)")?;
    let dir = tempfile::Builder::new()
        .prefix("mesa-pg-")
        .tempdir()
        .map_err(|e| e.to_string())?
        .keep();
    let data = dir.join("data");
    let pwfile = dir.join("pw");
    std::fs::write(&pwfile, PASSWORD).map_err(|e| e.to_string())?;
    if is_root() {
        let st = Command::new("chown")
            .args(["-R", "nobody"])
            .arg(&dir)
            .status()
            .map_err(|e| e.to_string())?;
        if !st.success() {
            return Err("chown nobody falló".into());
        }
    }
    let out = as_server_user(&bin.join("initdb"))
        .arg("-D")
        .arg(&data)
        .args(["-U", USER, "--auth=scram-sha-256", "-E", "UTF8"])
        .args(["--locale=C.UTF-8", "--no-sync"])
        .arg(format!("--pwfile={}", pwfile.display()))
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("initdb: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "initdb falló: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let port = free_port();
    // The server's keeper: a shell that dies with this process's keeper thread (pdeathsig),
    // stopping the server immediately and removing the folder.
    let script = format!(
        "trap 'kill -QUIT $pid 2>/dev/null; wait $pid; rm -rf \"$0\"' TERM INT; \
         \"$1\" -D \"$0/data\" -p {port} -c listen_addresses=127.0.0.1 \
         -c unix_socket_directories= -c fsync=off -c synchronous_commit=off \
         -c full_page_writes=off -c max_connections=200 >\"$0/server.log\" 2>&1 & pid=$!; \
         wait $pid"
    );
    let keeper_dir = dir.clone();
    let postgres = bin.join("postgres");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("pg-keeper".into())
        .spawn(move || {
            let mut c = if is_root() {
                let mut c = Command::new("setpriv");
                c.args(["--pdeathsig=TERM", "--reuid=nobody"])
                    .arg(format!("--regid={}", server_group()))
                    .args(["--clear-groups", "--", "sh"]);
                c
            } else {
                let mut c = Command::new("setpriv");
                c.args(["--pdeathsig=TERM", "--", "sh"]);
                c
            };
            let child = c
                .arg("-c")
                .arg(&script)
                .arg(&keeper_dir)
                .arg(&postgres)
                .stdin(Stdio::null())
                .spawn();
            let _ = tx.send(child.as_ref().map(|_| ()).map_err(|e| e.to_string()));
            // Live as long as the process: the shell's pdeathsig watches this thread.
            if let Ok(mut ch) = child {
                let _ = ch.wait();
            }
            loop {
                std::thread::park();
            }
        })
        .map_err(|e| e.to_string())?;
    rx.recv().map_err(|e| e.to_string())??;
    // Ready when a login works.
    let started = Instant::now();
    loop {
        match connect_db("postgres", port) {
            Ok(_) => break,
            Err(e) if started.elapsed() > Duration::from_secs(30) => {
                let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
                return Err(format!("PostgreSQL no arrancó: {e}\n{log}"));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
    // The migrated template every test database is copied from.
    let mut c = connect_db("postgres", port).map_err(|e| e.to_string())?;
    c.batch_execute("CREATE DATABASE mesa_template")
        .map_err(|e| e.to_string())?;
    drop(c);
    let mut t = connect_db("mesa_template", port).map_err(|e| e.to_string())?;
    mesa_core::db::pg::check_server(&mut t).map_err(|e| e.to_string())?;
    mesa_core::db::pg::migrate(&mut t).map_err(|e| e.to_string())?;
    drop(t);
    Ok(Cluster { port, dir })
}

pub fn connect_db(db: &str, port: u16) -> Result<postgres::Client, postgres::Error> {
    postgres::Config::new()
        .host("127.0.0.1")
        .port(port)
        .user(USER)
        .password(PASSWORD)
        .dbname(db)
        .connect(postgres::NoTls)
}

/// The cluster of this test run (started on first use). Panics with the reason when it
/// cannot start (PostgreSQL not installed: `bash scripts/install-deps.sh`).
pub fn cluster() -> &'static Cluster {
    match CLUSTER.get_or_init(start) {
        Ok(c) => c,
        Err(e) => panic!("no se pudo iniciar el PostgreSQL de pruebas: {e}"),
    }
}

/// A fresh database of the test cluster.
pub struct TestDb {
    pub name: String,
    pub port: u16,
}

impl TestDb {
    pub fn url(&self) -> String {
        format!(
            "postgresql://{USER}:{PASSWORD}@127.0.0.1:{}/{}",
            self.port, self.name
        )
    }

    pub fn connect(&self) -> postgres::Client {
        connect_db(&self.name, self.port).expect("conexión a la base de prueba")
    }
}

fn new_name(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        NEXT_DB.fetch_add(1, Ordering::SeqCst)
    )
}

/// A database with the full PostgreSQL schema (a copy of the migrated template).
pub fn migrated_db() -> TestDb {
    create(true)
}

/// An empty database (no tables), e.g. the target of `mesa server migrate`.
pub fn empty_db() -> TestDb {
    create(false)
}

fn create(migrated: bool) -> TestDb {
    let cl = cluster();
    let name = new_name(if migrated { "mesa_t" } else { "mesa_e" });
    let _one_at_a_time = CREATE.lock().unwrap_or_else(|p| p.into_inner());
    let mut c = connect_db("postgres", cl.port).expect("conexión al clúster");
    let sql = if migrated {
        format!("CREATE DATABASE {name} TEMPLATE mesa_template")
    } else {
        format!("CREATE DATABASE {name} TEMPLATE template0")
    };
    c.batch_execute(&sql).expect("CREATE DATABASE");
    TestDb {
        name,
        port: cl.port,
    }
}
