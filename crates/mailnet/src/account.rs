//! The mailbox account: servers, security, user, folders and how it authenticates. Stored by the
//! store side as JSON (serde); the secret (password or refresh token) never is — it lives in the
//! OS credential store (`secrets`).

use serde::{Deserialize, Serialize};
use std::net::IpAddr;

use crate::error::{MailNetError, Result};

/// Transport security of one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (IMAP 993, SMTP 465).
    Tls,
    /// Plain connection upgraded with STARTTLS (IMAP 143, SMTP 587); refused if not offered.
    StartTls,
    /// No encryption: only for a server on this machine (tests).
    None,
}

impl Security {
    /// Parses `tls`, `starttls`, `none` (CLI and settings).
    pub fn parse(text: &str) -> Result<Security> {
        match text.trim().to_ascii_lowercase().as_str() {
            "tls" | "ssl" => Ok(Security::Tls),
            "starttls" => Ok(Security::StartTls),
            "none" | "ninguna" => Ok(Security::None),
            other => Err(MailNetError::InvalidAccount {
                field: "security",
                detail: format!("«{other}» no es tls, starttls ni none"),
            }),
        }
    }
}

/// Known providers (presets for hosts, ports and OAuth2 endpoints/scopes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Microsoft,
    Google,
    Generic,
}

/// OAuth2 settings of an account (authorization code with PKCE, refresh).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthConfig {
    pub provider: Provider,
    /// The app registration's client id (Entra ID / Google Cloud), given by the administrator.
    pub client_id: String,
    /// Only for providers that require one for desktop apps (Google); not a real secret there.
    #[serde(default)]
    pub client_secret: Option<String>,
    pub auth_endpoint: String,
    pub token_endpoint: String,
    /// Microsoft only: device authorization endpoint (fallback flow).
    #[serde(default)]
    pub device_endpoint: Option<String>,
    pub scopes: Vec<String>,
}

/// How the account authenticates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Auth {
    /// LOGIN / AUTH PLAIN-LOGIN with a password or an app password.
    Password,
    /// XOAUTH2 with an access token refreshed from a stored refresh token.
    OAuth2(OAuthConfig),
}

fn default_folder() -> String {
    "INBOX".to_string()
}
fn default_processed() -> String {
    "Mesa de ayuda/Procesados".to_string()
}

/// One office mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailAccount {
    pub imap_host: String,
    pub imap_port: u16,
    pub security: Security,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_security: Security,
    /// The mailbox address (also the login name).
    pub user: String,
    #[serde(default = "default_folder")]
    pub folder: String,
    #[serde(default = "default_processed")]
    pub processed_folder: String,
    pub auth: Auth,
}

impl MailAccount {
    /// A password account with the usual ports for each security (993/465 for TLS, 143/587 for
    /// STARTTLS) and the default folders.
    pub fn password(imap_host: &str, smtp_host: &str, security: Security, user: &str) -> Self {
        let (imap_port, smtp_port) = default_ports(security);
        MailAccount {
            imap_host: imap_host.to_string(),
            imap_port,
            security,
            smtp_host: smtp_host.to_string(),
            smtp_port,
            smtp_security: security,
            user: user.to_string(),
            folder: default_folder(),
            processed_folder: default_processed(),
            auth: Auth::Password,
        }
    }

    /// Checks the fields and the security rule (no encryption only on loopback). Called by every
    /// connection, and by the store side before saving.
    pub fn validate(&self) -> Result<()> {
        let empty = |field: &'static str, v: &str| {
            if v.trim().is_empty() {
                Err(MailNetError::InvalidAccount {
                    field,
                    detail: "está vacío".into(),
                })
            } else {
                Ok(())
            }
        };
        empty("imap_host", &self.imap_host)?;
        empty("smtp_host", &self.smtp_host)?;
        empty("user", &self.user)?;
        empty("folder", &self.folder)?;
        empty("processed_folder", &self.processed_folder)?;
        for (field, port) in [("imap_port", self.imap_port), ("smtp_port", self.smtp_port)] {
            if port == 0 {
                return Err(MailNetError::InvalidAccount {
                    field,
                    detail: "el puerto no puede ser 0".into(),
                });
            }
        }
        if self.folder == self.processed_folder {
            return Err(MailNetError::InvalidAccount {
                field: "processed_folder",
                detail: "debe ser distinta de la carpeta que se revisa".into(),
            });
        }
        check_security(&self.imap_host, self.security)?;
        check_security(&self.smtp_host, self.smtp_security)?;
        if let Auth::OAuth2(cfg) = &self.auth {
            empty("client_id", &cfg.client_id)?;
            empty("token_endpoint", &cfg.token_endpoint)?;
        }
        Ok(())
    }

    /// The key of this account's secret in the credential store.
    pub fn secret_key(&self) -> String {
        format!(
            "{}@{}",
            self.user.trim().to_lowercase(),
            self.imap_host.trim().to_lowercase()
        )
    }
}

