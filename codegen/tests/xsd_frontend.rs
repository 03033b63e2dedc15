//! The XSD front end: one golden-style test per construct on small inline schemas, rejections
//! with their file:line:column, and the project's MOS schema.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use osmos_codegen::ir::{
    Constraint, Key, Literal, MessageKey, Occur, Prim, Schema, Ty, TyKind, TypeDef, TypeKind, Wire,
};
use osmos_codegen::{xsd, Error, SchemaError};

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
"#;
const TAIL: &str = "</xs:schema>\n";

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir(tag: &str) -> TempDir {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("osmos-xsd-{}-{tag}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p
}

/// A schema document around `body` (which starts on line 3).
fn doc(body: &str) -> String {
    format!("{HEAD}{body}{TAIL}")
}

fn try_compile(tag: &str, body: &str) -> Result<Schema, Error> {
    let dir = temp_dir(tag);
    let main = write(&dir, "main.xsd", &doc(body));
    xsd::compile("test", &[main])
}

fn compile(tag: &str, body: &str) -> Schema {
    let s = try_compile(tag, body).unwrap_or_else(|e| panic!("{tag}: {e}"));
    assert_eq!(s.wire, Wire::Xml);
    if let Err(errors) = osmos_codegen::check::check(&s) {
        panic!("{tag}: check failed: {errors:?}");
    }
    s
}

fn schema_errors(r: Result<Schema, Error>) -> Vec<SchemaError> {
    match r {
        Ok(_) => panic!("expected the schema to be rejected"),
        Err(Error::Schema(errors)) => errors,
        Err(other) => panic!("expected schema errors, got {other}"),
    }
}

/// `(line, column)` of the first `needle` in `text`, 1-based.
fn pos(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).unwrap_or_else(|| panic!("`{needle}` not in the text"));
    osmos_codegen::diagnostic::line_col(text, at)
}

fn ty(t: &Ty) -> String {
    let mut s = match &t.kind {
        TyKind::Prim(p) => match p {
            Prim::Uint => "uint".to_owned(),
            Prim::Nint => "nint".to_owned(),
            Prim::Int => "int".to_owned(),
            Prim::Float { bits } => format!("float{bits}"),
            Prim::Bool => "bool".to_owned(),
            Prim::Text => "text".to_owned(),
            Prim::Bytes => "bytes".to_owned(),
            Prim::Any => "any".to_owned(),
            Prim::Null => "null".to_owned(),
            Prim::Undefined => "undefined".to_owned(),
            Prim::TextValue(path) => format!("value({path})"),
        },
        TyKind::Named(n) => n.clone(),
        TyKind::Rust { path, .. } => format!("rust({path})"),
        TyKind::List { item, min, max } => format!("[{}]{{{min},{}}}", ty(item), bound(*max)),
    };
    for c in &t.constraints {
        s.push(' ');
        s.push_str(&match c {
            Constraint::Chars { min, max } => format!("chars({min}..{})", bound(*max)),
            Constraint::Size { min, max } => format!("size({min}..{})", bound(*max)),
            Constraint::Pattern(p) => format!("pattern({p})"),
            Constraint::Range { min, max } => {
                let side = |b: &Option<osmos_codegen::ir::Bound>, open: &str, closed: &str| match b {
                    None => String::new(),
                    Some(b) => format!("{}{}", if b.inclusive { closed } else { open }, lit(&b.value)),
                };
                format!("range({}..{})", side(min, ">", ">="), side(max, "<", "<="))
            }
        });
    }
    if let Some(d) = &t.default {
        s.push_str(&format!(" = {}", lit(d)));
    }
    s
}

fn bound(max: Option<u64>) -> String {
    max.map_or_else(|| "*".to_owned(), |m| m.to_string())
}

fn lit(l: &Literal) -> String {
    match l {
        Literal::Int(i) => i.to_string(),
        Literal::Float(f) => format!("{f:?}"),
        Literal::Text(t) => format!("{t:?}"),
        Literal::Bool(b) => b.to_string(),
        Literal::Bytes(b) => format!("{b:?}"),
    }
}

fn occur(o: Occur) -> String {
    match o {
        Occur::One => String::new(),
        Occur::Optional => "?".into(),
        Occur::Many { min: 0, max: None } => "*".into(),
        Occur::Many { min: 1, max: None } => "+".into(),
        Occur::Many { min, max } => format!("{{{min},{}}}", bound(max)),
    }
}

/// One line per type: `name = <shape>`, fields as `key occurrence: type`.
fn render(t: &TypeDef) -> String {
    let msg = match &t.message {
        Some(MessageKey::Element(e)) => format!(" (message <{e}>)"),
        Some(MessageKey::TypeKey(k)) => format!(" (type key {k})"),
        None => String::new(),
    };
    let body = match &t.kind {
        TypeKind::Struct(s) => {
            let fields: Vec<String> = s
                .fields
                .iter()
                .map(|f| {
                    let key = match &f.key {
                        Key::Element(e) if *e == f.name => format!("<{e}>"),
                        Key::Element(e) => format!("{}=<{e}>", f.name),
                        Key::Attribute(a) if *a == f.name => format!("@{a}"),
                        Key::Attribute(a) => format!("{}=@{a}", f.name),
                        Key::Content => format!("{}=#content", f.name),
                        Key::Choice => format!("{}=choice", f.name),
                        Key::AnyElement(_) => format!("{}=<*>", f.name),
                        Key::AnyAttribute => format!("{}=@*", f.name),
                        other => format!("{other:?}"),
                    };
                    format!("{key}{}: {}", occur(f.occur), ty(&f.ty))
                })
                .collect();
            if fields.is_empty() {
                "{}".to_owned()
            } else {
                format!("{{ {} }}", fields.join(", "))
            }
        }
        TypeKind::Enum(e) => {
            let v: Vec<String> = e.variants.iter().map(|v| lit(&v.value)).collect();
            format!("enum {}", v.join(" | "))
        }
        TypeKind::Choice(c) => {
            let v: Vec<String> = c
                .variants
                .iter()
                .map(|v| match &v.element {
                    Some(e) => format!("<{e}>: {}", ty(&v.ty)),
                    None => format!("{}: {}", v.name, ty(&v.ty)),
                })
                .collect();
            format!("choice {}", v.join(" | "))
        }
        TypeKind::Alias(a) => format!("alias {}", ty(a)),
    };
    format!("{}{msg} = {body}", t.name)
}

