//! The internal subset of a schema file's document type declaration: its general entities,
//! expanded where the file uses them (DASH's MPD schema spells its URL patterns with them).
//! Nothing external is ever read: an entity declared `SYSTEM` or `PUBLIC` is an error where it
//! is used, and so are parameter entities, which only matter to DTD validation.

use std::collections::HashMap;

use quick_xml::escape::resolve_predefined_entity;

/// How deep entities may refer to entities, and how many bytes all expansions of one file may
/// produce together: a schema is small, and a nested "billion laughs" subset must be an error,
/// not a hang.
pub const MAX_DEPTH: usize = 16;
pub const MAX_EXPANDED: usize = 4 << 20;

/// One general entity declaration.
#[derive(Debug, Clone)]
enum Entity {
    /// The replacement text: the literal with character references already expanded, entity
    /// references left to be expanded where it is used (XML 1.0 §4.5).
    Internal(String),
    External,
}

/// The general entities a file declares, and what expanding them has cost so far.
#[derive(Debug, Default)]
pub struct Entities {
    map: HashMap<String, Entity>,
    expanded: std::cell::Cell<usize>,
}

impl Entities {
    /// Reads the declarations of a `<!DOCTYPE …>` (the text between `<!DOCTYPE` and its `>`).
    /// Comments, processing instructions and element, attribute-list and notation declarations
    /// are skipped; the first declaration of an entity binds (§4.2).
    pub fn parse(doctype: &str) -> Result<Entities, String> {
        let mut out = Entities::default();
        let Some(open) = doctype.find('[') else { return Ok(out) };
        let subset = &doctype[open + 1..];
        let mut rest = subset;
        loop {
            rest = rest.trim_start();
            if rest.is_empty() || rest.starts_with(']') {
                return Ok(out);
            }
            if let Some(r) = rest.strip_prefix("<!--") {
                let end = r.find("-->").ok_or("a comment in the DOCTYPE is never closed")?;
                rest = &r[end + 3..];
            } else if let Some(r) = rest.strip_prefix("<?") {
                let end = r.find("?>").ok_or("a processing instruction in the DOCTYPE is never closed")?;
                rest = &r[end + 2..];
            } else if let Some(r) = rest.strip_prefix("<!ENTITY") {
                let (decl, after) = declaration(r)?;
                out.declare(decl)?;
                rest = after;
            } else if rest.starts_with("<!") {
                let (_, after) = declaration(&rest[2..])?;
                rest = after;
            } else if rest.starts_with('%') {
                return Err("parameter entity references in the DOCTYPE are not supported".into());
            } else {
                let word: String = rest.chars().take(20).collect();
                return Err(format!("unexpected `{word}` in the DOCTYPE's internal subset"));
            }
        }
    }

    fn declare(&mut self, decl: &str) -> Result<(), String> {
        let decl = decl.trim_start();
        if decl.starts_with('%') {
            // Parameter entities only serve the DTD itself, which nothing here reads; one
            // referenced in the subset is refused above.
            return Ok(());
        }
        let name_end = decl.find(|c: char| c.is_whitespace()).ok_or("an entity declaration without a value")?;
        let (name, value) = (&decl[..name_end], decl[name_end..].trim());
        let entity = match value.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let end = value[1..].find(q).ok_or_else(|| format!("the value of entity `{name}` is never closed"))?;
                Entity::Internal(char_refs(&value[1..1 + end]).map_err(|e| format!("entity `{name}`: {e}"))?)
            }
            _ if value.starts_with("SYSTEM") || value.starts_with("PUBLIC") => Entity::External,
            _ => return Err(format!("entity `{name}` has no value")),
        };
        self.map.entry(name.to_owned()).or_insert(entity);
        Ok(())
    }

    /// Whether the file declares no entity.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The replacement text of entity `name`, for an attribute value (quick-xml expands the
    /// references in it, nesting bounded by [`MAX_DEPTH`]); `None` for an unknown or external
    /// entity, or once expansions have produced [`MAX_EXPANDED`] bytes (see [`Entities::why`]).
    pub fn replacement(&self, name: &str) -> Option<&str> {
        match self.map.get(name)? {
            Entity::Internal(text) => {
                self.expanded.set(self.expanded.get().saturating_add(text.len()));
                (self.expanded.get() <= MAX_EXPANDED).then_some(text.as_str())
            }
            Entity::External => None,
        }
    }

    /// Why `&name;` could not be expanded.
    pub fn why(&self, name: &str) -> String {
        match self.map.get(name) {
            Some(Entity::External) => {
                format!("entity `{name}` is external: schema files are read as they are, nothing is fetched")
            }
            Some(Entity::Internal(_)) => {
                format!("entity expansion exceeds {MAX_EXPANDED} bytes or {MAX_DEPTH} levels (at `&{name};`)")
            }
            None => format!("unknown entity `&{name};`"),
        }
    }

    /// The text `&name;` stands for in element content, its references expanded; markup in it
    /// is refused (schema files have none there).
    pub fn expand_text(&self, name: &str) -> Result<String, String> {
        let mut out = String::new();
        self.expand_into(name, 0, &mut out)?;
        Ok(out)
    }

    fn expand_into(&self, name: &str, depth: usize, out: &mut String) -> Result<(), String> {
        if let Some(c) = resolve_predefined_entity(name) {
            out.push_str(c);
            return Ok(());
        }
        if depth >= MAX_DEPTH {
            return Err(self.why(name));
        }
        let text = self.replacement(name).ok_or_else(|| self.why(name))?.to_owned();
        if text.contains('<') {
            return Err(format!("entity `{name}` contains markup, which schema files cannot use here"));
        }
        let mut rest = text.as_str();
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            let end = rest[i..].find(';').ok_or_else(|| format!("entity `{name}`: `&` without `;`"))?;
            let inner = &rest[i + 1..i + end];
            match inner.strip_prefix('#') {
                Some(num) => out.push(char_ref(num)?),
                None => self.expand_into(inner, depth + 1, out)?,
            }
            rest = &rest[i + end + 1..];
        }
        out.push_str(rest);
        Ok(())
    }
}