fn microsoft_or_google(provider: Provider, client_id: &str) -> Auth {
    match oauth_preset(provider, client_id, None) {
        Ok(Some(cfg)) => Auth::OAuth2(cfg),
        _ => Auth::Password,
    }
}

/// Usual ports: (IMAP, SMTP).
pub fn default_ports(security: Security) -> (u16, u16) {
    match security {
        Security::Tls => (993, 465),
        Security::StartTls | Security::None => (143, 587),
    }
}

/// True for 127.0.0.0/8, ::1 and `localhost`.
pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim().trim_start_matches('[').trim_end_matches(']');
    if h.eq_ignore_ascii_case("localhost") {
        return true;
    }
    h.parse::<IpAddr>()
        .map(|ip| ip.is_loopback())
        .unwrap_or(false)
}

/// `Security::None` is allowed only towards this machine.
pub fn check_security(host: &str, security: Security) -> Result<()> {
    if security == Security::None && !is_loopback_host(host) {
        return Err(MailNetError::InsecureNotLoopback {
            host: host.to_string(),
        });
    }
    Ok(())
}

/// The OAuth2 application of a provider: its endpoints and the scopes mail needs, the one home
/// of these URLs (the CLI and the app both start from here). `tenant` is Microsoft's directory
/// (`organizations` when empty: any work account; or the office's tenant id or domain, e.g.
/// `entidad.gov.co`); Google has none. `None` for [`Provider::Generic`] (its endpoints are given).
pub fn oauth_preset(
    provider: Provider,
    client_id: &str,
    tenant: Option<&str>,
) -> Result<Option<OAuthConfig>> {
    Ok(match provider {
        Provider::Microsoft => {
            let tenant = tenant.map(str::trim).filter(|t| !t.is_empty());
            let tenant = match tenant {
                None => "organizations",
                Some(t)
                    if t.len() <= 100
                        && t.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') =>
                {
                    t
                }
                Some(t) => {
                    return Err(MailNetError::InvalidAccount {
                        field: "tenant",
                        detail: format!(
                            "«{t}» no es un identificador de inquilino (tenant) de Microsoft: use \
                             el GUID del directorio o el dominio, por ejemplo entidad.gov.co"
                        ),
                    })
                }
            };
            let base = format!("https://login.microsoftonline.com/{tenant}/oauth2/v2.0");
            Some(OAuthConfig {
                provider,
                client_id: client_id.into(),
                client_secret: None,
                auth_endpoint: format!("{base}/authorize"),
                token_endpoint: format!("{base}/token"),
                device_endpoint: Some(format!("{base}/devicecode")),
                scopes: vec![
                    "https://outlook.office.com/IMAP.AccessAsUser.All".into(),
                    "https://outlook.office.com/SMTP.Send".into(),
                    "offline_access".into(),
                ],
            })
        }
        Provider::Google => Some(OAuthConfig {
            provider,
            client_id: client_id.into(),
            client_secret: None,
            auth_endpoint: "https://accounts.google.com/o/oauth2/v2/auth".into(),
            token_endpoint: "https://oauth2.googleapis.com/token".into(),
            device_endpoint: None,
            scopes: vec!["https://mail.google.com/".into()],
        }),
        Provider::Generic => None,
    })
}

/// The tenant of a Microsoft endpoint built by [`oauth_preset`] (`None` for other URLs).
pub fn microsoft_tenant(endpoint: &str) -> Option<String> {
    let rest = endpoint.strip_prefix("https://login.microsoftonline.com/")?;
    let tenant = rest.split('/').next()?;
    (!tenant.is_empty()).then(|| tenant.to_string())
}

