//! Editable settings and catalogs: general settings, departments, survey questions, the
//! priority matrix and the holiday list shown in Ajustes.

use crate::db::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::calendar::colombian_holidays;
use crate::error::{CoreError, Result};
use crate::store::Store;
use crate::text::{clean, fold};

/// General settings of the office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AppSettings {
    pub entity_name: String,
    pub entity_nit: String,
    /// Prefix of case numbers (`MA` → `MA-2026-0001`).
    pub ticket_prefix: String,
    /// Business days after resolution before an unanswered survey closes the case.
    pub survey_business_days: i64,
    /// Response target (business minutes) for cases without a service type.
    pub default_response_minutes: i64,
    /// Resolution target (business minutes) for cases without a service type.
    pub default_resolution_minutes: i64,
    /// A deadline closer than this (business minutes) is shown as "por vencer".
    pub due_soon_minutes: i64,
    /// Quality-management header of the help-desk report: process, document code, version.
    pub report_process: String,
    pub report_code: String,
    pub report_version: String,
    /// Signature blocks of documents: «Revisó» (name and cargo) and «Aprobó». «Elaboró» is the
    /// account that generates the document, with its cargo.
    #[serde(default)]
    pub reviewer_name: String,
    #[serde(default)]
    pub reviewer_cargo: String,
    #[serde(default)]
    pub approver_name: String,
    #[serde(default)]
    pub approver_cargo: String,
    /// Minutes of inactivity before the app locks back to the login (with accounts).
    #[serde(default = "default_idle")]
    pub idle_lock_minutes: i64,
}

