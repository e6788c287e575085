//! Linked cases (issue 13): duplicates (cancelled with the link, shown on both cases), related
//! cases, parent and child cases (resolving the parent resolves its open children like a normal
//! resolve), and the refusals (self link, repeated link, second parent, cycles, duplicate of a
//! cancelled case or of a closed one), each leaving nothing written. Every instant is fixed.

use chrono::{DateTime, Utc};
use mesa_core::clock::parse_time_input;
use mesa_core::*;

const WHO: &str = "Técnico de sistemas";

fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

fn new_case(s: &mut Store, requester: &str, now: &str) -> String {
    let i = NewTicket {
        requester: requester.into(),
        department: "Tesorería".into(),
        description: "La impresora del piso 2 no imprime".into(),
        received_at: Some(now.into()),
        ..Default::default()
    };
    s.create_ticket(&i, WHO, at(now)).unwrap().number
}

fn act(s: &mut Store, n: &str, a: TicketAction, now: &str) -> Ticket {
    s.apply_action(n, &a, WHO, at(now)).unwrap()
}

fn resolve(solution: &str) -> TicketAction {
    TicketAction::Resolve {
        solution: solution.into(),
        products: None,
        time_spent_minutes: None,
    }
}

fn detail(s: &Store, n: &str) -> TicketDetail {
    s.get_ticket(n, at("2026-03-20T08:00")).unwrap()
}

fn roles(d: &TicketDetail) -> Vec<(LinkRole, String)> {
    d.links.iter().map(|l| (l.role, l.number.clone())).collect()
}

fn kinds(d: &TicketDetail) -> Vec<&str> {
    d.events.iter().map(|e| e.kind.as_str()).collect()
}

/// The error's code and that its Spanish message names what it should.
fn refused<T: std::fmt::Debug>(r: Result<T>, code: &str, mentions: &[&str]) {
    let e = r.expect_err("se esperaba un rechazo");
    assert_eq!(e.code(), code, "{e}");
    let msg = e.to_string();
    for m in mentions {
        assert!(msg.contains(m), "«{msg}» debería mencionar «{m}»");
    }
}

#[test]
fn a_duplicate_is_cancelled_with_the_link_and_both_cases_show_it() {
    let mut s = crate::support::store();
    let original = new_case(&mut s, "Ana Gutiérrez", "2026-03-02T08:00");
    let dup = new_case(&mut s, "Luis Pérez", "2026-03-02T09:00");
    act(&mut s, &dup, TicketAction::Start, "2026-03-02T09:10");

    let d = s
        .link_tickets(
            &dup,
            LinkKind::Duplicate,
            &original,
            WHO,
            at("2026-03-02T10:00"),
        )
        .unwrap();
    assert_eq!(d.ticket.status, TicketStatus::Cancelled);
    assert_eq!(roles(&d), vec![(LinkRole::DuplicateOf, original.clone())]);
    let link = &d.links[0];
    assert_eq!(link.status, TicketStatus::New);
    assert_eq!(link.requester, "Ana Gutiérrez");
    assert_eq!(link.actor, WHO);
    assert_eq!(link.at, "2026-03-02T10:00:00-05:00");
    assert!(!link.removable);
    // The cancellation went through the lifecycle rule, with the reason naming the original.
    let cancel = d.events.iter().find(|e| e.kind == "cancel").unwrap();
    assert_eq!(
        cancel.note.as_deref(),
        Some(format!("Duplicado de {original}").as_str())
    );
    assert_eq!(cancel.new_value.as_deref(), Some("cancelled"));
    assert_eq!(&kinds(&d)[kinds(&d).len() - 2..], ["link", "cancel"]);
    assert!(d.allowed_actions.is_empty());

    let o = detail(&s, &original);
    assert_eq!(o.ticket.status, TicketStatus::New);
    assert_eq!(roles(&o), vec![(LinkRole::DuplicatedBy, dup.clone())]);
    assert_eq!(o.links[0].status, TicketStatus::Cancelled);
    let ev = o.events.last().unwrap();
    assert_eq!(ev.kind, "link");
    assert_eq!(ev.new_value.as_deref(), Some(dup.as_str()));
    assert!(ev.note.as_deref().unwrap().contains(&dup));

    // A duplicate link stays with the cancelled case.
    refused(
        s.unlink_tickets(&original, &dup, WHO, at("2026-03-02T11:00")),
        "validation",
        &["duplicado", &dup],
    );
    assert_eq!(detail(&s, &dup).links.len(), 1);
}

