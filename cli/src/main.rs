//! `osmos`: regenerate the shipped bindings, compile any schema, and decode or encode real
//! traffic as JSON.

#[macro_use]
mod output;
mod catalog;
mod extension;
mod generate;
mod input;
mod list;
mod mos;
mod mos_wire;
mod openscreen;
mod osp;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Examples and exit codes, shown by `osmos --help`.
const AFTER_HELP: &str = "\
Examples:
  osmos generate                                  regenerate generated/ from schemas/
  osmos generate --check                          exit 3 (with a diff) when generated/ is stale
  osmos generate --cddl my.cddl --out src/gen     compile your own CDDL into src/gen/my.rs
  osmos generate --xsd my.xsd --out src/gen --json on
  osmos list openscreen                           the message table, sorted by type key
  osmos list mos roCreate                         one message's fields, types and limits
  echo 0aa10001 | osmos decode openscreen -       frames (hex, binary or -) as JSON, with byte offsets
  osmos decode openscreen frames.bin | osmos encode openscreen -
  osmos decode mos roCreate.xml --strict          every deviation from the schema
  osmos mos tap 0.0.0.0:10540=ncs:10540 0.0.0.0:10541=device:10541
                                                  forward MOS 2.x unchanged, print each message
  osmos mos send roCreate.xml --to device:10541   send one document, print the acknowledgement
  osmos osp discover                              Open Screen agents on the network (mDNS), with fingerprints

Exit codes:
  0  success
  1  failure: a schema error, undecodable input, an unreadable file
  2  usage error (unknown option, missing argument)
  3  generate --check: generated files are stale";

#[derive(Parser)]
#[command(
    name = "osmos",
    version,
    about = "Schema compiler and traffic inspector for Open Screen and MOS",
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The protocols whose bindings ship with osmos.
#[derive(Clone, Copy, ValueEnum)]
enum Protocol {
    /// Open Screen Protocol frames: varint(type key) ‖ CBOR.
    Openscreen,
    /// MOS XML messages (UTF-8 or UTF-16), with or without the `<mos>` envelope.
    Mos,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate `generated/` from `schemas/` (or compile the given files into --out) and print
    /// the message table.
    Generate(generate::Args),
    /// Decode frames (hex text, a binary file, or `-` for stdin) or MOS XML and print each
    /// message as JSON.
    Decode {
        /// Which protocol the input speaks.
        protocol: Protocol,
        /// Input file, or `-` for stdin.
        input: String,
        /// MOS: report every deviation from the schema instead of decoding leniently.
        #[arg(long)]
        strict: bool,
        /// Open Screen: an extension CDDL schema (built on the standard one) whose messages
        /// the input may carry between standard frames.
        #[arg(long, value_name = "CDDL")]
        with: Option<String>,
    },
    /// Encode JSON (as printed by `decode`; one object or an array) and print the frames as
    /// hex, or MOS messages as XML.
    Encode {
        /// Which protocol to write.
        protocol: Protocol,
        /// Input file, or `-` for stdin.
        input: String,
        /// MOS: write the UTF-16BE wire bytes instead of UTF-8 text.
        #[arg(long)]
        utf16: bool,
    },
    /// MOS 2.x on the wire: a tap between two systems, or one document sent.
    Mos {
        #[command(subcommand)]
        action: MosAction,
    },
    /// Print the message table of a shipped protocol (the index of generated/CATALOG.md), or
    /// one message's fields.
    List {
        /// Which protocol.
        protocol: Protocol,
        /// A message (schema name, type key or `<element>`) or other type: print its fields.
        message: Option<String>,
        /// Root of the osmos checkout whose schemas to read.
        #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/.."))]
        root: std::path::PathBuf,
        /// Open Screen: also list the messages of this extension CDDL schema.
        #[arg(long, value_name = "CDDL")]
        with: Option<String>,
    },
    /// Open Screen agents on the network.
    Osp {
        #[command(subcommand)]
        command: OspCommand,
    },
}