fn default_idle() -> i64 {
    crate::people::DEFAULT_IDLE_LOCK_MINUTES
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HolidayDto {
    pub date: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PriorityCell {
    pub urgency: i64,
    pub impact: i64,
    pub priority: String,
}

/// SLA targets for an incidence level, for one service type or (None) for any type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LevelTarget {
    pub service_type: Option<String>,
    pub level: i64,
    pub response_minutes: i64,
    pub resolution_minutes: i64,
}

pub const PRIORITIES: [&str; 4] = ["baja", "media", "alta", "urgente"];

/// Colombian public holidays of a year, for display.
pub fn holidays(year: i32) -> Vec<HolidayDto> {
    colombian_holidays(year)
        .into_iter()
        .map(|h| HolidayDto {
            date: h.date.format("%Y-%m-%d").to_string(),
            name: h.name.to_string(),
        })
        .collect()
}

impl Store {
    pub fn app_settings(&self) -> Result<AppSettings> {
        Ok(AppSettings {
            entity_name: self.setting("entity_name")?.unwrap_or_default(),
            entity_nit: self.setting("entity_nit")?.unwrap_or_default(),
            ticket_prefix: self
                .setting("ticket_prefix")?
                .unwrap_or_else(|| "MA".into()),
            survey_business_days: self.setting_i64("survey_business_days", 2)?,
            default_response_minutes: self.setting_i64("default_response_minutes", 720)?,
            default_resolution_minutes: self.setting_i64("default_resolution_minutes", 2880)?,
            due_soon_minutes: self.setting_i64("due_soon_minutes", 120)?,
            report_process: self
                .setting("report_process")?
                .unwrap_or_else(|| crate::reports::documents::DEFAULT_PROCESS.into()),
            report_code: self
                .setting("report_code")?
                .unwrap_or_else(|| crate::reports::documents::DEFAULT_CODE.into()),
            report_version: self
                .setting("report_version")?
                .unwrap_or_else(|| crate::reports::documents::DEFAULT_VERSION.into()),
            reviewer_name: self.setting("reviewer_name")?.unwrap_or_default(),
            reviewer_cargo: self
                .setting("reviewer_cargo")?
                .unwrap_or_else(|| crate::people::DEFAULT_REVIEWER_CARGO.into()),
            approver_name: self.setting("approver_name")?.unwrap_or_default(),
            approver_cargo: self
                .setting("approver_cargo")?
                .unwrap_or_else(|| crate::people::DEFAULT_APPROVER_CARGO.into()),
            idle_lock_minutes: self.setting_i64(
                "idle_lock_minutes",
                crate::people::DEFAULT_IDLE_LOCK_MINUTES,
            )?,
        })
    }

    /// Validates and saves the general settings in one transaction.
    pub fn set_app_settings(&mut self, s: &AppSettings) -> Result<AppSettings> {
        self.authorize(crate::people::Permission::Settings)?;
        let name = clean(&s.entity_name);
        if name.is_empty() {
            return Err(CoreError::validation(
                "nombre de la entidad",
                "es obligatorio",
            ));
        }
        let prefix = clean(&s.ticket_prefix).to_uppercase();
        if prefix.is_empty()
            || prefix.len() > 10
            || !prefix.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(CoreError::validation(
                "prefijo de numeración",
                "use de 1 a 10 letras o números sin espacios (por ejemplo MA)",
            ));
        }
        if !(0..=30).contains(&s.survey_business_days) {
            return Err(CoreError::validation(
                "días para la encuesta",
                "debe estar entre 0 y 30 días hábiles",
            ));
        }
        for (field, v) in [
            ("tiempo de respuesta", s.default_response_minutes),
            ("tiempo de solución", s.default_resolution_minutes),
        ] {
            if v <= 0 {
                return Err(CoreError::validation(field, "debe ser mayor que cero"));
            }
        }
        if !(1..=480).contains(&s.idle_lock_minutes) {
            return Err(CoreError::validation(
                "bloqueo por inactividad",
                "entre 1 y 480 minutos",
            ));
        }
        if s.due_soon_minutes < 0 {
            return Err(CoreError::validation(
                "aviso de vencimiento",
                "no puede ser negativo",
            ));
        }
        let tx = crate::store::session_write_tx(&mut self.conn, &self.audit)?;
        for (k, v) in [
            ("entity_name", name.clone()),
            ("entity_nit", clean(&s.entity_nit)),
            ("ticket_prefix", prefix.clone()),
            ("survey_business_days", s.survey_business_days.to_string()),
            (
                "default_response_minutes",
                s.default_response_minutes.to_string(),
            ),
            (
                "default_resolution_minutes",
                s.default_resolution_minutes.to_string(),
            ),
            ("due_soon_minutes", s.due_soon_minutes.to_string()),
            ("report_process", clean(&s.report_process)),
            ("report_code", clean(&s.report_code)),
            ("report_version", clean(&s.report_version)),
            ("reviewer_name", clean(&s.reviewer_name)),
            ("reviewer_cargo", clean(&s.reviewer_cargo)),
            ("approver_name", clean(&s.approver_name)),
            ("approver_cargo", clean(&s.approver_cargo)),
            ("idle_lock_minutes", s.idle_lock_minutes.to_string()),
        ] {
            tx.execute(
                "INSERT INTO settings(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![k, v],
            )?;
        }
        tx.commit()?;
        self.app_settings()
    }

    /// The entity's logo (PNG), stored in the database so backups carry it.
    pub fn entity_logo(&self) -> Result<Option<Vec<u8>>> {
        use base64::Engine;
        Ok(self
            .setting("entity_logo_png")?
            .filter(|s| !s.is_empty())
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok()))
    }

    /// The entity's logo as a `data:` URL (PNG, base64) for a preview; `None` without a logo.
    pub fn entity_logo_data_url(&self) -> Result<Option<String>> {
        Ok(self.entity_logo()?.map(|png| {
            use base64::Engine;
            format!(
                "data:image/png;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(png)
            )
        }))
    }

    /// Sets the entity's logo from a PNG file (checked to decode), or removes it with `None`.
    pub fn set_entity_logo(&mut self, png: Option<&[u8]>) -> Result<()> {
        self.authorize(crate::people::Permission::Settings)?;
        use base64::Engine;
        let value = match png {
            Some(bytes) => {
                if bytes.len() > 2_000_000 {
                    return Err(CoreError::validation("logo", "el archivo supera 2 MB"));
                }
                crate::pdf::decode_png(bytes).map_err(|e| {
                    CoreError::validation("logo", format!("no es una imagen PNG válida: {e}"))
                })?;
                base64::engine::general_purpose::STANDARD.encode(bytes)
            }
            None => String::new(),
        };
        self.session_write(|tx| {
            tx.execute(
                "INSERT INTO settings(key, value) VALUES ('entity_logo_png', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [value],
            )
        })?;
        Ok(())
    }

    /// Adds a department to the catalog (or reactivates it). Returns the catalog spelling.
    pub fn add_department(&mut self, name: &str) -> Result<String> {
        self.authorize(crate::people::Permission::Settings)?;
        let name = clean(name);
        if name.is_empty() {
            return Err(CoreError::validation("dependencia", "es obligatoria"));
        }
        self.session_write(|tx| {
            let existing: Vec<String> = tx
                .prepare("SELECT name FROM departments")?
                .query_map([], |r| r.get(0))?
                .collect::<crate::error::Result<_>>()?;
            if let Some(n) = existing.into_iter().find(|n| fold(n) == fold(&name)) {
                tx.execute("UPDATE departments SET active = 1 WHERE name = ?1", [&n])?;
                return Ok(n);
            }
            tx.execute("INSERT INTO departments(name) VALUES (?1)", [&name])?;
            Ok(name)
        })
    }

    /// Hides a department from the catalog without touching the cases that use it.
    pub fn set_department_active(&mut self, name: &str, active: bool) -> Result<()> {
        self.authorize(crate::people::Permission::Settings)?;
        let n = self.session_write(|tx| {
            tx.execute(
                "UPDATE departments SET active = ?2 WHERE name = ?1 COLLATE NOCASE",
                params![name.trim(), active as i64],
            )
        })?;
        if n == 0 {
            return Err(CoreError::CatalogNotFound {
                what: "la dependencia",
                name: name.trim().to_string(),
            });
        }
        Ok(())
    }

    /// Replaces the survey questions (3 to 5, scored 1–5).
    pub fn set_survey_questions(&mut self, questions: &[String]) -> Result<()> {
        self.authorize(crate::people::Permission::Settings)?;
        let qs: Vec<String> = questions
            .iter()
            .map(|q| clean(q))
            .filter(|q| !q.is_empty())
            .collect();
        if !(3..=5).contains(&qs.len()) {
            return Err(CoreError::validation(
                "preguntas de la encuesta",
                "deben ser de 3 a 5 preguntas",
            ));
        }
        let tx = crate::store::session_write_tx(&mut self.conn, &self.audit)?;
        tx.execute("DELETE FROM survey_questions", [])?;
        for (i, q) in qs.iter().enumerate() {
            tx.execute(
                "INSERT INTO survey_questions(position, text) VALUES (?1, ?2)",
                params![i as i64 + 1, q],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// SLA targets per level (and optionally per service type).
    pub fn level_targets(&self) -> Result<Vec<LevelTarget>> {
        let mut stmt = self.conn.prepare(
            "SELECT service_type, level, response_minutes, resolution_minutes
             FROM sla_level_targets ORDER BY service_type, level",
        )?;
        let rows = stmt
            .query_map([], |r| {
                let st: String = r.get("service_type")?;
                Ok(LevelTarget {
                    service_type: (!st.is_empty()).then_some(st),
                    level: r.get("level")?,
                    response_minutes: r.get("response_minutes")?,
                    resolution_minutes: r.get("resolution_minutes")?,
                })
            })?
            .collect::<crate::error::Result<_>>()?;
        Ok(rows)
    }

    /// Adds or changes the targets of a level (for one service type, or any). They apply to
    /// cases registered or escalated from now on.
    pub fn set_level_target(&mut self, t: &LevelTarget) -> Result<()> {
        self.authorize(crate::people::Permission::Settings)?;
        if !(1..=3).contains(&t.level) {
            return Err(CoreError::validation("nivel", "debe ser 1, 2 o 3"));
        }
        if t.response_minutes <= 0 || t.resolution_minutes <= 0 {
            return Err(CoreError::validation(
                "tiempos",
                "deben ser mayores que cero",
            ));
        }
        let service_type = match t
            .service_type
            .as_deref()
            .map(clean)
            .filter(|s| !s.is_empty())
        {
            Some(name) => {
                let known = self.catalogs()?.service_types;
                known
                    .into_iter()
                    .find(|s| fold(&s.name) == fold(&name))
                    .map(|s| s.name)
                    .ok_or(CoreError::CatalogNotFound {
                        what: "el tipo de servicio",
                        name,
                    })?
            }
            None => String::new(),
        };
        self.session_write(|tx| tx.execute(
            "INSERT INTO sla_level_targets(service_type, level, response_minutes, resolution_minutes)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(service_type, level) DO UPDATE SET
               response_minutes = excluded.response_minutes,
               resolution_minutes = excluded.resolution_minutes",
            params![service_type, t.level, t.response_minutes, t.resolution_minutes],
        ))?;
        Ok(())
    }

    /// Removes the targets of a level (the service type's own targets apply again).
    pub fn remove_level_target(&mut self, service_type: Option<&str>, level: i64) -> Result<()> {
        self.authorize(crate::people::Permission::Settings)?;
        self.session_write(|tx| {
            tx.execute(
                "DELETE FROM sla_level_targets WHERE service_type = ?1 AND level = ?2",
                params![service_type.map(clean).unwrap_or_default(), level],
            )
        })?;
        Ok(())
    }

    pub fn priority_matrix(&self) -> Result<Vec<PriorityCell>> {
        let mut stmt = self.conn.prepare(
            "SELECT urgency, impact, priority FROM priority_matrix ORDER BY urgency, impact",
        )?;
        let cells = stmt
            .query_map([], |r| {
                Ok(PriorityCell {
                    urgency: r.get("urgency")?,
                    impact: r.get("impact")?,
                    priority: r.get("priority")?,
                })
            })?
            .collect::<crate::error::Result<_>>()?;
        Ok(cells)
    }

    /// Changes one cell of the urgency × impact matrix (applies to new cases).
    pub fn set_priority(&mut self, cell: &PriorityCell) -> Result<()> {
        self.authorize(crate::people::Permission::Settings)?;
        if !(1..=3).contains(&cell.urgency) || !(1..=3).contains(&cell.impact) {
            return Err(CoreError::validation(
                "matriz de prioridad",
                "urgencia e impacto van de 1 a 3",
            ));
        }
        let p = fold(&cell.priority);
        if !PRIORITIES.contains(&p.as_str()) {
            return Err(CoreError::validation(
                "prioridad",
                format!(
                    "«{}» no es válida; use {}",
                    cell.priority,
                    PRIORITIES.join(", ")
                ),
            ));
        }
        self.session_write(|tx| {
            tx.execute(
                "UPDATE priority_matrix SET priority = ?3 WHERE urgency = ?1 AND impact = ?2",
                params![cell.urgency, cell.impact, p],
            )
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_validation() {
        let mut s = Store::open_in_memory().unwrap();
        let mut a = s.app_settings().unwrap();
        assert_eq!(a.ticket_prefix, "MA");
        assert_eq!(a.survey_business_days, 2);
        a.ticket_prefix = "sis".into();
        a.entity_nit = " 800.123.456-7 ".into();
        let b = s.set_app_settings(&a).unwrap();
        assert_eq!(b.ticket_prefix, "SIS");
        assert_eq!(b.entity_nit, "800.123.456-7");
        a.ticket_prefix = "M A".into();
        let e = s.set_app_settings(&a).unwrap_err();
        assert!(e.to_string().contains("prefijo"), "{e}");
        assert_eq!(s.app_settings().unwrap().ticket_prefix, "SIS");
    }

    #[test]
    fn departments_add_reactivate_and_hide() {
        let mut s = Store::open_in_memory().unwrap();
        assert_eq!(s.add_department("tesoreria").unwrap(), "Tesorería");
        assert_eq!(
            s.add_department("Oficina de Prensa").unwrap(),
            "Oficina de Prensa"
        );
        s.set_department_active("Oficina de Prensa", false).unwrap();
        assert!(!s
            .catalogs()
            .unwrap()
            .departments
            .contains(&"Oficina de Prensa".to_string()));
        s.add_department("oficina de prensa").unwrap();
        assert!(s
            .catalogs()
            .unwrap()
            .departments
            .contains(&"Oficina de Prensa".to_string()));
        assert_eq!(
            s.set_department_active("No existe", false)
                .unwrap_err()
                .code(),
            "catalog_not_found"
        );
    }

    #[test]
    fn survey_questions_three_to_five() {
        let mut s = Store::open_in_memory().unwrap();
        let two = vec!["a".to_string(), "b".to_string()];
        assert!(s.set_survey_questions(&two).is_err());
        let three: Vec<String> = ["Oportunidad", "Calidad", "Trato"]
            .iter()
            .map(|x| x.to_string())
            .collect();
        s.set_survey_questions(&three).unwrap();
        assert_eq!(s.catalogs().unwrap().survey_questions, three);
    }

    #[test]
    fn priority_matrix_editable() {
        let mut s = Store::open_in_memory().unwrap();
        assert_eq!(s.priority_matrix().unwrap().len(), 9);
        s.set_priority(&PriorityCell {
            urgency: 1,
            impact: 1,
            priority: "Media".into(),
        })
        .unwrap();
        let m = s.priority_matrix().unwrap();
        assert_eq!(m[0].priority, "media");
        assert!(s
            .set_priority(&PriorityCell {
                urgency: 1,
                impact: 1,
                priority: "altísima".into()
            })
            .is_err());
    }

    #[test]
    fn holidays_for_display() {
        let h = holidays(2026);
        assert_eq!(h.len(), 18);
        assert_eq!(h[0].date, "2026-01-01");
    }
}
