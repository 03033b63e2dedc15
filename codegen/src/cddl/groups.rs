//! Groups: group references, `&group` enums, group entries spliced into fields, group
//! choices and repeated groups.

use cddl::ast::{self, Group, GroupEntry, MemberKey, Occur as AstOccur};
use cddl::token::Value;

use crate::ir::{Choice, ChoiceVariant, Enum, EnumVariant, Field, Key, Layout, Literal, Occur, Struct, Ty, TypeKind};

use super::syntax::{
    choice_label, comments_of, doc_lines, entry_label, list_bounds, literal_name, literal_of, occur_of, paren_type,
    rule_name, value_literal,
};
use super::Lowerer;

impl<'a> Lowerer<'a> {
    /// `{ group }` where the map is exactly one group: the struct is named after the group.
    pub(super) fn group_map_ref(&self, group: &Group) -> Option<String> {
        let [gc] = group.group_choices.as_slice() else { return None };
        let [(GroupEntry::TypeGroupname { ge, .. }, _)] = gc.group_entries.as_slice() else {
            return None;
        };
        if ge.occur.is_some() || ge.generic_args.is_some() {
            return None;
        }
        let name = rule_name(&ge.name);
        let &i = self.index.get(&name)?;
        (!self.rules[i].1.groups.is_empty()).then_some(name)
    }