/// Open Screen agents on the network.
#[derive(Subcommand)]
enum OspCommand {
    /// Browse mDNS for `_openscreen._udp` and print each agent: name, address, fingerprint
    /// (`fp`), metadata version (`mv`), auth token (`at`) and agent hostname.
    Discover {
        /// How long to listen, in seconds.
        #[arg(long, default_value_t = 3.0)]
        timeout: f64,
        /// Stop as soon as this many agents were found.
        #[arg(long)]
        count: Option<usize>,
        /// Also use loopback interfaces (agents on this machine only announce there when told to).
        #[arg(long)]
        loopback: bool,
    },
}

#[derive(Subcommand)]
enum MosAction {
    /// Listen on each LISTEN address, dial its TARGET for every connection, forward the bytes
    /// both ways unchanged, and print each message decoded (strict-mode deviations flagged `!`).
    Tap {
        /// LISTEN=TARGET pairs, e.g. `0.0.0.0:10540=ncs.example:10540` (one per port).
        #[arg(required = true, value_name = "LISTEN=TARGET")]
        pairs: Vec<String>,
        /// Exit after this many messages have passed (for scripts).
        #[arg(long, value_name = "N")]
        messages: Option<usize>,
    },
    /// Send one MOS document (UTF-8 or UTF-16, with or without the `<mos>` envelope; messageID
    /// 1 when it has none) and print the acknowledgement as XML and JSON.
    Send {
        /// The document.
        file: String,
        /// HOST:PORT of the peer's port (lower 10540 for object messages, upper 10541 for
        /// running orders).
        #[arg(long, value_name = "HOST:PORT")]
        to: String,
        /// Seconds to wait for the acknowledgement.
        #[arg(long, default_value_t = 10)]
        timeout: u64,
    },
}

/// Why a command failed, and the exit code that says so.
pub struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    /// `generate --check` found stale files (exit code 3).
    pub fn stale(message: String) -> Self {
        Failure { code: 3, message }
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure { code: 1, message }
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Self {
        Failure { code: 1, message: message.into() }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: Result<(), Failure> = match cli.command {
        Command::Generate(args) => generate::run(args),
        Command::Decode { protocol: Protocol::Openscreen, strict: true, .. } => {
            Err("--strict applies to mos only".into())
        }
        Command::Encode { protocol: Protocol::Openscreen, utf16: true, .. } => {
            Err("--utf16 applies to mos only".into())
        }
        Command::Decode { protocol: Protocol::Mos, with: Some(_), .. }
        | Command::List { protocol: Protocol::Mos, with: Some(_), .. } => {
            Err("--with applies to openscreen only".into())
        }
        Command::Decode { protocol: Protocol::Openscreen, input, with, .. } => {
            openscreen::decode(&input, with.as_deref()).map_err(Failure::from)
        }
        Command::Encode { protocol: Protocol::Openscreen, input, .. } => {
            openscreen::encode(&input).map_err(Failure::from)
        }
        Command::Decode { protocol: Protocol::Mos, input, strict, .. } => {
            mos::decode(&input, strict).map_err(Failure::from)
        }
        Command::Encode { protocol: Protocol::Mos, input, utf16 } => mos::encode(&input, utf16).map_err(Failure::from),
        Command::Mos { action: MosAction::Tap { pairs, messages } } => {
            mos_wire::tap(&pairs, messages).map_err(Failure::from)
        }
        Command::Mos { action: MosAction::Send { file, to, timeout } } => {
            mos_wire::send(&file, &to, std::time::Duration::from_secs(timeout)).map_err(Failure::from)
        }
        Command::List { protocol, message, root, with } => {
            let module = match protocol {
                Protocol::Openscreen => "openscreen",
                Protocol::Mos => "mos",
            };
            list::run(module, &root, with.as_deref(), message.as_deref()).map_err(Failure::from)
        }
        Command::Osp { command: OspCommand::Discover { timeout, count, loopback } } => {
            match std::time::Duration::try_from_secs_f64(timeout) {
                Ok(wait) => osp::discover(wait, count, loopback).map_err(Failure::from),
                Err(_) => Err(format!("--timeout {timeout}: not a number of seconds").into()),
            }
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure { code, message }) => {
            // Rendered diagnostics carry their own `error:` (possibly coloured).
            if message.starts_with("error") || message.starts_with('\x1b') {
                eprintln!("{message}");
            } else {
                eprintln!("error: {message}");
            }
            ExitCode::from(code)
        }
    }
}