fn render_all(s: &Schema) -> Vec<String> {
    s.types.iter().map(render).collect()
}

fn assert_types(s: &Schema, expected: &[&str]) {
    let got = render_all(s);
    assert_eq!(got, expected, "\n got:\n{}\n", got.join("\n"));
}

// ------------------------------------------------------------------------------ constructs

#[test]
fn sequence_of_simple_elements() {
    let s = compile(
        "sequence",
        r#"  <xs:element name="heartbeat">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="time" type="xs:string"/>
        <xs:element name="count" type="xs:integer"/>
        <xs:element name="ok" type="xs:boolean"/>
        <xs:element name="ratio" type="xs:decimal"/>
        <xs:element name="n" type="xs:nonNegativeInteger"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
"#,
    );
    assert_types(
        &s,
        &["heartbeat = { <time>: text, <count>: int, <ok>: bool, <ratio>: value(xml::Decimal), <n>: uint }"],
    );
    assert_eq!(s.name, "test");
    assert!(s.messages().next().is_none(), "a root without a choice has no messages");
}

#[test]
fn choice_of_elements_is_a_hoisted_choice() {
    let s = compile(
        "choice",
        r#"  <xs:element name="target">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="id" type="xs:string"/>
        <xs:choice minOccurs="0">
          <xs:element ref="part" maxOccurs="unbounded"/>
          <xs:element name="partID" type="xs:string" maxOccurs="unbounded"/>
          <xs:element name="note" type="xs:string"/>
        </xs:choice>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:element name="part">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="name" type="xs:string"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:element name="holder">
    <xs:complexType>
      <xs:sequence>
        <xs:element ref="target"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
"#,
    );
    assert_types(
        &s,
        &[
            "target = { <id>: text, choice=choice?: target-choice }",
            "target-choice = choice <part>: [part]{1,*} | <partID>: [text]{1,*} | <note>: text",
            "part = { <name>: text }",
            "holder = { <target>: target }",
        ],
    );
}

#[test]
fn xs_all_is_a_struct_in_document_order() {
    let s = compile(
        "all",
        r#"  <xs:element name="info">
    <xs:complexType>
      <xs:all>
        <xs:element name="b" type="xs:string"/>
        <xs:element name="a" type="xs:string" minOccurs="0"/>
      </xs:all>
    </xs:complexType>
  </xs:element>
"#,
    );
    assert_types(&s, &["info = { <b>: text, <a>?: text }"]);
}

#[test]
fn occurrences_multiply_into_nested_particles() {
    let s = compile(
        "occurs",
        r#"  <xs:element name="ack">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="id" type="xs:string"/>
        <xs:element name="opt" type="xs:string" minOccurs="0"/>
        <xs:element name="many" type="xs:string" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element name="some" type="xs:string" maxOccurs="unbounded"/>
        <xs:element name="pair" type="xs:string" minOccurs="2" maxOccurs="2"/>
        <xs:element name="never" type="xs:string" maxOccurs="0" minOccurs="0"/>
        <xs:sequence minOccurs="0">
          <xs:element name="x" type="xs:string"/>
          <xs:element name="y" type="xs:string" minOccurs="0"/>
        </xs:sequence>
        <xs:sequence minOccurs="0" maxOccurs="unbounded">
          <xs:element name="storyID" type="xs:string"/>
          <xs:element name="itemChannel" type="xs:string" minOccurs="0"/>
          <xs:element name="status" type="xs:string"/>
        </xs:sequence>
        <xs:sequence maxOccurs="3">
          <xs:element name="z" type="xs:string" maxOccurs="2"/>
        </xs:sequence>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
"#,
    );
    assert_types(
        &s,
        &["ack = { <id>: text, <opt>?: text, <many>*: text, <some>+: text, <pair>{2,2}: text, <x>?: text, \
           <y>?: text, <storyID>*: text, <itemChannel>*: text, <status>*: text, <z>{1,6}: text }"],
    );
}

#[test]
fn attributes_required_optional_and_defaults() {
    let s = compile(
        "attributes",
        r#"  <xs:element name="profile">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="name" type="xs:string" default="none"/>
      </xs:sequence>
      <xs:attribute name="number" type="xs:int" use="required"/>
      <xs:attribute name="label" type="xs:string"/>
      <xs:attribute name="on" type="xs:boolean" default="true"/>
      <xs:attribute name="gone" type="xs:string" use="prohibited"/>
      <xs:attribute name="name" type="xs:string" fixed="x"/>
    </xs:complexType>
  </xs:element>
"#,
    );
    assert_types(
        &s,
        &["profile = { <name>: text = \"none\", @number: int range(>=-2147483648..<=2147483647), @label?: text, \
           @on?: bool = true, name-attr=@name?: text = \"x\" }"],
    );
}

#[test]
fn enumeration_is_an_enum_type() {
    let s = compile(
        "enum",
        r#"  <xs:simpleType name="airStatus">
    <xs:restriction base="xs:string">
      <xs:enumeration value="READY"/>
      <xs:enumeration value="NOT READY"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:element name="ready">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="air" type="airStatus"/>
        <xs:element name="mode">
          <xs:simpleType>
            <xs:restriction base="xs:string">
              <xs:enumeration value="A"/>
              <xs:enumeration value="B"/>
            </xs:restriction>
          </xs:simpleType>
        </xs:element>
        <xs:element ref="level" minOccurs="0"/>
        <xs:element ref="code"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:element name="level" default="LOW">
    <xs:simpleType>
      <xs:restriction base="xs:string">
        <xs:enumeration value="LOW"/>
        <xs:enumeration value="HIGH"/>
      </xs:restriction>
    </xs:simpleType>
  </xs:element>
  <xs:element name="code" type="xs:string"/>
"#,
    );
    assert_types(
        &s,
        &[
            "airStatus = enum \"READY\" | \"NOT READY\"",
            "ready = { <air>: airStatus, <mode>: mode, <level>?: level-type = \"LOW\", <code>: text }",
            "mode = enum \"A\" | \"B\"",
            // A simple global element is no type; its inline enumeration is `<element>-type`.
            "level-type = enum \"LOW\" | \"HIGH\"",
        ],
    );
    let TypeKind::Enum(e) = &s.get("airStatus").unwrap().kind else { panic!() };
    assert_eq!(e.variants[1].name, "NOT READY");
}