#[test]
fn duplicate_refusals_leave_nothing_written() {
    let mut s = crate::support::store();
    let a = new_case(&mut s, "Ana Gutiérrez", "2026-03-02T08:00");
    let b = new_case(&mut s, "Luis Pérez", "2026-03-02T08:30");
    let c = new_case(&mut s, "Marta Díaz", "2026-03-02T09:00");
    let events_before = |s: &Store| {
        [&a, &b, &c]
            .iter()
            .map(|n| detail(s, n).events.len())
            .collect::<Vec<_>>()
    };
    // The original is cancelled: mark against the case in force.
    act(
        &mut s,
        &c,
        TicketAction::Cancel {
            reason: "No era una solicitud".into(),
        },
        "2026-03-02T09:30",
    );
    let before = events_before(&s);
    refused(
        s.link_tickets(&a, LinkKind::Duplicate, &c, WHO, at("2026-03-02T10:00")),
        "validation",
        &[&c, "anulado"],
    );
    // The duplicate is not open (resolved).
    act(&mut s, &b, TicketAction::Start, "2026-03-02T10:00");
    act(
        &mut s,
        &b,
        resolve("Se reinició el servicio"),
        "2026-03-02T10:30",
    );
    let before_b = events_before(&s);
    refused(
        s.link_tickets(&b, LinkKind::Duplicate, &a, WHO, at("2026-03-02T11:00")),
        "validation",
        &[&b, "Solucionado"],
    );
    // Itself, and a case that does not exist.
    refused(
        s.link_tickets(&a, LinkKind::Duplicate, &a, WHO, at("2026-03-02T11:00")),
        "validation",
        &["consigo mismo"],
    );
    refused(
        s.link_tickets(
            &a,
            LinkKind::Related,
            "MA-2026-0999",
            WHO,
            at("2026-03-02T11:00"),
        ),
        "ticket_not_found",
        &["MA-2026-0999"],
    );
    assert_ne!(before, before_b);
    assert_eq!(events_before(&s), before_b);
    for n in [&a, &b, &c] {
        assert!(detail(&s, n).links.is_empty(), "{n}");
    }
    assert_eq!(detail(&s, &a).ticket.status, TicketStatus::New);
}

