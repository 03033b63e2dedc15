//! Printing to stdout that ends quietly when the reader goes away (`osmos list mos | head`).

use std::io::Write;

/// Writes one line to stdout; a closed pipe ends the program successfully, any other write
/// error ends it with a message.
pub fn line(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.write_all(b"\n")) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing to stdout: {e}");
        std::process::exit(1);
    }
}

/// `println!` through [`line()`](fn@line).
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::line(format_args!($($arg)*)) };
}

/// Whether stderr gets colour: a terminal, and `NO_COLOR` unset (<https://no-color.org>).
pub fn color() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// A generator error rendered like rustc's, in colour on a terminal.
pub fn diagnostics(e: &osmos_codegen::Error) -> String {
    e.render(color())
}

/// Prints schema warnings to stderr, rendered like rustc's.
pub fn warnings(warnings: &[osmos_codegen::SchemaError]) {
    for w in warnings {
        eprintln!("{}\n", w.render(color()));
    }
}
