//! `cargo xtask test`: every test kubeniwa has, in one command.
//!
//! Stages: `cargo test --workspace --no-fail-fast` (native unit, transcript and scenario
//! tests; every test binary runs even after a failure), then `dist`, then the browser tests:
//! `dist/` is served from a thread on a free loopback port and `node tests/browser/run.mjs
//! <url>` drives the system's Chromium through playwright-core.
//! Every stage runs even when an earlier one failed (so one CI log shows every failure), and
//! the command ends with lines a CI can read: `native: ...` and `browser: N passed, M failed`.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{cargo, describe, find_on_path, run, Result};

/// Which stages `test` runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stages {
    /// Native tests, `dist`, browser tests: what CI and the README run.
    All,
    /// `dist` and the browser tests only, for a quicker loop on the page.
    BrowserOnly,
}

/// The environment variable that names the Chromium binary, overriding the search on `PATH`.
const CHROMIUM_VAR: &str = "KUBENIWA_CHROMIUM";

/// Runs the chosen stages and fails when any of them failed.
pub fn test(root: &Path, stages: Stages) -> Result<()> {
    let native = match stages {
        Stages::All => Some(run(cargo().current_dir(root).args([
            "test",
            "--workspace",
            "--no-fail-fast",
        ]))),
        Stages::BrowserOnly => None,
    };
    let browser = browser_tests(root);

    println!();
    let mut failed = false;
    match &native {
        Some(Ok(())) => println!("native: cargo test --workspace passed"),
        Some(Err(err)) => {
            failed = true;
            println!("native: FAILED: {err}");
        }
        None => println!("native: skipped"),
    }
    match &browser {
        Ok(summary) => {
            failed |= summary.failed > 0;
            println!(
                "browser: {} passed, {} failed",
                summary.passed, summary.failed
            );
        }
        Err(err) => {
            failed = true;
            println!("browser: FAILED: {err}");
        }
    }
    if failed {
        Err("some tests failed (see above)".to_string())
    } else {
        Ok(())
    }
}

/// The counts printed by the browser test runner's last line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Summary {
    passed: u32,
    failed: u32,
}

/// Builds `dist/`, serves it on a free loopback port, and runs `tests/browser/run.mjs` on it.
fn browser_tests(root: &Path) -> Result<Summary> {
    let chromium = ensure_chromium()?;
    let dist = crate::dist::dist(root)?;
    if !root.join("node_modules").join("playwright-core").is_dir() {
        crate::dist::npm_install(root)?;
    }

    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|err| format!("cannot listen on loopback: {err}"))?;
    let addr = listener
        .local_addr()
        .map_err(|err| format!("cannot read the server's address: {err}"))?;
    std::thread::spawn(move || crate::serve::serve_forever(&listener, &dist));
    let url = format!("http://{addr}/");

    let mut command = Command::new("node");
    command
        .current_dir(root)
        .arg(Path::new("tests").join("browser").join("run.mjs"))
        .arg(&url)
        .env(CHROMIUM_VAR, &chromium)
        .stdout(Stdio::piped());
    let shown = describe(&command);
    println!("xtask: $ {shown}");
    let mut child = command
        .spawn()
        .map_err(|err| format!("could not start `{shown}` (is Node.js 20+ installed?): {err}"))?;
    let mut summary = None;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line =
                line.map_err(|err| format!("cannot read the browser tests' output: {err}"))?;
            println!("{line}");
            summary = parse_summary(&line).or(summary);
        }
    }
    let status = child
        .wait()
        .map_err(|err| format!("`{shown}` did not finish: {err}"))?;
    match summary {
        Some(summary) if status.success() || summary.failed > 0 => Ok(summary),
        _ => Err(format!(
            "`{shown}` failed ({status}) without printing `N passed, M failed`"
        )),
    }
}

/// Reads `N passed, M failed` (the runner's closing line).
fn parse_summary(line: &str) -> Option<Summary> {
    let (passed, failed) = line.trim().split_once(" passed, ")?;
    Some(Summary {
        passed: passed.trim().parse().ok()?,
        failed: failed.strip_suffix(" failed")?.trim().parse().ok()?,
    })
}

/// Finds Chromium (`$KUBENIWA_CHROMIUM`, else `chromium` on `PATH`), installing Debian's
/// package when it is missing and we are root, as on CI machines.
fn ensure_chromium() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os(CHROMIUM_VAR) {
        return Ok(PathBuf::from(path));
    }
    if let Some(path) = find_on_path("chromium") {
        return Ok(path);
    }
    if !is_root() {
        return Err(format!(
            "`chromium` is not on PATH. Install it (Debian/Ubuntu: `sudo apt-get install -y chromium \
             chromium-driver`) or set {CHROMIUM_VAR}=/path/to/chromium"
        ));
    }
    run(Command::new("apt-get")
        .arg("update")
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "chromium", "chromium-driver"])
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    find_on_path("chromium")
        .ok_or_else(|| "`chromium` is still not on PATH after apt-get install".to_string())
}

/// Whether this process runs as root (`id -u` prints 0).
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runner's closing line is parsed; anything else is not mistaken for it.
    #[test]
    fn summary_line() {
        assert_eq!(
            parse_summary("7 passed, 0 failed"),
            Some(Summary {
                passed: 7,
                failed: 0
            })
        );
        assert_eq!(
            parse_summary("  3 passed, 2 failed\n"),
            Some(Summary {
                passed: 3,
                failed: 2
            })
        );
        assert_eq!(parse_summary("ok: apply passed, then failed"), None);
        assert_eq!(parse_summary("passed, failed"), None);
    }
}
