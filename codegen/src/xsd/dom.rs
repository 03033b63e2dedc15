//! A small XML tree over quick-xml events: element names resolved against their namespace
//! declarations, attribute values unescaped, and the byte range of every start tag and attribute
//! kept so that any later diagnostic can name file, line and column.

use std::collections::BTreeMap;
use std::rc::Rc;

use quick_xml::escape::{resolve_predefined_entity, EscapeError};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::doctype::{Entities, MAX_DEPTH};
use crate::diagnostic::SchemaError;
use crate::ir::{Source, Span};

/// The XML Schema namespace.
pub const XS: &str = "http://www.w3.org/2001/XMLSchema";
/// The namespace the `xml:` prefix is bound to.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Namespace declarations in scope: prefix → namespace (`""` is the default namespace; an empty
/// namespace undeclares it).
pub type Scope = BTreeMap<String, String>;

/// One element of a parsed file.
#[derive(Debug)]
pub struct Node {
    /// The element's namespace, if any.
    pub ns: Option<String>,
    /// The local name.
    pub local: String,
    /// Attributes, in document order, values unescaped.
    pub attrs: Vec<Attr>,
    /// Child elements, in document order.
    pub children: Vec<Node>,
    /// Character data directly inside the element, concatenated.
    pub text: String,
    /// For each child, the length of `text` where it starts (to interleave text and children).
    pub child_at: Vec<usize>,
    /// The start tag.
    pub span: Span,
    /// Namespace declarations in scope at this element.
    pub scope: Rc<Scope>,
}

/// An attribute of a [`Node`].
#[derive(Debug)]
pub struct Attr {
    /// The name as written (with its prefix, if any).
    pub name: String,
    /// The value, with entity and character references resolved.
    pub value: String,
    /// Where the attribute is written.
    pub span: Span,
}

/// A reference to a named thing, resolved against the namespaces in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QName {
    /// The namespace, `None` for no namespace.
    pub ns: Option<String>,
    /// The local part.
    pub local: String,
}

impl Node {
    /// Whether this is the XSD element `xs:<local>`.
    pub fn is_xs(&self, local: &str) -> bool {
        self.in_xs() && self.local == local
    }

    /// Whether the element is in the XSD namespace.
    pub fn in_xs(&self) -> bool {
        self.ns.as_deref() == Some(XS)
    }

    /// The name as a reader sees it: `xs:element`, `{urn:x}value`, `p`.
    pub fn display_name(&self) -> String {
        match self.ns.as_deref() {
            Some(XS) => format!("xs:{}", self.local),
            Some(ns) => format!("{{{ns}}}{}", self.local),
            None => self.local.clone(),
        }
    }

    /// An unprefixed attribute.
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    /// An unprefixed attribute's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attr(name).map(|a| a.value.as_str())
    }

    /// Child elements other than `xs:annotation`.
    pub fn content(&self) -> impl Iterator<Item = &Node> {
        self.children.iter().filter(|c| !c.is_xs("annotation"))
    }

    /// The first child `xs:<local>`.
    pub fn xs_child(&self, local: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.is_xs(local))
    }

    /// All character data inside the element and its descendants.
    pub fn deep_text(&self) -> String {
        let mut out = String::new();
        let mut from = 0;
        for (c, &at) in self.children.iter().zip(&self.child_at) {
            out.push_str(&self.text[from..at]);
            out.push_str(&c.deep_text());
            from = at;
        }
        out.push_str(&self.text[from..]);
        out
    }

    fn push_child(&mut self, child: Node) {
        self.child_at.push(self.text.len());
        self.children.push(child);
    }

    /// Resolves a QName written in an attribute value (`xs:string`, `mosTime`).
    pub fn resolve(&self, value: &str) -> Result<QName, String> {
        let value = value.trim();
        let (prefix, local) = match value.split_once(':') {
            Some((p, l)) => (p, l),
            None => ("", value),
        };
        if local.is_empty() || local.contains(':') || (value.contains(':') && prefix.is_empty()) {
            return Err(format!("`{value}` is not a valid qualified name"));
        }
        let ns = match prefix {
            "xml" => Some(XML_NS.to_owned()),
            "" => self.scope.get("").filter(|ns| !ns.is_empty()).cloned(),
            p => match self.scope.get(p) {
                Some(ns) if !ns.is_empty() => Some(ns.clone()),
                _ => return Err(format!("the prefix `{p}` of `{value}` is not declared")),
            },
        };
        Ok(QName { ns, local: local.to_owned() })
    }
}