#[test]
fn one_link_per_pair_one_parent_and_no_cycles() {
    let mut s = crate::support::store();
    let n: Vec<String> = (0..4)
        .map(|i| new_case(&mut s, &format!("Persona {i}"), "2026-03-02T08:00"))
        .collect();
    let t = at("2026-03-02T09:00");
    s.link_tickets(&n[0], LinkKind::Related, &n[1], WHO, t)
        .unwrap();
    // Any second link between the same two cases, in either direction, is refused.
    for k in LinkKind::ALL {
        refused(
            s.link_tickets(&n[1], k, &n[0], WHO, t),
            "validation",
            &["ya están vinculados", &n[0], &n[1]],
        );
        refused(
            s.link_tickets(&n[0], k, &n[1], WHO, t),
            "validation",
            &["ya están vinculados"],
        );
    }
    // Related is symmetric: stored once, shown on both.
    assert_eq!(
        roles(&detail(&s, &n[0])),
        vec![(LinkRole::Related, n[1].clone())]
    );
    assert_eq!(
        roles(&detail(&s, &n[1])),
        vec![(LinkRole::Related, n[0].clone())]
    );

    // n1 child of n2, n2 child of n3.
    s.link_tickets(&n[1], LinkKind::Parent, &n[2], WHO, t)
        .unwrap();
    s.link_tickets(&n[2], LinkKind::Parent, &n[3], WHO, t)
        .unwrap();
    assert_eq!(
        roles(&detail(&s, &n[2])),
        vec![
            (LinkRole::Child, n[1].clone()),
            (LinkRole::Parent, n[3].clone())
        ]
    );
    // A child has one parent.
    refused(
        s.link_tickets(&n[1], LinkKind::Parent, &n[3], WHO, t),
        "validation",
        &["un solo padre", &n[2]],
    );
    // n3 cannot become a child of its own descendant n1 (n1 → n2 → n3 → n1).
    refused(
        s.link_tickets(&n[3], LinkKind::Parent, &n[1], WHO, t),
        "validation",
        &[&n[3], &n[1]],
    );
    assert!(detail(&s, &n[3])
        .links
        .iter()
        .all(|l| l.role == LinkRole::Child));

    // Removing a parent link writes both timelines; then another parent is accepted.
    let d = s
        .unlink_tickets(&n[2], &n[1], WHO, at("2026-03-02T10:00"))
        .unwrap();
    assert_eq!(roles(&d), vec![(LinkRole::Parent, n[3].clone())]);
    for (x, y) in [(&n[1], &n[2]), (&n[2], &n[1])] {
        let e = detail(&s, x).events.last().cloned().unwrap();
        assert_eq!(e.kind, "unlink");
        assert_eq!(e.new_value.as_deref(), Some(y.as_str()));
        assert!(e.note.unwrap().contains(y.as_str()));
    }
    s.link_tickets(&n[1], LinkKind::Parent, &n[3], WHO, t)
        .unwrap();
    refused(
        s.unlink_tickets(&n[0], &n[3], WHO, t),
        "validation",
        &["no están vinculados"],
    );
}

