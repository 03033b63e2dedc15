//! Generates every schema of `src/zoo.rs` in every mode into `OUT_DIR`, for `src/lib.rs` to
//! compile. A schema the generator refuses is listed with its error instead; the tests check
//! that the refusals are clean errors and that enough of the zoo is accepted.

use std::fmt::Write as _;
use std::path::Path;

use osmos_codegen::{Builder, Error, JsonForm, JsonImpls};

#[path = "src/zoo.rs"]
mod zoo;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=src/zoo.rs");
    let out = std::env::var("OUT_DIR")?;
    let dir = Path::new(&out).join("zoo");
    std::fs::create_dir_all(&dir)?;
    let mut modules = String::new();
    let mut accepted = String::new();
    let mut refused = String::new();
    let mut arms = String::new();
    for (name, text, modes) in zoo::schemas() {
        let path = dir.join(format!("{name}.cddl"));
        std::fs::write(&path, &text)?;
        for mode in modes {
            let module = format!("{name}_{mode}");
            let builder = Builder::new().module(&module).cddl(&path);
            let generated = match *mode {
                "view" => builder.json(JsonImpls::On).generate(),
                "owned" => builder.owned(true).generate(),
                "text" => builder.json(JsonImpls::On).json_form(JsonForm::Schema).generate(),
                _ => builder.derive_form(true).generate(),
            };
            match generated {
                Ok(rust) => {
                    let file = dir.join(format!("{module}.rs"));
                    std::fs::write(&file, rust)?;
                    writeln!(modules, "pub mod {module} {{ include!({:?}); }}", file.display())?;
                    writeln!(accepted, "    ({name:?}, {mode:?}),")?;
                    // The round trip's dispatch: the top types by schema name.
                    let schema = Builder::new().cddl(&path).schema()?;
                    for t in schema.types.iter().filter(|t| t.name.starts_with("top-")) {
                        let ident = osmos_codegen::rust::type_ident(t);
                        writeln!(
                            arms,
                            "        ({module:?}, {:?}) => Some(round_trip::<generated::{module}::{ident}>(bytes)),",
                            t.name
                        )?;
                    }
                }
                Err(Error::Schema(errors)) => {
                    let first = errors.first().map(|e| e.to_string()).unwrap_or_default();
                    writeln!(refused, "    ({name:?}, {mode:?}, {first:?}),")?;
                }
                // The derive form is a subset: a shape the derive's attributes cannot express
                // is a usage error naming it.
                Err(Error::Usage(why)) if *mode == "derive" => {
                    writeln!(refused, "    ({name:?}, {mode:?}, {why:?}),")?;
                }
                Err(other) => return Err(format!("{module}: not a schema error: {other}").into()),
            }
        }
    }
    let manifest = format!(
        "/// (schema, mode) pairs the generator accepted; each is a module `<schema>_<mode>`.\n\
         pub const ACCEPTED: &[(&str, &str)] = &[\n{accepted}];\n\
         /// (schema, mode, first error) for what it refused.\n\
         pub const REFUSED: &[(&str, &str, &str)] = &[\n{refused}];\n"
    );
    std::fs::write(dir.join("manifest.rs"), manifest)?;
    let dispatch = format!(
        "/// Decodes `bytes` as the type `ty` of module `module`, encodes it again and returns the\n\
         /// bytes, or the error; `None` when the module has no such type.\n\
         pub fn decode_encode(module: &str, ty: &str, bytes: &[u8]) -> Option<Result<Vec<u8>, String>> {{\n\
         \x20   match (module, ty) {{\n{arms}        _ => None,\n    }}\n}}\n"
    );
    std::fs::write(dir.join("dispatch.rs"), dispatch)?;
    std::fs::write(dir.join("modules.rs"), modules)?;
    Ok(())
}
