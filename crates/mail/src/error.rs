//! Errors of the mail crate, with a stable code and a Spanish message.

/// What can go wrong building a message (parsing never fails: it returns warnings).
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address that is not a valid e-mail address; `field` names the header (De, Para, Cc).
    #[error("La dirección de correo «{address}» del campo {field} no es válida")]
    InvalidAddress { field: String, address: String },
    /// A message without any recipient.
    #[error("El mensaje no tiene destinatarios (campo Para vacío)")]
    NoRecipients,
    /// An attachment whose content type cannot be used.
    #[error("El adjunto «{name}» tiene un tipo de contenido no válido: «{content_type}»")]
    InvalidContentType { name: String, content_type: String },
    /// The message could not be assembled.
    #[error("No se pudo armar el mensaje de correo: {0}")]
    Build(String),
    /// An Outlook `.msg` file that cannot be read.
    #[error("No se pudo leer el mensaje de Outlook (.msg): {0}")]
    Msg(String),
}

impl MailError {
    /// A stable code for logs and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            MailError::InvalidAddress { .. } => "mail_invalid_address",
            MailError::NoRecipients => "mail_no_recipients",
            MailError::InvalidContentType { .. } => "mail_invalid_content_type",
            MailError::Build(_) => "mail_build",
            MailError::Msg(_) => "mail_msg",
        }
    }
}

pub type Result<T, E = MailError> = std::result::Result<T, E>;
