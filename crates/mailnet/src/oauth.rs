//! OAuth2 for XOAUTH2 (Microsoft 365, Google Workspace): the SASL string, refreshing an access
//! token (saving a rotated refresh token), the authorization code flow with PKCE and a loopback
//! redirect listener, and Microsoft's device code flow.
//!
//! HTTP is a few form POSTs, done with `ureq` (native-tls, the system's roots) rather than the
//! `oauth2` crate: we need the provider's raw error (`invalid_grant` → reconnect banner) and the
//! rotated refresh token, the flows are small, and it keeps one TLS stack and one HTTP client.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::account::OAuthConfig;
use crate::error::{MailNetError, Result};

/// The XOAUTH2 initial response (before base64, which the IMAP/SMTP layer adds):
/// `user=<address>\x01auth=Bearer <token>\x01\x01`.
pub fn xoauth2_string(user: &str, access_token: &str) -> String {
    format!("user={user}\x01auth=Bearer {access_token}\x01\x01")
}

/// Tokens from the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSet {
    pub access_token: String,
    /// A new refresh token when the provider rotated it (Microsoft does): save it, the old one
    /// stops working.
    pub refresh_token: Option<String>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Option<String>,
    refresh_token: Option<String>,
    expires_in: Option<i64>,
    error: Option<String>,
    error_description: Option<String>,
}

fn agent() -> ureq::Agent {
    let tls = ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::NativeTls)
        .root_certs(ureq::tls::RootCerts::PlatformVerifier)
        .build();
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .tls_config(tls)
        .build()
        .into()
}

fn oauth_err(endpoint: &str, detail: impl Into<String>) -> MailNetError {
    MailNetError::OAuth {
        endpoint: endpoint.to_string(),
        detail: detail.into(),
    }
}

/// POSTs a form to the token endpoint; errors classified (`invalid_grant` → reconnect).
fn token_request(endpoint: &str, form: &[(&str, &str)], now: DateTime<Utc>) -> Result<TokenSet> {
    let mut resp = agent()
        .post(endpoint)
        .send_form(form.iter().copied())
        .map_err(|e| {
            oauth_err(
                endpoint,
                format!("no se pudo contactar el servidor de autorización: {e}"),
            )
        })?;
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .read_to_string()
        .map_err(|e| oauth_err(endpoint, format!("respuesta ilegible: {e}")))?;
    let parsed: TokenResponse = serde_json::from_str(&body)
        .map_err(|_| oauth_err(endpoint, format!("respuesta HTTP {status} que no es JSON")))?;
    if let Some(error) = parsed.error {
        let detail = match parsed.error_description {
            Some(d) => format!("{error}: {d}"),
            None => error.clone(),
        };
        return Err(match error.as_str() {
            "invalid_grant" | "interaction_required" | "consent_required" | "expired_token" => {
                MailNetError::ReconnectRequired { detail }
            }
            _ => oauth_err(endpoint, detail),
        });
    }
    match (status, parsed.access_token) {
        (200..=299, Some(access_token)) if !access_token.is_empty() => Ok(TokenSet {
            access_token,
            refresh_token: parsed.refresh_token.filter(|r| !r.is_empty()),
            expires_at: now
                + chrono::Duration::seconds(
                    parsed.expires_in.unwrap_or(3600).clamp(0, 86_400 * 90),
                ),
        }),
        _ => Err(oauth_err(
            endpoint,
            format!("respuesta HTTP {status} sin token de acceso"),
        )),
    }
}

fn with_client<'a>(cfg: &'a OAuthConfig, form: &mut Vec<(&'a str, &'a str)>) {
    form.push(("client_id", &cfg.client_id));
    if let Some(secret) = &cfg.client_secret {
        form.push(("client_secret", secret));
    }
}

/// Exchanges a refresh token for a new access token. A revoked or expired refresh token gives
/// `ReconnectRequired` (code `mail_reconnect`).
pub fn refresh(cfg: &OAuthConfig, refresh_token: &str, now: DateTime<Utc>) -> Result<TokenSet> {
    let scope = cfg.scopes.join(" ");
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("scope", scope.as_str()),
    ];
    with_client(cfg, &mut form);
    token_request(&cfg.token_endpoint, &form, now)
}

/// Refreshes with the refresh token kept in the credential store under `key` and saves a
/// rotated one there (Zammad #3411: a rotated token not saved kills the account days later).
pub fn refresh_stored(cfg: &OAuthConfig, key: &str, now: DateTime<Utc>) -> Result<TokenSet> {
    let current = crate::secrets::get_secret(key)?;
    let tokens = refresh(cfg, &current, now)?;
    if let Some(rotated) = &tokens.refresh_token {
        if rotated != &current {
            crate::secrets::set_secret(key, rotated)?;
        }
    }
    Ok(tokens)
}

