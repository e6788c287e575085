//! Linked cases (issue 13): a case marked as duplicate of another (cancelled with the link),
//! related cases (symmetric, stored once), parent and child cases (a problem affecting many
//! requesters: resolving the parent can resolve its open children with the same solution).
//!
//! Rules: no link of a case to itself; one link per pair of cases; a child has one parent; no
//! cycle of parents; a duplicate must be open and its original not cancelled. Every link and
//! removal is written on both cases' timelines in the same transaction as the change.

use crate::db::{params, Db, OptionalExt};
use chrono::{DateTime, Utc};

use super::{add_event, apply_in, load_raw_in, Raw};
use crate::calendar::BusinessCalendar;
use crate::clock::{from_db, to_db, to_rfc3339_local};
use crate::error::{CoreError, Result};
use crate::model::{
    LinkKind, LinkRole, ResolvedWithChildren, TicketAction, TicketDetail, TicketLink,
};
use crate::store::Store;

/// The field named in this module's validation messages.
const FIELD: &str = "caso vinculado";

/// What `role` reads like in a timeline note, with the other case's number.
fn phrase(role: LinkRole, other: &str) -> String {
    match role {
        LinkRole::DuplicateOf => format!("Duplicado de {other}"),
        LinkRole::DuplicatedBy => format!("{other} es un duplicado de este caso"),
        LinkRole::Related => format!("Relacionado con {other}"),
        LinkRole::Parent => format!("Caso padre: {other}"),
        LinkRole::Child => format!("Caso hijo: {other}"),
    }
}

/// The roles of a stored link as seen from its `from` case and from its `to` case.
fn roles(kind: LinkKind) -> (LinkRole, LinkRole) {
    match kind {
        LinkKind::Duplicate => (LinkRole::DuplicateOf, LinkRole::DuplicatedBy),
        LinkKind::Related => (LinkRole::Related, LinkRole::Related),
        LinkKind::Parent => (LinkRole::Parent, LinkRole::Child),
    }
}

/// The links of case `id`, as seen from it, oldest first.
pub(crate) fn links_of(conn: &crate::db::Db, id: i64) -> Result<Vec<TicketLink>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.from_ticket, l.kind, l.actor, l.at, t.number, t.status, t.requester
         FROM ticket_links l
         JOIN tickets t ON t.id = CASE WHEN l.from_ticket = ?1 THEN l.to_ticket ELSE l.from_ticket END
         WHERE l.from_ticket = ?1 OR l.to_ticket = ?1
         ORDER BY l.id",
    )?;
    let mut rows = stmt.query([id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let from: i64 = r.get("from_ticket")?;
        let kind: LinkKind = r.get("kind")?;
        let (from_role, to_role) = roles(kind);
        let at: String = r.get("at")?;
        out.push(TicketLink {
            role: if from == id { from_role } else { to_role },
            number: r.get("number")?,
            status: r.get("status")?,
            requester: r.get("requester")?,
            actor: r.get("actor")?,
            at: to_rfc3339_local(from_db(&at)?),
            removable: kind != LinkKind::Duplicate,
        });
    }
    Ok(out)
}

/// The link between two cases, in either direction: (id, from, kind).
fn link_between(conn: &crate::db::Db, a: i64, b: i64) -> Result<Option<(i64, i64, LinkKind)>> {
    conn.query_row(
        "SELECT id, from_ticket, kind FROM ticket_links
             WHERE (from_ticket = ?1 AND to_ticket = ?2) OR (from_ticket = ?2 AND to_ticket = ?1)",
        params![a, b],
        |r| Ok((r.get("id")?, r.get("from_ticket")?, r.get("kind")?)),
    )
    .optional()
}

/// The parent of case `id`, if any: (id, number).
fn parent_of(conn: &crate::db::Db, id: i64) -> Result<Option<(i64, String)>> {
    conn.query_row(
        "SELECT t.id, t.number FROM ticket_links l JOIN tickets t ON t.id = l.to_ticket
             WHERE l.from_ticket = ?1 AND l.kind = 'parent'",
        [id],
        |r| Ok((r.get("id")?, r.get("number")?)),
    )
    .optional()
}

