//! The command contract of Mesa de Ayuda TI, declared once: the `#[tauri::command]` functions
//! of `src-tauri/src`. This crate reads them with `syn` (names, parameters, return types), checks
//! that they are exactly the ones registered in `tauri::generate_handler![…]` (main.rs), and
//! writes `ui/src/lib/commands.ts`: one typed function per command, over the hand-written
//! `call` wrapper (`ui/src/lib/invoke.ts`) and the ts-rs types in `ui/src/lib/bindings/`.
//!
//! The test `contract_is_up_to_date` fails when the committed file is stale; regenerate with
//! `make bindings` (`UPDATE_BINDINGS=1 cargo test -p mesa-contract`).

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::{Attribute, FnArg, GenericArgument, Item, Pat, PathArguments, ReturnType, Token, Type};

/// Parameters Tauri fills itself (never sent from the UI), by the last segment of their type.
const INJECTED: &[&str] = &["State", "AppHandle", "Window", "Webview", "WebviewWindow"];

/// Words that cannot name a parameter in TypeScript (a Rust `new: String` becomes `new_`).
const TS_RESERVED: &[&str] = &[
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "new",
    "null",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
    "let",
    "static",
    "implements",
    "interface",
    "package",
    "private",
    "protected",
    "public",
    "await",
];

/// prettier's `printWidth` in ui/.prettierrc.
const PRINT_WIDTH: usize = 100;

/// One argument the UI sends.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The key on the JS side (camelCase unless the command says `rename_all = "snake_case"`).
    pub key: String,
    /// TypeScript type.
    pub ts: String,
}

/// One `#[tauri::command]` function.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    /// The Rust function name = the command name `invoke` uses.
    pub name: String,
    pub params: Vec<Param>,
    /// TypeScript type of the success value.
    pub ret: String,
    /// Its `///` documentation, if any.
    pub doc: Vec<String>,
    /// Type names to import from `./bindings/`.
    pub imports: BTreeSet<String>,
    /// Source file (for messages).
    pub file: String,
}

fn is_command_attr(a: &Attribute) -> bool {
    let segs: Vec<String> = a
        .path()
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    segs == ["tauri", "command"] || segs == ["command"]
}

/// `rename_all = "snake_case"` in `#[tauri::command(...)]` keeps the Rust names.
fn keeps_snake_case(a: &Attribute) -> bool {
    let syn::Meta::List(list) = &a.meta else {
        return false;
    };
    let text = list.tokens.to_string().replace(' ', "");
    text.contains("rename_all=\"snake_case\"")
}

