//! Warnings: schemas that compile, but probably not into what their author meant.

use crate::diagnostic::SchemaError;
use crate::ir::{Key, Layout, Schema, TypeKind, Wire};

/// Every warning for `schema`, in schema order.
pub fn warnings(schema: &Schema) -> Vec<SchemaError> {
    let mut out = Vec::new();
    if schema.wire != Wire::Cbor {
        return out;
    }
    out.extend(crate::check::covered_alternatives(schema));
    let own = || schema.types.iter().filter(|t| t.external.is_none());
    for t in own() {
        let TypeKind::Struct(s) = &t.kind else { continue };
        if s.layout != Layout::Map {
            continue;
        }
        for f in &s.fields {
            let Key::Int(k) = f.key else { continue };
            let made_up = if k < 0 { format!("key-minus-{}", k.unsigned_abs()) } else { format!("key-{k}") };
            if f.name != made_up || has_comment(schema, f.span) {
                continue;
            }
            out.push(
                SchemaError::at(
                    &schema.sources,
                    f.span,
                    format!("key {k} of `{}` has no name: the Rust field is `{}`", t.name, made_up.replace('-', "_")),
                )
                .help(format!("name it in a trailing comment, the Open Screen way: `{k}: … ; my-field-name`"))
                .warning(),
            );
        }
    }
    // Only a schema written the Open Screen way (`0: uint ; name`: colon keys named in trailing
    // comments) is expected to carry type keys; COSE, CoSWID and the like (`1 => int`) have no
    // messages and need none.
    let open_screen_style = own().any(|t| match &t.kind {
        TypeKind::Struct(s) => {
            s.layout == Layout::Map
                && s.fields.iter().any(|f| matches!(f.key, Key::Int(_)) && colon_key_with_comment(schema, f.span))
        }
        _ => false,
    });
    if let (Some(first), true) = (own().next(), open_screen_style) {
        if own().all(|t| t.message.is_none()) {
            out.push(
                SchemaError::at(&schema.sources, first.span, "no rule has a `; type key N` comment: the module has no messages")
                    .help("write `; type key N` on the line before a rule to make it a message with a frame codec and a `Message` variant")
                    .warning(),
            );
        }
    }
    out
}

/// Whether the entry at `span` is written `N: type ; comment`, the Open Screen way.
fn colon_key_with_comment(schema: &Schema, span: crate::ir::Span) -> bool {
    let Some(source) = schema.sources.get(span.file) else { return false };
    let text = &source.text;
    let start = span.start.min(text.len());
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[start..line_end];
    match line.split_once(';') {
        Some((entry, _)) => entry.contains(':') && !entry.contains("=>"),
        None => false,
    }
}

/// Whether the line(s) of `span` carry a `;` comment after the entry.
fn has_comment(schema: &Schema, span: crate::ir::Span) -> bool {
    let Some(source) = schema.sources.get(span.file) else { return true };
    let text = &source.text;
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    text.get(start..line_end).is_some_and(|s| s.contains(';'))
}