/// Numbers of the open children of case `id`, in registration order.
fn open_children(conn: &crate::db::Db, id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.number FROM ticket_links l JOIN tickets t ON t.id = l.from_ticket
         WHERE l.to_ticket = ?1 AND l.kind = 'parent'
           AND t.status IN ('new','assigned','in_progress','on_hold')
         ORDER BY t.year, t.seq, t.id",
    )?;
    let rows = stmt.query_map([id], |r| r.get::<_, String>("number"))?;
    rows.collect::<crate::error::Result<_>>()
}

/// Writes the link event on one case's timeline.
fn link_event(
    tx: &Db,
    id: i64,
    at: &str,
    actor: &str,
    kind: &str,
    other: &str,
    note: String,
) -> Result<()> {
    add_event(
        tx,
        id,
        at,
        actor,
        kind,
        None,
        None,
        Some(other),
        Some(&note),
    )
}

/// Links case `number` to case `other` (`number` is the duplicate / the child / one side of a
/// related pair) inside the caller's write transaction. Marking a duplicate cancels it with
/// the reason «Duplicado de …» through the lifecycle rule.
pub(crate) fn link_in(
    tx: &Db,
    cal: &BusinessCalendar,
    number: &str,
    kind: LinkKind,
    other: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let a: Raw = load_raw_in(tx, number)?;
    let b: Raw = load_raw_in(tx, other)?;
    let (an, bn) = (a.ticket.number.clone(), b.ticket.number.clone());
    if a.id == b.id {
        return Err(CoreError::validation(
            FIELD,
            format!("un caso no se puede vincular consigo mismo ({an})"),
        ));
    }
    if let Some((_, from, k)) = link_between(tx, a.id, b.id)? {
        let (fr, tr) = roles(k);
        let role = if from == a.id { fr } else { tr };
        return Err(CoreError::validation(
            FIELD,
            format!(
                "{an} y {bn} ya están vinculados ({}); quite ese vínculo antes de crear otro",
                phrase(role, &bn)
            ),
        ));
    }
    match kind {
        LinkKind::Related => {}
        LinkKind::Parent => {
            if let Some((_, p)) = parent_of(tx, a.id)? {
                return Err(CoreError::validation(
                    FIELD,
                    format!("{an} ya tiene como caso padre {p}; un caso tiene un solo padre"),
                ));
            }
            // Walk up from the new parent: meeting the child there would close a cycle.
            let mut seen = vec![b.id];
            let mut cur = b.id;
            while let Some((p, _)) = parent_of(tx, cur)? {
                if p == a.id {
                    return Err(CoreError::validation(
                        FIELD,
                        format!(
                            "{bn} depende de {an} (es su hijo o descendiente): {an} no puede ser hijo de {bn}"
                        ),
                    ));
                }
                if seen.contains(&p) {
                    break;
                }
                seen.push(p);
                cur = p;
            }
        }
        LinkKind::Duplicate => {
            if !a.ticket.status.is_open() {
                return Err(CoreError::validation(
                    FIELD,
                    format!(
                        "solo un caso abierto se marca como duplicado; {an} está «{}»",
                        a.ticket.status.label()
                    ),
                ));
            }
            if b.ticket.status == crate::model::TicketStatus::Cancelled {
                return Err(CoreError::validation(
                    FIELD,
                    format!(
                        "{bn} está anulado; marque {an} como duplicado del caso original vigente"
                    ),
                ));
            }
        }
    }
    let at = to_db(now);
    tx.execute(
        "INSERT INTO ticket_links(from_ticket, to_ticket, kind, actor, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![a.id, b.id, kind, actor, at],
    )?;
    let (fr, tr) = roles(kind);
    link_event(tx, a.id, &at, actor, "link", &bn, phrase(fr, &bn))?;
    link_event(tx, b.id, &at, actor, "link", &an, phrase(tr, &an))?;
    if kind == LinkKind::Duplicate {
        let reason = format!("Duplicado de {bn}");
        apply_in(tx, cal, &an, &TicketAction::Cancel { reason }, actor, now)?;
    }
    Ok(())
}

