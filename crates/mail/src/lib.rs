//! Reading and writing e-mail for Mesa de Ayuda TI, with no network and no store.
//!
//! - [`parse`] turns raw RFC 5322 bytes into a [`ParsedMail`] (never panics; Spanish warnings
//!   for malformed MIME), [`content_hash`] gives the SHA-256 used for dedupe.
//! - [`classify`] tells a request from an auto-reply, a bounce, list mail or our own mail;
//!   [`is_no_reply`] spots addresses that must never get a reply.
//! - [`case_tokens`] finds `[MA-2026-0042]` tokens in a subject.
//! - [`reply_text`] keeps only what the sender wrote above the quoted part.
//! - [`parse_survey_reply`] reads survey answers written by reply.
//! - [`compose`] builds an outgoing RFC 5322 message (our Message-ID, thread headers, case token).
//! - [`msg_to_eml`] turns an Outlook `.msg` into RFC 5322 bytes for the same intake path.

mod classify;
mod compose;
mod error;
mod msg;
mod parse;
mod reply;
mod survey;
mod tokens;

pub use classify::{classify, classify_with_reason, is_no_reply, MailKind};
pub use compose::{compose, Outgoing, OutgoingAttachment, MESA_HEADER};
pub use error::{MailError, Result};
pub use msg::{is_msg, msg_to_eml};
pub use parse::{content_hash, parse, Address, Attachment, ParsedMail};
pub use reply::reply_text;
pub use survey::{parse_survey_reply, SurveyReply};
pub use tokens::{case_tokens, subject_with_token};
