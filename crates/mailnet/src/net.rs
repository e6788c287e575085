//! TCP and TLS below IMAP: connection with a timeout, name resolution and TLS errors classified
//! into `MailNetError`.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::error::MailNetError;

/// Default timeout for connecting and for each read/write.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Plain or TLS stream (IMAP over either).
#[derive(Debug)]
pub enum MailStream {
    Plain(TcpStream),
    Tls(Box<native_tls::TlsStream<TcpStream>>),
}

impl Read for MailStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            MailStream::Plain(s) => s.read(buf),
            MailStream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for MailStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            MailStream::Plain(s) => s.write(buf),
            MailStream::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            MailStream::Plain(s) => s.flush(),
            MailStream::Tls(s) => s.flush(),
        }
    }
}

/// Connects to `host:port` trying each resolved address with `timeout`, then sets read/write
/// timeouts.
pub fn connect_tcp(host: &str, port: u16, timeout: Duration) -> Result<TcpStream, MailNetError> {
    let addrs: Vec<_> = match (host, port).to_socket_addrs() {
        Ok(a) => a.collect(),
        Err(_) => {
            return Err(MailNetError::HostNotFound {
                host: host.to_string(),
            })
        }
    };
    if addrs.is_empty() {
        return Err(MailNetError::HostNotFound {
            host: host.to_string(),
        });
    }
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(s) => {
                s.set_read_timeout(Some(timeout))
                    .map_err(|e| io_error(host, port, timeout, e))?;
                s.set_write_timeout(Some(timeout))
                    .map_err(|e| io_error(host, port, timeout, e))?;
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(io_error(
        host,
        port,
        timeout,
        last.unwrap_or_else(|| io::Error::other("sin direcciones")),
    ))
}

/// Classifies an I/O error on a connection.
pub fn io_error(host: &str, port: u16, timeout: Duration, e: io::Error) -> MailNetError {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => MailNetError::ConnectionRefused {
            host: host.into(),
            port,
        },
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => MailNetError::Timeout {
            host: host.into(),
            port,
            seconds: timeout.as_secs(),
        },
        _ => MailNetError::Network {
            host: host.into(),
            port,
            detail: e.to_string(),
        },
    }
}

/// The TLS connector: the system's trust store (OpenSSL's on Linux, Windows' own); TLS 1.2 at
/// least.
pub fn tls_connector() -> Result<native_tls::TlsConnector, native_tls::Error> {
    native_tls::TlsConnector::builder()
        .min_protocol_version(Some(native_tls::Protocol::Tlsv12))
        .build()
}

/// TLS handshake on a connected socket.
pub fn tls_handshake(
    host: &str,
    port: u16,
    tcp: TcpStream,
) -> Result<native_tls::TlsStream<TcpStream>, MailNetError> {
    let tls = |detail: String| MailNetError::Tls {
        host: host.into(),
        port,
        detail,
    };
    let connector = tls_connector().map_err(|e| tls(e.to_string()))?;
    let name = host.trim_start_matches('[').trim_end_matches(']');
    // A handshake that stalls ends on the socket's own read timeout (the account's, set by
    // `connect_tcp`): that is the figure the message quotes.
    let waited = tcp.read_timeout().ok().flatten().unwrap_or(DEFAULT_TIMEOUT);
    connector.connect(name, tcp).map_err(|e| match e {
        native_tls::HandshakeError::Failure(e) => tls(tls_detail(&e.to_string())),
        native_tls::HandshakeError::WouldBlock(_) => MailNetError::Timeout {
            host: host.into(),
            port,
            seconds: waited.as_secs().max(1),
        },
    })
}

/// A short Spanish reading of a TLS library message (the original kept after it).
pub fn tls_detail(raw: &str) -> String {
    let lower = raw.to_ascii_lowercase();
    let what = if lower.contains("certificate") || lower.contains("certificado") {
        "el certificado del servidor no es válido para este nombre o no es de confianza"
    } else if lower.contains("wrong version number")
        || lower.contains("packet length too long")
        || lower.contains("unexpected eof")
        || lower.contains("record layer")
    {
        "el servidor no habla TLS en este puerto (¿es STARTTLS o sin cifrado?)"
    } else if lower.contains("protocol") || lower.contains("version") {
        "el servidor no acepta una versión segura de TLS (1.2 o superior)"
    } else {
        "el saludo TLS no se completó"
    };
    format!("{what} [{raw}]")
}
