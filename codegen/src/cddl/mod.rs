//! CDDL front end: the `cddl` crate's AST → [`ir::Schema`](crate::ir::Schema).
//!
//! Translation only. Open Screen conventions live in comments, so they are read here: a
//! `; type key N` line before a rule makes it a message, and the trailing `; name` after an
//! integer-keyed entry names the field. Inline maps, arrays, enums and choices are hoisted into
//! named types called `<parent>-<field>`, so names stay stable when the schema grows.
//! Whatever has no faithful Rust translation is reported with its location, never guessed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cddl::ast::{self, Type};

use crate::comment;
use crate::diagnostic::{Error, SchemaError};
use crate::ir::{MessageKey, Schema, Source, Span, Table, Ty, TypeDef, TypeKind, Wire};

mod aliases;
mod alternatives;
mod generics;
mod groups;
mod members;
mod prelude;
mod syntax;
mod tables;
mod types;

use syntax::{comments_of, doc_lines, rule_name};

/// Compiles CDDL sources (already read) into one schema called `name`.
pub fn compile(name: &str, sources: Vec<Source>) -> Result<Schema, Error> {
    compile_extending(name, None, sources)
}

/// A schema that an extension builds on and whose types already exist in Rust (the shipped
/// Open Screen schema, in `::osmos::openscreen`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// Its files; they come before the extension's in [`Schema::sources`].
    pub sources: Vec<Source>,
    /// The Rust module its types live in (`::osmos::openscreen`).
    pub rust_path: String,
}

impl Base {
    /// The standard Open Screen schema, as shipped in `osmos::openscreen`.
    pub fn openscreen() -> Self {
        let sources = crate::shipped::OPENSCREEN_CDDL
            .iter()
            .map(|(path, text)| Source { path: (*path).to_owned(), text: (*text).to_owned() })
            .collect();
        Base { sources, rust_path: "::osmos::openscreen".into() }
    }
}

