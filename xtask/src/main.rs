//! `cargo xtask`: kubeniwa's build, serve and test driver.
//!
//! It owns every step between the Rust sources and a tested web page, so that a fresh machine
//! needs only `cargo` (plus `npm` and Debian's `chromium` for the browser tests):
//!
//! - `dist` builds the Wasm, generates the JS glue in-process with `wasm-bindgen-cli-support`
//!   (pinned to the exact `wasm-bindgen` in Cargo.lock), shrinks the Wasm with `wasm-opt` from the
//!   npm package `binaryen`, copies `www/`, and writes everything to `dist/`;
//! - `serve` runs `dist` and serves `dist/` on loopback with a tiny std-only HTTP server;
//! - `test` runs the native tests, `dist`, and the headless-Chromium tests in `tests/browser/`.
//!
//! The alias `cargo xtask` is defined in `.cargo/config.toml`.

mod dist;
mod serve;
mod test;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The usage text printed by `help` and after an unknown command.
const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  dist                 build the web page into dist/ (release Wasm, JS glue, wasm-opt, www/)
  serve [--port N]     build, then serve dist/ at http://127.0.0.1:N (default 8080)
  test                 cargo test --workspace, then dist, then the headless-Chromium tests
  test-browser         dist and the headless-Chromium tests only (a quicker loop)
";

/// A failure that ends the command; the message is printed as `xtask: <message>`.
pub type Error = String;

/// The result of one xtask step.
pub type Result<T> = std::result::Result<T, Error>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("dist") => dist::dist(&workspace_root()).map(|_| ()),
        Some("serve") => {
            parse_port(&args[1..]).and_then(|port| serve::serve(&workspace_root(), port))
        }
        Some("test") => test::test(&workspace_root(), test::Stages::All),
        Some("test-browser") => test::test(&workspace_root(), test::Stages::BrowserOnly),
        Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
        None => Err(format!("no command given\n\n{USAGE}")),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Reads `--port N` (or `--port=N`) from the arguments after `serve`; 8080 when absent.
fn parse_port(args: &[String]) -> Result<u16> {
    let mut port = 8080;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let value = if arg == "--port" {
            rest.next().ok_or("`--port` needs a value")?.as_str()
        } else if let Some(value) = arg.strip_prefix("--port=") {
            value
        } else {
            return Err(format!("unknown argument `{arg}` for `serve`\n\n{USAGE}"));
        };
        port = value
            .parse()
            .map_err(|_| format!("`--port {value}` is not a port number"))?;
    }
    Ok(port)
}

/// The workspace root: the parent of this package's directory.
///
/// `cargo run` sets `CARGO_MANIFEST_DIR` for the program it runs, which stays right when the
/// clone moves; the compile-time value is the fallback for running the binary directly.
fn workspace_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or(manifest_dir)
}

/// The `cargo` that started us (cargo sets `CARGO`), so nested builds use the same toolchain.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs a command to completion with inherited output, failing unless it exits with 0.
fn run(command: &mut Command) -> Result<()> {
    let shown = describe(command);
    println!("xtask: $ {shown}");
    let status = command
        .status()
        .map_err(|err| format!("could not start `{shown}`: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// A command line as the user would type it, for progress and error messages.
fn describe(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|part| part.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Finds an executable by name in the directories of `PATH`.
fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|arg| arg.to_string()).collect()
    }

    /// `serve` defaults to the port the README promises and accepts both spellings of `--port`.
    #[test]
    fn port_argument() {
        assert_eq!(parse_port(&[]), Ok(8080));
        assert_eq!(parse_port(&strings(&["--port", "9000"])), Ok(9000));
        assert_eq!(parse_port(&strings(&["--port=9001"])), Ok(9001));
        assert!(parse_port(&strings(&["--port"])).is_err());
        assert!(parse_port(&strings(&["--port", "http"])).is_err());
        assert!(parse_port(&strings(&["--verbose"])).is_err());
    }

    /// The workspace root holds the top-level manifest that lists this package as a member.
    #[test]
    fn root_is_the_workspace() {
        let manifest = std::fs::read_to_string(workspace_root().join("Cargo.toml"));
        assert!(manifest.is_ok_and(|text| text.contains("[workspace]")));
    }
}