/// The declaration after `<!KEYWORD` up to its closing `>` (outside quotes), and what follows.
fn declaration(text: &str) -> Result<(&str, &str), String> {
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => return Ok((&text[..i], &text[i + 1..])),
            _ => {}
        }
    }
    Err("a declaration in the DOCTYPE is never closed".into())
}

/// An entity literal with its character references expanded (§4.5: they are replaced when the
/// entity is declared, entity references when it is used).
fn char_refs(literal: &str) -> Result<String, String> {
    let mut out = String::with_capacity(literal.len());
    let mut rest = literal;
    while let Some(i) = rest.find("&#") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(';').ok_or("`&#` without `;`")?;
        out.push(char_ref(&rest[i + 2..i + end])?);
        rest = &rest[i + end + 1..];
    }
    if rest.contains('%') {
        // `%name;` in an entity value is a parameter entity reference.
        let at = rest.find('%').unwrap_or(0);
        if rest[at + 1..].split(';').next().is_some_and(|n| !n.is_empty() && !n.contains(char::is_whitespace)) {
            return Err("parameter entity references are not supported".into());
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The character of a reference's digits (`x20` or `32`).
fn char_ref(num: &str) -> Result<char, String> {
    let code = match num.strip_prefix('x') {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => num.parse(),
    };
    code.ok().and_then(char::from_u32).ok_or_else(|| format!("`&#{num};` is no character"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_nested_entities_with_character_references() {
        let e = Entities::parse(
            r#"schema [
            <!-- a comment with > in it -->
            <!ENTITY pct "&#x25;">
            <!ENTITY hex "0-9A-F">
            <!ENTITY escape "&pct;[&hex;]{2}">
            <!ENTITY escape "ignored: the first declaration binds">
            <!ENTITY amp2 "a&amp;b">
            <!ELEMENT x (#PCDATA)>
            <!ENTITY ext SYSTEM "http://example.com/never">
        ]"#,
        )
        .unwrap();
        assert_eq!(e.expand_text("escape").unwrap(), "%[0-9A-F]{2}");
        assert_eq!(e.expand_text("amp2").unwrap(), "a&b");
        assert!(e.expand_text("ext").unwrap_err().contains("nothing is fetched"));
        assert!(e.expand_text("nope").unwrap_err().contains("unknown entity"));
    }

    #[test]
    fn a_billion_laughs_is_an_error() {
        let mut subset = String::from("x [<!ENTITY l0 \"lol\">");
        for i in 1..12 {
            let p = i - 1;
            subset.push_str(&format!("<!ENTITY l{i} \"{}\">", format!("&l{p};").repeat(10)));
        }
        subset.push(']');
        let e = Entities::parse(&subset).unwrap();
        let err = e.expand_text("l11").unwrap_err();
        assert!(err.contains("exceeds"), "{err}");
    }

    #[test]
    fn recursion_is_bounded() {
        let e = Entities::parse(r#"x [<!ENTITY a "&b;"><!ENTITY b "&a;">]"#).unwrap();
        assert!(e.expand_text("a").unwrap_err().contains("levels"));
    }
}
