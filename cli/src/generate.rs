//! `osmos generate`: the shipped bindings from `schemas/`, or any schema files into `--out`.

use std::path::{Path, PathBuf};

use osmos_codegen::shipped::{self, SHIPPED};
use osmos_codegen::{Builder, JsonForm, JsonImpls};

use crate::catalog::{self, SchemaView};
use crate::output::diagnostics;
use crate::Failure;

/// The shipped schemas an extension can build on.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Base {
    /// The Open Screen Protocol (`osmos::openscreen`).
    Openscreen,
}

#[derive(clap::Args)]
pub struct Args {
    /// Exit non-zero when `generated/` differs from what `schemas/` produce; write nothing.
    #[arg(long)]
    check: bool,
    /// CDDL files to compile into one module (instead of the shipped schemas).
    #[arg(long, num_args = 1.., conflicts_with = "xsd")]
    cddl: Vec<PathBuf>,
    /// XSD files to compile into one module (instead of the shipped schemas).
    #[arg(long, num_args = 1..)]
    xsd: Vec<PathBuf>,
    /// Output directory for --cddl/--xsd (the module is `<first file stem>.rs`).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Module name for --cddl/--xsd.
    #[arg(long)]
    module: Option<String>,
    /// Compile --cddl against a shipped schema: its names resolve to the `osmos::<schema>`
    /// types, which the output refers to instead of copying.
    #[arg(long, value_enum, requires = "cddl")]
    extends: Option<Base>,
    /// Accept any type key in --cddl, not only the extension ranges without standard keys.
    #[arg(long, requires = "cddl")]
    allow_any_type_key: bool,
    /// Write --cddl in derive form: types with `#[derive(osmos::Message)]` (needs `osmos/derive`).
    #[arg(long, requires = "cddl")]
    derive_form: bool,
    /// Owned types for --cddl/--xsd: no lifetime parameter; text, bytes and raw values are
    /// copied out of the input (`Cow<'static, _>`), so decoded values outlive their buffer.
    #[arg(long)]
    owned: bool,
    /// JSON impls (`osmos::json`, needs `osmos/json`) for --cddl/--xsd: `off` (the default:
    /// the module needs nothing but `osmos`), `on` (the default with `--json-form schema`), or
    /// `feature=NAME` to put them behind a feature of the including crate.
    #[arg(long, value_name = "MODE", value_parser = parse_json)]
    json: Option<JsonImpls>,
    /// The rules of those JSON impls: `view` (the default: a lossless view of the CBOR values,
    /// as `osmos decode` prints), or `schema` for a CDDL that describes JSON texts (WebDriver
    /// BiDi): untagged choices, arrays as arrays, extension members kept, values checked.
    #[arg(long, value_name = "FORM", default_value = "view", value_parser = parse_json_form, requires = "cddl")]
    json_form: JsonForm,
    /// Root of the osmos checkout (for the shipped schemas).
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

fn parse_json_form(s: &str) -> Result<JsonForm, String> {
    match s {
        "view" => Ok(JsonForm::View),
        "schema" => Ok(JsonForm::Schema),
        _ => Err("expected `view` or `schema`".into()),
    }
}

fn parse_json(s: &str) -> Result<JsonImpls, String> {
    match s {
        "off" => Ok(JsonImpls::Off),
        "on" => Ok(JsonImpls::On),
        _ => match s.strip_prefix("feature=") {
            Some(name) if !name.is_empty() => Ok(JsonImpls::Feature(name.into())),
            _ => Err("expected `off`, `on` or `feature=NAME`".into()),
        },
    }
}

pub fn run(args: Args) -> Result<(), Failure> {
    if !args.cddl.is_empty() || !args.xsd.is_empty() {
        let out = args.out.ok_or("--out DIR is required with --cddl/--xsd")?;
        let mut b = Builder::new().out_dir(&out).json_form(args.json_form);
        if let Some(json) = args.json {
            b = b.json(json);
        }
        for f in &args.cddl {
            b = b.cddl(f);
        }
        for f in &args.xsd {
            b = b.xsd(f);
        }
        if let Some(m) = args.module {
            b = b.module(m);
        }
        if let Some(Base::Openscreen) = args.extends {
            b = b.extends_openscreen();
        }
        b = b.allow_any_type_key(args.allow_any_type_key).derive_form(args.derive_form).owned(args.owned);
        let (path, warnings) = b.compile_with_warnings().map_err(|e| diagnostics(&e))?;
        crate::output::warnings(&warnings);
        out!("wrote {}", path.display());
        return Ok(());
    }
    std::env::set_current_dir(&args.root).map_err(|e| format!("{}: {e}", args.root.display()))?;
    let mut stale = Vec::new();
    let mut views = Vec::new();
    let mut write = |path: PathBuf, text: &str| -> Result<(), Failure> {
        if args.check {
            let old = std::fs::read_to_string(&path).unwrap_or_default();
            if old != text {
                stale.push(format!("{}\n{}", path.display(), short_diff(&old, text, 12)));
            }
        } else if osmos_codegen::write_if_changed(&path, text).map_err(|e| diagnostics(&e))? {
            out!("wrote {}", path.display());
        } else {
            out!("unchanged {}", path.display());
        }
        Ok(())
    };
    for (module, files) in SHIPPED {
        let builder = shipped::builder(module, files);
        let (schema, warnings) = builder.schema_and_warnings().map_err(|e| diagnostics(&e))?;
        crate::output::warnings(&warnings);
        views.push(SchemaView::new(&schema));
        let text = builder.generate().map_err(|e| diagnostics(&e))?;
        write(Path::new("generated").join(format!("{module}.rs")), &text)?;
    }
    write(Path::new("generated").join("CATALOG.md"), &catalog::render(&views)?)?;
    if !stale.is_empty() {
        return Err(Failure::stale(format!(
            "stale generated files (run `cargo run -p osmos-cli -- generate`):\n{}",
            stale.join("\n")
        )));
    }
    if !args.check {
        for v in views {
            out!("\n{}: {} messages\n{}", v.module, v.messages.len(), v.index_text().trim_end());
        }
    }
    Ok(())
}

/// The lines that differ between `old` and `new`, after their common head and tail, as `-`/`+`
/// lines with the line number where they start; at most `max` of each, then a count.
pub fn short_diff(old: &str, new: &str, max: usize) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..].iter().rev().zip(b[head..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (gone, came) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut out = format!("@@ line {} @@\n", head + 1);
    for (sign, lines) in [('-', gone), ('+', came)] {
        for l in lines.iter().take(max) {
            out.push_str(&format!("{sign}{l}\n"));
        }
        if lines.len() > max {
            out.push_str(&format!("{sign}… {} more lines\n", lines.len() - max));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::short_diff;

    #[test]
    fn short_diff_shows_only_what_changed() {
        let diff = short_diff("a\nb\nc\nd\n", "a\nB\nc\nd\n", 5);
        assert_eq!(diff, "@@ line 2 @@\n-b\n+B\n");
        let diff = short_diff("", "x\ny\nz\n", 2);
        assert_eq!(diff, "@@ line 1 @@\n+x\n+y\n+… 1 more lines\n");
    }
}