#[test]
fn length_facets_are_char_constraints() {
    let s = compile(
        "length",
        r#"  <xs:simpleType name="s128">
    <xs:restriction base="xs:string">
      <xs:maxLength value="128"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="code">
    <xs:restriction base="s128">
      <xs:minLength value="2"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:element name="e">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="slug" type="s128"/>
        <xs:element name="code" type="code"/>
        <xs:element name="fixed">
          <xs:simpleType>
            <xs:restriction base="xs:string">
              <xs:length value="4"/>
            </xs:restriction>
          </xs:simpleType>
        </xs:element>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
"#,
    );
    assert_types(&s, &["e = { <slug>: text chars(0..128), <code>: text chars(2..128), <fixed>: text chars(4..4) }"]);
}

#[test]
fn patterns_of_one_step_are_alternatives() {
    let s = compile(
        "pattern",
        r#"  <xs:simpleType name="num">
    <xs:restriction base="xs:string">
      <xs:pattern value="[0-9]+"/>
      <xs:pattern value="0?x[0-9A-F]+"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="short">
    <xs:restriction base="num">
      <xs:pattern value=".{1,4}"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:element name="e">
    <xs:complexType>
      <xs:attribute name="n" type="num" use="required"/>
      <xs:attribute name="s" type="short" use="required"/>
    </xs:complexType>
  </xs:element>
"#,
    );
    assert_types(
        &s,
        &["e = { @n: text pattern(([0-9]+)|(0?x[0-9A-F]+)), \
           @s: text pattern(([0-9]+)|(0?x[0-9A-F]+)) pattern(.{1,4}) }"],
    );
}

#[test]
fn numeric_bounds_are_ranges() {
    let s = compile(
        "bounds",
        r#"  <xs:simpleType name="rev">
    <xs:restriction base="xs:integer">
      <xs:minInclusive value="0"/>
      <xs:maxExclusive value="1000"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:element name="e">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="rev" type="rev"/>
        <xs:element name="b" type="xs:unsignedByte"/>
        <xs:element name="ratio">
          <xs:simpleType>
            <xs:restriction base="xs:double">
              <xs:minExclusive value="0.5"/>
            </xs:restriction>
          </xs:simpleType>
        </xs:element>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
"#,
    );
    assert_types(
        &s,
        &["e = { <rev>: int range(>=0..<1000), <b>: uint range(..<=255), <ratio>: float64 range(>0.5..) }"],
    );
}

#[test]
fn any_and_mixed_content_are_raw_xml() {
    let s = compile(
        "raw",
        r#"  <xs:complexType name="rawType" mixed="true">
    <xs:sequence>
      <xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/>
    </xs:sequence>
  </xs:complexType>
  <xs:element name="body" type="rawType"/>
  <xs:element name="meta">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="schema" type="xs:string"/>
        <xs:element name="payload" type="rawType"/>
        <xs:element name="abstract" minOccurs="0">
          <xs:complexType mixed="true">
            <xs:attribute name="lang" type="xs:string"/>
          </xs:complexType>
        </xs:element>
        <xs:element name="ext">
          <xs:complexType>
            <xs:sequence>
              <xs:element name="head" type="xs:string"/>
              <xs:any minOccurs="0"/>
            </xs:sequence>
          </xs:complexType>
        </xs:element>
        <xs:element name="untyped"/>
        <xs:element ref="body"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
"#,
    );
    // No struct for `body`, `payload` or `abstract`: their content is kept raw. `ext` has an
    // element of its own: a struct, whose unknown elements take what `xs:any` matches.
    assert_types(
        &s,
        &[
            "meta = { <schema>: text, <payload>: any, <abstract>?: any, <ext>: ext, <untyped>: any, <body>: any }",
            "ext = { <head>: text, any=<*>: rust(::osmos::xml::UnknownElements<'a>) }",
        ],
    );
}

#[test]
fn element_ref_type_and_hoisted_names() {
    let s = compile(
        "refs",
        r#"  <xs:complexType name="roType">
    <xs:sequence>
      <xs:element name="roID" type="xs:string"/>
      <xs:element name="path" type="pathType" minOccurs="0"/>
      <xs:element name="item" minOccurs="0">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="itemID" type="xs:string"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
      <xs:element ref="story" maxOccurs="unbounded"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="pathType">
    <xs:sequence>
      <xs:element name="p" type="xs:string"/>
    </xs:sequence>
  </xs:complexType>
  <xs:element name="roCreate" type="roType"/>
  <xs:element name="roReplace" type="roType"/>
  <xs:element name="story">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="storyID" type="xs:string"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:element name="item">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="other" type="xs:string"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
"#,
    );
    assert_types(
        &s,
        &[
            // One type per element; the shared template's local types are hoisted once.
            "roCreate = { <roID>: text, <path>?: path, <item>?: roCreate-item, <story>+: story }",
            "path = { <p>: text }",
            "roCreate-item = { <itemID>: text }",
            "roReplace = { <roID>: text, <path>?: path, <item>?: roCreate-item, <story>+: story }",
            "story = { <storyID>: text }",
            "item = { <other>: text }",
        ],
    );
}

