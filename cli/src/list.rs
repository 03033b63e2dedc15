//! `osmos list`: the catalogue's index of a shipped schema (and an extension's messages), or
//! one message's fields, as aligned text.

use std::path::Path;

use osmos_codegen::shipped::{self, SHIPPED};

use crate::catalog::SchemaView;
use crate::extension::Extension;
use crate::output::diagnostics;

/// The catalogue view of a shipped module, compiled from the schemas under `root`.
pub fn shipped_view(module: &str, root: &Path) -> Result<SchemaView, String> {
    let (_, files) =
        SHIPPED.iter().find(|(m, _)| *m == module).ok_or_else(|| format!("no shipped schema `{module}`"))?;
    let first = root.join(files[0]);
    if !first.exists() {
        return Err(format!(
            "{} is absent: `osmos list` reads the schemas of an osmos checkout (pass --root DIR)",
            first.display()
        ));
    }
    let paths: Vec<String> = files.iter().map(|f| root.join(f).to_string_lossy().into_owned()).collect();
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    let schema = shipped::builder(module, &paths).schema().map_err(|e| diagnostics(&e))?;
    Ok(SchemaView::new(&schema))
}

/// Prints the index (standard messages, then an extension's own), or one message's fields.
pub fn run(module: &str, root: &Path, with: Option<&str>, message: Option<&str>) -> Result<(), String> {
    let ext = with.map(Extension::load).transpose()?;
    let mut view = shipped_view(module, root)?;
    if let Some(ext) = &ext {
        view.append(SchemaView::new(ext.schema()));
    }
    let text = match message {
        None => view.index_text(),
        Some(name) => view.entry_text(name).ok_or_else(|| format!("no message or type `{name}` in {module}"))?,
    };
    for line in text.lines() {
        out!("{line}");
    }
    Ok(())
}