/// Parses one file. `file` is the index of `source` in the schema's sources.
pub fn parse(sources: &[Source], file: usize) -> Result<Node, SchemaError> {
    let text = sources[file].text.as_str();
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let body = &text[bom..];
    let at = |start: usize, end: usize, msg: String| {
        SchemaError::at(sources, Span { file, start: start + bom, end: end + bom }, msg)
    };
    let mut reader = Reader::from_str(body);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let root_scope = Rc::new(Scope::new());
    let mut entities = Entities::default();
    loop {
        let before = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let pos = reader.error_position() as usize;
                return Err(at(pos, pos, format!("malformed XML: {e}")));
            }
        };
        let after = reader.buffer_position() as usize;
        match event {
            Event::Start(start) | Event::Empty(start) if root.is_some() => {
                let _ = start;
                return Err(at(before, after, "malformed XML: more than one root element".into()));
            }
            Event::Start(start) => {
                let scope = stack.last().map_or_else(|| root_scope.clone(), |n| n.scope.clone());
                let node = element(&start, scope, file, before + bom, after + bom, (body, bom), &entities)
                    .map_err(|(s, e, m)| at(s, e, m))?;
                stack.push(node);
            }
            Event::Empty(start) => {
                let scope = stack.last().map_or_else(|| root_scope.clone(), |n| n.scope.clone());
                let node = element(&start, scope, file, before + bom, after + bom, (body, bom), &entities)
                    .map_err(|(s, e, m)| at(s, e, m))?;
                match stack.last_mut() {
                    Some(parent) => parent.push_child(node),
                    None => root = Some(node),
                }
            }
            Event::End(_) => {
                let Some(node) = stack.pop() else {
                    return Err(at(before, after, "malformed XML: end tag without start tag".into()));
                };
                match stack.last_mut() {
                    Some(parent) => parent.push_child(node),
                    None => root = Some(node),
                }
            }
            Event::Text(t) => {
                let s = t.xml10_content();
                match stack.last_mut() {
                    Some(n) => n.text.push_str(&s),
                    None if s.trim().is_empty() => {}
                    None => return Err(at(before, after, "malformed XML: text outside the root element".into())),
                }
            }
            Event::CData(t) => {
                let s = t.xml10_content();
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&s);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match resolve_predefined_entity(&r.xml10_content()) {
                        Some(s) => s.to_owned(),
                        None => entities.expand_text(&r.xml10_content()).map_err(|e| at(before, after, e))?,
                    },
                    Err(e) => return Err(at(before, after, format!("malformed XML: {e}"))),
                };
                match stack.last_mut() {
                    Some(n) => n.text.push_str(&resolved),
                    None => return Err(at(before, after, "malformed XML: text outside the root element".into())),
                }
            }
            // Its internal entities are expanded where they are used; nothing external is read.
            Event::DocType(t) => {
                entities = Entities::parse(&t.xml10_content()).map_err(|e| at(before, after, e))?;
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(SchemaError::at(
            sources,
            open.span,
            format!("malformed XML: <{}> is never closed", open.display_name()),
        ));
    }
    root.ok_or_else(|| at(body.len(), body.len(), "malformed XML: no root element".into()))
}

type ElementError = (usize, usize, String);

