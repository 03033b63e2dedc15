//! Map and array bodies with group choices (`//`), lowered once per combination of
//! alternatives.

use cddl::ast::{self, Group};

use crate::ir::{Choice, ChoiceVariant, Field, Layout, Struct, Ty, TypeKind};

use super::{Lowerer, Snapshot, MAX_ALTERNATIVES_PER_SCHEMA, MAX_MAP_ALTERNATIVES};

impl<'a> Lowerer<'a> {
    pub(super) fn snapshot(&self) -> Snapshot {
        Snapshot { types: self.types.len(), errors: self.errors.len(), derived: self.derived.clone() }
    }

    /// Undoes a pass over a map body: its hoisted types, errors and the struct's table.
    pub(super) fn rollback(&mut self, s: Snapshot, name: &str) {
        self.types.truncate(s.types);
        self.errors.truncate(s.errors);
        self.derived = s.derived;
        self.tables.remove(name);
        self.open_maps.remove(name);
    }

    /// A map type: a struct of the fields `body` lowers, or, where the body holds group choices
    /// (`//`), a choice of one struct per combination of alternatives (`<name>-<alternative>`),
    /// which the decoder tells apart by a key only one of them has or a key's value.
    pub(super) fn map_kind(
        &mut self,
        name: &str,
        span: ast::Span,
        body: &dyn Fn(&mut Self, &str) -> Vec<Field>,
    ) -> TypeKind {
        self.struct_kind(Layout::Map, name, span, body)
    }

    /// An array type: [`Lowerer::map_kind`] for positional items. `[a, (b // c)]` is the
    /// choice of `[a, b]` and `[a, c]`, tried in order by the decoder (they all start as an
    /// array), as a validator matches.
    pub(super) fn array_kind(&mut self, name: &str, span: ast::Span, group: &Group<'a>) -> TypeKind {
        let saved = std::mem::replace(&mut self.array_choices, true);
        let kind = self.struct_kind(Layout::Array, name, span, &|me: &mut Self, parent: &str| {
            me.fields(group, Layout::Array, parent)
        });
        self.array_choices = saved;
        kind
    }

    /// The struct of `layout` that `body` lowers, or one per combination of its group choices.
    pub(super) fn struct_kind(
        &mut self,
        layout: Layout,
        name: &str,
        span: ast::Span,
        body: &dyn Fn(&mut Self, &str) -> Vec<Field>,
    ) -> TypeKind {
        let make = |me: &mut Self, name: &str, fields: Vec<Field>| match layout {
            Layout::Map => {
                let unknown = me.open_field(name, &fields);
                let table = me.table_field(name, &fields);
                Struct { layout, fields, unknown, table }
            }
            _ => Struct { layout, fields, unknown: None, table: None },
        };
        let saved = (std::mem::take(&mut self.picks), std::mem::take(&mut self.trace));
        let before = self.snapshot();
        let fields = body(self, name);
        if self.trace.is_empty() {
            (self.picks, self.trace) = saved;
            return TypeKind::Struct(make(self, name, fields));
        }
        self.rollback(before, name);
        let mut variants: Vec<ChoiceVariant> = Vec::new();
        let mut picks: Vec<usize> = Vec::new();
        loop {
            // A first pass learns which alternatives this combination takes (and their labels),
            // the second lowers it under its own name.
            let probe = format!("{name}-?");
            let before = self.snapshot();
            self.picks = picks.clone();
            self.trace.clear();
            let _ = body(self, &probe);
            let trace = std::mem::take(&mut self.trace);
            self.rollback(before, &probe);
            let last = trace.last().map(|t| t.2.clone()).unwrap_or_default();
            let taken = |l: &str| variants.iter().any(|v| v.name == l);
            let mut label = last;
            if taken(&label) {
                label = trace.iter().map(|t| t.2.as_str()).collect::<Vec<_>>().join("-");
            }
            if taken(&label) {
                label = format!("{label}-{}", variants.len() + 1);
            }
            let vname = format!("{name}-{label}");
            self.picks = trace.iter().map(|t| t.0).collect();
            self.trace.clear();
            let fields = body(self, &vname);
            self.trace.clear();
            let docs = vec![format!("The `{label}` alternative of `{name}`.")];
            let kind = TypeKind::Struct(make(self, &vname, fields));
            self.push(vname.clone(), docs, span, None, kind);
            variants.push(ChoiceVariant { name: label, rust_name: None, ty: Ty::named(vname), element: None });
            self.alternatives += 1;
            if self.alternatives > MAX_ALTERNATIVES_PER_SCHEMA {
                self.error(
                    span,
                    format!(
                        "the group choices of the schema's maps and arrays make more than {MAX_ALTERNATIVES_PER_SCHEMA} alternatives (nested in each other, they multiply)"
                    ),
                );
                break;
            }
            if variants.len() > MAX_MAP_ALTERNATIVES {
                self.error(
                    span,
                    format!("the group choices of `{name}` make more than {MAX_MAP_ALTERNATIVES} alternatives"),
                );
                break;
            }
            // The next combination, odometer-wise from the last choice met.
            let mut rest: Vec<(usize, usize)> = trace.iter().map(|t| (t.0, t.1)).collect();
            let mut next = None;
            while let Some((p, n)) = rest.pop() {
                if p + 1 < n {
                    next = Some(rest.iter().map(|r| r.0).chain([p + 1]).collect());
                    break;
                }
            }
            match next {
                Some(n) => picks = n,
                None => break,
            }
        }
        (self.picks, self.trace) = saved;
        TypeKind::Choice(Choice { variants })
    }
}