#[test]
fn includes_are_followed_relative_to_the_including_file() {
    let dir = temp_dir("include");
    write(
        &dir,
        "sub/types.xsd",
        &doc(r#"  <xs:include schemaLocation="../common/more.xsd"/>
  <xs:simpleType name="yesNo">
    <xs:restriction base="xs:string">
      <xs:enumeration value="YES"/>
      <xs:enumeration value="NO"/>
    </xs:restriction>
  </xs:simpleType>
"#),
    );
    write(
        &dir,
        "common/more.xsd",
        &doc(r#"  <xs:simpleType name="s8">
    <xs:restriction base="xs:string">
      <xs:maxLength value="8"/>
    </xs:restriction>
  </xs:simpleType>
"#),
    );
    let main = write(
        &dir,
        "main.xsd",
        &doc(r#"  <xs:include schemaLocation="sub/types.xsd"/>
  <xs:include schemaLocation="./common/more.xsd"/>
  <xs:element name="flag">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="v" type="yesNo"/>
        <xs:element name="s" type="s8"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
"#),
    );
    let s = xsd::compile("inc", std::slice::from_ref(&main)).unwrap();
    let shown = osmos_codegen::display(&main);
    let dir_shown = shown.strip_suffix("main.xsd").unwrap();
    let paths: Vec<&str> = s.sources.iter().map(|s| s.path.as_str()).collect();
    let expected = [shown.clone(), format!("{dir_shown}sub/types.xsd"), format!("{dir_shown}common/more.xsd")];
    assert_eq!(paths, expected, "each file once, in reading order, with forward slashes");
    assert!(paths.iter().all(|p| !p.contains('\\') && !p.contains("/./") && !p.contains("..")));
    assert_types(&s, &["yesNo = enum \"YES\" | \"NO\"", "flag = { <v>: yesNo, <s>: text chars(0..8) }"]);
    assert_eq!(s.get("yesNo").unwrap().span.file, 1, "the enum points into sub/types.xsd");
}

#[test]
fn documentation_becomes_docs() {
    let s = compile(
        "docs",
        r#"  <xs:simpleType name="ack">
    <xs:annotation>
      <xs:documentation>Acknowledgement status.</xs:documentation>
    </xs:annotation>
    <xs:restriction base="xs:string">
      <xs:enumeration value="ACK">
        <xs:annotation><xs:documentation>Accepted.</xs:documentation></xs:annotation>
      </xs:enumeration>
      <xs:enumeration value="NACK"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:element name="mosAck">
    <xs:annotation>
      <xs:documentation>
        Acknowledges an object message.
          Second line &amp; more.
      </xs:documentation>
    </xs:annotation>
    <xs:complexType>
      <xs:sequence>
        <xs:element name="status" type="ack">
          <xs:annotation>
            <xs:documentation>ACK or NACK.</xs:documentation>
          </xs:annotation>
        </xs:element>
      </xs:sequence>
      <xs:attribute name="id" type="xs:string">
        <xs:annotation><xs:documentation>The <b>id</b>.</xs:documentation></xs:annotation>
      </xs:attribute>
    </xs:complexType>
  </xs:element>
"#,
    );
    let ack = s.get("ack").unwrap();
    assert_eq!(ack.docs, ["Acknowledgement status."]);
    let TypeKind::Enum(e) = &ack.kind else { panic!() };
    assert_eq!(e.variants[0].docs, ["Accepted."]);
    let m = s.get("mosAck").unwrap();
    assert_eq!(m.docs, ["Acknowledges an object message.", "Second line & more."]);
    let TypeKind::Struct(st) = &m.kind else { panic!() };
    assert_eq!(st.fields[0].docs, ["ACK or NACK."]);
    assert_eq!(st.fields[1].docs, ["The id."]);
}

/// The same element reached twice through a choice (as a sequence's first element and as an
/// alternative of its own; a group alone and inside a sequence) is a field per reach, never
/// refused.
#[test]
fn an_element_reached_twice_through_a_choice_is_a_field_per_reach() {
    let s = compile(
        "reached",
        r#"  <xs:element name="r">
    <xs:complexType>
      <xs:choice>
        <xs:sequence><xs:element name="a" type="xs:string"/><xs:element name="b" type="xs:string"/></xs:sequence>
        <xs:element name="a" type="xs:string"/>
      </xs:choice>
    </xs:complexType>
  </xs:element>
  <xs:group name="g"><xs:sequence><xs:element name="x" type="xs:int"/></xs:sequence></xs:group>
  <xs:element name="s">
    <xs:complexType>
      <xs:choice>
        <xs:group ref="g"/>
        <xs:sequence><xs:element name="y" type="xs:int"/><xs:group ref="g"/></xs:sequence>
      </xs:choice>
    </xs:complexType>
  </xs:element>
"#,
    );
    assert_types(
        &s,
        &[
            "r = { <a>?: text, <b>?: text, a-2=<a>?: text }",
            "s = { <x>?: int range(>=-2147483648..<=2147483647), <y>?: int range(>=-2147483648..<=2147483647), x-2=<x>?: int range(>=-2147483648..<=2147483647) }",
        ],
    );
}

#[test]
fn simple_content_extension_is_content_plus_attributes() {
    let s = compile(
        "simplecontent",
        r#"  <xs:simpleType name="s255">
    <xs:restriction base="xs:string">
      <xs:maxLength value="255"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:complexType name="pathType">
    <xs:simpleContent>
      <xs:extension base="s255">
        <xs:attribute name="techDescription" type="xs:string" use="required"/>
      </xs:extension>
    </xs:simpleContent>
  </xs:complexType>
  <xs:element name="objPaths">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="objPath" type="pathType" maxOccurs="unbounded"/>
        <xs:element name="objProxyPath" type="pathType" minOccurs="0"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:element name="flag">
    <xs:complexType>
      <xs:simpleContent>
        <xs:extension base="xs:boolean">
          <xs:attribute name="number" type="xs:int" use="required"/>
        </xs:extension>
      </xs:simpleContent>
    </xs:complexType>
  </xs:element>
"#,
    );
    assert_types(
        &s,
        &[
            "objPaths = { <objPath>+: objPath, <objProxyPath>?: objProxyPath }",
            "objPath = { value=#content: text chars(0..255), @techDescription: text }",
            "objProxyPath = { value=#content: text chars(0..255), @techDescription: text }",
            "flag = { value=#content: bool, @number: int range(>=-2147483648..<=2147483647) }",
        ],
    );
}

#[test]
fn appinfo_value_annotation_is_a_text_value() {
    let s = compile(
        "appinfo",
        r#"  <xs:simpleType name="mosTime" xmlns:osmos="urn:osmos">
    <xs:annotation>
      <xs:documentation>MOS time.</xs:documentation>
      <xs:appinfo>
        <osmos:value type="mos::value::MosTime"/>
      </xs:appinfo>
    </xs:annotation>
    <xs:restriction base="xs:string">
      <xs:pattern value="[0-9]{4}-.*"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="laterTime">
    <xs:restriction base="mosTime">
      <xs:pattern value="2.*"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:element name="heartbeat">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="time" type="mosTime"/>
        <xs:element name="later" type="laterTime" minOccurs="0"/>
      </xs:sequence>
      <xs:attribute name="at" type="mosTime"/>
    </xs:complexType>
  </xs:element>
"#,
    );
    assert_types(
        &s,
        &["heartbeat = { <time>: value(mos::value::MosTime), <later>?: value(mos::value::MosTime), \
           @at?: value(mos::value::MosTime) }"],
    );
}

#[test]
fn envelope_choice_alternatives_are_messages() {
    let s = compile(
        "envelope",
        r#"  <xs:element name="env">
    <xs:complexType>
      <xs:choice>
        <xs:sequence>
          <xs:element name="fromID" type="xs:string"/>
          <xs:element name="toID" type="xs:string"/>
          <xs:element name="messageID" type="xs:string" minOccurs="0"/>
          <xs:choice>
            <xs:element ref="ping"/>
            <xs:element ref="data"/>
            <xs:element ref="plug"/>
          </xs:choice>
        </xs:sequence>
        <xs:element ref="plug"/>
        <xs:element ref="bare"/>
      </xs:choice>
    </xs:complexType>
  </xs:element>
  <xs:complexType name="emptyType"/>
  <xs:element name="ping" type="emptyType"/>
  <xs:element name="plug" type="emptyType"/>
  <xs:element name="bare" type="emptyType"/>
  <xs:element name="data">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="x" type="xs:string"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
"#,
    );
    assert_types(
        &s,
        &[
            "env = { <fromID>?: text, <toID>?: text, <messageID>?: text, message=choice: env-message }",
            "env-message = choice <ping>: ping | <data>: data | <plug>: plug | <bare>: bare",
            "ping (message <ping>) = {}",
            "plug (message <plug>) = {}",
            "bare (message <bare>) = {}",
            "data (message <data>) = { <x>: text }",
        ],
    );
    let names: Vec<&str> = s.messages().map(|(t, _)| t.name.as_str()).collect();
    assert_eq!(names, ["ping", "plug", "bare", "data"]);
}

#[test]
fn choice_with_a_sequence_alternative_is_flattened() {
    let s = compile(
        "flatten",
        r#"  <xs:element name="info">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="rev" type="xs:string"/>
        <xs:choice>
          <xs:element ref="profiles"/>
          <xs:sequence>
            <xs:element name="p0" type="xs:string"/>
            <xs:element name="p1" type="xs:string"/>
          </xs:sequence>
        </xs:choice>
        <xs:element name="tail" type="xs:string" minOccurs="0"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:element name="profiles">
    <xs:complexType>
      <xs:attribute name="n" type="xs:string"/>
    </xs:complexType>
  </xs:element>
"#,
    );
    assert_types(
        &s,
        &[
            "info = { <rev>: text, <profiles>?: profiles, <p0>?: text, <p1>?: text, <tail>?: text }",
            "profiles = { @n?: text }",
        ],
    );
}

#[test]
fn groups_and_derivations() {
    let s = compile(
        "groups",
        r#"  <xs:group name="ids">
    <xs:sequence>
      <xs:element name="roID" type="xs:string"/>
      <xs:element name="storyID" type="xs:string" minOccurs="0"/>
    </xs:sequence>
  </xs:group>
  <xs:attributeGroup name="common">
    <xs:attribute name="user" type="xs:string"/>
  </xs:attributeGroup>
  <xs:complexType name="baseType">
    <xs:sequence>
      <xs:group ref="ids"/>
    </xs:sequence>
    <xs:attributeGroup ref="common"/>
  </xs:complexType>
  <xs:element name="ext">
    <xs:complexType>
      <xs:complexContent>
        <xs:extension base="baseType">
          <xs:sequence>
            <xs:element name="extra" type="xs:string"/>
          </xs:sequence>
        </xs:extension>
      </xs:complexContent>
    </xs:complexType>
  </xs:element>
"#,
    );
    assert_types(&s, &["ext = { <roID>: text, <storyID>?: text, @user?: text, <extra>: text }"]);
}

#[test]
fn recursive_types_terminate() {
    let s = compile(
        "recursive",
        r#"  <xs:complexType name="nodeType">
    <xs:sequence>
      <xs:element name="label" type="xs:string"/>
      <xs:element name="child" type="nodeType" minOccurs="0" maxOccurs="unbounded"/>
      <xs:element ref="tree" minOccurs="0" maxOccurs="unbounded"/>
    </xs:sequence>
  </xs:complexType>
  <xs:element name="tree" type="nodeType"/>
"#,
    );
    assert_types(
        &s,
        &[
            "tree = { <label>: text, <child>*: child, <tree>*: tree }",
            "child = { <label>: text, <child>*: child, <tree>*: tree }",
        ],
    );
}

// ------------------------------------------------------------------------------ rejections

fn rejected(tag: &str, body: &str) -> (String, Vec<SchemaError>) {
    let text = doc(body);
    let errors = schema_errors(try_compile(tag, body));
    (text, errors)
}

/// What the newly taken constructs still refuse is located: a simple content restriction of
/// something that is not a complex type with simple content, an attribute the XML namespace
/// does not have, a default on an element of element content.
#[test]
fn rejects_misused_restrictions_and_xml_attributes_with_locations() {
    let body = r#"  <xs:complexType name="t">
    <xs:simpleContent>
      <xs:restriction base="xs:string">
        <xs:maxLength value="3"/>
      </xs:restriction>
    </xs:simpleContent>
  </xs:complexType>
  <xs:element name="e">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="v" type="t"/>
        <xs:element name="w" default="1">
          <xs:complexType><xs:sequence><xs:element name="x" type="xs:int"/></xs:sequence></xs:complexType>
        </xs:element>
      </xs:sequence>
      <xs:attribute ref="xml:colour"/>
    </xs:complexType>
  </xs:element>
"#;
    let (_, errors) = rejected("restrictions", body);
    let got: Vec<(usize, usize, &str)> = errors.iter().map(|e| (e.line, e.column, e.message.as_str())).collect();
    assert_eq!(
        got,
        [
            (5, 23, "`string` is not a complex type with simple content: xs:restriction in xs:simpleContent restricts one (a simple type is extended: xs:extension)"),
            (14, 30, "default and fixed values need an element of simple type or simple content"),
            (18, 21, "`xml:colour` is not an attribute of the XML namespace (lang, space, id, base)"),
        ],
        "{errors:#?}"
    );
}

#[test]
fn rejects_an_unknown_xsd_construct() {
    let body = r#"  <xs:element name="a">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="b" type="xs:string"/>
        <xs:frobnicate/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
"#;
    let (text, errors) = rejected("unknown", body);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert_eq!(e.message, "xs:frobnicate is not supported in a content model");
    assert_eq!((e.line, e.column), (7, 9));
    assert_eq!((e.line, e.column), pos(&text, "<xs:frobnicate"));
    assert!(e.file.ends_with("main.xsd"));
    assert!(e.to_string().ends_with("main.xsd:7:9: xs:frobnicate is not supported in a content model"), "{e}");
}

#[test]
fn rejects_an_unresolved_type_reference() {
    let body = r#"  <xs:element name="a">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="b"   type="mosStrin128"/>
      </xs:sequence>
      <xs:attribute name="c" type="xs:nope"/>
    </xs:complexType>
  </xs:element>
"#;
    let (text, errors) = rejected("unresolved", body);
    let got: Vec<(usize, usize, &str)> = errors.iter().map(|e| (e.line, e.column, e.message.as_str())).collect();
    assert_eq!(got, [(6, 32, "unresolved type `mosStrin128`"), (8, 30, "xs:nope is not a simple type osmos maps")],);
    assert_eq!((6, 32), pos(&text, "type=\"mosStrin128"));
}

#[test]
fn rejects_an_unresolved_element_ref() {
    let body = r#"  <xs:element name="a">
    <xs:complexType>
      <xs:sequence>
        <xs:element ref="missing"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
"#;
    let (_, errors) = rejected("unresolved-ref", body);
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].line, errors[0].column, errors[0].message.as_str()), (6, 21, "unresolved element `missing`"));
}

