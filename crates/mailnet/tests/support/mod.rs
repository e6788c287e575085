//! Real mail servers on loopback for the tests: Dovecot (IMAP, Debian `dovecot-imapd`) with its
//! own configuration in a temp folder on free ports, an aiosmtpd receiver (`python3-aiosmtpd`)
//! delivering into the same user's Maildir, and, for XOAUTH2, Dovecot's oauth2 passdb against a
//! tiny token/introspection stub (Python standard library). As root, every server runs as
//! `nobody` (Dovecot refuses to run its login process as root), through `setpriv`. A guard stops
//! them on drop (also when a test panics). Nothing here touches a system Dovecot on port 143.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use mesa_mailnet::{Auth, MailAccount, OAuthConfig, Provider, Security};

pub const USER: &str = "sistemas@entidad.gov.co";
pub const PASSWORD: &str = "secreto-de-prueba";
pub const GOOD_TOKEN: &str = "token-bueno-123";
pub const GOOD_REFRESH: &str = "refresh-bueno-456";

#[derive(Clone, Copy, Default)]
pub struct Options {
    /// Add the XOAUTH2 mechanism (oauth2 passdb) and start the token stub.
    pub oauth: bool,
    /// Give Dovecot a self-signed certificate: STARTTLS on the IMAP port and an IMAPS port.
    pub tls: bool,
    /// Every SMTP AUTH is answered with this line (Microsoft's refusals).
    pub smtp_auth_reply: Option<&'static str>,
}

pub struct Servers {
    pub dir: PathBuf,
    pub imap_port: u16,
    pub imaps_port: Option<u16>,
    pub smtp_port: u16,
    pub token_port: Option<u16>,
    pub maildir: PathBuf,
    children: Vec<Child>,
    dovecot_pid_file: PathBuf,
}

fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn id(flag: &str) -> String {
    let o = Command::new("id").arg(flag).output().expect("id");
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// The unprivileged user and group that run the servers.
fn run_as() -> (String, String) {
    if is_root() {
        let group = if Command::new("getent")
            .args(["group", "nogroup"])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
        {
            "nogroup"
        } else {
            "nobody"
        };
        ("nobody".to_string(), group.to_string())
    } else {
        (id("-un"), id("-gn"))
    }
}

fn command_as(program: &str) -> Command {
    if is_root() {
        let (u, g) = run_as();
        let mut c = Command::new("setpriv");
        c.args([
            &format!("--reuid={u}"),
            &format!("--regid={g}"),
            "--clear-groups",
            "--",
            program,
        ]);
        c
    } else {
        Command::new(program)
    }
}

fn wait_port(port: u16, what: &str, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = std::fs::read_to_string(log).unwrap_or_default();
    panic!("{what} did not start on port {port}; log:\n{log}");
}

/// This folder (its Python servers), also when other crates' tests include this module
/// (`#[path = ".../mailnet/tests/support/mod.rs"]`, e.g. mesa-mailsync and mesa-cli).
fn support_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    ["tests/support", "../mailnet/tests/support"]
        .iter()
        .map(|p| manifest.join(p))
        .find(|p| p.join("smtpd.py").exists())
        .expect("crates/mailnet/tests/support not found")
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl Servers {
    pub fn start(opts: Options) -> Servers {
        for tool in ["dovecot", "setpriv"] {
            assert!(
                Command::new("sh")
                    .args([
                        "-c",
                        &format!("command -v {tool} >/dev/null || test -x /usr/sbin/{tool}")
                    ])
                    .status()
                    .map(|s| s.success())
                    .unwrap_or(false),
                "{tool} missing: run scripts/install-deps.sh (dovecot-imapd, python3-aiosmtpd)"
            );
        }
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("mesa-mailnet-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in [
            "run",
            "state",
            "mail/sistemas/Maildir/cur",
            "mail/sistemas/Maildir/new",
            "mail/sistemas/Maildir/tmp",
        ] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let (user, group) = run_as();
        let t = dir.display().to_string();
        let imap_port = free_port();
        let smtp_port = free_port();
        let imaps_port = opts.tls.then(free_port);
        let token_port = opts.oauth.then(free_port);

        std::fs::write(dir.join("passwd"), format!("{USER}:{{PLAIN}}{PASSWORD}\n")).unwrap();
        let mut mechanisms = "plain login".to_string();
        let mut oauth_passdb = String::new();
        if let Some(tp) = token_port {
            mechanisms.push_str(" xoauth2 oauthbearer");
            std::fs::write(
                dir.join("oauth2.conf.ext"),
                format!("introspection_mode = auth\nintrospection_url = http://127.0.0.1:{tp}/userinfo\nusername_attribute = email\nactive_attribute = active\nactive_value = true\n"),
            )
            .unwrap();
            oauth_passdb = format!("passdb {{\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = {t}/oauth2.conf.ext\n}}\n");
        }
        let ssl = if opts.tls {
            let ok = Command::new("openssl")
                .args([
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=localhost",
                ])
                .arg("-keyout")
                .arg(dir.join("key.pem"))
                .arg("-out")
                .arg(dir.join("cert.pem"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            assert!(ok, "openssl could not make a test certificate");
            format!("ssl = yes\nssl_cert = <{t}/cert.pem\nssl_key = <{t}/key.pem\n")
        } else {
            "ssl = no\n".to_string()
        };
        let imaps = imaps_port.unwrap_or(0);
        let conf = format!(
            r#"protocols = imap
listen = 127.0.0.1
base_dir = {t}/run
state_dir = {t}/state
log_path = {t}/dovecot.log
{ssl}disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
auth_failure_delay = 0
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps}
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {t}/passwd
}}
{oauth_passdb}userdb {{
  driver = static
  args = uid={user} gid={group} home={t}/mail/%n
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
"#
        );
        std::fs::write(dir.join("dovecot.conf"), conf).unwrap();
        if is_root() {
            let st = Command::new("chown")
                .arg("-R")
                .arg(format!("{user}:{group}"))
                .arg(&dir)
                .status()
                .unwrap();
            assert!(st.success(), "chown of the test folder failed");
        }
        let mut servers = Servers {
            maildir: dir.join("mail/sistemas/Maildir"),
            dir: dir.clone(),
            imap_port,
            imaps_port,
            smtp_port,
            token_port,
            children: Vec::new(),
            dovecot_pid_file: dir.join("run/master.pid"),
        };
        let support = support_dir();
        if let Some(tp) = token_port {
            let child = Command::new("/usr/bin/python3")
                .arg(support.join("token_stub.py"))
                .args([&tp.to_string(), USER, GOOD_TOKEN, GOOD_REFRESH])
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(dir.join("token.log")).unwrap())
                .spawn()
                .expect("python3 token stub");
            servers.children.push(child);
            wait_port(tp, "token stub", &dir.join("token.log"));
        }
        let dovecot = if Path::new("/usr/sbin/dovecot").exists() {
            "/usr/sbin/dovecot"
        } else {
            "dovecot"
        };
        let child = command_as(dovecot)
            .arg("-F")
            .arg("-c")
            .arg(dir.join("dovecot.conf"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("dovecot.stderr")).unwrap())
            .spawn()
            .expect("dovecot");
        servers.children.push(child);
        wait_port(imap_port, "dovecot", &dir.join("dovecot.stderr"));
        let mut smtp = command_as("/usr/bin/python3");
        smtp.arg(support.join("smtpd.py")).args([
            &smtp_port.to_string(),
            &servers.maildir.display().to_string(),
            USER,
            PASSWORD,
            GOOD_TOKEN,
        ]);
        if let Some(reply) = opts.smtp_auth_reply {
            smtp.arg(reply);
        }
        let child = smtp
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("smtpd.log")).unwrap())
            .spawn()
            .expect("python3 aiosmtpd");
        servers.children.push(child);
        wait_port(smtp_port, "aiosmtpd", &dir.join("smtpd.log"));
        servers
    }

    /// A password account on these servers, no encryption (loopback).
    pub fn account(&self) -> MailAccount {
        let mut a = MailAccount::password("127.0.0.1", "127.0.0.1", Security::None, USER);
        a.imap_port = self.imap_port;
        a.smtp_port = self.smtp_port;
        a
    }

    /// An OAuth2 account whose token endpoint is the stub.
    pub fn oauth_account(&self) -> MailAccount {
        let tp = self.token_port.expect("servers started without oauth");
        let mut a = self.account();
        a.auth = Auth::OAuth2(OAuthConfig {
            provider: Provider::Generic,
            client_id: "mesa-test-client".into(),
            client_secret: None,
            auth_endpoint: format!("http://127.0.0.1:{tp}/authorize"),
            token_endpoint: format!("http://127.0.0.1:{tp}/token"),
            device_endpoint: None,
            scopes: vec!["mail".into(), "offline_access".into()],
        });
        a
    }

    pub fn dovecot_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("dovecot.log")).unwrap_or_default()
    }
}

impl Drop for Servers {
    fn drop(&mut self) {
        // Dovecot's master stops its children on SIGTERM.
        if let Ok(pid) = std::fs::read_to_string(&self.dovecot_pid_file) {
            let _ = Command::new("kill").args(["-TERM", pid.trim()]).status();
        }
        for child in &mut self.children {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
        }
        for child in &mut self.children {
            let deadline = Instant::now() + Duration::from_secs(3);
            loop {
                match child.try_wait() {
                    Ok(Some(_)) => break,
                    Ok(None) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(20))
                    }
                    _ => {
                        let _ = child.kill();
                        let _ = child.wait();
                        break;
                    }
                }
            }
        }
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