/// Builds a node from a start tag at `start..end` (offsets in the whole file).
fn element(
    tag: &BytesStart,
    parent_scope: Rc<Scope>,
    file: usize,
    start: usize,
    end: usize,
    (body, bom): (&str, usize),
    entities: &Entities,
) -> Result<Node, ElementError> {
    let local_err = |msg: String| (start - bom, end - bom, msg);
    let raw = &body[start - bom..end - bom];
    let mut attrs = Vec::new();
    let mut declared: Vec<(String, String)> = Vec::new();
    for a in tag.attributes() {
        let a = a.map_err(|e| local_err(format!("malformed XML attribute: {e}")))?;
        let name = a.key.as_ref().to_owned();
        let value = if entities.is_empty() {
            a.normalized_value(XmlVersion::Implicit1_0)
        } else {
            a.normalized_value_with(XmlVersion::Implicit1_0, MAX_DEPTH, |n| {
                resolve_predefined_entity(n).or_else(|| entities.replacement(n))
            })
        };
        let value = match value {
            Ok(v) => v.into_owned(),
            Err(quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(_, entity))) if !entities.is_empty() => {
                return Err(local_err(format!("value of attribute `{name}`: {}", entities.why(&entity))));
            }
            Err(e) => return Err(local_err(format!("malformed value of attribute `{name}`: {e}"))),
        };
        let offset = attr_offset(raw, &name).map_or(start, |o| start + o);
        let span = Span { file, start: offset, end: offset + name.len() };
        if name == "xmlns" {
            declared.push((String::new(), value.clone()));
        } else if let Some(p) = name.strip_prefix("xmlns:") {
            declared.push((p.to_owned(), value.clone()));
        }
        attrs.push(Attr { name, value, span });
    }
    let scope = if declared.is_empty() {
        parent_scope
    } else {
        let mut s = (*parent_scope).clone();
        s.extend(declared);
        Rc::new(s)
    };
    let qname = tag.name().as_ref().to_owned();
    let (prefix, local) = match qname.split_once(':') {
        Some((p, l)) => (p, l.to_owned()),
        None => ("", qname.clone()),
    };
    let ns = match prefix {
        "" => scope.get("").filter(|ns| !ns.is_empty()).cloned(),
        "xml" => Some(XML_NS.to_owned()),
        p => match scope.get(p) {
            Some(ns) if !ns.is_empty() => Some(ns.clone()),
            _ => return Err(local_err(format!("the prefix `{p}` of <{qname}> is not declared"))),
        },
    };
    Ok(Node {
        ns,
        local,
        attrs,
        children: Vec::new(),
        text: String::new(),
        child_at: Vec::new(),
        span: Span { file, start, end },
        scope,
    })
}

/// Byte offset of attribute `name` inside a raw start tag.
fn attr_offset(raw: &str, name: &str) -> Option<usize> {
    let bytes = raw.as_bytes();
    let mut from = 0;
    while let Some(i) = raw[from..].find(name).map(|i| i + from) {
        let before_ok = i > 0 && bytes[i - 1].is_ascii_whitespace();
        let rest = raw[i + name.len()..].trim_start();
        if before_ok && rest.starts_with('=') {
            return Some(i);
        }
        from = i + name.len();
    }
    None
}

/// Binds the default namespace to `ns` wherever a tree does not declare one: a chameleon
/// include's unprefixed references then name components of its includer's namespace.
pub fn default_namespace(root: &mut Node, ns: &str) {
    fn walk(node: &mut Node, ns: &str, done: &mut Vec<(Rc<Scope>, Rc<Scope>)>) {
        if node.scope.get("").is_none_or(|d| d.is_empty()) {
            let adopted = match done.iter().find(|(from, _)| Rc::ptr_eq(from, &node.scope)) {
                Some((_, to)) => to.clone(),
                None => {
                    let mut scope = (*node.scope).clone();
                    scope.insert(String::new(), ns.to_owned());
                    let to = Rc::new(scope);
                    done.push((node.scope.clone(), to.clone()));
                    to
                }
            };
            node.scope = adopted;
        }
        for c in &mut node.children {
            walk(c, ns, done);
        }
    }
    walk(root, ns, &mut Vec::new());
}
