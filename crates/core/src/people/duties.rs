//! Separation of duties: whoever prepared a concepto de baja cannot approve it, whoever executed
//! a maintenance log cannot verify it, and whoever resolved a case cannot register the
//! requester's verification without saying how it was confirmed. In an office with one active
//! account (or none: logins off) the first two are allowed with a written justification, kept
//! with the record, so a one-person office still works.

use crate::error::{CoreError, Result};
use crate::text::{clean_opt, fold};
use crate::Store;

impl Store {
    /// Who checks (approves, verifies): the logged-in account, else the name typed.
    pub(crate) fn checker_name(&self, typed: &str) -> String {
        self.principal
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_else(|| typed.trim().to_string())
    }

    /// Checks that `checker` is not `doer` for `what` («quien elaboró el concepto CTB-2026-0001
    /// no puede aprobarlo»). Same person: allowed only in a one-account office and with a
    /// justification, which is returned to be stored with the record.
    pub(crate) fn separate_duties(
        &self,
        what: &str,
        doer: &str,
        checker: &str,
        justification: Option<&str>,
    ) -> Result<Option<String>> {
        if fold(doer) != fold(checker) || fold(doer).is_empty() {
            return Ok(None);
        }
        let active: i64 =
            self.conn
                .query_row("SELECT count(*) FROM accounts WHERE active = 1", [], |r| {
                    r.get(0)
                })?;
        let single = active <= 1;
        match clean_opt(justification) {
            Some(j) if single => Ok(Some(j)),
            _ => Err(CoreError::SeparationOfDuties {
                what: what.to_string(),
                hint: if single {
                    "En una oficina con una sola cuenta activa se permite escribiendo una justificación."
                        .into()
                } else {
                    "Debe hacerlo otra persona de la oficina.".into()
                },
            }),
        }
    }

    /// The verification of case `number` registered by whoever resolved it (with accounts on)
    /// needs to say how the requester confirmed (teléfono, correo, en persona…).
    pub(crate) fn check_verification_by_resolver(
        &self,
        number: &str,
        confirmation: Option<&str>,
    ) -> Result<()> {
        let Some(p) = &self.principal else {
            return Ok(());
        };
        let resolver: Option<String> = crate::db::OptionalExt::optional(self.conn.query_row(
            "SELECT e.actor FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
             WHERE t.number = ?1 AND e.kind = 'resolve' ORDER BY e.id DESC LIMIT 1",
            [number],
            |r| r.get("actor"),
        ))?;
        if resolver.is_some_and(|r| fold(&r) == fold(&p.name)) && clean_opt(confirmation).is_none()
        {
            return Err(CoreError::SeparationOfDuties {
                what: format!(
                    "usted resolvió el caso {number}: no puede registrar la verificación a nombre del solicitante sin decir cómo la confirmó"
                ),
                hint: "Escriba cómo confirmó el solicitante que quedó resuelto (llamada, correo, en persona…).".into(),
            });
        }
        Ok(())
    }
}
