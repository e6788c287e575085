//! Attachment rows as the case, the equipment and the UI read them: the types and the listing,
//! a leaf below `tickets`, `assets` and the attachment store (`attachments/mod.rs`), which all
//! read them.

use crate::db::Db;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::{from_db, to_rfc3339_local};
use crate::error::Result;

/// Who an attachment belongs to: a case (by number), an equipment (by placa) or a follow-up of
/// an improvement action (by its id, the evidence of the follow-up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "key", rename_all = "snake_case")]
pub enum AttachmentOwner {
    Ticket(String),
    Asset(String),
    PlanFollowUp(String),
}

/// One attached file, as the UI and the CLI show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Attachment {
    pub id: i64,
    /// The original file name.
    pub name: String,
    #[ts(type = "number")]
    pub size: i64,
    /// MIME type sniffed from the content (`application/octet-stream` when unknown).
    pub media_type: String,
    /// The type in Spanish («Documento PDF», «Imagen PNG»…).
    pub type_label: String,
    pub sha256: String,
    /// An executable or script (by extension or content).
    pub executable: bool,
    /// May the app open it with the system's program? (Never for executables or removed files.)
    pub can_open: bool,
    /// The equipment's photo (hoja de vida).
    pub is_photo: bool,
    /// Is it an image the hoja de vida can show (PNG or JPEG)?
    pub is_image: bool,
    /// Local RFC 3339.
    pub added_at: String,
    pub added_by: String,
    pub removed_at: Option<String>,
    pub removed_by: Option<String>,
    pub remove_reason: Option<String>,
}

/// The Spanish label of a stored MIME type.
pub fn type_label(media_type: &str) -> &'static str {
    match media_type {
        "application/pdf" => "Documento PDF",
        "image/png" => "Imagen PNG",
        "image/jpeg" => "Imagen JPEG",
        "image/gif" => "Imagen GIF",
        "image/webp" => "Imagen WebP",
        "video/mp4" => "Video o audio MP4",
        "audio/mpeg" => "Audio MP3",
        "application/vnd.rar" => "Archivo comprimido RAR",
        "application/x-7z-compressed" => "Archivo comprimido 7z",
        "application/gzip" => "Archivo comprimido gzip",
        "application/zip" => "Archivo comprimido ZIP",
        "application/java-archive" => "Programa Java",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            "Documento de Word"
        }
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => {
            "Hoja de cálculo de Excel"
        }
        "application/vnd.openxmlformats-officedocument.presentationml.presentation" => {
            "Presentación de PowerPoint"
        }
        "application/vnd.oasis.opendocument" => "Documento OpenDocument",
        "application/msword" => "Documento de Word 97-2003",
        "application/vnd.ms-excel" => "Hoja de cálculo de Excel 97-2003",
        "application/vnd.ms-powerpoint" => "Presentación de PowerPoint 97-2003",
        "application/x-msi" => "Instalador de Windows",
        "application/vnd.ms-outlook" => "Mensaje de Outlook",
        "application/x-ole-storage" => "Documento de Office 97-2003",
        "application/x-msdownload" => "Programa ejecutable de Windows",
        "application/x-executable" | "application/x-mach-binary" => "Programa ejecutable",
        "text/x-script" => "Script",
        "application/x-ms-shortcut" => "Acceso directo de Windows",
        "text/plain" => "Texto",
        _ => "Archivo",
    }
}

pub(crate) const COLUMNS: &str =
    "id, name, size, media_type, sha256, executable, is_photo, added_at, \
                       added_by, removed_at, removed_by, remove_reason";

pub(crate) fn from_row(r: &crate::db::Row<'_>) -> crate::error::Result<Attachment> {
    let media_type: String = r.get("media_type")?;
    let executable: bool = r.get::<_, i64>("executable")? != 0;
    let removed_at: Option<String> = r.get("removed_at")?;
    let local = |s: String| from_db(&s).map(to_rfc3339_local).unwrap_or(s);
    Ok(Attachment {
        id: r.get("id")?,
        name: r.get("name")?,
        size: r.get("size")?,
        type_label: type_label(&media_type).to_string(),
        is_image: matches!(media_type.as_str(), "image/png" | "image/jpeg"),
        media_type,
        sha256: r.get("sha256")?,
        executable,
        can_open: !executable && removed_at.is_none(),
        is_photo: r.get::<_, i64>("is_photo")? != 0,
        added_at: local(r.get("added_at")?),
        added_by: r.get("added_by")?,
        removed_at: removed_at.map(local),
        removed_by: r.get("removed_by")?,
        remove_reason: r.get("remove_reason")?,
    })
}

/// The attachments of one case (`ticket_id`), removed ones included, oldest first.
pub(crate) fn list_for_ticket(conn: &Db, ticket_id: i64) -> Result<Vec<Attachment>> {
    list_by(conn, "ticket_id", ticket_id)
}

/// The attachments of one follow-up of an improvement action, removed ones included.
pub(crate) fn list_for_plan_followup(conn: &Db, id: i64) -> Result<Vec<Attachment>> {
    list_by(conn, "plan_followup_id", id)
}

/// The attachments of one equipment (`asset_id`), removed ones included, oldest first.
pub(crate) fn list_for_asset(conn: &Db, asset_id: i64) -> Result<Vec<Attachment>> {
    list_by(conn, "asset_id", asset_id)
}

pub(crate) fn list_by(conn: &Db, col: &str, id: i64) -> Result<Vec<Attachment>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM attachments WHERE {col} = ?1 ORDER BY id"
    ))?;
    let v = st
        .query_map([id], from_row)?
        .collect::<crate::error::Result<Vec<_>>>()?;
    Ok(v)
}
