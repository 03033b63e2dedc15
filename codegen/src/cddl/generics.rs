//! Generic rules, monomorphised per argument list.

use std::collections::BTreeMap;

use cddl::ast::{self, GenericArgs, Type2};

use crate::ir::{Prim, Ty};

use super::syntax::{doc_lines, ty_label};
use super::Lowerer;

impl<'a> Lowerer<'a> {
    /// Monomorphises a generic rule for the given arguments.
    pub(super) fn instantiate(&mut self, rule: usize, args: &GenericArgs<'a>, span: ast::Span) -> Ty {
        let (base, params, file) = {
            let (n, def) = &self.rules[rule];
            (n.clone(), def.generic_params().iter().map(|s| s.to_string()).collect::<Vec<_>>(), def.file)
        };
        if params.len() != args.args.len() {
            self.error(span, format!("`{base}` takes {} generic arguments, {} given", params.len(), args.args.len()));
            return Ty::prim(Prim::Any);
        }
        // An argument naming an outer generic parameter (`CBOR-ONLY<C>` inside `JC<J, C>`) is
        // named after what the parameter is bound to, so each instance gets its own type.
        let arg_names: Vec<String> = args
            .args
            .iter()
            .map(|a| match (&a.arg.type2, &a.arg.operator) {
                (Type2::Typename { ident, generic_args: None, .. }, None) => {
                    match self.env.iter().rev().find_map(|e| e.get(ident.ident)) {
                        Some(ty) => ty_label(ty),
                        None => self.variant_name(&a.arg),
                    }
                }
                _ => self.variant_name(&a.arg),
            })
            .collect();
        let inst = format!("{base}-{}", arg_names.join("-"));
        if self.derived.insert(inst.clone()) {
            // Inline arguments are hoisted under the instance's name, so two instances
            // (`JC<"a", 1>`, `JC<"b", 2>`) do not hoist two types of one name.
            let mut bound = BTreeMap::new();
            for (p, a) in params.iter().zip(&args.args) {
                let ty = self.lower_type1(&a.arg, &format!("{inst}-{p}"));
                bound.insert(p.clone(), ty);
            }
            let ty = self.rule_type(rule);
            let (docs, def_span) = (doc_lines(&self.rules[rule].1.comments), self.rules[rule].1.span);
            let saved = std::mem::replace(&mut self.file, file);
            self.env.push(bound);
            let kind = self.type_kind(&ty, &inst, def_span);
            self.env.pop();
            self.push(inst.clone(), docs, def_span, None, kind);
            self.file = saved;
        }
        Ty::named(inst)
    }
}
