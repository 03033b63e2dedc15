//! `osmos generate`: the shipped bindings from `schemas/`, or any schema files into `--out`.

use std::path::{Path, PathBuf};

use osmos_codegen::shipped::{self, SHIPPED};
use osmos_codegen::{Builder, JsonImpls};

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
    /// Root of the osmos checkout (for the shipped schemas).
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

pub fn run(args: Args) -> Result<(), String> {
    if !args.cddl.is_empty() || !args.xsd.is_empty() {
        let out = args.out.ok_or("--out DIR is required with --cddl/--xsd")?;
        let mut b = Builder::new().out_dir(&out).json(JsonImpls::Feature("json".into()));
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
        b = b.allow_any_type_key(args.allow_any_type_key).derive_form(args.derive_form);
        let path = b.compile().map_err(|e| e.to_string())?;
        out!("wrote {}", path.display());
        return Ok(());
    }
    std::env::set_current_dir(&args.root).map_err(|e| format!("{}: {e}", args.root.display()))?;
    let mut stale = Vec::new();
    let mut tables = Vec::new();
    for (module, files) in SHIPPED {
        let builder = shipped::builder(module, files);
        let schema = builder.schema().map_err(|e| e.to_string())?;
        tables.push(table(&schema));
        let text = builder.generate().map_err(|e| e.to_string())?;
        let path = Path::new("generated").join(format!("{module}.rs"));
        if args.check {
            if std::fs::read(&path).ok().as_deref() != Some(text.as_bytes()) {
                stale.push(path.display().to_string());
            }
        } else if osmos_codegen::write_if_changed(&path, &text).map_err(|e| e.to_string())? {
            out!("wrote {}", path.display());
        } else {
            out!("unchanged {}", path.display());
        }
    }
    if !stale.is_empty() {
        return Err(format!(
            "stale generated bindings: {} (run `cargo run -p osmos-cli -- generate`)",
            stale.join(", ")
        ));
    }
    if !args.check {
        for t in tables {
            out!("\n{t}");
        }
    }
    Ok(())
}

/// The message table of a schema, as `generate` prints it.
pub fn table(schema: &osmos_codegen::ir::Schema) -> String {
    use osmos_codegen::ir::MessageKey;
    let mut out = format!("{}: {} messages\n", schema.name, schema.messages().count());
    out.push_str(&format!("{:>10}  {:<10}  {:<42}  {}\n", "key", "varint", "message", "rust type"));
    for (t, key) in schema.messages() {
        let (key, varint) = match key {
            MessageKey::TypeKey(k) => {
                let mut v = Vec::new();
                osmos::varint::encode(*k, &mut v);
                (k.to_string(), hex::encode(v))
            }
            MessageKey::Element(e) => (format!("<{e}>"), String::new()),
        };
        let rust = osmos_codegen::rust::naming::type_name(&t.name);
        out.push_str(&format!("{key:>10}  {varint:<10}  {:<42}  {rust}\n", t.name));
    }
    out
}
