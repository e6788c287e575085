//! Test-only: the modules of this crate form no dependency cycle (issue: «lower layers know
//! nothing of higher ones»). Each source file is a node (`import/read.rs` is `import::read`);
//! an edge is a `crate::…`, `super::…` or `self::…` path outside comments and test modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

fn module_name(rel: &Path) -> String {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

fn files(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, base, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let name = module_name(p.strip_prefix(base).unwrap());
            if name != "lib" && name != "module_graph" {
                out.push((name, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
}

/// The code that counts: no comments, no `#[cfg(test)]` module at the end.
fn code(src: &str) -> String {
    let src = match src.find("#[cfg(test)]\nmod ") {
        Some(i) => &src[..i],
        None => src,
    };
    src.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// First path segments after `prefix::` (one, or each item of a `{…}` group).
fn heads(rest: &str) -> Vec<(&str, &str)> {
    let rest = rest.trim_start();
    if let Some(group) = rest.strip_prefix('{') {
        let mut depth = 0;
        let mut items = Vec::new();
        let mut start = 0;
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    items.push(&group[start..i]);
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(&group[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        items
            .into_iter()
            .map(|it| {
                let it = it.trim();
                let first = ident(it);
                let second = it[first.len()..]
                    .strip_prefix("::")
                    .map(ident)
                    .unwrap_or("");
                (first, second)
            })
            .filter(|(f, _)| !f.is_empty())
            .collect()
    } else {
        let first = ident(rest);
        let second = rest[first.len()..]
            .strip_prefix("::")
            .map(ident)
            .unwrap_or("");
        vec![(first, second)]
    }
}

fn graph(src_dir: &Path) -> Graph {
    let mut all = Vec::new();
    files(src_dir, src_dir, &mut all);
    let names: BTreeSet<String> = all.iter().map(|(n, _)| n.clone()).collect();
    let resolve = |base: &str, first: &str, second: &str| -> Option<String> {
        let m = if base.is_empty() {
            first.to_string()
        } else {
            format!("{base}::{first}")
        };
        if names.contains(&format!("{m}::{second}")) {
            Some(format!("{m}::{second}"))
        } else if names.contains(&m) {
            Some(m)
        } else if !base.is_empty() && names.contains(base) {
            Some(base.to_string())
        } else {
            None
        }
    };
    let mut g = Graph::new();
    for (name, src) in &all {
        let code = code(src);
        let parent = name.rsplit_once("::").map(|(p, _)| p).unwrap_or("");
        let is_mod_rs = all.iter().any(|(n, _)| n.starts_with(&format!("{name}::")));
        let mut deps = BTreeSet::new();
        for (prefix, base) in [
            ("crate::", ""),
            ("super::", if is_mod_rs { "" } else { parent }),
            ("self::", if is_mod_rs { name.as_str() } else { "" }),
        ] {
            for (i, _) in code.match_indices(prefix) {
                let before = code[..i].chars().last();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                for (first, second) in heads(&code[i + prefix.len()..]) {
                    if let Some(d) = resolve(base, first, second) {
                        if &d != name {
                            deps.insert(d);
                        }
                    }
                }
            }
        }
        g.insert(name.clone(), deps);
    }
    g
}

/// Strongly connected components with more than one module (Tarjan).
fn cycles(g: &Graph) -> Vec<Vec<String>> {
    struct T<'g> {
        g: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on: BTreeSet<&'g str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'g>(t: &mut T<'g>, v: &'g str) {
        let i = t.index.len();
        t.index.insert(v, i);
        t.low.insert(v, i);
        t.stack.push(v);
        t.on.insert(v);
        for w in t.g[v].iter().filter(|w| t.g.contains_key(w.as_str())) {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn the_checker_finds_a_cycle_and_reads_groups_and_super() {
    let dir = tempfile::tempdir().unwrap();
    let w = |p: &str, s: &str| {
        let p = dir.path().join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, s).unwrap();
    };
    w("a.rs", "use crate::{b::X, c};\n// crate::d in a comment\n");
    w(
        "b.rs",
        "fn f() { crate::a::g() }\n#[cfg(test)]\nmod tests { use crate::d; }\n",
    );
    w("c.rs", "");
    w("d.rs", "");
    w("imp/mod.rs", "pub mod r; pub mod s; use self::r::Y;");
    w("imp/r.rs", "use super::s::Z; use super::Err;");
    w("imp/s.rs", "use crate::c;");
    let g = graph(dir.path());
    assert_eq!(g["a"], ["b", "c"].map(String::from).into());
    assert_eq!(g["b"], ["a"].map(String::from).into());
    assert_eq!(g["imp"], ["imp::r"].map(String::from).into());
    assert_eq!(g["imp::r"], ["imp", "imp::s"].map(String::from).into());
    let c = cycles(&g);
    assert_eq!(c.len(), 2, "{c:?}");
}

#[test]
#[cfg_attr(windows, ignore = "reads the sources; checked on Linux")]
fn core_modules_have_no_dependency_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let g = graph(&src);
    assert!(g.len() > 20, "{} módulos", g.len());
    let c = cycles(&g);
    assert!(
        c.is_empty(),
        "ciclos de dependencias entre módulos: {c:?}\n{}",
        c.iter()
            .flatten()
            .map(|m| format!("{m} -> {:?}", g[m]))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The XLSX rule of `mesa_docwriter::xlsx`: no sheet of the core writes a formula (user text
/// goes through `write_string`), so nothing a person typed can run in Excel.
#[test]
#[cfg_attr(windows, ignore = "reads the sources; checked on Linux")]
fn no_sheet_writes_a_formula() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &src, &mut all);
    for (name, text) in &all {
        let code = code(text);
        for needle in [
            "write_formula",
            "write_dynamic_formula",
            "write_array_formula",
        ] {
            assert!(!code.contains(needle), "{name} usa {needle}");
        }
    }
}