#[test]
fn rejects_a_malformed_file() {
    let body = r#"  <xs:element name="a">
    <xs:complexType>
    </xs:element>
"#;
    let (_, errors) = rejected("malformed", body);
    assert_eq!(errors.len(), 1);
    let e = &errors[0];
    assert!(e.message.starts_with("malformed XML"), "{}", e.message);
    assert!(e.message.contains("complexType"), "{}", e.message);
    assert_eq!((e.line, e.column), (5, 5), "{e}");

    let (_, errors) = rejected("mismatched", "  <xs:element name=\"a\">\n");
    assert_eq!(
        errors[0].message,
        "malformed XML: ill-formed document: expected `</xs:element>`, but `</xs:schema>` was found"
    );
    assert_eq!((errors[0].line, errors[0].column), (4, 1));

    let dir = temp_dir("truncated");
    let p = write(&dir, "cut.xsd", &format!("{HEAD}  <xs:element name=\"a\">\n"));
    let errors = schema_errors(xsd::compile("cut", &[p]));
    assert_eq!(errors[0].message, "malformed XML: <xs:element> is never closed");
    assert_eq!((errors[0].line, errors[0].column), (3, 3));

    let (_, errors) = rejected("attr", "  <xs:element name=\"a\" name=\"b\"/>\n");
    assert!(errors[0].message.starts_with("malformed XML attribute"), "{}", errors[0].message);
    assert_eq!((errors[0].line, errors[0].column), (3, 3));
}

