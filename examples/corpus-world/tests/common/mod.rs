//! "Equal document" for the XSD example tests, read with quick-xml's own namespace-resolving
//! reader (not osmos's): see `xsd_examples.rs` for the definition.
#![allow(dead_code)]

pub mod mutations;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

#[derive(Debug, PartialEq)]
pub enum Node {
    Element { ns: String, local: String, attrs: BTreeSet<(String, String, String)>, children: Vec<Node> },
    Text(String),
}

pub fn ns_of(r: ResolveResult) -> String {
    match r {
        ResolveResult::Bound(ns) => ns.into_inner().to_owned(),
        ResolveResult::Unbound => String::new(),
        ResolveResult::Unknown(p) => panic!("undeclared prefix {p:?}"),
    }
}

/// The tree of `xml`; in elements named in `base64` all whitespace is dropped from the text.
pub fn tree(xml: &str, base64: &[&str]) -> Node {
    let mut reader = NsReader::from_str(xml);
    let mut stack: Vec<Node> = Vec::new();
    let mut text = String::new();
    let flush = |stack: &mut Vec<Node>, text: &mut String| {
        let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        text.clear();
        if collapsed.is_empty() {
            return;
        }
        if let Some(Node::Element { local, children, .. }) = stack.last_mut() {
            let t = if base64.contains(&local.as_str()) { collapsed.replace(' ', "") } else { collapsed };
            children.push(Node::Text(t));
        }
    };
    loop {
        let (resolved, event) = reader.read_resolved_event().unwrap();
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                flush(&mut stack, &mut text);
                let ns = ns_of(resolved);
                let local = e.local_name().as_ref().to_owned();
                let mut attrs = BTreeSet::new();
                for a in e.attributes() {
                    let a = a.unwrap();
                    let key = a.key.as_ref();
                    if key == "xmlns" || key.starts_with("xmlns:") {
                        continue;
                    }
                    let (ans, alocal) = reader.resolver().resolve_attribute(a.key);
                    let value = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned();
                    let alocal = alocal.as_ref().to_owned();
                    attrs.insert((ns_of(ans), alocal, value));
                }
                let node = Node::Element { ns, local, attrs, children: Vec::new() };
                if matches!(event, Event::Empty(_)) {
                    match stack.last_mut() {
                        Some(Node::Element { children, .. }) => children.push(node),
                        _ => return node,
                    }
                } else {
                    stack.push(node);
                }
            }
            Event::End(_) => {
                flush(&mut stack, &mut text);
                let node = stack.pop().unwrap();
                match stack.last_mut() {
                    Some(Node::Element { children, .. }) => children.push(node),
                    _ => return node,
                }
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let c = r.resolve_char_ref().unwrap();
                match c {
                    Some(c) => text.push(c),
                    None => text.push_str(quick_xml::escape::resolve_predefined_entity(&r.xml10_content()).unwrap()),
                }
            }
            Event::Eof => panic!("no root element"),
            _ => {}
        }
    }
}

/// The first difference between two trees, with its path.
pub fn diff(a: &Node, b: &Node, path: &str) -> Option<String> {
    match (a, b) {
        (Node::Text(x), Node::Text(y)) if x == y => None,
        (
            Node::Element { ns: n1, local: l1, attrs: a1, children: c1 },
            Node::Element { ns: n2, local: l2, attrs: a2, children: c2 },
        ) => {
            let here = format!("{path}/{{{n1}}}{l1}");
            if (n1, l1) != (n2, l2) {
                return Some(format!("{here}: element {{{n2}}}{l2} instead"));
            }
            if a1 != a2 {
                return Some(format!("{here}: attributes {a1:?} != {a2:?}"));
            }
            if c1.len() != c2.len() {
                return Some(format!("{here}: {} children != {}: {c1:?} / {c2:?}", c1.len(), c2.len()));
            }
            c1.iter().zip(c2).enumerate().find_map(|(i, (x, y))| diff(x, y, &format!("{here}[{i}]")))
        }
        _ => Some(format!("{path}: {a:?} != {b:?}")),
    }
}

const XLINK: &str = r#"<?xml version="1.0"?>
<!-- A stand-in for http://www.w3.org/XML/2008/06/xlink.xsd: the global attributes of XLink 1.1
 (W3C Recommendation, 2010) that DASH references, with their types. -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/1999/xlink">
  <xs:attribute name="href" type="xs:anyURI"/>
  <xs:attribute name="type">
<xs:simpleType><xs:restriction base="xs:token">
  <xs:enumeration value="simple"/><xs:enumeration value="extended"/><xs:enumeration value="title"/>
  <xs:enumeration value="resource"/><xs:enumeration value="locator"/><xs:enumeration value="arc"/>
</xs:restriction></xs:simpleType>
  </xs:attribute>
  <xs:attribute name="show">
<xs:simpleType><xs:restriction base="xs:token">
  <xs:enumeration value="new"/><xs:enumeration value="replace"/><xs:enumeration value="embed"/>
  <xs:enumeration value="other"/><xs:enumeration value="none"/>
</xs:restriction></xs:simpleType>
  </xs:attribute>
  <xs:attribute name="actuate">
<xs:simpleType><xs:restriction base="xs:token">
  <xs:enumeration value="onLoad"/><xs:enumeration value="onRequest"/><xs:enumeration value="other"/>
  <xs:enumeration value="none"/>
</xs:restriction></xs:simpleType>
  </xs:attribute>
</xs:schema>
"#;

/// An XML catalog for `xmllint --nonet` runs, written into `dir`: `http://www.w3.org/2001/xml.xsd`
/// is the copy beside NewsML-G2 in `corpus` (`../shared/corpus`), XLink's schema (which DASH
/// imports from the network) the stand-in [`XLINK`], written into `dir`.
pub fn xmllint_catalog(corpus: &Path, dir: &Path) -> PathBuf {
    let xml_xsd = corpus.join("xsd-broadcast/newsml-g2/xml.xsd").canonicalize().unwrap();
    let xlink = dir.join("xlink.xsd");
    std::fs::write(&xlink, XLINK).unwrap();
    let mut entries = String::new();
    for (name, file) in
        [("http://www.w3.org/2001/xml.xsd", xml_xsd), ("http://www.w3.org/XML/2008/06/xlink.xsd", xlink)]
    {
        let file = file.display();
        entries.push_str(&format!("  <uri name=\"{name}\" uri=\"file://{file}\"/>\n"));
        entries.push_str(&format!("  <system systemId=\"{name}\" uri=\"file://{file}\"/>\n"));
    }
    let path = dir.join("catalog.xml");
    std::fs::write(
        &path,
        format!(
            "<?xml version=\"1.0\"?>\n<catalog xmlns=\"urn:oasis:names:tc:entity:xmlns:xml:catalog\">\n{entries}</catalog>\n"
        ),
    )
    .unwrap();
    path
}
