//! Group aliases: `g = h` and `g = (h)` where `h` is a group rule. The `cddl` parser reads both
//! as type rules (it cannot know what `h` is), and a type rule naming a group is an error; RFC
//! 8610 resolves the ambiguity by what `h` is, so the rule is rewritten as the group rule
//! `g = (h)` it means, before anything is lowered.

use std::collections::BTreeSet;

use cddl::ast::{self, GroupEntry, GroupRule, Rule, Type, Type2, TypeGroupnameEntry};

use super::syntax::rule_name;

/// Rewrites every type rule that only names a group rule (directly, in parentheses, or through
/// another such alias) into a group rule.
pub(super) fn resolve(asts: &mut [ast::CDDL<'_>]) {
    let mut groups: BTreeSet<String> = asts
        .iter()
        .flat_map(|c| &c.rules)
        .filter_map(|r| match r {
            Rule::Group { rule, .. } => Some(rule_name(&rule.name)),
            Rule::Type { .. } => None,
        })
        .collect();
    // Each pass resolves one more link of a chain (`f = g`, `g = h`); a chain is no longer
    // than the number of rules.
    loop {
        let mut changed = false;
        for cddl in asts.iter_mut() {
            for rule in &mut cddl.rules {
                let Rule::Type { rule: tr, span, comments_before_rule, comments_after_rule } = rule else { continue };
                if tr.is_type_choice_alternate || tr.generic_params.is_some() || groups.contains(&rule_name(&tr.name)) {
                    continue;
                }
                let Some(target) = named(&tr.value) else { continue };
                if !groups.contains(&rule_name(&target)) {
                    continue;
                }
                groups.insert(rule_name(&tr.name));
                let entry = GroupEntry::TypeGroupname {
                    ge: TypeGroupnameEntry { occur: None, name: target, generic_args: None },
                    span: tr.value.span,
                    leading_comments: None,
                    trailing_comments: None,
                };
                *rule = Rule::Group {
                    rule: Box::new(GroupRule {
                        name: tr.name.clone(),
                        generic_params: None,
                        is_group_choice_alternate: false,
                        entry,
                        comments_before_assigng: tr.comments_before_assignt.clone(),
                        comments_after_assigng: tr.comments_after_assignt.clone(),
                    }),
                    span: *span,
                    comments_before_rule: comments_before_rule.clone(),
                    comments_after_rule: comments_after_rule.clone(),
                };
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// The name a type is, when it is a bare name or a parenthesized one.
fn named<'a>(ty: &Type<'a>) -> Option<ast::Identifier<'a>> {
    let [c] = ty.type_choices.as_slice() else { return None };
    if c.type1.operator.is_some() {
        return None;
    }
    match &c.type1.type2 {
        Type2::Typename { ident, generic_args: None, .. } => Some(ident.clone()),
        Type2::ParenthesizedType { pt, .. } => named(pt),
        _ => None,
    }
}