#[test]
fn files_may_include_each_other() {
    let dir = temp_dir("cycle");
    let a = write(&dir, "a.xsd", &doc("  <xs:include schemaLocation=\"b.xsd\"/>\n"));
    write(
        &dir,
        "b.xsd",
        &doc("  <xs:element name=\"x\" type=\"xs:string\"/>\n  <xs:include schemaLocation=\"a.xsd\"/>\n"),
    );
    // A includes B includes A: each file is read once, its components once.
    let s = xsd::compile("cycle", std::slice::from_ref(&a)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.sources.len(), 2);
    assert!(s.types.is_empty(), "{:?}", s.types); // `x` is of simple type
}

#[test]
fn rejects_a_missing_include() {
    let body = "  <xs:include schemaLocation=\"nowhere/missing.xsd\"/>\n";
    let (_, errors) = rejected("missing", body);
    assert_eq!(errors.len(), 1);
    let e = &errors[0];
    assert_eq!((e.line, e.column), (3, 15));
    assert!(e.message.starts_with("cannot read the schema `"), "{}", e.message);
    assert!(e.message.contains("nowhere/missing.xsd`: "), "{}", e.message);
    // A missing top-level file is an I/O error naming the path.
    let r = xsd::compile("none", &[temp_dir("none").join("absent.xsd")]);
    assert!(matches!(r, Err(Error::Io { ref path, .. }) if path.ends_with("absent.xsd")));
}

