//! `mesa ticket link|unlink` and `mesa ticket resolve --children`: linked cases (issue 13).

use clap::{ArgGroup, Args};
use mesa_core::{CoreError, LinkKind, TicketDetail};

use crate::{print_json, Ctx};

/// `mesa ticket link N --duplicate-of M | --related M | --parent M`.
#[derive(Args)]
#[command(group(ArgGroup::new("vinculo").required(true).args(["duplicate_of", "related", "parent"])))]
pub(crate) struct LinkArgs {
    pub number: String,
    /// N es un duplicado de M: N se anula con el motivo «Duplicado de M».
    #[arg(long, value_name = "M")]
    pub duplicate_of: Option<String>,
    /// N y M están relacionados (se ve en ambos casos).
    #[arg(long, value_name = "M")]
    pub related: Option<String>,
    /// M es el caso padre de N (N queda como caso hijo).
    #[arg(long, value_name = "M")]
    pub parent: Option<String>,
}

fn role_label(role: mesa_core::LinkRole) -> &'static str {
    use mesa_core::LinkRole as R;
    match role {
        R::DuplicateOf => "Duplicado de",
        R::DuplicatedBy => "Tiene como duplicado",
        R::Related => "Relacionado con",
        R::Parent => "Caso padre",
        R::Child => "Caso hijo",
    }
}

/// Prints the links of a case (its JSON detail's `links` with `--json`).
fn print_links(ctx: &Ctx, d: &TicketDetail) -> Result<(), CoreError> {
    if ctx.json {
        return print_json(&serde_json::json!({
            "number": d.ticket.number,
            "status": d.ticket.status,
            "links": d.links,
        }));
    }
    println!("Caso {} — {}", d.ticket.number, d.ticket.status.label());
    for l in &d.links {
        println!(
            "  {:<21} {:<14} {:<11} {}",
            role_label(l.role),
            l.number,
            l.status.label(),
            l.requester
        );
    }
    Ok(())
}

pub(crate) fn link(ctx: &mut Ctx, a: LinkArgs) -> Result<(), CoreError> {
    let (kind, other) = match (a.duplicate_of, a.related, a.parent) {
        (Some(m), None, None) => (LinkKind::Duplicate, m),
        (None, Some(m), None) => (LinkKind::Related, m),
        (None, None, Some(m)) => (LinkKind::Parent, m),
        _ => {
            return Err(CoreError::validation(
                "vínculo",
                "indique uno solo de --duplicate-of, --related o --parent",
            ))
        }
    };
    let d = ctx
        .store
        .link_tickets(&a.number, kind, &other, &ctx.actor, ctx.now)?;
    print_links(ctx, &d)
}

pub(crate) fn unlink(ctx: &mut Ctx, number: &str, other: &str) -> Result<(), CoreError> {
    let d = ctx
        .store
        .unlink_tickets(number, other, &ctx.actor, ctx.now)?;
    print_links(ctx, &d)
}

/// `mesa ticket resolve N --solution … --children`.
pub(crate) fn resolve_with_children(
    ctx: &mut Ctx,
    number: &str,
    solution: &str,
    products: Option<String>,
    minutes: Option<i64>,
) -> Result<(), CoreError> {
    let r = ctx
        .store
        .resolve_with_children(number, solution, products, minutes, &ctx.actor, ctx.now)?;
    let (t, children) = (r.ticket, r.children);
    if ctx.json {
        let mut v = serde_json::to_value(&t)?;
        v["children_resolved"] = serde_json::to_value(&children)?;
        print_json(&v)
    } else {
        println!(
            "{}  {}  {}  {}",
            t.number,
            t.status.label(),
            t.requester,
            t.assignee.as_deref().unwrap_or("sin asignar")
        );
        for c in &children {
            println!("  {c}  solucionado con el caso padre");
        }
        Ok(())
    }
}
