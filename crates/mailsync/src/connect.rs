//! Connecting an OAuth2 account, shared by `mesa mail connect` and the app's «Conectar»:
//! the application of the account from the provider's preset ([`oauth_application`]), the
//! client secret some providers require of desktop apps (kept in the OS credential store, never
//! in `mesa.db`), and the two flows ([`OAuthFlow`]): authorization code with PKCE and a loopback
//! redirect on 127.0.0.1 (the caller opens the URL in the system browser), or Microsoft's device
//! code. The flow runs without the store (a worker thread may wait minutes for the user); the
//! refresh token it returns is then stored with [`crate::connect_with_refresh_token`].

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use chrono::{DateTime, Utc};
use mesa_core::mail::{MailOAuth, MailOAuthForm};
use mesa_core::{CoreError, Store};
use mesa_mailnet::oauth::{DeviceCode, PendingAuthorization};
use mesa_mailnet::{Auth, MailNetError, OAuthConfig, Provider};

use crate::{stored_net_account, Result, SyncError};

/// Endpoints and scopes given instead of the provider's (the CLI's `--token-endpoint` …, the
/// app's «Opciones avanzadas», and the tests against the loopback token stub).
#[derive(Debug, Clone, Default)]
pub struct OAuthOverrides {
    pub auth_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub device_endpoint: Option<String>,
    pub scopes: Option<Vec<String>>,
}

fn provider_of(name: &str) -> std::result::Result<Option<Provider>, CoreError> {
    match name {
        "microsoft" => Ok(Some(Provider::Microsoft)),
        "google" => Ok(Some(Provider::Google)),
        "custom" => Ok(None),
        other => Err(CoreError::validation(
            "proveedor OAuth2",
            format!("«{other}» no es microsoft, google ni custom"),
        )),
    }
}

/// The OAuth2 application of the account: the provider's endpoints and scopes (mailnet's
/// [`mesa_mailnet::oauth_preset`], with Microsoft's `tenant`), each replaced by the given
/// override; `custom` needs its token endpoint. Not saved here (`Store::set_mail_oauth`).
pub fn oauth_application(
    provider: &str,
    client_id: &str,
    tenant: Option<&str>,
    overrides: OAuthOverrides,
) -> std::result::Result<MailOAuth, CoreError> {
    let provider = provider.trim().to_lowercase();
    let base = match provider_of(&provider)? {
        Some(p) => mesa_mailnet::oauth_preset(p, client_id.trim(), tenant)
            .map_err(|e| CoreError::validation("inquilino (tenant) de Microsoft", e.to_string()))?,
        None => None,
    };
    let scopes: Vec<String> = overrides
        .scopes
        .filter(|s| !s.is_empty())
        .or_else(|| base.as_ref().map(|b| b.scopes.clone()))
        .unwrap_or_default();
    let token_endpoint = overrides
        .token_endpoint
        .filter(|t| !t.trim().is_empty())
        .or_else(|| base.as_ref().map(|b| b.token_endpoint.clone()))
        .ok_or_else(|| {
            CoreError::validation(
                "punto de token OAuth2",
                "es obligatorio para un proveedor personalizado",
            )
        })?;
    Ok(MailOAuth {
        auth_endpoint: overrides
            .auth_endpoint
            .filter(|t| !t.trim().is_empty())
            .or_else(|| base.as_ref().map(|b| b.auth_endpoint.clone()))
            .unwrap_or_else(|| token_endpoint.clone()),
        device_endpoint: overrides
            .device_endpoint
            .filter(|t| !t.trim().is_empty())
            .or_else(|| base.as_ref().and_then(|b| b.device_endpoint.clone())),
        token_endpoint,
        provider,
        client_id: client_id.trim().to_string(),
        scopes,
        connected_at: None,
    })
}

/// Whether the provider requires a client secret of a desktop app: Google does (its «Desktop
/// app» clients have one, which Google says is not confidential); Microsoft's public clients
/// must not send one.
pub fn needs_client_secret(provider: &str) -> bool {
    provider == "google"
}

/// Where the client secret of the account `net` lives in the OS credential store.
pub fn client_secret_key(net: &mesa_mailnet::MailAccount) -> String {
    format!("{}#oauth-client-secret", net.secret_key())
}