#[test]
fn rejects_namespaces_and_unsupported_constructs() {
    let dir = temp_dir("tns");
    let p = write(
        &dir,
        "tns.xsd",
        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:x\" attributeFormDefault=\"qualified\">\n  <xs:import namespace=\"urn:y\"/>\n</xs:schema>\n",
    );
    // Qualified attributes are in the target namespace (see `tests/xsd_constructs.rs`).
    assert!(xsd::compile("tns", &[p]).is_ok());
    let p = write(
        &dir,
        "tns2.xsd",
        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:x\">\n\n  <xs:element name=\"r\">\n    <xs:complexType>\n      <xs:sequence><xs:element name=\"local\" type=\"xs:string\"/></xs:sequence>\n      <xs:attribute name=\"q\" form=\"qualified\"/>\n    </xs:complexType>\n  </xs:element>\n  <xs:element name=\"s\" type=\"t\"/>\n</xs:schema>\n",
    );
    let errors = schema_errors(xsd::compile("tns", &[p]));
    let got: Vec<(usize, usize, &str)> = errors.iter().map(|e| (e.line, e.column, e.message.as_str())).collect();
    assert_eq!(got, [(9, 24, "`t` is in no namespace, but this schema's components are in `urn:x`")]);
    // The unqualified local element `local` is no error: it is in no namespace; the qualified
    // attribute `q` neither.

    // Files of one module share one target namespace.
    let a =
        write(&dir, "a.xsd", "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:a\"/>\n");
    let b =
        write(&dir, "b.xsd", "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:b\"/>\n");
    let errors = schema_errors(xsd::compile("two", &[a, b]));
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].line, errors[0].column), (1, 56));
    assert_eq!(errors[0].message, "`urn:b` differs from the first schema file's `urn:a`");

    let body = r#"  <xs:simpleType name="l">
    <xs:list itemType="xs:int"/>
  </xs:simpleType>
  <xs:element name="a" type="l" substitutionGroup="b"/>
  <xs:redefine schemaLocation="x.xsd"/>
  <xs:element name="c" type="y:t"/>
"#;
    let (_, errors) = rejected("unsupported", body);
    let got: Vec<(usize, usize, &str)> = errors.iter().map(|e| (e.line, e.column, e.message.as_str())).collect();
    assert_eq!(
        got,
        [
            (6, 33, "unresolved substitution group head `b`"),
            (7, 3, "xs:redefine is not supported"),
            (8, 24, "the prefix `y` of `y:t` is not declared"),
        ]
    );
}

#[test]
fn rejects_cycles_bad_annotations_and_misplaced_defaults() {
    let body = r#"  <xs:group name="g">
    <xs:choice>
      <xs:element name="a" type="xs:string"/>
      <xs:group ref="g"/>
    </xs:choice>
  </xs:group>
  <xs:complexType name="A">
    <xs:complexContent>
      <xs:extension base="B"/>
    </xs:complexContent>
  </xs:complexType>
  <xs:complexType name="B">
    <xs:complexContent>
      <xs:extension base="A"/>
    </xs:complexContent>
  </xs:complexType>
  <xs:simpleType name="t" xmlns:osmos="urn:osmos">
    <xs:annotation><xs:appinfo><osmos:value type="not a path"/></xs:appinfo></xs:annotation>
    <xs:restriction base="xs:string"/>
  </xs:simpleType>
  <xs:element name="e">
    <xs:complexType>
      <xs:sequence>
        <xs:group ref="g"/>
        <xs:element name="x" type="A" default="1"/>
        <xs:element name="y" type="t"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
"#;
    let (_, errors) = rejected("cycles", body);
    let got: Vec<(usize, usize, &str)> = errors.iter().map(|e| (e.line, e.column, e.message.as_str())).collect();
    assert_eq!(
        got,
        [
            (6, 7, "this group contains itself"),
            (11, 21, "this complex type derives from itself"),
            (20, 45, "`not a path` is not a Rust path below `osmos::` (e.g. mos::value::MosTime)"),
            (27, 39, "default and fixed values need an element of simple type or simple content"),
        ],
        "{errors:#?}"
    );
}

#[test]
fn damaged_files_are_errors_not_panics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/mos");
    let dir = temp_dir("damaged");
    for file in ["common.xsd", "profile0.xsd", "mos.xsd"] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        for f in std::fs::read_dir(&root).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "xsd") {
                std::fs::copy(&f, dir.join(f.file_name().unwrap())).unwrap();
            }
        }
        let mut cut = 0;
        while cut < text.len() {
            cut = (cut + 211).min(text.len());
            while !text.is_char_boundary(cut) {
                cut += 1;
            }
            let mut prev = cut.saturating_sub(1);
            while !text.is_char_boundary(prev) {
                prev -= 1;
            }
            // Truncated, and with one character swapped for a markup character.
            for damaged in [text[..cut].to_owned(), format!("{}<{}", &text[..prev], &text[cut..])] {
                let p = write(&dir, file, &damaged);
                if let Err(Error::Schema(errors)) = xsd::compile("damaged", std::slice::from_ref(&p)) {
                    assert!(errors.iter().all(|e| e.line >= 1 && e.column >= 1 && !e.message.is_empty()));
                }
            }
        }
    }
}

// ------------------------------------------------------------------------------ MOS