fn random_urlsafe(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)
        .map_err(|e| oauth_err("local", format!("sin fuente de azar del sistema: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

/// PKCE S256 challenge of a verifier.
pub fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// An authorization in progress: open `url` in the system browser, then `wait_for_code`.
pub struct PendingAuthorization {
    listener: TcpListener,
    cfg: OAuthConfig,
    redirect_uri: String,
    verifier: String,
    state: String,
    url: String,
}

impl PendingAuthorization {
    /// Starts listening on 127.0.0.1 on a random port and builds the authorization URL (code
    /// flow with PKCE S256, `login_hint` = the mailbox).
    pub fn start(cfg: &OAuthConfig, login_hint: &str) -> Result<PendingAuthorization> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(|e| {
            oauth_err(
                "127.0.0.1",
                format!("no se pudo abrir el puerto local de retorno: {e}"),
            )
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| oauth_err("127.0.0.1", e.to_string()))?
            .port();
        let redirect_uri = format!("http://127.0.0.1:{port}/");
        let verifier = random_urlsafe(48)?;
        let state = random_urlsafe(16)?;
        let mut url = url::Url::parse(&cfg.auth_endpoint)
            .map_err(|e| oauth_err(&cfg.auth_endpoint, format!("dirección inválida: {e}")))?;
        url.query_pairs_mut()
            .append_pair("client_id", &cfg.client_id)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("scope", &cfg.scopes.join(" "))
            .append_pair("code_challenge", &pkce_challenge(&verifier))
            .append_pair("code_challenge_method", "S256")
            .append_pair("state", &state)
            .append_pair("login_hint", login_hint)
            .append_pair("access_type", "offline")
            .append_pair("prompt", "consent");
        Ok(PendingAuthorization {
            listener,
            cfg: cfg.clone(),
            redirect_uri,
            verifier,
            state,
            url: url.into(),
        })
    }

    /// The URL to open in the browser (the caller opens it).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits for the browser's redirect and returns the authorization code (state checked).
    pub fn wait_for_code(&self, timeout: Duration) -> Result<String> {
        let never = AtomicBool::new(false);
        self.wait_for_code_until(timeout, &never)?
            .ok_or_else(|| oauth_err("127.0.0.1", "espera cancelada"))
    }

    /// [`PendingAuthorization::wait_for_code`] that gives up with `Ok(None)` as soon as
    /// `cancel` is set (the app's «Cancelar»).
    pub fn wait_for_code_until(
        &self,
        timeout: Duration,
        cancel: &AtomicBool,
    ) -> Result<Option<String>> {
        let deadline = Instant::now() + timeout;
        self.listener
            .set_nonblocking(true)
            .map_err(|e| oauth_err("127.0.0.1", e.to_string()))?;
        loop {
            if cancel.load(Ordering::SeqCst) {
                return Ok(None);
            }
            match self.listener.accept() {
                Ok((stream, _)) => {
                    if let Some(result) = self.handle(stream) {
                        return result.map(Some);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if Instant::now() >= deadline {
                        return Err(MailNetError::OAuthTimeout {
                            seconds: timeout.as_secs(),
                        });
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => return Err(oauth_err("127.0.0.1", e.to_string())),
            }
        }
    }

    /// One request on the loopback port: `None` when it is not the redirect (favicon…).
    fn handle(&self, stream: TcpStream) -> Option<Result<String>> {
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let mut reader = BufReader::new(&stream);
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() {
            return None;
        }
        // Drain the headers.
        let mut header = String::new();
        while reader
            .read_line(&mut header)
            .map(|n| n > 2)
            .unwrap_or(false)
        {
            header.clear();
        }
        let target = line.split_whitespace().nth(1).unwrap_or("/");
        let parsed = url::Url::parse(&format!("http://127.0.0.1{target}")).ok()?;
        let get = |k: &str| {
            parsed
                .query_pairs()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.into_owned())
        };
        let (code, error, state) = (get("code"), get("error"), get("state"));
        if code.is_none() && error.is_none() {
            respond(&stream, "404 Not Found", "");
            return None;
        }
        if state.as_deref() != Some(self.state.as_str()) {
            respond(&stream, "400 Bad Request", "La respuesta no corresponde a esta solicitud. Vuelva a intentar desde la aplicación.");
            return Some(Err(oauth_err(
                &self.cfg.auth_endpoint,
                "el parámetro state no coincide",
            )));
        }
        if let Some(error) = error {
            let desc = get("error_description").unwrap_or_default();
            respond(&stream, "200 OK", "No se autorizó la cuenta de correo. Puede cerrar esta ventana y volver a la aplicación.");
            return Some(Err(oauth_err(
                &self.cfg.auth_endpoint,
                format!("{error}: {desc}"),
            )));
        }
        respond(&stream, "200 OK", "La cuenta de correo quedó conectada. Puede cerrar esta ventana y volver a Mesa de Ayuda TI.");
        code.map(Ok)
    }

    /// Exchanges the code for tokens (with the PKCE verifier).
    pub fn exchange(&self, code: &str, now: DateTime<Utc>) -> Result<TokenSet> {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("code_verifier", self.verifier.as_str()),
        ];
        with_client(&self.cfg, &mut form);
        token_request(&self.cfg.token_endpoint, &form, now)
    }
}

fn respond(mut stream: &TcpStream, status: &str, text: &str) {
    let body = format!(
        "<!doctype html><html lang=\"es\"><meta charset=\"utf-8\"><title>Mesa de Ayuda TI</title><p>{text}</p></html>"
    );
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.flush();
}

/// Device code flow (Microsoft): what to show the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceCode {
    pub device_code: String,
    pub user_code: String,
    pub verification_uri: String,
    pub interval_secs: u64,
    pub expires_in_secs: u64,
}

/// Starts the device code flow.
pub fn device_start(cfg: &OAuthConfig) -> Result<DeviceCode> {
    let endpoint = cfg.device_endpoint.as_deref().ok_or_else(|| {
        oauth_err(
            &cfg.token_endpoint,
            "este proveedor no ofrece el flujo con código de dispositivo",
        )
    })?;
    let scope = cfg.scopes.join(" ");
    let mut resp = agent()
        .post(endpoint)
        .send_form([
            ("client_id", cfg.client_id.as_str()),
            ("scope", scope.as_str()),
        ])
        .map_err(|e| oauth_err(endpoint, e.to_string()))?;
    let body = resp
        .body_mut()
        .read_to_string()
        .map_err(|e| oauth_err(endpoint, e.to_string()))?;
    let v: serde_json::Value =
        serde_json::from_str(&body).map_err(|_| oauth_err(endpoint, "respuesta que no es JSON"))?;
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    match (
        s("device_code"),
        s("user_code"),
        s("verification_uri").or_else(|| s("verification_url")),
    ) {
        (Some(device_code), Some(user_code), Some(verification_uri)) => Ok(DeviceCode {
            device_code,
            user_code,
            verification_uri,
            interval_secs: v
                .get("interval")
                .and_then(|x| x.as_u64())
                .unwrap_or(5)
                .clamp(1, 60),
            expires_in_secs: v.get("expires_in").and_then(|x| x.as_u64()).unwrap_or(900),
        }),
        _ => Err(oauth_err(
            endpoint,
            s("error_description")
                .or_else(|| s("error"))
                .unwrap_or_else(|| "respuesta incompleta".into()),
        )),
    }
}

/// Polls the token endpoint until the user approves (or the code expires / `timeout`).
pub fn device_poll(
    cfg: &OAuthConfig,
    device: &DeviceCode,
    timeout: Duration,
    now: impl Fn() -> DateTime<Utc>,
) -> Result<TokenSet> {
    let never = AtomicBool::new(false);
    device_poll_until(cfg, device, timeout, &never, now)?
        .ok_or_else(|| oauth_err(&cfg.token_endpoint, "espera cancelada"))
}

/// [`device_poll`] that gives up with `Ok(None)` as soon as `cancel` is set (checked at least
/// every 200 ms, also while waiting out the provider's interval).
pub fn device_poll_until(
    cfg: &OAuthConfig,
    device: &DeviceCode,
    timeout: Duration,
    cancel: &AtomicBool,
    now: impl Fn() -> DateTime<Utc>,
) -> Result<Option<TokenSet>> {
    let deadline = Instant::now() + timeout.min(Duration::from_secs(device.expires_in_secs));
    let mut interval = Duration::from_secs(device.interval_secs);
    loop {
        if cancel.load(Ordering::SeqCst) {
            return Ok(None);
        }
        let mut form = vec![
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", device.device_code.as_str()),
        ];
        with_client(cfg, &mut form);
        match token_request(&cfg.token_endpoint, &form, now()) {
            Ok(t) => return Ok(Some(t)),
            Err(MailNetError::OAuth { detail, .. })
                if detail.starts_with("authorization_pending") => {}
            Err(MailNetError::OAuth { detail, .. }) if detail.starts_with("slow_down") => {
                interval += Duration::from_secs(5)
            }
            Err(e) => return Err(e),
        }
        if Instant::now() + interval >= deadline {
            return Err(MailNetError::OAuthTimeout {
                seconds: timeout.as_secs(),
            });
        }
        let wake = Instant::now() + interval;
        while Instant::now() < wake {
            if cancel.load(Ordering::SeqCst) {
                return Ok(None);
            }
            std::thread::sleep(Duration::from_millis(200).min(interval));
        }
    }
}
