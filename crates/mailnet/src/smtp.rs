//! SMTP sending with lettre's sync transport: TLS / STARTTLS / none (loopback only), AUTH
//! PLAIN/LOGIN with a password or XOAUTH2 with an access token. Only bytes are transported: the
//! message is composed elsewhere (mesa-mail).

use std::time::Duration;

use lettre::address::{Address, Envelope};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::SmtpTransport;
use lettre::Transport;

use crate::account::{check_security, MailAccount, Security};
use crate::error::{MailNetError, Result};
use crate::net::{tls_detail, DEFAULT_TIMEOUT};
use crate::Credential;

/// The server's final answer for an accepted message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpAccepted {
    /// e.g. `250 2.0.0 Ok: queued as …`
    pub reply: String,
}

fn transport(
    account: &MailAccount,
    credential: Option<&Credential>,
    timeout: Duration,
) -> Result<SmtpTransport> {
    let host = account.smtp_host.trim();
    check_security(host, account.smtp_security)?;
    let tls_params = || {
        TlsParameters::new(host.to_string()).map_err(|e| MailNetError::Tls {
            host: host.to_string(),
            port: account.smtp_port,
            detail: tls_detail(&e.to_string()),
        })
    };
    let tls = match account.smtp_security {
        Security::Tls => Tls::Wrapper(tls_params()?),
        Security::StartTls => Tls::Required(tls_params()?),
        Security::None => Tls::None,
    };
    let mut builder = SmtpTransport::builder_dangerous(host)
        .port(account.smtp_port)
        .tls(tls)
        .timeout(Some(timeout));
    match credential {
        Some(Credential::Password(pw)) => {
            builder = builder
                .credentials(Credentials::new(
                    account.user.trim().to_string(),
                    pw.clone(),
                ))
                .authentication(vec![Mechanism::Plain, Mechanism::Login]);
        }
        Some(Credential::OAuth2Token(token)) => {
            builder = builder
                .credentials(Credentials::new(
                    account.user.trim().to_string(),
                    token.clone(),
                ))
                .authentication(vec![Mechanism::Xoauth2]);
        }
        None => {}
    }
    Ok(builder.build())
}

/// Classifies a lettre error into the Spanish, coded `MailNetError`.
pub(crate) fn classify(
    account: &MailAccount,
    credential: Option<&Credential>,
    e: lettre::transport::smtp::Error,
    timeout: Duration,
) -> MailNetError {
    let host = account.smtp_host.trim().to_string();
    let port = account.smtp_port;
    let text = error_chain(&e);
    let lower = text.to_ascii_lowercase();
    let code = e.status().map(|c| c.to_string());
    let user = account.user.trim().to_string();
    if lower.contains("5.7.30") {
        return MailNetError::BasicAuthBlocked { detail: text };
    }
    if lower.contains("5.7.139")
        || lower.contains("smtpclientauthentication is disabled")
        || lower.contains("smtp auth disabled")
    {
        return MailNetError::SmtpAuthDisabled { user, detail: text };
    }
    // A read timeout on a socket is `WouldBlock` (EAGAIN) on Linux, `TimedOut` on Windows:
    // lettre reports either as a network error, not as its own timeout.
    if e.is_timeout() || lower.contains("timed out") || io_timeout(&e) {
        return MailNetError::Timeout {
            host,
            port,
            seconds: timeout.as_secs(),
        };
    }
    if lower.contains("connection refused") {
        return MailNetError::ConnectionRefused { host, port };
    }
    if lower.contains("failed to lookup address")
        || lower.contains("name or service not known")
        || lower.contains("no such host")
        || lower.contains("nodename nor servname")
        || lower.contains("could not resolve")
    {
        return MailNetError::HostNotFound { host };
    }
    if e.is_tls() || lower.contains("ssl") || lower.contains("tls") || lower.contains("certificate")
    {
        return MailNetError::Tls {
            host,
            port,
            detail: tls_detail(&text),
        };
    }
    // Gmail-style XOAUTH2 refusal: a 334 challenge with the error JSON before the 535, which
    // lettre reports as an unexpected challenge.
    if matches!(credential, Some(Credential::OAuth2Token(_)))
        && lower.contains("does not expect a challenge")
    {
        return MailNetError::TokenRejected {
            protocol: "SMTP",
            user,
            detail: text,
        };
    }
    if lower.contains("no compatible authentication mechanism") {
        return MailNetError::SmtpAuthUnavailable { detail: text };
    }
    if code
        .as_deref()
        .is_some_and(|c| c == "535" || c == "534" || c == "530")
        || lower.contains("authentication")
    {
        return match credential {
            Some(Credential::OAuth2Token(_)) => MailNetError::TokenRejected {
                protocol: "SMTP",
                user,
                detail: text,
            },
            _ => MailNetError::AuthFailed {
                protocol: "SMTP",
                user,
                detail: text,
            },
        };
    }
    if e.is_permanent() || e.is_transient() {
        return MailNetError::SmtpRejected {
            detail: text,
            permanent: e.is_permanent(),
        };
    }
    MailNetError::Network {
        host,
        port,
        detail: text,
    }
}

/// True when an I/O timeout is somewhere in the error's chain.
fn io_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(e);
    while let Some(err) = current {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if matches!(
                io.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) {
                return true;
            }
        }
        current = err.source();
    }
    false
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

fn address(field: &'static str, text: &str) -> Result<Address> {
    text.trim()
        .parse::<Address>()
        .map_err(|e| MailNetError::InvalidAccount {
            field,
            detail: format!("«{text}» no es una dirección de correo válida ({e})"),
        })
}

/// Sends `raw` (a complete RFC 5322 message) to `recipients` with envelope sender
/// `envelope_from`; returns the server's acceptance reply.
pub fn send(
    account: &MailAccount,
    credential: &Credential,
    envelope_from: &str,
    recipients: &[String],
    raw: &[u8],
) -> Result<SmtpAccepted> {
    send_with_timeout(
        account,
        credential,
        envelope_from,
        recipients,
        raw,
        DEFAULT_TIMEOUT,
    )
}

pub fn send_with_timeout(
    account: &MailAccount,
    credential: &Credential,
    envelope_from: &str,
    recipients: &[String],
    raw: &[u8],
    timeout: Duration,
) -> Result<SmtpAccepted> {
    account.validate()?;
    let from = address("envelope_from", envelope_from)?;
    let to = recipients
        .iter()
        .map(|r| address("recipients", r))
        .collect::<Result<Vec<_>>>()?;
    let envelope = Envelope::new(Some(from), to).map_err(|e| MailNetError::InvalidAccount {
        field: "recipients",
        detail: format!("sin destinatarios ({e})"),
    })?;
    let t = transport(account, Some(credential), timeout)?;
    let response = t
        .send_raw(&envelope, raw)
        .map_err(|e| classify(account, Some(credential), e, timeout))?;
    let reply = format!(
        "{} {}",
        response.code(),
        response.message().collect::<Vec<_>>().join(" ")
    );
    Ok(SmtpAccepted { reply })
}

/// Connects, says EHLO and authenticates, without sending (for «Probar conexión»).
pub fn check(account: &MailAccount, credential: &Credential, timeout: Duration) -> Result<()> {
    let t = transport(account, Some(credential), timeout)?;
    match t.test_connection() {
        Ok(true) => Ok(()),
        Ok(false) => Err(MailNetError::Network {
            host: account.smtp_host.clone(),
            port: account.smtp_port,
            detail: "el servidor SMTP no respondió al NOOP".into(),
        }),
        Err(e) => Err(classify(account, Some(credential), e, timeout)),
    }
}
