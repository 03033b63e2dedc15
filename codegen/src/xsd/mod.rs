//! XSD front end: XML Schema files → [`ir::Schema`](crate::ir::Schema) with [`Wire::Xml`].
//!
//! Translation only, read with quick-xml into a small positioned tree (`dom`). Files are
//! followed through `xs:include` and `xs:import`, relative to the including file (`load`). The mapping (`lower`, `content`, `simple`):
//!
//! - Every global `xs:element` with a complex type is one [`TypeDef`](crate::ir::TypeDef) named
//!   after the element, a struct with [`Layout::Element`](crate::ir::Layout::Element): the
//!   element name *is* the type name, which is how the back end knows the tag. Elements sharing
//!   a named complex type each get their own type; named complex types are templates only.
//! - A local element with a complex type is hoisted into a struct named after the element, or
//!   `<parent>-<element>` when that name is taken (by any global element or type, or an earlier
//!   hoisted type); the tag comes from the field's [`Key::Element`](crate::ir::Key::Element).
//!   The same declaration (or the same element name with the same named type) is hoisted once.
//! - `minOccurs`/`maxOccurs` become [`Occur`](crate::ir::Occur); the occurrence of a nested
//!   `xs:sequence`/`xs:all`/`xs:choice` multiplies into everything inside it. A repeated
//!   sequence of several elements (roAck's `(storyID, itemID, objID, itemChannel?, status)*`)
//!   becomes one repeated field per element, in order, all marked with the same
//!   [`Field::group`](crate::ir::Field::group) so the back end writes them group by group.
//! - An `xs:choice` of elements is a hoisted [`Choice`](crate::ir::Choice) (`<parent>-choice`)
//!   with one variant per element (repeated alternatives as a list type) and one
//!   [`Key::Choice`](crate::ir::Key::Choice) field. A choice with sequence alternatives is
//!   flattened: the sequences' elements become optional fields, and the element alternatives,
//!   together with the elements of choices directly inside those sequences, form one choice
//!   field placed where the first of them appears. For the `<mos>` root that gives `mosID?`,
//!   `ncsID?`, `messageID?` and one choice over every message.
//! - The envelope: a global element that no other element references, whose own content has a
//!   choice. That choice field is called `message` (type `<root>-message`), and every global
//!   element among its alternatives is a message keyed by its element name.
//! - `mixed="true"` or `xs:any` in a complex type without element declarations of its own
//!   makes its content raw XML: elements of such a type are fields of type
//!   [`Prim::Any`](crate::ir::Prim::Any), no struct (in a namespaced schema, a type with
//!   attributes is a struct of them and a raw `content` field, so they survive). With elements
//!   of its own, `xs:any` is an [`Key::AnyElement`](crate::ir::Key::AnyElement) field (with the namespaces its wildcards take) `any` and
//!   mixed text a [`Key::Content`](crate::ir::Key::Content) field `text`.
//! - A target namespace (GPX, XML Signature): component references resolve in it, element keys
//!   are `{namespace}local` ([`Key::Element`](crate::ir::Key::Element)), every global element
//!   is a message (a document root), and every element struct gets an
//!   [`Key::AnyAttribute`](crate::ir::Key::AnyAttribute) field `other_attributes` keeping
//!   namespace declarations for the encoder. Unqualified local elements (`elementFormDefault`
//!   at its default) are keyed by their local name alone: in no namespace. An imported
//!   schema (`xs:import` with a local `schemaLocation`) compiles into the same module with its
//!   own namespace: its components are indexed as `{ns}local` (`load::Loaded::key`), its
//!   elements keyed in their namespace. An import without a schema to read is not: `xs:any`
//!   keeps its elements raw, its global attributes are other attributes, and a reference to
//!   one of its components is an error.
//! - `xs:union` is text; built-ins without an exact Rust primitive (`xs:decimal`,
//!   `xs:dateTime`, `xs:gYear`, `xs:base64Binary`) are runtime text values (`osmos::xml`).
//! - Simple types map to primitives with constraints; named enumerations are enum types;
//!   `<osmos:value type="path"/>` in a simple type's `xs:appinfo` makes it a
//!   [`Prim::TextValue`](crate::ir::Prim::TextValue) parsed by that runtime type.
//!
//! - `xs:restriction` in `xs:simpleContent`: the base's fields, the text narrowed by the facets
//!   (`Lower::restrict`, an enumeration an enum `<parent>-value`), attributes redeclared in place.
//! - Qualified attributes (`attributeFormDefault`, `form`, global attributes of a namespaced
//!   schema) are keyed `{ns}prefix:local` as imported ones are; the XML namespace's `xml:lang`,
//!   `xml:space`, `xml:id` and `xml:base` are known without its schema.
//! - A file without target namespace included into a namespaced one takes its namespace
//!   (chameleon: `dom::default_namespace` binds it for the file's references); files may
//!   include each other. Each struct's fields start a fresh cycle guard
//!   (`Lower::new_struct_fields`), so a type derived from a type containing it and a group
//!   containing itself through an element lower; the back end boxes recursive fields.
//! - An imported global element whose local name another global element has is `<prefix>-<local>`
//!   (`Lower::name_imported_elements`).
//!
//! Not supported, reported with file, line and column: references into namespaces imported
//! without a schema, given files of one module in different namespaces,
//! `xs:redefine`/`xs:override`, nillable choice alternatives, an abstract
//! element nothing substitutes for, XSD 1.1 assertions and open content,
//! and any other XSD element in a place where it has no mapping. Identity constraints
//! (`xs:key`, `xs:keyref`, `xs:unique`), `xs:anyAttribute`, `xs:notation` and the facets
//! `whiteSpace`, `totalDigits` and `fractionDigits` constrain documents without changing their
//! shape and are ignored.

mod content;
mod doctype;
mod dom;
mod load;
mod lower;
mod simple;

use std::path::PathBuf;

use crate::diagnostic::Error;
use crate::ir::{Schema, Wire};

/// Compiles XSD files (and what they include) into one schema called `name`.
pub fn compile(name: &str, paths: &[PathBuf]) -> Result<Schema, Error> {
    if paths.is_empty() {
        return Err(Error::Usage("no XSD files given".into()));
    }
    let loaded = load::load(paths)?;
    let types = lower::lower(&loaded)?;
    Ok(Schema { name: name.to_owned(), wire: Wire::Xml, sources: loaded.sources, types })
}