/// A provider preset: servers, ports, security and OAuth2 endpoints/scopes. `client_id` is the
/// office's app registration (the administrator's part, see the README «Correo»).
pub fn preset(provider: Provider, user: &str, client_id: &str) -> MailAccount {
    match provider {
        Provider::Microsoft => MailAccount {
            imap_host: "outlook.office365.com".into(),
            imap_port: 993,
            security: Security::Tls,
            smtp_host: "smtp.office365.com".into(),
            smtp_port: 587,
            smtp_security: Security::StartTls,
            user: user.into(),
            folder: default_folder(),
            processed_folder: default_processed(),
            auth: microsoft_or_google(provider, client_id),
        },
        Provider::Google => MailAccount {
            imap_host: "imap.gmail.com".into(),
            imap_port: 993,
            security: Security::Tls,
            smtp_host: "smtp.gmail.com".into(),
            smtp_port: 465,
            smtp_security: Security::Tls,
            user: user.into(),
            folder: default_folder(),
            processed_folder: default_processed(),
            auth: microsoft_or_google(provider, client_id),
        },
        Provider::Generic => {
            let domain = user.rsplit('@').next().unwrap_or_default();
            MailAccount::password(
                &format!("mail.{domain}"),
                &format!("mail.{domain}"),
                Security::Tls,
                user,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_encryption_only_towards_this_machine() {
        for host in [
            "127.0.0.1",
            "127.8.9.10",
            "::1",
            "[::1]",
            "localhost",
            "LOCALHOST",
        ] {
            assert!(is_loopback_host(host), "{host}");
            check_security(host, Security::None).unwrap();
        }
        for host in [
            "10.0.0.1",
            "mail.entidad.gov.co",
            "localhost.evil.com",
            "0.0.0.0",
            "",
        ] {
            assert!(!is_loopback_host(host), "{host}");
            let e = check_security(host, Security::None).unwrap_err();
            assert_eq!(e.code(), "mail_insecure_not_loopback");
            check_security(host, Security::Tls).unwrap();
        }
    }

    #[test]
    fn accounts_are_validated_and_round_trip_as_json() {
        let a = MailAccount::password(
            "mail.entidad.gov.co",
            "mail.entidad.gov.co",
            Security::Tls,
            "sistemas@entidad.gov.co",
        );
        assert_eq!((a.imap_port, a.smtp_port), (993, 465));
        assert_eq!(a.folder, "INBOX");
        assert_eq!(a.processed_folder, "Mesa de ayuda/Procesados");
        a.validate().unwrap();
        let json = serde_json::to_string(&a).unwrap();
        assert!(
            !json.to_lowercase().contains("password\":\""),
            "no secret in the JSON: {json}"
        );
        assert_eq!(serde_json::from_str::<MailAccount>(&json).unwrap(), a);
        let mut b = a.clone();
        b.processed_folder = "INBOX".into();
        assert_eq!(b.validate().unwrap_err().code(), "mail_invalid_account");
        let mut c = a.clone();
        c.smtp_security = Security::None;
        assert_eq!(
            c.validate().unwrap_err().code(),
            "mail_insecure_not_loopback"
        );
        assert_eq!(Security::parse("STARTTLS").unwrap(), Security::StartTls);
        assert!(Security::parse("ssl3")
            .unwrap_err()
            .to_string()
            .contains("«ssl3»"));
        let m = preset(Provider::Microsoft, "a@entidad.gov.co", "cid");
        m.validate().unwrap();
        assert_eq!(
            (m.smtp_host.as_str(), m.smtp_port, m.smtp_security),
            ("smtp.office365.com", 587, Security::StartTls)
        );
        let g = preset(Provider::Google, "a@entidad.gov.co", "cid");
        let Auth::OAuth2(cfg) = &g.auth else {
            panic!("google is oauth2")
        };
        assert_eq!(cfg.scopes, vec!["https://mail.google.com/".to_string()]);
    }

    #[test]
    fn microsoft_endpoints_follow_the_tenant() {
        let any = oauth_preset(Provider::Microsoft, "cid", None)
            .unwrap()
            .unwrap();
        assert_eq!(
            any.token_endpoint,
            "https://login.microsoftonline.com/organizations/oauth2/v2.0/token"
        );
        let own = oauth_preset(Provider::Microsoft, "cid", Some(" entidad.gov.co "))
            .unwrap()
            .unwrap();
        assert_eq!(
            own.auth_endpoint,
            "https://login.microsoftonline.com/entidad.gov.co/oauth2/v2.0/authorize"
        );
        assert_eq!(
            own.device_endpoint.as_deref(),
            Some("https://login.microsoftonline.com/entidad.gov.co/oauth2/v2.0/devicecode")
        );
        assert_eq!(
            microsoft_tenant(&own.token_endpoint).as_deref(),
            Some("entidad.gov.co")
        );
        assert_eq!(microsoft_tenant("http://127.0.0.1:9/token"), None);
        let e = oauth_preset(Provider::Microsoft, "cid", Some("x/../evil?a=b")).unwrap_err();
        assert_eq!(e.code(), "mail_invalid_account");
        assert!(e.to_string().contains("«x/../evil?a=b»"), "{e}");
        assert!(oauth_preset(Provider::Generic, "cid", None)
            .unwrap()
            .is_none());
        let g = oauth_preset(Provider::Google, "cid", Some("ignored"))
            .unwrap()
            .unwrap();
        assert_eq!(g.device_endpoint, None);
    }
}