/// Compiles `sources` against `base`: the extension may use every name the base defines, and
/// every type the base produces (hoisted ones included) is marked [`TypeDef::external`] so the
/// back end refers to it instead of copying it. An extension rule may not redefine or extend a
/// base rule, because the shipped types could not follow.
pub fn compile_extending(name: &str, base: Option<&Base>, sources: Vec<Source>) -> Result<Schema, Error> {
    let base_files = base.map_or(0, |b| b.sources.len());
    let sources: Vec<Source> = base.map(|b| b.sources.clone()).unwrap_or_default().into_iter().chain(sources).collect();
    let mut asts = Vec::new();
    let mut errors = Vec::new();
    // What the parser reads of each file, and where it differs (see `parser_text`).
    let mut texts = Vec::new();
    for source in &sources {
        if let Some(e) = too_deep(source).or_else(|| folded(source)).or_else(|| zcbor_dialect(source)) {
            errors.push(e);
            continue;
        }
        match parenthesized_groups(parser_text(&source.text)) {
            Ok(text) => texts.push(text),
            Err((text, e)) => errors.push(parse_error(source, &text, e)),
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    for (source, text) in sources.iter().zip(&texts) {
        match cddl::pest_bridge::cddl_from_pest_str(&text.text) {
            Ok(ast) => asts.push(ast),
            Err(e) => errors.push(parse_error(source, text, e)),
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    aliases::resolve(&mut asts);
    let types = {
        let inserted = texts.iter().map(|t| t.inserted.clone()).collect();
        let mut lower = Lowerer::new(&sources, &asts, base_files, inserted);
        lower.run();
        // A map with group choices lowers its shared entries once per alternative.
        let mut seen = BTreeSet::new();
        lower.errors.retain(|e| seen.insert((e.file.clone(), e.line, e.column, e.message.clone())));
        if !lower.errors.is_empty() {
            return Err(lower.errors.into());
        }
        let n = lower.base_types.unwrap_or(lower.types.len());
        let mut types = lower.types;
        // CoSWID has `role = 33` (a key) and `$role /= …` (its values): the socket gets the
        // suffix, the plain rule keeps its name.
        let plain: BTreeSet<String> = types
            .iter()
            .filter(|t| !t.name.starts_with('$'))
            .map(|t| crate::rust::naming::type_name(&t.name))
            .collect();
        for t in types.iter_mut().filter(|t| t.name.starts_with('$') && t.rust_name.is_none()) {
            let rust = crate::rust::naming::type_name(&t.name);
            if plain.contains(&rust) {
                t.rust_name = Some(format!("{rust}Socket"));
            }
        }
        // SUIT's `suit-manifest = 3` (a key) next to `SUIT_Manifest`: the named constant yields.
        let constant =
            |t: &TypeDef| matches!(&t.kind, TypeKind::Enum(e) if e.variants.len() == 1) && t.rust_name.is_none();
        let others: BTreeSet<String> = types
            .iter()
            .filter(|t| !constant(t))
            .map(|t| t.rust_name.clone().unwrap_or_else(|| crate::rust::naming::type_name(&t.name)))
            .collect();
        for t in types.iter_mut().filter(|t| constant(t)) {
            let rust = crate::rust::naming::type_name(&t.name);
            if others.contains(&rust) {
                t.rust_name = Some(format!("{rust}Value"));
            }
        }
        // `"Infinity" / "-Infinity"` (BiDi): values whose Rust names would collide.
        for t in &mut types {
            let TypeKind::Enum(e) = &mut t.kind else { continue };
            let mut seen = BTreeSet::new();
            for v in &mut e.variants {
                let mut rust = crate::rust::naming::variant_name(&v.name);
                if let (true, Some(rest)) = (seen.contains(&rust), v.name.strip_prefix('-')) {
                    rust = format!("Minus{}", crate::rust::naming::variant_name(rest));
                    v.rust_name = Some(rust.clone());
                }
                seen.insert(rust);
            }
        }
        if let Some(base) = base {
            // The base's rules come first and are lowered first, so its types (hoisted ones
            // included) are exactly the first `n`; whatever the extension derives from base
            // rules later (a generic instance the base never used) is its own.
            for t in &mut types[..n] {
                t.external = Some(format!("{}::{}", base.rust_path, crate::rust::type_ident(t)));
            }
        }
        types
    };
    Ok(Schema { name: name.to_owned(), wire: Wire::Cbor, sources, types })
}

/// How deep `(`, `[` and `{` may nest in a CDDL file. The `cddl` crate's PEG parser
/// backtracks exponentially in the nesting depth (`[[[…[uint]…]]]` 14 deep took 51 s, each
/// level doubling it), and a `build.rs` must fail, never hang. Open Screen nests 3 deep.
pub const MAX_CDDL_NESTING: usize = 8;

/// The offsets and bytes of `text` that are CDDL code: comments (`; …` to the end of the line)
/// and text or byte string literals (`"…"`, `'…'`, with `\` escapes) are passed over. The
/// scans that run before the parser (nesting depth, `.cborseq`) must not see brackets or
/// control names inside either.
fn code_bytes(text: &str) -> impl Iterator<Item = (usize, u8)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0usize;
    std::iter::from_fn(move || loop {
        let b = *bytes.get(i)?;
        match b {
            b';' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            _ => {
                i += 1;
                return Some((i - 1, b));
            }
        }
    })
}

/// The first bracket nested deeper than [`MAX_CDDL_NESTING`], outside comments and strings,
/// as an error at its line and column. One pass over the text, before the parser sees it.
fn too_deep(source: &Source) -> Option<SchemaError> {
    let mut depth = 0usize;
    for (i, b) in code_bytes(&source.text) {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_CDDL_NESTING {
                    let (line, column) = crate::diagnostic::line_col(&source.text, i);
                    let mut e = SchemaError::at_line(
                        &source.path,
                        line,
                        column,
                        format!("CDDL nested more than {MAX_CDDL_NESTING} deep (the parser's time doubles per level)"),
                    );
                    e.range = (i, i + 1);
                    return Some(e);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// A file folded for an RFC (RFC 8792 line wrapping: a `NOTE: '\' line wrapping per RFC 8792`
/// header, lines continued with `\`) is not CDDL until it is unfolded.
fn folded(source: &Source) -> Option<SchemaError> {
    let at = source.text.find("line wrapping per RFC 8792")?;
    let line_start = source.text[..at].rfind('\n').map_or(0, |n| n + 1);
    let (line, column) = crate::diagnostic::line_col(&source.text, line_start);
    let mut e = SchemaError::at_line(
        &source.path,
        line,
        column,
        "this file is folded for an RFC (RFC 8792 line wrapping), not CDDL: unfold it first \
         (`rfcfold -r`, or join each line that ends in `\\` with the next, without its leading spaces)",
    );
    e.range = (line_start, at + "line wrapping per RFC 8792".len());
    Some(e)
}

/// What zcbor (Nordic's C generator) writes that RFC 8610 does not: a label inside a type (`kind: ((cat: 1) / (dog: 2))`, `"r": (result: int)`,
/// `#6.0(name: tstr)`, `(a: 3 / b: 4)`), an occurrence after a label (`names: +tstr`), and the
/// `**` occurrence of its older versions. None of these is RFC 8610 in any position, and the
/// parser reads some of them as something else (`#6.0(name: tstr)` as a bare tag and a group),
/// so the first one is an error before the parser sees the file; it names the dialect and the
/// RFC's spelling.
fn zcbor_dialect(source: &Source) -> Option<SchemaError> {
    let (start, end, kind) = zcbor_spellings(&source.text).into_iter().next()?;
    let (start, end) = (&start, &end);
    let snippet = &source.text[*start..*end];
    let message = match kind {
        ZcborSpelling::Label => format!(
            "`{snippet}`: a label inside a type is zcbor's dialect, not RFC 8610 CDDL: name the entry \
             that holds the type (`name: int`, `name: #6.0(tstr)`, `\"r\" => int`), and the values of a \
             choice with an enumeration (`&(cat: 1, dog: 2)`)"
        ),
        ZcborSpelling::Occurrence => format!(
            "`{snippet}`: an occurrence after the label is zcbor's dialect, not RFC 8610 CDDL: write it \
             before the entry (`+ names: tstr`, `? count: uint`, `3* flag: true`)"
        ),
        ZcborSpelling::DoubleStar => {
            "`**` is an occurrence of zcbor's older dialect, not RFC 8610 CDDL: write `n*m` (`2*3`)".to_string()
        }
    };
    let (line, column) = crate::diagnostic::line_col(&source.text, *start);
    let mut err = SchemaError::at_line(&source.path, line, column, message);
    err.range = (*start, *end);
    Some(err)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ZcborSpelling {
    /// `(cat: 1)` where a type belongs, `/ b: 4` between types.
    Label,
    /// `names: +tstr`.
    Occurrence,
    /// `2**3`.
    DoubleStar,
}

/// Where `text` uses zcbor's spellings, as (start, end, kind), outside comments and strings.
fn zcbor_spellings(text: &str) -> Vec<(usize, usize, ZcborSpelling)> {
    // The code with comments and string contents blanked, offsets kept.
    let mut code = vec![b' '; text.len()];
    for (i, b) in code_bytes(text) {
        code[i] = b;
    }
    let ident = |b: u8| b.is_ascii_alphanumeric() || b"-_@$.".contains(&b);
    let skip_ws = |mut i: usize| {
        while i < code.len() && code[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let prev = |i: usize| code[..i].iter().rposition(|b| !b.is_ascii_whitespace());
    // After `i`: an identifier and a `:` (a label); the offset after the `:`.
    let label_at = |i: usize| {
        let j = skip_ws(i);
        let mut k = j;
        while k < code.len() && ident(code[k]) {
            k += 1;
        }
        let c = skip_ws(k);
        (k > j && code.get(c) == Some(&b':')).then_some(c + 1)
    };
    let mut out = Vec::new();
    for i in 0..code.len() {
        match code[i] {
            b'*' if code.get(i + 1) == Some(&b'*') => out.push((i, i + 2, ZcborSpelling::DoubleStar)),
            // `(name:` where a type is expected: after `:`, `=>`, a single `/`, or `#6.n(`.
            b'(' => {
                let Some(end) = label_at(i + 1) else { continue };
                let type_position = match prev(i) {
                    Some(p) => match code[p] {
                        b':' | b'>' => true,
                        b'/' => p == 0 || code[p - 1] != b'/',
                        b'.' | b'0'..=b'9' => {
                            let head = &text[..i];
                            let digits = head.trim_end_matches(|c: char| c.is_ascii_digit());
                            digits.ends_with("#6.") || digits.ends_with("#6")
                        }
                        _ => false,
                    },
                    None => false,
                };
                if type_position {
                    out.push((i, end, ZcborSpelling::Label));
                }
            }
            // `3 / b: 4`: a label on a type alternative.
            b'/' if code.get(i + 1) != Some(&b'/')
                && code.get(i + 1) != Some(&b'=')
                && (i == 0 || code[i - 1] != b'/') =>
            {
                if let Some(end) = label_at(i + 1) {
                    out.push((i, end, ZcborSpelling::Label));
                }
            }
            // `name: +tstr`, `flag: ?bool`, `n: 3*true`: the occurrence after the label.
            b':' => {
                let j = skip_ws(i + 1);
                let mut k = j;
                while k < code.len() && code[k].is_ascii_digit() {
                    k += 1;
                }
                if matches!(code.get(k), Some(b'?' | b'+' | b'*')) && (k == j || code[k] == b'*') {
                    let start = prev(i).map_or(i, |p| {
                        let mut s = p;
                        while s > 0 && ident(code[s - 1]) {
                            s -= 1;
                        }
                        s
                    });
                    out.push((start, k + 1, ZcborSpelling::Occurrence));
                }
            }
            _ => {}
        }
    }
    out
}

/// The text the `cddl` parser reads: the schema with `.cborseq` spelled `.cbor   `, which the
/// parser (0.10.7) would otherwise read as `.cbor` and a stray `seq`, and the hex digits of
/// `h'…'` in upper case, the only case it decodes. Both keep a byte string's
/// bytes as they are (see `Lowerer::lower_type1`), and the spelling keeps every offset, so
/// errors still point into the schema as written.
fn parser_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0usize;
    for (i, b) in code_bytes(text) {
        if b == b'.' && i >= copied && text[i..].starts_with(".cborseq") {
            out.push_str(&text[copied..i]);
            out.push_str(".cbor   ");
            copied = i + ".cborseq".len();
        }
    }
    out.push_str(&text[copied.min(text.len())..]);
    // `h'cafe'`: RFC 8610 allows either case of hex digit, the parser decodes upper case only.
    let bytes = text.as_bytes();
    for (i, _) in code_bytes(text).filter(|&(i, b)| b == b'h' && bytes.get(i + 1) == Some(&b'\'')) {
        let start = i + 2;
        let end = text[start.min(text.len())..].find('\'').map_or(text.len(), |n| start + n);
        if start < end {
            out[start..end].make_ascii_uppercase();
        }
    }
    out
}

/// A schema as the parser reads it: the text, and the offsets (in that text) of characters
/// osmos inserted, which `original_offset` takes out again so errors point into the file.
struct ParserText {
    text: String,
    inserted: Vec<usize>,
}

/// The offset in the file as written of `offset` in the parser's text.
fn original_offset(inserted: &[usize], offset: usize) -> usize {
    offset - inserted.iter().filter(|&&i| i < offset).count()
}

/// How many group rules without parentheses one file may have: each costs a parse.
const MAX_BARE_GROUP_RULES: usize = 64;

/// RFC 8610 lets a group rule go without parentheses (`type1 = 1 => tstr`, `g = a: uint, b: text`,
/// `g = g1 // g2`);
/// the `cddl` parser refuses it where the first member key appears. Each such rule is put in
/// parentheses and the text parsed again, at most `MAX_BARE_GROUP_RULES` times; the error of
/// a text that still does not parse is returned with it.
fn parenthesized_groups(text: String) -> Result<ParserText, (ParserText, cddl::parser::Error)> {
    let mut text = ParserText { text, inserted: Vec::new() };
    for _ in 0..=MAX_BARE_GROUP_RULES {
        let e = match cddl::pest_bridge::cddl_from_pest_str(&text.text) {
            Ok(_) => return Ok(text),
            Err(e) => e,
        };
        let at = match &e {
            cddl::parser::Error::PARSER { position, .. } => position.range.0,
            _ => return Err((text, e)),
        };
        let Some((open, close)) = bare_group_rule(&text.text, at) else { return Err((text, e)) };
        for (pos, c) in [(close, ')'), (open, '(')] {
            text.text.insert(pos, c);
            for i in &mut text.inserted {
                if *i >= pos {
                    *i += 1;
                }
            }
            text.inserted.push(pos);
        }
        // `close` was inserted first, so inserting `open` before it moved it on.
        text.inserted.sort_unstable();
    }
    let e = cddl::pest_bridge::cddl_from_pest_str(&text.text).err();
    match e {
        Some(e) => Err((text, e)),
        None => Ok(text),
    }
}

/// Where a parse error at `at` is the member key of a group rule written without parentheses:
/// the offsets just after the rule's `=` and just after the last value of its body.
fn bare_group_rule(text: &str, at: usize) -> Option<(usize, usize)> {
    let rest = text.get(at..)?.trim_start();
    // `g = g1 // g2`: a group choice, which no type has (the parser stops at its second `/`).
    let choice = rest.starts_with("//") || (at > 0 && text.get(at - 1..).is_some_and(|t| t.starts_with("//")));
    if !(rest.starts_with("=>") || rest.starts_with(':') || choice) {
        return None;
    }
    let line_start = |i: usize| text[..i].rfind('\n').map_or(0, |n| n + 1);
    // A rule starts at the beginning of a line with its name.
    let starts_rule = |line: &str| {
        line.starts_with(|c: char| c.is_ascii_alphabetic() || "@_$".contains(c))
            && line.split_once('=').is_some_and(|(name, rest)| {
                !rest.starts_with('>') && !name.trim_end().ends_with('/') && !name.trim().contains(char::is_whitespace)
            })
    };
    let mut start = line_start(at);
    while !starts_rule(&text[start..]) {
        if start == 0 {
            return None;
        }
        start = line_start(start - 1);
    }
    let open = start + text[start..].find('=')? + 1;
    // The body runs until the next line that starts a rule.
    let mut line = text[at..].find('\n').map_or(text.len(), |n| at + n + 1);
    let mut last = at;
    let mut pos = open;
    loop {
        let chunk = &text[pos..line];
        let content = match chunk.find(';') {
            Some(c) if !chunk[..c].contains('"') => &chunk[..c],
            _ => chunk,
        };
        if !content.trim().is_empty() {
            last = pos + content.trim_end().len();
        }
        if line >= text.len() || starts_rule(&text[line..]) {
            break;
        }
        pos = line;
        line = text[line..].find('\n').map_or(text.len(), |n| line + n + 1);
    }
    Some((open, last))
}

fn parse_error(source: &Source, text: &ParserText, e: cddl::parser::Error) -> SchemaError {
    match e {
        cddl::parser::Error::PARSER { position, msg } if !text.inserted.is_empty() => {
            let range =
                (original_offset(&text.inserted, position.range.0), original_offset(&text.inserted, position.range.1));
            let (line, column) = crate::diagnostic::line_col(&source.text, range.0);
            SchemaError::at_line(&source.path, line, column, format!("CDDL syntax: {}", msg.short))
                .in_text(&source.text, range)
        }
        cddl::parser::Error::PARSER { position, msg } => SchemaError::at_line(
            &source.path,
            position.line.max(1),
            position.column.max(1),
            format!("CDDL syntax: {}", msg.short),
        )
        .in_text(&source.text, position.range),
        other => {
            SchemaError::at_line(&source.path, 1, 1, format!("CDDL syntax: {other}")).in_text(&source.text, (0, 0))
        }
    }
}

/// A rule and the alternates (`/=`, `//=`) that extend it.
struct RuleDef<'a> {
    file: usize,
    types: Vec<&'a ast::TypeRule<'a>>,
    groups: Vec<&'a ast::GroupRule<'a>>,
    comments: Vec<&'a str>,
    span: ast::Span,
}

impl RuleDef<'_> {
    fn generic_params(&self) -> Vec<&str> {
        let params = match (self.types.first(), self.groups.first()) {
            (Some(t), _) => t.generic_params.as_ref(),
            (None, Some(g)) => g.generic_params.as_ref(),
            _ => None,
        };
        params.map(|p| p.params.iter().map(|p| p.param.ident).collect()).unwrap_or_default()
    }
}

struct Lowerer<'a> {
    sources: &'a [Source],
    rules: Vec<(String, RuleDef<'a>)>,
    index: HashMap<String, usize>,
    types: Vec<TypeDef>,
    /// Names of derived types already emitted (group maps, group enums, generic instances).
    derived: BTreeSet<String>,
    /// Generic parameters in scope, innermost last.
    env: Vec<BTreeMap<String, Ty>>,
    /// The (parent, field) whose type is being lowered, to document hoisted inline types.
    site: Option<(String, String)>,
    file: usize,
    errors: Vec<SchemaError>,
    /// How many of the files belong to the base schema an extension builds on.
    base_files: usize,
    /// How many types the base's rules produced (set once the first extension rule is lowered).
    base_types: Option<usize>,
    /// Map structs (by name) whose schema allows entries beyond its fields (`* K => any`,
    /// `* ext` with `ext = (text => any)`): they keep those entries, so nothing is lost.
    open_maps: BTreeSet<String>,
    /// Set while splicing a repeated group (`* ext`): its entries may each occur or not, and a
    /// computed key in it is a repeated one.
    repeated: bool,
    /// The rules being spliced by `~name` (a rule that contains itself is an error, not a loop).
    unwrapping: BTreeSet<String>,
    /// The typed table (`* K => V`) of each map struct being lowered, by struct name.
    tables: BTreeMap<String, Table>,
    /// The group rule being spliced, which names a table found in it.
    splicing: Option<String>,
    /// The alternative to take at each group choice (`//`) met while lowering one map or
    /// array, in the order they are met (missing: the first); see `Lowerer::struct_kind`.
    picks: Vec<usize>,
    /// Set while `struct_kind` lowers an array body: its group choices pick alternatives too
    /// (elsewhere in arrays, such as a repeated group's items, they are an error).
    array_choices: bool,
    /// Alternatives lowered so far, all maps and arrays together (`MAX_ALTERNATIVES_PER_SCHEMA`).
    alternatives: usize,
    /// The group choices met so far in this pass: (pick, number of alternatives, its label).
    trace: Vec<(usize, usize, String)>,
    /// Per file, the offsets of characters osmos inserted for the parser (`ParserText`).
    inserted: Vec<Vec<usize>>,
}

/// What `Lowerer::rollback` restores: a pass over a map body that is done again.
struct Snapshot {
    types: usize,
    errors: usize,
    derived: BTreeSet<String>,
}

/// How many alternatives the group choices of one map may multiply into.
const MAX_MAP_ALTERNATIVES: usize = 512;

/// How many alternatives all maps of a schema may lower together. Maps nested in alternatives
/// are lowered again for each, so a per-map bound alone lets nesting multiply the work
/// (512^depth); this one keeps a hostile schema from hanging a `build.rs`. BiDi needs ~300.
const MAX_ALTERNATIVES_PER_SCHEMA: usize = 20_000;

impl<'a> Lowerer<'a> {
    fn new(sources: &'a [Source], asts: &'a [ast::CDDL<'a>], base_files: usize, inserted: Vec<Vec<usize>>) -> Self {
        let mut me = Lowerer {
            sources,
            rules: Vec::new(),
            index: HashMap::new(),
            types: Vec::new(),
            derived: BTreeSet::new(),
            env: Vec::new(),
            site: None,
            file: 0,
            errors: Vec::new(),
            base_files,
            base_types: None,
            open_maps: BTreeSet::new(),
            repeated: false,
            tables: BTreeMap::new(),
            splicing: None,
            picks: Vec::new(),
            unwrapping: BTreeSet::new(),
            array_choices: false,
            alternatives: 0,
            trace: Vec::new(),
            inserted,
        };
        for (file, cddl) in asts.iter().enumerate() {
            me.file = file;
            for rule in &cddl.rules {
                me.collect(file, rule);
            }
        }
        me
    }

    fn span(&self, s: ast::Span) -> Span {
        self.file_span(self.file, s)
    }

    /// A span of the parser's text of `file` as a span of the file as written.
    fn file_span(&self, file: usize, s: ast::Span) -> Span {
        let inserted = self.inserted.get(file).map(Vec::as_slice).unwrap_or_default();
        Span { file, start: original_offset(inserted, s.0), end: original_offset(inserted, s.1) }
    }

    fn error(&mut self, s: ast::Span, message: impl Into<String>) {
        let e = SchemaError::at(self.sources, self.span(s), message);
        self.errors.push(e);
    }

    fn collect(&mut self, file: usize, rule: &'a ast::Rule<'a>) {
        let (name, span, comments, alternate) = match rule {
            ast::Rule::Type { rule: r, span, comments_before_rule, .. } => {
                (rule_name(&r.name), *span, comments_of(comments_before_rule), r.is_type_choice_alternate)
            }
            ast::Rule::Group { rule: r, span, comments_before_rule, .. } => {
                (rule_name(&r.name), *span, comments_of(comments_before_rule), r.is_group_choice_alternate)
            }
        };
        let slot = match self.index.get(&name) {
            Some(&i) if file >= self.base_files && self.rules[i].1.file < self.base_files => {
                let first = &self.rules[i].1;
                let at = SchemaError::at(self.sources, self.file_span(first.file, first.span), "");
                self.error(
                    span,
                    format!(
                        "`{name}` is defined by the standard schema this one extends ({}:{}:{}); \
                         an extension cannot redefine or extend a standard rule, pick another name",
                        at.file, at.line, at.column
                    ),
                );
                return;
            }
            Some(&i) if alternate || name.starts_with('$') => i,
            Some(_) => {
                self.error(span, format!("rule `{name}` is defined twice"));
                return;
            }
            None => {
                self.index.insert(name.clone(), self.rules.len());
                self.rules
                    .push((name.clone(), RuleDef { file, types: Vec::new(), groups: Vec::new(), comments, span }));
                self.rules.len() - 1
            }
        };
        let def = &mut self.rules[slot].1;
        match rule {
            ast::Rule::Type { rule, .. } => def.types.push(rule),
            ast::Rule::Group { rule, .. } => def.groups.push(rule),
        }
        if !def.types.is_empty() && !def.groups.is_empty() {
            self.error(span, format!("`{name}` is both a type and a group"));
        }
    }

    fn run(&mut self) {
        for i in 0..self.rules.len() {
            let (name, def) = &self.rules[i];
            if def.file >= self.base_files && self.base_types.is_none() {
                self.base_types = Some(self.types.len());
            }
            if def.types.is_empty() || !def.generic_params().is_empty() {
                continue;
            }
            let name = name.clone();
            self.file = def.file;
            let span = def.span;
            let mut docs = Vec::new();
            let mut message = None;
            for c in def.comments.clone() {
                match comment::type_key(c) {
                    Some(Ok(key)) if message.is_none() => message = Some(MessageKey::TypeKey(key)),
                    Some(Ok(_)) => self.error(span, format!("`{name}` has two type key comments")),
                    Some(Err(e)) => self.error(span, e),
                    None => docs.extend(doc_lines(&[c])),
                }
            }
            let ty = self.rule_type(i);
            let kind = self.type_kind(&ty, &name, span);
            self.push(name, docs, span, message, kind);
        }
    }

    /// The type of a type rule, with `/=` alternates merged into one choice.
    fn rule_type(&self, i: usize) -> Type<'a> {
        let def = &self.rules[i].1;
        let mut ty = def.types[0].value.clone();
        for alt in &def.types[1..] {
            ty.type_choices.extend(alt.value.type_choices.iter().cloned());
        }
        ty
    }

    fn push(&mut self, name: String, docs: Vec<String>, span: ast::Span, message: Option<MessageKey>, kind: TypeKind) {
        let span = self.span(span);
        self.types.push(TypeDef { rust_name: None, external: None, name, docs, span, message, kind });
    }

    /// Hoists an inline type into a named one and returns a reference to it.
    fn hoist(&mut self, name: &str, docs: Vec<String>, span: ast::Span, kind: TypeKind) -> Ty {
        let docs = match &self.site {
            Some((parent, field)) if docs.is_empty() && name == format!("{parent}-{field}") => {
                vec![format!("The type of the `{field}` field of `{parent}`, written inline in the schema.")]
            }
            _ => docs,
        };
        self.push(name.to_owned(), docs, span, None, kind);
        Ty::named(name)
    }
}