    /// `[* T]`, `[1* T]`, `[n*m T]`: the element entry and its bounds.
    pub(super) fn list_of<'g>(
        &self,
        group: &'g Group<'a>,
        _name: &str,
    ) -> Option<(&'g GroupEntry<'a>, u64, Option<u64>)> {
        let [gc] = group.group_choices.as_slice() else { return None };
        let [(entry, _)] = gc.group_entries.as_slice() else { return None };
        let occur = match entry {
            GroupEntry::ValueMemberKey { ge, .. } if ge.member_key.is_none() => occur_of(&ge.occur)?,
            GroupEntry::TypeGroupname { ge, .. } => {
                let name = rule_name(&ge.name);
                if self.index.get(&name).is_some_and(|&i| !self.rules[i].1.groups.is_empty()) {
                    return None;
                }
                occur_of(&ge.occur)?
            }
            // `[+ (tstr / int)]`: the parentheses hold one type, not a group.
            GroupEntry::InlineGroup { occur, group, .. } if paren_type(group).is_some() => occur_of(occur)?,
            _ => return None,
        };
        let (min, max) = list_bounds(occur)?;
        Some((entry, min, max))
    }

    pub(super) fn group_enum_kind(&mut self, group_name: &str, span: ast::Span) -> Option<TypeKind> {
        let Some(&i) = self.index.get(group_name) else {
            self.error(span, format!("`&{group_name}` names no group rule"));
            return None;
        };
        let groups = self.rules[i].1.groups.clone();
        if groups.is_empty() {
            self.error(span, format!("`&{group_name}` needs a group rule, `{group_name}` is a type"));
            return None;
        }
        let mut variants = Vec::new();
        for g in groups {
            variants.extend(self.enum_entry_variants(&g.entry));
        }
        Some(TypeKind::Enum(Enum { variants }))
    }

    /// Ensures the enum for `&group` exists and returns a reference to it.
    pub(super) fn group_enum(&mut self, group_name: &str, span: ast::Span) -> Ty {
        if self.derived.insert(format!("&{group_name}")) {
            if let Some(kind) = self.group_enum_kind(group_name, span) {
                let i = self.index[group_name];
                let (docs, def_span, file) = {
                    let def = &self.rules[i].1;
                    (doc_lines(&def.comments), def.span, def.file)
                };
                let saved = std::mem::replace(&mut self.file, file);
                self.push(group_name.to_owned(), docs, def_span, None, kind);
                self.file = saved;
            }
        }
        Ty::named(group_name)
    }

    /// Ensures the struct for `{ group }` exists and returns a reference to it.
    pub(super) fn group_struct(&mut self, group_name: &str) -> Ty {
        if self.derived.insert(format!("{{{group_name}}}")) {
            let i = self.index[group_name];
            let (groups, docs, span, file) = {
                let def = &self.rules[i].1;
                (def.groups.clone(), doc_lines(&def.comments), def.span, def.file)
            };
            let saved = std::mem::replace(&mut self.file, file);
            let kind = self.map_kind(group_name, span, &|me: &mut Self, parent: &str| {
                let mut fields = Vec::new();
                me.splice_rules(group_name, &groups, Layout::Map, parent, false, &mut fields);
                fields
            });
            self.push(group_name.to_owned(), docs, span, None, kind);
            self.file = saved;
        }
        Ty::named(group_name)
    }

    pub(super) fn enum_variants(&mut self, group: &Group<'a>) -> Vec<EnumVariant> {
        let mut out = Vec::new();
        if group.group_choices.len() > 1 {
            self.error(group.span, "group choices (`//`) cannot form an enumeration");
        }
        for gc in &group.group_choices {
            for (entry, _) in &gc.group_entries {
                out.extend(self.enum_entry_variants(entry));
            }
        }
        out
    }

    pub(super) fn enum_entry_variants(&mut self, entry: &GroupEntry<'a>) -> Vec<EnumVariant> {
        match entry {
            GroupEntry::ValueMemberKey { ge, span, leading_comments, .. } => {
                let docs = doc_lines(&comments_of(leading_comments));
                let value = match ge.entry_type.type_choices.as_slice() {
                    [c] if c.type1.operator.is_none() => literal_of(&c.type1.type2),
                    _ => None,
                };
                let Some(value) = value else {
                    self.error(*span, "enumeration members must be literal values");
                    return Vec::new();
                };
                let name = match &ge.member_key {
                    Some(MemberKey::Bareword { ident, .. }) => ident.ident.to_owned(),
                    // `&("PubKey": 0)`: a name written as a text literal is the same name.
                    Some(MemberKey::Value { value: Value::TEXT(text), .. }) => text.to_string(),
                    None => literal_name(&value),
                    Some(_) => {
                        self.error(*span, "enumeration members are written `name: value`");
                        return Vec::new();
                    }
                };
                vec![EnumVariant { rust_name: None, name, value, docs }]
            }
            GroupEntry::TypeGroupname { ge, span, .. } => {
                let name = rule_name(&ge.name);
                match self.index.get(&name).map(|&i| (self.rules[i].1.groups.clone(), self.rules[i].1.types.clone())) {
                    Some((groups, _)) if !groups.is_empty() => {
                        groups.iter().flat_map(|g| self.enum_entry_variants(&g.entry)).collect()
                    }
                    Some((_, types)) => match types.first().map(|t| t.value.type_choices.as_slice()) {
                        Some([c]) if c.type1.operator.is_none() => match literal_of(&c.type1.type2) {
                            Some(value) => vec![EnumVariant { rust_name: None, name, value, docs: Vec::new() }],
                            None => {
                                self.error(*span, format!("`{name}` is not a literal value"));
                                Vec::new()
                            }
                        },
                        _ => {
                            self.error(*span, format!("`{name}` is not a literal value"));
                            Vec::new()
                        }
                    },
                    None => {
                        self.error(*span, format!("unresolved name `{name}`"));
                        Vec::new()
                    }
                }
            }
            GroupEntry::InlineGroup { group, .. } => self.enum_variants(group),
        }
    }

    /// The fields of a map or array body.
    pub(super) fn fields(&mut self, group: &Group<'a>, layout: Layout, parent: &str) -> Vec<Field> {
        let mut out = Vec::new();
        self.group_fields(group, layout, parent, false, &mut out);
        out
    }

    pub(super) fn group_fields(
        &mut self,
        group: &Group<'a>,
        layout: Layout,
        parent: &str,
        optional: bool,
        out: &mut Vec<Field>,
    ) {
        self.group_choice(group, layout, parent, optional, false, out);
    }

    /// A group, or one alternative of its group choice (`a // b`) as `picks` says; `absent`
    /// adds the alternative of no entries at all (`? (a // b)`).
    pub(super) fn group_choice(
        &mut self,
        group: &Group<'a>,
        layout: Layout,
        parent: &str,
        optional: bool,
        absent: bool,
        out: &mut Vec<Field>,
    ) {
        let choices: Vec<&ast::GroupChoice<'a>> = if group.group_choices.len() > 1 || absent {
            if layout != Layout::Map && !(layout == Layout::Array && self.array_choices) {
                self.error(
                    group.span,
                    "group choices (`//`) inside a repeated group are not supported; use a type choice of arrays",
                );
                return;
            }
            let mut labels: Vec<String> =
                group.group_choices.iter().enumerate().map(|(i, gc)| choice_label(gc, i)).collect();
            if absent {
                labels.push("absent".into());
            }
            match group.group_choices.get(self.choose(labels)) {
                Some(gc) => vec![gc],
                None => return,
            }
        } else {
            group.group_choices.iter().collect()
        };
        for gc in choices {
            for (entry, comma) in &gc.group_entries {
                self.entry_fields(entry, comma, layout, parent, optional, out);
            }
        }
    }

    /// Takes the next group choice's alternative from `picks` and records it in `trace`.
    pub(super) fn choose(&mut self, labels: Vec<String>) -> usize {
        let n = labels.len();
        let pick = self.picks.get(self.trace.len()).copied().unwrap_or(0).min(n - 1);
        let label = labels.into_iter().nth(pick).unwrap_or_default();
        self.trace.push((pick, n, label));
        pick
    }

    /// The rules of a group (one, or several joined by `//=`, a group choice), spliced.
    pub(super) fn splice_rules(
        &mut self,
        name: &str,
        groups: &[&'a ast::GroupRule<'a>],
        layout: Layout,
        parent: &str,
        optional: bool,
        out: &mut Vec<Field>,
    ) {
        // A group socket's alternatives (`$$ext //= (…)`) extend the map with fields of their
        // own, so they are merged; where two of them name one key (`a: int` and `a: text`)
        // they are alternatives of the map, as any other group choice.
        let alternatives = !name.starts_with("$$") || self.share_a_key(groups);
        let chosen: Vec<&'a ast::GroupRule<'a>> = if groups.len() > 1 && alternatives && layout == Layout::Map {
            let labels = groups.iter().enumerate().map(|(i, g)| entry_label(&g.entry, i)).collect();
            vec![groups[self.choose(labels)]]
        } else {
            groups.to_vec()
        };
        for g in chosen {
            self.entry_fields(&g.entry, &ast::OptionalComma::default(), layout, parent, optional, out);
        }
    }

    /// Whether two of a group's rules name one member key (looking through group names).
    pub(super) fn share_a_key(&self, groups: &[&'a ast::GroupRule<'a>]) -> bool {
        let mut seen: Vec<Literal> = Vec::new();
        for g in groups {
            let mut keys = Vec::new();
            self.entry_keys(&g.entry, 0, &mut keys);
            keys.dedup();
            if keys.iter().any(|k| seen.contains(k)) {
                return true;
            }
            seen.extend(keys);
        }
        false
    }

    /// The member keys an entry writes out (`a: …`, `1: …`, `"x": …`), through group names.
    fn entry_keys(&self, entry: &GroupEntry<'a>, depth: usize, out: &mut Vec<Literal>) {
        if depth > 16 {
            return;
        }
        match entry {
            GroupEntry::ValueMemberKey { ge, .. } => match &ge.member_key {
                Some(MemberKey::Bareword { ident, .. }) => out.push(Literal::Text(ident.ident.to_owned())),
                Some(MemberKey::Value { value, .. }) => out.extend(value_literal(value)),
                _ => {}
            },
            GroupEntry::InlineGroup { group, .. } => {
                for gc in &group.group_choices {
                    for (e, _) in &gc.group_entries {
                        self.entry_keys(e, depth + 1, out);
                    }
                }
            }
            GroupEntry::TypeGroupname { ge, .. } => {
                if let Some(&r) = self.index.get(&rule_name(&ge.name)) {
                    for g in &self.rules[r].1.groups {
                        self.entry_keys(&g.entry, depth + 1, out);
                    }
                }
            }
        }
    }

    /// The alternatives of one group choice, each a label and its entries: a choice that names
    /// a group rule stands for that rule's alternatives (`SUIT_Condition //= (…)`, seven times).
    pub(super) fn choice_alternatives<'g>(
        &self,
        gc: &'g ast::GroupChoice<'a>,
        i: usize,
    ) -> Vec<(String, Vec<&'g GroupEntry<'a>>)>
    where
        'a: 'g,
    {
        if let [(entry, _)] = gc.group_entries.as_slice() {
            return self.group_alternatives(entry, i);
        }
        vec![(choice_label(gc, i), gc.group_entries.iter().map(|(e, _)| e).collect())]
    }

    pub(super) fn group_alternatives<'g>(
        &self,
        entry: &'g GroupEntry<'a>,
        i: usize,
    ) -> Vec<(String, Vec<&'g GroupEntry<'a>>)>
    where
        'a: 'g,
    {
        match entry {
            GroupEntry::TypeGroupname { ge, .. } if ge.occur.is_none() && ge.generic_args.is_none() => {
                let name = rule_name(&ge.name);
                match self.index.get(&name).map(|&r| &self.rules[r].1.groups) {
                    Some(groups) if !groups.is_empty() => {
                        groups.iter().enumerate().flat_map(|(j, g)| self.group_alternatives(&g.entry, j)).collect()
                    }
                    _ => vec![(name, vec![entry])],
                }
            }
            GroupEntry::InlineGroup { group, occur: None, .. } => {
                group.group_choices.iter().enumerate().flat_map(|(j, gc)| self.choice_alternatives(gc, j)).collect()
            }
            other => vec![(entry_label(other, i), vec![other])],
        }
    }

    /// A repeated group inside an array (`[+ (key, value) // …]`): each alternative a struct
    /// of its items ([`Layout::Group`]), their choice if several, and a field listing them.
    pub(super) fn repeated_group(
        &mut self,
        alts: Vec<(String, Vec<&GroupEntry<'a>>)>,
        o: AstOccur,
        parent: &str,
        span: ast::Span,
        out: &mut Vec<Field>,
    ) {
        // A group choice inside one repeated alternative is not the array's to pick.
        let saved = std::mem::replace(&mut self.array_choices, false);
        self.repeated_group_items(alts, o, parent, span, out);
        self.array_choices = saved;
    }

    pub(super) fn repeated_group_items(
        &mut self,
        alts: Vec<(String, Vec<&GroupEntry<'a>>)>,
        o: AstOccur,
        parent: &str,
        span: ast::Span,
        out: &mut Vec<Field>,
    ) {
        let (min, max) = list_bounds(o).unwrap_or((0, None));
        let fname = format!("item{}", out.len());
        let base = format!("{parent}-{fname}");
        let mut variants: Vec<ChoiceVariant> = Vec::new();
        for (label, entries) in alts {
            let mut label = label;
            if variants.iter().any(|v| v.name == label) {
                label = format!("{label}-{}", variants.len() + 1);
            }
            let name = format!("{base}-{label}");
            let mut fields = Vec::new();
            for e in entries {
                self.entry_fields(e, &ast::OptionalComma::default(), Layout::Array, &name, false, &mut fields);
            }
            if fields.iter().any(|f| f.occur != Occur::One) {
                self.error(span, "optional or repeated items inside a repeated group are not supported");
                return;
            }
            let docs = vec![format!("One `{label}` group of `{parent}`'s items.")];
            self.push(
                name.clone(),
                docs,
                span,
                None,
                TypeKind::Struct(Struct { layout: Layout::Group, fields, unknown: None, table: None }),
            );
            variants.push(ChoiceVariant { name: label, rust_name: None, ty: Ty::named(name), element: None });
        }
        let ty = match variants.as_slice() {
            [one] => one.ty.clone(),
            _ => {
                let docs = vec![format!("One of the groups `{parent}`'s items repeat.")];
                self.push(base.clone(), docs, span, None, TypeKind::Choice(Choice { variants }));
                Ty::named(base)
            }
        };
        let span = self.span(span);
        out.push(Field {
            rust_name: None,
            name: fname,
            docs: Vec::new(),
            key: Key::Position(out.len()),
            ty,
            occur: Occur::Many { min, max },
            group: None,
            span,
        });
    }
}
