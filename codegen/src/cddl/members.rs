//! One group entry → the fields it contributes (keys, names, occurrence).

use cddl::ast::{self, GroupEntry, MemberKey, Occur as AstOccur};

use crate::comment;
use crate::ir::{Field, Key, Layout, Literal, Occur};

use super::syntax::{
    comments_of, doc_lines, entry_comments, list_bounds, literal_of, occur_of, rule_name, value_literal, FieldName,
};
use super::Lowerer;

impl<'a> Lowerer<'a> {
    pub(super) fn entry_fields(
        &mut self,
        entry: &GroupEntry<'a>,
        comma: &ast::OptionalComma<'a>,
        layout: Layout,
        parent: &str,
        optional: bool,
        out: &mut Vec<Field>,
    ) {
        match entry {
            // `~other` in a map (an array): the entries of the map (array) `other` is, spliced.
            GroupEntry::ValueMemberKey { ge, span, .. }
                if ge.member_key.is_none() && self.unwrap_rule(&ge.entry_type).is_some() =>
            {
                let (name, group) = self.unwrap_rule(&ge.entry_type).expect("checked");
                match (&group.0, layout) {
                    (Layout::Map, Layout::Map) | (Layout::Array, Layout::Array) if ge.occur.is_none() => {
                        if !self.unwrapping.insert(name.clone()) {
                            self.error(*span, format!("`~{name}` unwraps a rule that contains itself"));
                            return;
                        }
                        self.group_fields(group.1, layout, parent, optional, out);
                        self.unwrapping.remove(&name);
                    }
                    (_, _) if ge.occur.is_some() => self.error(
                        *span,
                        "an unwrapped group (`~name`) cannot repeat; name the group as a rule and repeat that",
                    ),
                    (Layout::Map, _) => {
                        self.error(*span, format!("`~{name}` is a map: its entries splice into a map, not an array"))
                    }
                    _ => self.error(*span, format!("`~{name}` is an array: its items splice into an array, not a map")),
                }
            }
            GroupEntry::ValueMemberKey { ge, span, leading_comments, trailing_comments } => {
                let mut docs = doc_lines(&comments_of(leading_comments));
                let trailing = entry_comments(trailing_comments, comma);
                let occur = occur_of(&ge.occur);
                let key = match &ge.member_key {
                    None => None,
                    Some(MemberKey::Bareword { ident, .. }) => Some(FieldName::Bare(ident.ident.to_owned())),
                    Some(MemberKey::Value { value, .. }) => match value_literal(value) {
                        Some(l) => Some(FieldName::Lit(l)),
                        None => {
                            self.error(*span, "byte-string map keys are not supported");
                            return;
                        }
                    },
                    Some(MemberKey::Type1 { t1, .. }) => {
                        match (t1.operator.is_none()).then(|| literal_of(&t1.type2)).flatten() {
                            Some(l) => Some(FieldName::Lit(l)),
                            None => {
                                let repeated = self.repeated || occur.is_some_and(|o| list_bounds(o).is_some());
                                if layout == Layout::Map && repeated && self.is_any(&ge.entry_type) {
                                    // `* tstr => any`: an open map, whose other entries are kept.
                                    self.open_maps.insert(parent.to_owned());
                                    return;
                                }
                                if let Some(named) = (layout == Layout::Map && t1.operator.is_none())
                                    .then(|| self.named_constant(&t1.type2))
                                    .flatten()
                                {
                                    // `lbl => T` with `lbl = 1`, `&(lbl: 1) => T`: the constant is the key.
                                    Some(named)
                                } else if layout == Layout::Map {
                                    self.table(parent, t1, ge, occur, optional, *span);
                                    return;
                                } else {
                                    self.error(*span, "computed keys (`K => V`) belong in maps, not arrays");
                                    return;
                                }
                            }
                        }
                    }
                    Some(MemberKey::NonMemberKey { .. }) => {
                        self.error(*span, "unsupported member key");
                        return;
                    }
                };
                let (name, wire_key) = match (key, layout) {
                    (Some(FieldName::Bare(n)), Layout::Map) => {
                        docs.extend(doc_lines(&trailing));
                        (n.clone(), Key::Text(n))
                    }
                    (Some(FieldName::Bare(n)), _) => {
                        docs.extend(doc_lines(&trailing));
                        (n, Key::Position(out.len()))
                    }
                    (Some(FieldName::Lit(Literal::Int(k))), Layout::Map) => {
                        let Ok(k) = i64::try_from(k) else {
                            self.error(*span, "map key out of range");
                            return;
                        };
                        // The Open Screen convention: a trailing comment that is one name and
                        // nothing else names the field. A comment of several words is prose
                        // (`; max transaction size`), and the field keeps its key's name.
                        let named = trailing.first().and_then(|c| comment::field_name(c)).filter(|(_, r)| r.is_empty());
                        let (name, prose) = match named {
                            Some((n, _)) => (n, trailing.get(1..).unwrap_or_default()),
                            None if k < 0 => (format!("key-minus-{}", k.unsigned_abs()), &trailing[..]),
                            None => (format!("key-{k}"), &trailing[..]),
                        };
                        docs.extend(doc_lines(prose));
                        (name, Key::Int(k))
                    }
                    (Some(FieldName::Const(n, Literal::Int(k))), Layout::Map) => {
                        let Ok(k) = i64::try_from(k) else {
                            self.error(*span, "map key out of range");
                            return;
                        };
                        docs.extend(doc_lines(&trailing));
                        (n, Key::Int(k))
                    }
                    (Some(FieldName::Const(n, Literal::Text(t))), Layout::Map) => {
                        docs.extend(doc_lines(&trailing));
                        (n, Key::Text(t))
                    }
                    (Some(FieldName::Lit(Literal::Text(t))), Layout::Map) => {
                        docs.extend(doc_lines(&trailing));
                        (t.clone(), Key::Text(t))
                    }
                    // `["header": blockhead]`: in an array a member key is only a name
                    // (RFC 8610 §3.4), written as text.
                    (Some(FieldName::Lit(Literal::Text(t))), Layout::Array) => {
                        docs.extend(doc_lines(&trailing));
                        (t, Key::Position(out.len()))
                    }
                    (Some(FieldName::Lit(_) | FieldName::Const(..)), _) => {
                        self.error(*span, "only integer and text literals can be map keys, and arrays take no keys");
                        return;
                    }
                    (None, Layout::Array) => {
                        let name = match trailing.first().map(|c| comment::field_name(c)) {
                            Some(Some((n, _))) => n,
                            _ => format!("item{}", out.len()),
                        };
                        (name, Key::Position(out.len()))
                    }
                    (None, _) => {
                        self.error(*span, "a map entry needs a key (`key: type`)");
                        return;
                    }
                };
                let occur = match occur {
                    None => Occur::One,
                    Some(AstOccur::Optional { .. }) => Occur::Optional,
                    // `[bstr, * bstr]`, `[2* bstr, ?nil]`: the items this entry takes.
                    Some(o) if layout == Layout::Array && matches!(wire_key, Key::Position(_)) => {
                        let (min, max) = list_bounds(o).unwrap_or((0, None));
                        Occur::Many { min, max }
                    }
                    Some(_) => {
                        self.error(*span, "repeated entries (`*`, `+`, `n*m`) inside a map are not supported; wrap them in an array: `key: [* T]`");
                        return;
                    }
                };
                let occur = if optional { Occur::Optional } else { occur };
                let saved = self.site.replace((parent.to_owned(), name.clone()));
                let ty = self.lower_ty(&ge.entry_type, &format!("{parent}-{name}"));
                self.site = saved;
                let span = self.span(*span);
                out.push(Field { rust_name: None, name, docs, key: wire_key, ty, occur, group: None, span });
            }
            GroupEntry::TypeGroupname { ge, span, trailing_comments, leading_comments } => {
                let name = rule_name(&ge.name);
                let occur = occur_of(&ge.occur);
                let group_rules = self.index.get(&name).map(|&i| self.rules[i].1.groups.clone());
                match group_rules {
                    Some(groups) if !groups.is_empty() => {
                        // `* group` in a map: a key occurs at most once, so each entry of the
                        // group is optional, and a computed key in it is a repeated one.
                        let repeated = layout == Layout::Map && occur.is_some_and(|o| list_bounds(o).is_some());
                        let opt = match occur {
                            None => optional,
                            Some(AstOccur::Optional { .. }) => true,
                            Some(_) if repeated => true,
                            Some(o) => {
                                // `[* group]` inside an array: a list of the group's items.
                                let alts: Vec<(String, Vec<&GroupEntry<'a>>)> = groups
                                    .iter()
                                    .enumerate()
                                    .flat_map(|(i, g)| self.group_alternatives(&g.entry, i))
                                    .collect();
                                self.repeated_group(alts, o, parent, *span, out);
                                return;
                            }
                        };
                        // A group socket's alternatives extend a map: every entry optional,
                        // unless two name one key, when they are the map's alternatives.
                        let opt =
                            opt || (name.starts_with("$$") && !(layout == Layout::Map && self.share_a_key(&groups)));
                        let file = self.rules[self.index[&name]].1.file;
                        let saved = std::mem::replace(&mut self.file, file);
                        let saved_repeated = self.repeated;
                        self.repeated |= repeated;
                        let saved_splicing = self.splicing.replace(name.clone());
                        self.splice_rules(&name, &groups, layout, parent, opt, out);
                        self.splicing = saved_splicing;
                        self.repeated = saved_repeated;
                        self.file = saved;
                    }
                    None if name.starts_with("$$") => {} // an empty group socket: an extension point
                    _ if layout == Layout::Array => {
                        let trailing = entry_comments(trailing_comments, comma);
                        let fname = match trailing.first().map(|c| comment::field_name(c)) {
                            Some(Some((n, _))) => n,
                            _ => format!("item{}", out.len()),
                        };
                        let occur = match occur {
                            None => Occur::One,
                            Some(AstOccur::Optional { .. }) => Occur::Optional,
                            Some(o) => {
                                let (min, max) = list_bounds(o).unwrap_or((0, None));
                                Occur::Many { min, max }
                            }
                        };
                        let ty = self.typename(&ge.name, ge.generic_args.as_ref(), *span, &format!("{parent}-{fname}"));
                        let docs = doc_lines(&comments_of(leading_comments));
                        out.push(Field {
                            rust_name: None,
                            name: fname,
                            docs,
                            key: Key::Position(out.len()),
                            ty,
                            occur,
                            group: None,
                            span: self.span(*span),
                        });
                    }
                    _ => self.error(*span, format!("`{name}` is not a group; a map entry needs a key (`key: {name}`)")),
                }
            }
            GroupEntry::InlineGroup { occur, group, span, .. } => {
                let repeated = layout == Layout::Map && occur_of(occur).is_some_and(|o| list_bounds(o).is_some());
                let opt = match occur_of(occur) {
                    None => optional,
                    Some(AstOccur::Optional { .. }) => true,
                    Some(_) if repeated => true,
                    Some(o) => {
                        // `[+ (a // b)]`: a list of groups spliced into the array.
                        let alts: Vec<(String, Vec<&GroupEntry<'a>>)> = group
                            .group_choices
                            .iter()
                            .enumerate()
                            .flat_map(|(i, gc)| self.choice_alternatives(gc, i))
                            .collect();
                        self.repeated_group(alts, o, parent, *span, out);
                        return;
                    }
                };
                let saved_repeated = self.repeated;
                self.repeated |= repeated;
                if group.group_choices.len() > 1 && matches!(occur_of(occur), Some(AstOccur::Optional { .. })) {
                    // `? (a // b)`: one of them, or neither.
                    self.group_choice(group, layout, parent, optional, true, out);
                } else {
                    self.group_fields(group, layout, parent, opt, out);
                }
                self.repeated = saved_repeated;
            }
        }
    }
}