#[test]
fn resolving_a_parent_resolves_its_open_children_like_a_normal_resolve() {
    let mut s = crate::support::store();
    let parent = new_case(&mut s, "Secretaría General", "2026-03-02T08:00");
    let c1 = new_case(&mut s, "Ana Gutiérrez", "2026-03-02T08:10");
    let c2 = new_case(&mut s, "Luis Pérez", "2026-03-02T08:20");
    let done = new_case(&mut s, "Marta Díaz", "2026-03-02T08:30");
    let other = new_case(&mut s, "Jorge Ruiz", "2026-03-02T08:40");
    let reference = new_case(&mut s, "Pedro Gómez", "2026-03-02T08:50");
    for n in [&c1, &c2, &done, &other] {
        s.link_tickets(n, LinkKind::Parent, &parent, WHO, at("2026-03-02T09:00"))
            .unwrap_or_else(|e| panic!("{n}: {e}"));
    }
    // `other` is a child of another parent afterwards: not touched.
    s.unlink_tickets(&other, &parent, WHO, at("2026-03-02T09:01"))
        .unwrap();
    act(&mut s, &parent, TicketAction::Start, "2026-03-02T09:05");
    act(
        &mut s,
        &c1,
        TicketAction::Assign { to: WHO.into() },
        "2026-03-02T09:10",
    );
    act(&mut s, &c2, TicketAction::Start, "2026-03-02T09:10");
    act(&mut s, &done, TicketAction::Start, "2026-03-02T09:10");
    act(&mut s, &done, resolve("Otra solución"), "2026-03-02T09:20");
    act(&mut s, &reference, TicketAction::Start, "2026-03-02T09:10");
    act(&mut s, &other, TicketAction::Start, "2026-03-02T09:10");
    assert_eq!(
        s.open_children(&parent).unwrap(),
        vec![c1.clone(), c2.clone()]
    );

    // A refused resolve of the parent (no solution) leaves every case as it was.
    refused(
        s.resolve_with_children(&parent, "  ", None, None, WHO, at("2026-03-03T15:00")),
        "validation",
        &["solución"],
    );
    assert_eq!(detail(&s, &c1).ticket.status, TicketStatus::Assigned);

    let now = "2026-03-03T15:00"; // a Tuesday
    let done_parent = s
        .resolve_with_children(
            &parent,
            "Se reemplazó el switch del piso 2",
            Some("Switch 24 puertos".into()),
            Some(90),
            WHO,
            at(now),
        )
        .unwrap();
    let (p, resolved) = (done_parent.ticket, done_parent.children);
    assert_eq!(resolved, vec![c1.clone(), c2.clone()]);
    assert_eq!(p.status, TicketStatus::Resolved);
    let r = act(&mut s, &reference, resolve("Referencia"), now);
    assert!(r.survey_due_at.is_some());

    for c in [&c1, &c2] {
        let d = detail(&s, c);
        let t = &d.ticket;
        assert_eq!(t.status, TicketStatus::Resolved, "{c}");
        assert_eq!(
            t.solution.as_deref(),
            Some("Se reemplazó el switch del piso 2")
        );
        assert_eq!(t.resolved_at, p.resolved_at);
        // Same survey due time as any case resolved at that moment.
        assert_eq!(t.survey_due_at, r.survey_due_at);
        assert!(t.first_response_at.is_some());
        let k = kinds(&d);
        assert!(
            k.ends_with(&["update", "update", "resolve", "parent_resolved"]),
            "{k:?}"
        );
        let note = d.events.last().unwrap().note.clone().unwrap();
        assert_eq!(note, format!("Solucionado con el caso padre {parent}"));
        let products = d
            .events
            .iter()
            .find(|e| e.field.as_deref() == Some("products"));
        assert_eq!(
            products.and_then(|e| e.new_value.as_deref()),
            Some("Switch 24 puertos")
        );
    }
    let pd = detail(&s, &parent);
    let last = pd.events.last().unwrap();
    assert_eq!(last.kind, "children_resolved");
    assert!(last.note.as_deref().unwrap().contains(&c2));
    assert!(pd
        .links
        .iter()
        .all(|l| l.role == LinkRole::Child && l.status == TicketStatus::Resolved));
    // The already resolved child kept its own solution; the unlinked case is untouched.
    assert_eq!(
        detail(&s, &done).ticket.solution.as_deref(),
        Some("Otra solución")
    );
    assert_eq!(detail(&s, &other).ticket.status, TicketStatus::InProgress);

    // A parent without open children resolves alone.
    let lone = new_case(&mut s, "Clara Ríos", "2026-03-04T08:00");
    act(&mut s, &lone, TicketAction::Start, "2026-03-04T08:10");
    let r = s
        .resolve_with_children(&lone, "Listo", None, None, WHO, at("2026-03-04T09:00"))
        .unwrap();
    assert!(r.children.is_empty());
    assert_eq!(r.ticket.status, TicketStatus::Resolved);
}

#[test]
fn links_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("mesa.db")).unwrap();
    let a = new_case(&mut s, "Ana Gutiérrez", "2026-03-02T08:00");
    let b = new_case(&mut s, "Luis Pérez", "2026-03-02T08:30");
    s.link_tickets(&a, LinkKind::Related, &b, "Carlos", at("2026-03-02T09:00"))
        .unwrap();
    s.unlink_tickets(&b, &a, "Diana", at("2026-03-02T10:00"))
        .unwrap();
    let key = format!("{a} related {b}");
    let mut seen: Vec<(String, String)> = s
        .audit_history("ticket_links", &key)
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.actor))
        .collect();
    seen.dedup();
    assert_eq!(
        seen,
        vec![
            ("create".to_string(), "Carlos".to_string()),
            ("delete".to_string(), "Diana".to_string()),
        ]
    );
}