/// Removes the related or parent link between `number` and `other` inside the caller's write
/// transaction (a duplicate link stays: its case was cancelled with it).
pub(crate) fn unlink_in(
    tx: &Db,
    number: &str,
    other: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let a = load_raw_in(tx, number)?;
    let b = load_raw_in(tx, other)?;
    let (an, bn) = (a.ticket.number.clone(), b.ticket.number.clone());
    let Some((link_id, from, kind)) = link_between(tx, a.id, b.id)? else {
        return Err(CoreError::validation(
            FIELD,
            format!("{an} y {bn} no están vinculados"),
        ));
    };
    if kind == LinkKind::Duplicate {
        return Err(CoreError::validation(
            FIELD,
            format!(
                "el vínculo de duplicado entre {an} y {bn} no se quita: el duplicado se anuló con él"
            ),
        ));
    }
    tx.execute("DELETE FROM ticket_links WHERE id = ?1", [link_id])?;
    let at = to_db(now);
    let (fr, tr) = roles(kind);
    let (ra, rb) = if from == a.id { (fr, tr) } else { (tr, fr) };
    let removed = |role: LinkRole, n: &str| format!("Se quitó el vínculo «{}»", phrase(role, n));
    link_event(tx, a.id, &at, actor, "unlink", &bn, removed(ra, &bn))?;
    link_event(tx, b.id, &at, actor, "unlink", &an, removed(rb, &an))?;
    Ok(())
}

impl Store {
    /// Links case `number` to `other` (`kind`: `number` is a duplicate of `other`, related to
    /// it, or its child). One transaction: the link, both timelines and, for a duplicate, its
    /// cancellation. Returns the detail of `number`.
    pub fn link_tickets(
        &mut self,
        number: &str,
        kind: LinkKind,
        other: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<TicketDetail> {
        self.authorize_case(number)?;
        let cal = self.calendar.clone();
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        link_in(&tx, &cal, number, kind, other, actor, now)?;
        tx.commit()?;
        self.get_ticket(number, now)
    }

    /// Removes the related or parent link between two cases (either order), with an entry on
    /// both timelines. Returns the detail of `number`.
    pub fn unlink_tickets(
        &mut self,
        number: &str,
        other: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<TicketDetail> {
        self.authorize_case(number)?;
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        unlink_in(&tx, number, other, actor, now)?;
        tx.commit()?;
        self.get_ticket(number, now)
    }

    /// Resolves case `number` and every open child of it with the same solution and products,
    /// in one transaction, each child through the normal resolve rule (its survey due time and
    /// status as any resolve) with the timeline note «Solucionado con el caso padre …». The
    /// time spent is the parent's. When a child cannot be resolved, nothing is written.
    /// Returns the parent and the numbers of the children resolved.
    pub fn resolve_with_children(
        &mut self,
        number: &str,
        solution: &str,
        products: Option<String>,
        time_spent_minutes: Option<i64>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<ResolvedWithChildren> {
        self.authorize_case(number)?;
        let cal = self.calendar.clone();
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        let parent = load_raw_in(&tx, number)?;
        let pn = parent.ticket.number.clone();
        let resolve = |minutes: Option<i64>| TicketAction::Resolve {
            solution: solution.to_string(),
            products: products.clone(),
            time_spent_minutes: minutes,
        };
        apply_in(&tx, &cal, &pn, &resolve(time_spent_minutes), actor, now)?;
        let children = open_children(&tx, parent.id)?;
        let at = to_db(now);
        for child in &children {
            apply_in(&tx, &cal, child, &resolve(None), actor, now).map_err(|e| {
                CoreError::validation(
                    "casos hijos",
                    format!("el caso hijo {child} no se puede solucionar con {pn}: {e}"),
                )
            })?;
            let id = load_raw_in(&tx, child)?.id;
            link_event(
                &tx,
                id,
                &at,
                actor,
                "parent_resolved",
                &pn,
                format!("Solucionado con el caso padre {pn}"),
            )?;
        }
        if !children.is_empty() {
            link_event(
                &tx,
                parent.id,
                &at,
                actor,
                "children_resolved",
                &children.join(", "),
                format!(
                    "Se solucionaron también los casos hijos: {}",
                    children.join(", ")
                ),
            )?;
        }
        tx.commit()?;
        Ok(ResolvedWithChildren {
            ticket: self.get_ticket(&pn, now)?.ticket,
            children,
        })
    }

    /// Numbers of the open children of case `number` (what «Solucionar también los casos hijos»
    /// would resolve).
    pub fn open_children(&self, number: &str) -> Result<Vec<String>> {
        let raw = load_raw_in(&self.conn, number)?;
        open_children(&self.conn, raw.id)
    }
}