/// `snake_case` → `camelCase`, as Tauri converts command arguments.
pub fn camel_case(s: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for (i, c) in s.chars().enumerate() {
        if c == '_' && i > 0 {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        Type::Reference(r) => last_segment(&r.elem),
        Type::Group(g) => last_segment(&g.elem),
        Type::Paren(p) => last_segment(&p.elem),
        _ => None,
    }
}

fn type_args(seg: &syn::PathSegment) -> Vec<&Type> {
    match &seg.arguments {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn show(ty: &Type) -> String {
    ty.to_token_stream().to_string()
}

/// Rust type → TypeScript type; other path types become their last segment's name, added to
/// `imports` (a ts-rs type in `ui/src/lib/bindings/`).
pub fn ts_type(ty: &Type, imports: &mut BTreeSet<String>) -> Result<String, String> {
    match ty {
        Type::Reference(r) => ts_type(&r.elem, imports),
        Type::Group(g) => ts_type(&g.elem, imports),
        Type::Paren(p) => ts_type(&p.elem, imports),
        Type::Tuple(t) if t.elems.is_empty() => Ok("null".into()),
        Type::Tuple(t) => {
            let parts = t
                .elems
                .iter()
                .map(|e| ts_type(e, imports))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(format!("[{}]", parts.join(", ")))
        }
        Type::Slice(s) => Ok(array_of(&ts_type(&s.elem, imports)?)),
        Type::Path(p) if p.qself.is_none() => {
            let seg = p.path.segments.last().ok_or("empty type path")?;
            let name = seg.ident.to_string();
            let args = type_args(seg);
            let one = |imports: &mut BTreeSet<String>| -> Result<String, String> {
                match args.as_slice() {
                    [t] => ts_type(t, imports),
                    _ => Err(format!("expected one type argument in `{}`", show(ty))),
                }
            };
            match name.as_str() {
                "String" | "str" | "char" | "PathBuf" | "Path" => Ok("string".into()),
                "bool" => Ok("boolean".into()),
                "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64"
                | "u128" | "usize" | "f32" | "f64" => Ok("number".into()),
                "Option" => Ok(format!("{} | null", one(imports)?)),
                "Vec" | "VecDeque" | "BTreeSet" | "HashSet" => Ok(array_of(&one(imports)?)),
                "Box" | "Arc" | "Rc" | "Cow" => one(imports),
                _ if !args.is_empty() => Err(format!(
                    "unsupported generic type `{}`: map it in crates/contract/src/lib.rs",
                    show(ty)
                )),
                _ => {
                    imports.insert(name.clone());
                    Ok(name)
                }
            }
        }
        _ => Err(format!("unsupported type `{}`", show(ty))),
    }
}

fn array_of(inner: &str) -> String {
    if inner.contains(' ') {
        format!("({inner})[]")
    } else {
        format!("{inner}[]")
    }
}

/// `CmdResult<T>` / `Result<T, E>` → `T`; anything else is the value itself.
fn success_type(ret: &ReturnType) -> Option<&Type> {
    let ReturnType::Type(_, ty) = ret else {
        return None;
    };
    match last_segment(ty) {
        Some(seg) if seg.ident == "CmdResult" || seg.ident == "Result" => {
            type_args(seg).first().copied().or(Some(ty))
        }
        _ => Some(ty),
    }
}

fn doc_lines(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => {
                    let v = s.value();
                    Some(v.strip_prefix(' ').unwrap_or(&v).to_string())
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The `#[tauri::command]` functions of one source file (top level and inline modules).
pub fn parse_commands(file: &str, source: &str) -> Result<Vec<Command>, String> {
    let ast = syn::parse_file(source).map_err(|e| format!("{file}: cannot parse: {e}"))?;
    let mut out = Vec::new();
    collect(file, &ast.items, &mut out)?;
    Ok(out)
}

/// Names of `type X<'a> = tauri::State<'a, …>`-style aliases of injected types.
fn injected_aliases(items: &[Item]) -> HashSet<String> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Type(t) => last_segment(&t.ty)
                .filter(|s| INJECTED.contains(&s.ident.to_string().as_str()))
                .map(|_| t.ident.to_string()),
            _ => None,
        })
        .collect()
}

fn collect(file: &str, items: &[Item], out: &mut Vec<Command>) -> Result<(), String> {
    let aliases = injected_aliases(items);
    let injected = |ty: &Type| {
        last_segment(ty).is_some_and(|s| {
            let n = s.ident.to_string();
            INJECTED.contains(&n.as_str()) || aliases.contains(&n)
        })
    };
    for item in items {
        match item {
            Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    collect(file, inner, out)?;
                }
            }
            Item::Fn(f) => {
                let Some(attr) = f.attrs.iter().find(|a| is_command_attr(a)) else {
                    continue;
                };
                let name = f.sig.ident.to_string();
                let snake = keeps_snake_case(attr);
                let mut imports = BTreeSet::new();
                let mut params = Vec::new();
                for arg in &f.sig.inputs {
                    let FnArg::Typed(pt) = arg else {
                        return Err(format!("{file}: command `{name}` takes `self`"));
                    };
                    if injected(&pt.ty) {
                        continue;
                    }
                    let Pat::Ident(id) = &*pt.pat else {
                        return Err(format!(
                            "{file}: command `{name}`: parameter `{}` is a pattern; use a name",
                            pt.pat.to_token_stream()
                        ));
                    };
                    let rust = id.ident.to_string();
                    let rust = rust.strip_prefix("r#").unwrap_or(&rust);
                    let key = if snake {
                        rust.to_string()
                    } else {
                        camel_case(rust)
                    };
                    let ts = ts_type(&pt.ty, &mut imports).map_err(|e| {
                        format!("{file}: command `{name}`, parameter `{rust}`: {e}")
                    })?;
                    params.push(Param { key, ts });
                }
                let ret = match success_type(&f.sig.output) {
                    None => "null".to_string(),
                    Some(t) => ts_type(t, &mut imports)
                        .map_err(|e| format!("{file}: command `{name}`, return type: {e}"))?,
                };
                out.push(Command {
                    name,
                    params,
                    ret,
                    doc: doc_lines(&f.attrs),
                    imports,
                    file: file.to_string(),
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// The command names in `tauri::generate_handler![…]` (the last segment of each path), in order.
pub fn parse_registered(source: &str) -> Result<Vec<String>, String> {
    struct Finder {
        found: Vec<Vec<String>>,
        error: Option<String>,
    }
    impl<'ast> Visit<'ast> for Finder {
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            if mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "generate_handler")
            {
                match mac.parse_body_with(Punctuated::<syn::Path, Token![,]>::parse_terminated) {
                    Ok(paths) => self.found.push(
                        paths
                            .iter()
                            .filter_map(|p| p.segments.last().map(|s| s.ident.to_string()))
                            .collect(),
                    ),
                    Err(e) => self.error = Some(format!("cannot read generate_handler!: {e}")),
                }
            }
            syn::visit::visit_macro(self, mac);
        }
    }
    let ast = syn::parse_file(source).map_err(|e| format!("main.rs: cannot parse: {e}"))?;
    let mut f = Finder {
        found: Vec::new(),
        error: None,
    };
    f.visit_file(&ast);
    if let Some(e) = f.error {
        return Err(e);
    }
    match f.found.len() {
        1 => Ok(f.found.remove(0)),
        0 => Err("no tauri::generate_handler![…] found in main.rs".into()),
        n => Err(format!(
            "{n} tauri::generate_handler![…] found in main.rs; expected one"
        )),
    }
}

/// Declared commands in registration order; an error naming every command declared but not
/// registered, registered but not declared, registered twice or declared twice.
pub fn check_registered(
    declared: &[Command],
    registered: &[String],
) -> Result<Vec<Command>, String> {
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for d in declared {
        if !seen.insert(d.name.as_str()) {
            problems.push(format!("command `{}` is declared twice", d.name));
        }
        if !registered.contains(&d.name) {
            problems.push(format!(
                "command `{}` ({}) is declared with #[tauri::command] but not registered in \
                 tauri::generate_handler![…] (src-tauri/src/main.rs)",
                d.name, d.file
            ));
        }
    }
    let mut seen = HashSet::new();
    for r in registered {
        if !seen.insert(r.as_str()) {
            problems.push(format!("command `{r}` is registered twice"));
        }
        if !declared.iter().any(|d| &d.name == r) {
            problems.push(format!(
                "command `{r}` is registered in tauri::generate_handler![…] but no \
                 #[tauri::command] fn `{r}` is declared in src-tauri/src"
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    Ok(registered
        .iter()
        .filter_map(|r| declared.iter().find(|d| &d.name == r).cloned())
        .collect())
}

/// The TypeScript module: header, imports, `CommandName`, one function per command.
pub fn render(commands: &[Command]) -> String {
    let mut out = String::new();
    out.push_str(
        "// Generated by crates/contract from the #[tauri::command] functions in src-tauri/src.\n\
         // Do not edit: regenerate with `make bindings`.\n",
    );
    let imports: BTreeSet<&String> = commands.iter().flat_map(|c| &c.imports).collect();
    for name in imports {
        let _ = writeln!(out, "import type {{ {name} }} from \"./bindings/{name}\";");
    }
    out.push_str("import { call } from \"./invoke\";\n\n");
    out.push_str(
        "/** Every command registered in src-tauri/src/main.rs. */\nexport type CommandName =",
    );
    for c in commands {
        let _ = write!(out, "\n  | \"{}\"", c.name);
    }
    out.push_str(";\n");
    for c in commands {
        out.push('\n');
        if !c.doc.is_empty() {
            out.push_str("/**\n");
            for line in &c.doc {
                let line = line.replace("*/", "*\\/");
                if line.is_empty() {
                    out.push_str(" *\n");
                } else {
                    let _ = writeln!(out, " * {line}");
                }
            }
            out.push_str(" */\n");
        }
        let local = |key: &str| {
            if TS_RESERVED.contains(&key) {
                format!("{key}_")
            } else {
                key.to_string()
            }
        };
        let sig: Vec<String> = c
            .params
            .iter()
            .map(|p| format!("{}: {}", local(&p.key), p.ts))
            .collect();
        let args: Vec<String> = c
            .params
            .iter()
            .map(|p| {
                let l = local(&p.key);
                if l == p.key {
                    l
                } else {
                    format!("{}: {l}", p.key)
                }
            })
            .collect();
        // Laid out as prettier (printWidth 100) would, so `npm run lint` checks it as is.
        let name = camel_case(&c.name);
        let line = format!(
            "export function {name}({}): Promise<{}> {{",
            sig.join(", "),
            c.ret
        );
        if line.len() <= PRINT_WIDTH {
            out.push_str(&line);
            out.push('\n');
        } else {
            let _ = writeln!(out, "export function {name}(");
            for p in &sig {
                let _ = writeln!(out, "  {p},");
            }
            let _ = writeln!(out, "): Promise<{}> {{", c.ret);
        }
        let ret = if args.is_empty() {
            format!("  return call<{}>(\"{}\");", c.ret, c.name)
        } else {
            format!(
                "  return call<{}>(\"{}\", {{ {} }});",
                c.ret,
                c.name,
                args.join(", ")
            )
        };
        if ret.len() <= PRINT_WIDTH {
            out.push_str(&ret);
            out.push('\n');
        } else {
            let _ = writeln!(out, "  return call<{}>(\"{}\", {{", c.ret, c.name);
            for a in &args {
                let _ = writeln!(out, "    {a},");
            }
            out.push_str("  });\n");
        }
        out.push_str("}\n");
    }
    out
}

/// Where the repository's parts are, from this crate.
pub struct Paths {
    /// `src-tauri/src`
    pub commands: PathBuf,
    /// `ui/src/lib/bindings`
    pub bindings: PathBuf,
    /// `ui/src/lib/commands.ts`
    pub output: PathBuf,
}

impl Paths {
    pub fn of_repo() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        Paths {
            commands: root.join("src-tauri/src"),
            bindings: root.join("ui/src/lib/bindings"),
            output: root.join("ui/src/lib/commands.ts"),
        }
    }
}

/// Reads every `*.rs` under `commands_dir` (sorted, folders included), checks the registration in `main.rs` and that
/// every imported type exists in `bindings_dir`; returns the commands in registration order.
pub fn read_commands(commands_dir: &Path, bindings_dir: &Path) -> Result<Vec<Command>, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        for p in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            if p.is_dir() {
                walk(&p, out)?;
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(commands_dir, &mut files)?;
    files.sort();
    let mut declared = Vec::new();
    let mut registered = None;
    for path in &files {
        let name = path
            .strip_prefix(commands_dir)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let source = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        declared.extend(parse_commands(&name, &source)?);
        if name == "main.rs" {
            registered = Some(parse_registered(&source)?);
        }
    }
    let registered =
        registered.ok_or_else(|| format!("no main.rs in {}", commands_dir.display()))?;
    let commands = check_registered(&declared, &registered)?;
    let mut missing = Vec::new();
    for c in &commands {
        for t in &c.imports {
            if !bindings_dir.join(format!("{t}.ts")).is_file() {
                missing.push(format!(
                    "command `{}` uses type `{t}`, but ui/src/lib/bindings/{t}.ts does not exist \
                     (export it with ts-rs in crates/core/tests/bindings.rs)",
                    c.name
                ));
            }
        }
    }
    if !missing.is_empty() {
        return Err(missing.join("\n"));
    }
    Ok(commands)
}

/// `ui/src/lib/commands.ts` as it should be.
pub fn generate(paths: &Paths) -> Result<String, String> {
    Ok(render(&read_commands(&paths.commands, &paths.bindings)?))
}

/// The string literals given as `code: "…"` (an `ApiError { code: "x".into(), … }`) in a source.
pub fn error_code_literals(source: &str) -> Result<BTreeSet<String>, String> {
    struct Finder(BTreeSet<String>);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_field_value(&mut self, fv: &'ast syn::FieldValue) {
            if matches!(&fv.member, syn::Member::Named(n) if n == "code") {
                let mut e = &fv.expr;
                // `"x".into()`, `"x".to_string()`, `String::from("x")` or `"x"`.
                loop {
                    match e {
                        syn::Expr::MethodCall(m) => e = &m.receiver,
                        syn::Expr::Call(c) if c.args.len() == 1 => e = &c.args[0],
                        _ => break,
                    }
                }
                if let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = e
                {
                    self.0.insert(s.value());
                }
            }
            syn::visit::visit_field_value(self, fv);
        }
    }
    let ast = syn::parse_file(source).map_err(|e| format!("cannot parse: {e}"))?;
    let mut f = Finder(BTreeSet::new());
    f.visit_file(&ast);
    Ok(f.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(s: &str) -> String {
        let t: Type = syn::parse_str(s).unwrap();
        ts_type(&t, &mut BTreeSet::new()).unwrap()
    }

    #[test]
    fn maps_rust_types_to_typescript() {
        assert_eq!(ty("String"), "string");
        assert_eq!(ty("&str"), "string");
        assert_eq!(ty("bool"), "boolean");
        for n in ["i32", "i64", "u32", "u64", "usize", "f64"] {
            assert_eq!(ty(n), "number", "{n}");
        }
        assert_eq!(ty("Option<String>"), "string | null");
        assert_eq!(ty("Vec<i64>"), "number[]");
        assert_eq!(ty("Vec<Option<String>>"), "(string | null)[]");
        assert_eq!(ty("Option<Vec<String>>"), "string[] | null");
        assert_eq!(ty("()"), "null");
        assert_eq!(ty("(String, bool)"), "[string, boolean]");
        let mut imports = BTreeSet::new();
        let t: Type = syn::parse_str("Option<mesa_core::TicketPage>").unwrap();
        assert_eq!(ts_type(&t, &mut imports).unwrap(), "TicketPage | null");
        assert_eq!(imports.into_iter().collect::<Vec<_>>(), ["TicketPage"]);
        let t: Type = syn::parse_str("HashMap<String, i64>").unwrap();
        assert!(ts_type(&t, &mut BTreeSet::new())
            .unwrap_err()
            .contains("unsupported generic type"));
    }

    #[test]
    fn camel_case_like_tauri() {
        assert_eq!(camel_case("service_type"), "serviceType");
        assert_eq!(camel_case("expect_hash"), "expectHash");
        assert_eq!(camel_case("query"), "query");
        assert_eq!(camel_case("ticket_list"), "ticketList");
    }

    const SOURCE: &str = r#"
        type State<'a> = tauri::State<'a, AppState>;

        /// Lists cases.
        #[tauri::command(async)]
        fn ticket_list(state: tauri::State<'_, AppState>, query: TicketQuery) -> CmdResult<TicketPage> {
            todo!()
        }

        #[tauri::command]
        pub async fn import_commit(app: tauri::AppHandle, expect_hash: Option<String>) -> Result<ImportReport, ApiError> {
            todo!()
        }

        #[tauri::command]
        pub fn import_cancel(state: State<'_>) {}

        #[tauri::command(async)]
        pub fn staff_rename(state: State<'_>, old: String, new: String) -> CmdResult<()> { todo!() }

        fn not_a_command(x: i32) {}
    "#;

    #[test]
    fn reads_commands_and_skips_injected_parameters() {
        let cmds = parse_commands("x.rs", SOURCE).unwrap();
        let names: Vec<&str> = cmds.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "ticket_list",
                "import_commit",
                "import_cancel",
                "staff_rename"
            ]
        );
        assert_eq!(
            cmds[0].params,
            [Param {
                key: "query".into(),
                ts: "TicketQuery".into()
            }]
        );
        assert_eq!(cmds[0].ret, "TicketPage");
        assert_eq!(cmds[0].doc, ["Lists cases."]);
        assert_eq!(cmds[1].params[0].key, "expectHash");
        assert_eq!(cmds[1].params[0].ts, "string | null");
        assert_eq!(cmds[1].ret, "ImportReport");
        assert!(cmds[2].params.is_empty());
        assert_eq!(cmds[2].ret, "null");
        let ts = render(&cmds);
        assert!(ts.contains(
            "export function ticketList(query: TicketQuery): Promise<TicketPage> {\n  \
             return call<TicketPage>(\"ticket_list\", { query });\n}"
        ));
        assert!(ts.contains("import type { TicketPage } from \"./bindings/TicketPage\";"));
        assert!(ts.contains(
            "export function staffRename(old: string, new_: string): Promise<null> {\n  \
             return call<null>(\"staff_rename\", { old, new: new_ });"
        ));
        assert!(
            ts.contains("export type CommandName =\n  | \"ticket_list\"\n  | \"import_commit\"")
        );
    }

    #[test]
    fn long_signatures_are_laid_out_like_prettier() {
        let src = r#"
            #[tauri::command]
            fn import_commit(path: String, kind: ImportKind, sheet: Option<String>, mapping: Option<Mapping>, expect_hash: Option<String>) -> CmdResult<ImportReport> { todo!() }
        "#;
        let ts = render(&parse_commands("x.rs", src).unwrap());
        assert!(
            ts.contains(
                "export function importCommit(\n  path: string,\n  kind: ImportKind,\n  \
                 sheet: string | null,\n  mapping: Mapping | null,\n  \
                 expectHash: string | null,\n): Promise<ImportReport> {\n"
            ),
            "{ts}"
        );
        assert!(ts.lines().all(|l| l.len() <= PRINT_WIDTH), "{ts}");
    }

    #[test]
    fn registered_and_declared_must_match() {
        let main = r#"
            fn main() {
                tauri::Builder::default()
                    .invoke_handler(tauri::generate_handler![ticket_list, import_cmds::import_commit, gone])
                    .run(tauri::generate_context!());
            }
        "#;
        let registered = parse_registered(main).unwrap();
        assert_eq!(registered, ["ticket_list", "import_commit", "gone"]);
        let declared = parse_commands("x.rs", SOURCE).unwrap();
        let err = check_registered(&declared, &registered).unwrap_err();
        assert!(err.contains("`import_cancel` (x.rs) is declared"), "{err}");
        assert!(err.contains("`staff_rename` (x.rs) is declared"), "{err}");
        assert!(err.contains("`gone` is registered"), "{err}");
        assert!(!err.contains("`ticket_list`"), "{err}");
        let all: Vec<String> = declared.iter().rev().map(|c| c.name.clone()).collect();
        let ordered = check_registered(&declared, &all).unwrap();
        assert_eq!(ordered[0].name, "staff_rename", "registration order");
    }

    #[test]
    fn finds_error_code_literals() {
        let src = r#"fn f() -> ApiError { ApiError { code: "internal".into(), message: String::new() } }
                     fn g() { let e = ApiError { code: String::from("io"), message: m }; }"#;
        let codes = error_code_literals(src).unwrap();
        assert_eq!(codes.into_iter().collect::<Vec<_>>(), ["internal", "io"]);
    }
}