/// Saves (or, with an empty one, removes) the account's client secret in the credential store.
pub fn set_client_secret(net: &mesa_mailnet::MailAccount, secret: &str) -> Result<()> {
    let key = client_secret_key(net);
    if secret.trim().is_empty() {
        match mesa_mailnet::delete_secret(&key) {
            Ok(()) | Err(MailNetError::SecretMissing { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    } else {
        Ok(mesa_mailnet::set_secret(&key, secret.trim())?)
    }
}

/// Fills the client secret of an OAuth2 account from the credential store (none kept: none
/// sent, which is right for Microsoft and a clear `invalid_client` from Google).
pub fn load_client_secret(net: &mut mesa_mailnet::MailAccount) {
    let key = client_secret_key(net);
    if let Auth::OAuth2(cfg) = &mut net.auth {
        if cfg.client_secret.is_none() {
            cfg.client_secret = mesa_mailnet::get_secret(&key).ok();
        }
    }
}

/// The stored account's OAuth2 settings (with its client secret), or `UnsupportedAuth` for a
/// password account. Read under the store; the flow itself then needs no store
/// ([`OAuthFlow::start`]).
pub fn stored_oauth(store: &Store) -> Result<(mesa_mailnet::MailAccount, OAuthConfig)> {
    let account = crate::stored_account(store)?;
    let net = stored_net_account(store, &account)?;
    match &net.auth {
        Auth::OAuth2(cfg) => {
            let cfg = cfg.clone();
            Ok((net, cfg))
        }
        Auth::Password => Err(SyncError::UnsupportedAuth {
            auth: "contraseña, no OAuth2".to_string(),
        }),
    }
}

enum Kind {
    Browser(PendingAuthorization),
    Device(DeviceCode),
}

/// One «Conectar» in progress.
pub struct OAuthFlow {
    cfg: OAuthConfig,
    user: String,
    kind: Kind,
}

impl OAuthFlow {
    /// Authorization code with PKCE: listens on 127.0.0.1 (random port) and builds the URL to
    /// open in the system browser ([`OAuthFlow::url`]).
    pub fn browser(store: &Store) -> Result<OAuthFlow> {
        let (net, cfg) = stored_oauth(store)?;
        OAuthFlow::start(&net, cfg, false)
    }

    /// Microsoft's device code: asks the provider for a code the user types at
    /// [`OAuthFlow::url`] on any device.
    pub fn device(store: &Store) -> Result<OAuthFlow> {
        let (net, cfg) = stored_oauth(store)?;
        OAuthFlow::start(&net, cfg, true)
    }

    /// Either flow for the account of [`stored_oauth`] (the device flow asks the provider for
    /// its code: a network call, made without holding the store).
    pub fn start(
        net: &mesa_mailnet::MailAccount,
        cfg: OAuthConfig,
        device: bool,
    ) -> Result<OAuthFlow> {
        let kind = if device {
            Kind::Device(mesa_mailnet::oauth::device_start(&cfg)?)
        } else {
            Kind::Browser(PendingAuthorization::start(&cfg, &net.user)?)
        };
        Ok(OAuthFlow {
            cfg,
            user: net.user.clone(),
            kind,
        })
    }

    /// The mailbox being connected.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The page the user must open: the authorization URL, or the device code's
    /// verification page.
    pub fn url(&self) -> &str {
        match &self.kind {
            Kind::Browser(p) => p.url(),
            Kind::Device(d) => &d.verification_uri,
        }
    }

    /// The code to type on the verification page (device flow only).
    pub fn user_code(&self) -> Option<&str> {
        match &self.kind {
            Kind::Browser(_) => None,
            Kind::Device(d) => Some(&d.user_code),
        }
    }

    /// Minutes the device code stays valid (device flow only).
    pub fn expires_in_minutes(&self) -> Option<u64> {
        match &self.kind {
            Kind::Browser(_) => None,
            Kind::Device(d) => Some(d.expires_in_secs / 60),
        }
    }

    /// Waits for the user (the browser's redirect, or the device code's approval) and returns
    /// the refresh token; `Ok(None)` when `cancel` was set. A provider that gives no refresh
    /// token (no `offline_access`) is an error that says so.
    pub fn wait(
        &self,
        timeout: Duration,
        cancel: &AtomicBool,
        now: impl Fn() -> DateTime<Utc>,
    ) -> Result<Option<String>> {
        let tokens = match &self.kind {
            Kind::Browser(pending) => match pending.wait_for_code_until(timeout, cancel)? {
                Some(code) => pending.exchange(&code, now())?,
                None => return Ok(None),
            },
            Kind::Device(device) => {
                match mesa_mailnet::oauth::device_poll_until(
                    &self.cfg, device, timeout, cancel, now,
                )? {
                    Some(t) => t,
                    None => return Ok(None),
                }
            }
        };
        match tokens.refresh_token {
            Some(r) => Ok(Some(r)),
            None => Err(SyncError::Net(MailNetError::OAuth {
                endpoint: self.cfg.token_endpoint.clone(),
                detail: "el proveedor no entregó un token de actualización: revise que la \
                         aplicación pida el permiso offline_access"
                    .to_string(),
            })),
        }
    }
}

/// The OAuth2 application of Ajustes → Correo's fields (empty endpoints: the provider's).
pub fn oauth_from_form(f: &MailOAuthForm) -> std::result::Result<MailOAuth, CoreError> {
    let given = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    oauth_application(
        &f.provider,
        &f.client_id,
        Some(f.tenant.as_str()),
        OAuthOverrides {
            auth_endpoint: given(&f.auth_endpoint),
            token_endpoint: given(&f.token_endpoint),
            device_endpoint: given(&f.device_endpoint),
            scopes: None,
        },
    )
}

/// The fields of Ajustes → Correo for a stored application: Microsoft's tenant read back from
/// its endpoints, and only the endpoints that differ from the provider's own (the rest empty).
pub fn oauth_form(o: &MailOAuth, client_secret_stored: bool) -> MailOAuthForm {
    let tenant = if o.provider == "microsoft" {
        mesa_mailnet::microsoft_tenant(&o.auth_endpoint)
            .filter(|t| t != "organizations")
            .unwrap_or_default()
    } else {
        String::new()
    };
    let preset = provider_of(&o.provider)
        .ok()
        .flatten()
        .and_then(|p| mesa_mailnet::oauth_preset(p, &o.client_id, Some(&tenant)).ok())
        .flatten();
    let own = |stored: &str, preset: Option<&str>| {
        if preset == Some(stored) {
            String::new()
        } else {
            stored.to_string()
        }
    };
    MailOAuthForm {
        provider: o.provider.clone(),
        client_id: o.client_id.clone(),
        auth_endpoint: own(
            &o.auth_endpoint,
            preset.as_ref().map(|p| p.auth_endpoint.as_str()),
        ),
        token_endpoint: own(
            &o.token_endpoint,
            preset.as_ref().map(|p| p.token_endpoint.as_str()),
        ),
        device_endpoint: own(
            o.device_endpoint.as_deref().unwrap_or_default(),
            Some(
                preset
                    .as_ref()
                    .and_then(|p| p.device_endpoint.as_deref())
                    .unwrap_or_default(),
            ),
        ),
        tenant,
        client_secret: String::new(),
        client_secret_stored,
        connected_at: o.connected_at.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_round_trips_through_the_application() {
        let mut f = MailOAuthForm {
            provider: "microsoft".into(),
            client_id: " cid ".into(),
            tenant: "entidad.gov.co".into(),
            ..MailOAuthForm::default()
        };
        let o = oauth_from_form(&f).unwrap();
        assert_eq!(o.client_id, "cid");
        assert_eq!(
            o.token_endpoint,
            "https://login.microsoftonline.com/entidad.gov.co/oauth2/v2.0/token"
        );
        assert!(o.scopes.iter().any(|s| s == "offline_access"));
        let back = oauth_form(&o, false);
        assert_eq!(back.tenant, "entidad.gov.co");
        assert_eq!(
            (
                back.auth_endpoint.as_str(),
                back.token_endpoint.as_str(),
                back.device_endpoint.as_str()
            ),
            ("", "", "")
        );
        // A replaced endpoint (the tests' stub) is kept and shown back.
        f.token_endpoint = "http://127.0.0.1:9/token".into();
        f.device_endpoint = "http://127.0.0.1:9/devicecode".into();
        let o = oauth_from_form(&f).unwrap();
        assert_eq!(o.token_endpoint, "http://127.0.0.1:9/token");
        let back = oauth_form(&o, true);
        assert_eq!(back.token_endpoint, "http://127.0.0.1:9/token");
        assert_eq!(back.device_endpoint, "http://127.0.0.1:9/devicecode");
        assert_eq!(back.auth_endpoint, "");
        assert!(back.client_secret_stored);
        // Google: its own endpoints, no device flow; unknown providers refused in Spanish.
        let g = oauth_from_form(&MailOAuthForm {
            provider: "google".into(),
            client_id: "cid".into(),
            ..MailOAuthForm::default()
        })
        .unwrap();
        assert_eq!(g.scopes, vec!["https://mail.google.com/".to_string()]);
        assert_eq!(g.device_endpoint, None);
        assert!(needs_client_secret("google") && !needs_client_secret("microsoft"));
        let e = oauth_from_form(&MailOAuthForm {
            provider: "yahoo".into(),
            ..MailOAuthForm::default()
        })
        .unwrap_err();
        assert!(e.to_string().contains("«yahoo»"), "{e}");
        let e = oauth_from_form(&MailOAuthForm {
            provider: "microsoft".into(),
            client_id: "cid".into(),
            tenant: "a b".into(),
            ..MailOAuthForm::default()
        })
        .unwrap_err();
        assert!(e.to_string().contains("tenant"), "{e}");
    }
}
