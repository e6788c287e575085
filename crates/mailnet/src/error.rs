//! `MailNetError`: every failure of the network side, with a stable code (for the UI, the CLI's
//! JSON and the store's log) and a Spanish message that says what to do.

use thiserror::Error;

/// Errors of mesa-mailnet. `code()` is stable; the message is for the user (es-CO).
#[derive(Debug, Error)]
pub enum MailNetError {
    #[error("No se encontró el servidor «{host}»: revise el nombre del servidor y la conexión a internet.")]
    HostNotFound { host: String },
    #[error("El servidor {host}:{port} rechazó la conexión: revise el puerto y que el servicio esté activo.")]
    ConnectionRefused { host: String, port: u16 },
    #[error("El servidor {host}:{port} no respondió a tiempo ({seconds} s): revise el puerto, el cortafuegos o la conexión.")]
    Timeout {
        host: String,
        port: u16,
        seconds: u64,
    },
    #[error("No se pudo conectar con {host}:{port}: {detail}")]
    Network {
        host: String,
        port: u16,
        detail: String,
    },
    #[error("Falló la conexión segura (TLS) con {host}:{port}: {detail}. Revise el tipo de seguridad (TLS o STARTTLS) y el puerto, y que el certificado del servidor sea válido.")]
    Tls {
        host: String,
        port: u16,
        detail: String,
    },
    #[error(
        "El servidor {host} no ofrece STARTTLS: elija TLS (puerto 993/465) o revise el puerto."
    )]
    StartTlsUnavailable { host: String },
    #[error("La seguridad «ninguna» (sin cifrado) solo se permite con un servidor de este equipo (127.0.0.1, ::1 o localhost); «{host}» no lo es. Elija TLS o STARTTLS.")]
    InsecureNotLoopback { host: String },
    #[error("El servidor {protocol} rechazó el usuario o la contraseña de «{user}»: {detail}")]
    AuthFailed {
        protocol: &'static str,
        user: String,
        detail: String,
    },
    #[error("Vuelva a conectar la cuenta de correo: el servidor {protocol} rechazó el token de acceso de «{user}» ({detail}).")]
    TokenRejected {
        protocol: &'static str,
        user: String,
        detail: String,
    },
    #[error(
        "Vuelva a conectar la cuenta de correo: la autorización fue revocada o venció ({detail})."
    )]
    ReconnectRequired { detail: String },
    #[error("El servidor SMTP tiene deshabilitado el envío autenticado (SMTP AUTH) para el buzón «{user}»: el administrador debe habilitarlo en el buzón. Respuesta: {detail}")]
    SmtpAuthDisabled { user: String, detail: String },
    #[error("Microsoft 365 rechazó el inicio de sesión básico para enviar (5.7.30): use «Conectar con Microsoft» (OAuth2) o pida al administrador habilitar SMTP AUTH. Respuesta: {detail}")]
    BasicAuthBlocked { detail: String },
    #[error("El servidor SMTP no ofrece ningún método de autenticación compatible ({detail}): revise el tipo de seguridad y el puerto (normalmente 587 con STARTTLS).")]
    SmtpAuthUnavailable { detail: String },
    #[error("La carpeta «{folder}» no existe en el buzón: revise el nombre de la carpeta en Ajustes → Correo.")]
    FolderMissing { folder: String },
    #[error("El servidor {protocol} respondió con un error: {detail}")]
    Protocol {
        protocol: &'static str,
        detail: String,
    },
    #[error("El servidor SMTP rechazó el mensaje: {detail}")]
    SmtpRejected { detail: String, permanent: bool },
    #[error("Dato inválido en la cuenta de correo, campo «{field}»: {detail}")]
    InvalidAccount { field: &'static str, detail: String },
    #[error("El almacén de credenciales del sistema no está disponible en este equipo ({detail}); la contraseña no se guardó. En Linux sin escritorio se usa el llavero del kernel (keyutils).")]
    CredentialStoreUnavailable { detail: String },
    #[error("No hay contraseña ni token guardado para «{account}» en el almacén de credenciales: vuelva a escribir la contraseña o a conectar la cuenta.")]
    SecretMissing { account: String },
    #[error("Error del almacén de credenciales del sistema para «{account}»: {detail}")]
    CredentialStore { account: String, detail: String },
    #[error("Falló la autorización OAuth2 con {endpoint}: {detail}")]
    OAuth { endpoint: String, detail: String },
    #[error("Se agotó la espera de la autorización en el navegador ({seconds} s): vuelva a intentar «Conectar».")]
    OAuthTimeout { seconds: u64 },
}

impl MailNetError {
    /// Stable code, never translated.
    pub fn code(&self) -> &'static str {
        match self {
            Self::HostNotFound { .. } => "mail_host_not_found",
            Self::ConnectionRefused { .. } => "mail_connection_refused",
            Self::Timeout { .. } => "mail_timeout",
            Self::Network { .. } => "mail_network",
            Self::Tls { .. } => "mail_tls",
            Self::StartTlsUnavailable { .. } => "mail_starttls_unavailable",
            Self::InsecureNotLoopback { .. } => "mail_insecure_not_loopback",
            Self::AuthFailed { .. } => "mail_auth_failed",
            Self::TokenRejected { .. } => "mail_reconnect",
            Self::ReconnectRequired { .. } => "mail_reconnect",
            Self::SmtpAuthDisabled { .. } => "mail_smtp_auth_disabled",
            Self::BasicAuthBlocked { .. } => "mail_basic_auth_blocked",
            Self::SmtpAuthUnavailable { .. } => "mail_smtp_auth_unavailable",
            Self::FolderMissing { .. } => "mail_folder_missing",
            Self::Protocol { .. } => "mail_protocol",
            Self::SmtpRejected { .. } => "mail_smtp_rejected",
            Self::InvalidAccount { .. } => "mail_invalid_account",
            Self::CredentialStoreUnavailable { .. } => "mail_credential_store_unavailable",
            Self::SecretMissing { .. } => "mail_secret_missing",
            Self::CredentialStore { .. } => "mail_credential_store",
            Self::OAuth { .. } => "mail_oauth",
            Self::OAuthTimeout { .. } => "mail_oauth_timeout",
        }
    }

    /// True when the UI must show the banner «Vuelva a conectar la cuenta de correo».
    pub fn needs_reconnect(&self) -> bool {
        self.code() == "mail_reconnect"
    }
}

pub type Result<T> = std::result::Result<T, MailNetError>;
