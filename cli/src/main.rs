//! `osmos`: regenerate the shipped bindings, compile any schema, and decode or encode real
//! traffic as JSON.

mod generate;
mod input;
mod openscreen;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "osmos", version, about = "Schema compiler and traffic inspector for Open Screen and MOS")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The protocols whose bindings ship with osmos.
#[derive(Clone, Copy, ValueEnum)]
enum Protocol {
    /// Open Screen Protocol frames: varint(type key) ‖ CBOR.
    Openscreen,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate `generated/` from `schemas/` (or compile the given files into --out) and print
    /// the message table.
    Generate(generate::Args),
    /// Decode frames (hex text, a binary file, or `-` for stdin) and print each as JSON.
    Decode {
        /// Which protocol the input speaks.
        protocol: Protocol,
        /// Input file, or `-` for stdin.
        input: String,
    },
    /// Encode JSON (as printed by `decode`; one object or an array) and print the frames as hex.
    Encode {
        /// Which protocol to write.
        protocol: Protocol,
        /// Input file, or `-` for stdin.
        input: String,
    },
    /// Print the message table of a shipped protocol.
    List {
        /// Which protocol.
        protocol: Protocol,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => generate::run(args),
        Command::Decode { protocol: Protocol::Openscreen, input } => openscreen::decode(&input),
        Command::Encode { protocol: Protocol::Openscreen, input } => openscreen::encode(&input),
        Command::List { protocol: Protocol::Openscreen } => {
            openscreen::list();
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