fn mos() -> Schema {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/mos/mos.xsd");
    xsd::compile("mos", &[path]).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn mos_schema_compiles_and_checks() {
    let s = mos();
    osmos_codegen::check::check(&s).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(s.name, "mos");
    assert_eq!(s.wire, Wire::Xml);
    assert_eq!(s.sources.len(), 11, "mos.xsd and the ten files it includes");
    assert!(s.sources[0].path.ends_with("schemas/mos/mos.xsd"));
    assert!(s.sources[1].path.ends_with("schemas/mos/types.xsd"));

    // 47 messages after the header, 8 plug-in messages without it, ncsReqStoryAction in both.
    let messages: Vec<&str> = s.messages().map(|(t, _)| t.name.as_str()).collect();
    assert_eq!(messages.len(), 54, "{messages:?}");
    for (t, key) in s.messages() {
        assert_eq!(key, &MessageKey::Element(t.name.clone()));
    }
    assert!(s.get("mos").unwrap().message.is_none());
    assert!(s.get("item").unwrap().message.is_none());

    assert_eq!(
        render(s.get("roCreate").unwrap()),
        "roCreate (message <roCreate>) = { <roID>: text chars(0..128), <roSlug>: text chars(0..128), \
         <roChannel>?: text chars(0..128), <roEdStart>?: value(mos::value::MosTime), \
         <roEdDur>?: value(mos::value::MosDuration), <roTrigger>?: value(mos::value::Trigger), \
         <macroIn>?: text chars(0..128), <macroOut>?: text chars(0..128), \
         <mosExternalMetadata>*: mosExternalMetadata, <story>*: story }"
    );
    let root = render(s.get("mos").unwrap());
    assert_eq!(
        root,
        "mos = { <mosID>?: text chars(0..128), <ncsID>?: text chars(0..128), \
         <messageID>?: value(mos::value::MessageId), message=choice: mos-message }"
    );
    let TypeKind::Choice(c) = &s.get("mos-message").unwrap().kind else { panic!() };
    assert_eq!(c.variants.len(), 54);

    // roAck's `(storyID, itemID, objID, itemChannel?, status)*` repeats as one group.
    let TypeKind::Struct(ack) = &s.get("roAck").unwrap().kind else { panic!() };
    let groups: Vec<(&str, Option<u32>)> = ack.fields.iter().map(|f| (f.name.as_str(), f.group)).collect();
    let g = groups[2].1.expect("storyID is in a group");
    assert_eq!(
        groups,
        [
            ("roID", None),
            ("roStatus", None),
            ("storyID", Some(g)),
            ("itemID", Some(g)),
            ("objID", Some(g)),
            ("itemChannel", Some(g)),
            ("status", Some(g))
        ]
    );
    assert!(c.variants.iter().all(|v| v.element.as_deref() == Some(v.name.as_str()) && v.ty == Ty::named(&v.name)));

    for (name, expected) in [
        (
            "roAck",
            "roAck (message <roAck>) = { <roID>: text chars(0..128), <roStatus>: text chars(0..128), \
                   <storyID>*: text chars(0..128), <itemID>*: text chars(0..128), <objID>*: text chars(0..128), \
                   <itemChannel>*: text chars(0..128), <status>*: text chars(0..128) }",
        ),
        (
            "mosExternalMetadata",
            "mosExternalMetadata = { <mosScope>?: mosScope, <mosSchema>: text, <mosPayload>: any }",
        ),
        ("objPath", "objPath = { value=#content: text chars(0..255), @techDescription: text }"),
        (
            "element_source-choice",
            "element_source-choice = choice <story>: [story]{1,*} | <item>: [item]{1,*} | \
                   <storyID>: [text chars(0..128)]{1,*} | <itemID>: [text chars(0..128)]{1,*}",
        ),
        ("mosAirStatus", "mosAirStatus = enum \"READY\" | \"NOT READY\""),
        ("keepAlive", "keepAlive (message <keepAlive>) = {}"),
        (
            "roReqStoryAction-roStorySend",
            "roReqStoryAction-roStorySend = { <roID>: text chars(0..128), \
                   <element_target>?: element_target, <element_source>?: element_source, \
                   <storyID>: text chars(0..128), <storySlug>?: text chars(0..128), <storyNum>?: text chars(0..128), \
                   <storyBody>: any, <mosExternalMetadata>*: mosExternalMetadata }",
        ),
    ] {
        let got = render(s.get(name).unwrap_or_else(|| panic!("no type {name}")));
        let expected: String = expected.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(got, expected);
    }
    // Every type name is unique and raw-content elements have no struct.
    assert!(s.get("storyBody").is_none() && s.get("mosPayload").is_none());
    let TypeKind::Struct(hb) = &s.get("heartbeat").unwrap().kind else { panic!() };
    assert_eq!(hb.fields[0].ty.kind, TyKind::Prim(Prim::TextValue("mos::value::MosTime".into())));
    let TypeKind::Struct(ack) = &s.get("mosAck").unwrap().kind else { panic!() };
    assert_eq!(ack.fields[1].ty.kind, TyKind::Prim(Prim::TextValue("mos::value::MosNumber".into())));
    assert!(s.get("roCreate").unwrap().docs[0].starts_with("Creates"), "{:?}", s.get("roCreate").unwrap().docs);
}

#[test]
fn mos_schema_output_is_deterministic() {
    assert_eq!(mos(), mos());
}

#[test]
fn target_namespace_constructs() {
    let dir = temp_dir("ns");
    let p = write(
        &dir,
        "ns.xsd",
        r###"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" targetNamespace="urn:t" elementFormDefault="qualified">
  <xs:import namespace="urn:other"/>
  <xs:element name="id" type="xs:string"/>
  <xs:element name="move">
    <xs:complexType mixed="true">
      <xs:sequence>
        <xs:element ref="t:id"/>
        <xs:element ref="t:id" minOccurs="0"/>
        <xs:choice minOccurs="0">
          <xs:element name="at" type="t:lat"/>
          <xs:any namespace="##other"/>
        </xs:choice>
      </xs:sequence>
      <xs:attribute name="size">
        <xs:simpleType><xs:union memberTypes="xs:int xs:boolean"/></xs:simpleType>
      </xs:attribute>
    </xs:complexType>
  </xs:element>
  <xs:simpleType name="lat">
    <xs:restriction base="xs:decimal">
      <xs:minInclusive value="-90"/>
      <xs:maxExclusive value="90"/>
    </xs:restriction>
  </xs:simpleType>
</xs:schema>
"###,
    );
    let s = xsd::compile("ns", &[p]).unwrap_or_else(|e| panic!("{e}"));
    osmos_codegen::check::check(&s).unwrap();
    assert_types(
        &s,
        &["move (message <{urn:t}move>) = { text=#content: rust(::osmos::xml::MixedText<'a>), id=<{urn:t}id>: text, id-2=<{urn:t}id>?: text, \
           at=<{urn:t}at>?: value(xml::Decimal) range(>=-90.0..<90.0), @size?: text, \
           any=<*>: rust(::osmos::xml::UnknownElements<'a>), \
           other_attributes=@*: rust(::osmos::xml::OtherAttributes<'a>) }"],
    );
}

#[test]
fn an_imported_schema_has_the_imported_namespace() {
    let dir = temp_dir("import");
    let main = write(
        &dir,
        "main.xsd",
        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:a\" elementFormDefault=\"qualified\">\n  <xs:import namespace=\"urn:b\" schemaLocation=\"b.xsd\"/>\n</xs:schema>\n",
    );
    write(&dir, "b.xsd", "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:c\"/>\n");
    let errors = schema_errors(xsd::compile("import", &[main]));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].file.ends_with("b.xsd"), "{}", errors[0].file);
    assert_eq!((errors[0].line, errors[0].column), (1, 56));
    assert_eq!(errors[0].message, "this schema's `urn:c` differs from `urn:b`, which it is imported as");
}
