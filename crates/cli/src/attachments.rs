//! `mesa ticket attach|attachments|detach|attachment-save` and `mesa asset attach-file|
//! attachments|detach-file|attachment-save|photo`: attachments of cases and equipment
//! (core: `mesa_core::attachments`).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use mesa_core::{Attachment, AttachmentOwner, CoreError, Store};

use crate::print_json;

/// What to do with the attachments of one case or equipment.
pub(crate) enum AttachOp {
    Add(PathBuf),
    List,
    Remove { id: i64, reason: String },
    Save { id: i64, dest: PathBuf },
    Photo { id: i64 },
}

fn line(a: &Attachment) {
    let mut flags = vec![];
    if a.executable {
        flags.push("ejecutable: no se abre, solo se guarda".to_string());
    }
    if a.is_photo {
        flags.push("foto del equipo".to_string());
    }
    if let Some(r) = &a.removed_at {
        flags.push(format!(
            "quitado el {r} por {}: {}",
            a.removed_by.as_deref().unwrap_or("-"),
            a.remove_reason.as_deref().unwrap_or("-")
        ));
    }
    println!(
        "{:>4}  {}  {}  {}  {} {}{}",
        a.id,
        a.name,
        mesa_core::attachments::size_text(a.size),
        a.type_label,
        a.added_at,
        a.added_by,
        if flags.is_empty() {
            String::new()
        } else {
            format!("  [{}]", flags.join("; "))
        }
    );
}

pub(crate) fn run(
    store: &mut Store,
    owner: AttachmentOwner,
    op: AttachOp,
    actor: &str,
    now: DateTime<Utc>,
    json: bool,
) -> Result<(), CoreError> {
    match op {
        AttachOp::Add(file) => {
            let a = store.attach_file(&owner, &file, actor, now)?;
            if json {
                return print_json(&a);
            }
            println!(
                "Adjunto {} agregado: {} ({}, {}).",
                a.id,
                a.name,
                a.type_label,
                mesa_core::attachments::size_text(a.size)
            );
            if a.executable {
                println!(
                    "Es un programa o script: la aplicación no lo abrirá, solo guarda copias."
                );
            }
            Ok(())
        }
        AttachOp::List => {
            let all = store.list_attachments(&owner)?;
            if json {
                return print_json(&all);
            }
            for a in &all {
                line(a);
            }
            println!("{} adjuntos", all.len());
            Ok(())
        }
        AttachOp::Remove { id, reason } => {
            let a = store.remove_attachment(&owner, id, &reason, actor, now)?;
            if json {
                return print_json(&a);
            }
            println!("Adjunto {} quitado: {}.", a.id, a.name);
            Ok(())
        }
        AttachOp::Save { id, dest } => {
            let a = store.save_attachment_copy(&owner, id, &dest)?;
            if json {
                return print_json(&serde_json::json!({ "attachment": a, "saved_to": dest }));
            }
            println!("Copia de «{}» guardada en {}", a.name, dest.display());
            Ok(())
        }
        AttachOp::Photo { id } => {
            let AttachmentOwner::Asset(tag) = &owner else {
                return Err(CoreError::validation(
                    "foto",
                    "solo los equipos tienen foto",
                ));
            };
            let a = store.set_asset_photo(tag, id, actor, now)?;
            if json {
                return print_json(&a);
            }
            println!("«{}» es ahora la foto del equipo.", a.name);
            Ok(())
        }
    }
}
