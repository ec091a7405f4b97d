//! `cargo xtask dist`: builds the static web page into `dist/`.
//!
//! Steps, each of which works offline once the caches are warm: make sure the
//! `wasm32-unknown-unknown` target is installed; build the library in release mode for it;
//! generate the `--target web` JS glue with `wasm-bindgen-cli-support` (no CLI download);
//! shrink the Wasm with `wasm-opt -Oz` from `node_modules` (npm package `binaryen`, installed
//! from package-lock.json when missing); copy `www/`; print raw and gzipped sizes.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{cargo, run, Result};

/// The Rust target the page is compiled for.
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The library's name as it appears in the built `.wasm` file.
const CRATE_FILE_STEM: &str = "kubeniwa";

/// The stem of the files `dist/` serves: `kubeniwa.js` and `kubeniwa_bg.wasm`.
const OUT_NAME: &str = "kubeniwa";

/// What `wasm-opt` is asked to do: optimise for size, drop names and tool stamps.
const WASM_OPT_ARGS: [&str; 3] = ["-Oz", "--strip-debug", "--strip-producers"];

/// Builds `dist/` under `root` and returns its path.
pub fn dist(root: &Path) -> Result<PathBuf> {
    ensure_wasm_target()?;
    run(cargo()
        .current_dir(root)
        .args(["build", "--release", "--lib", "--target", WASM_TARGET]))?;
    let target = target_dir(root)?;
    let built = target
        .join(WASM_TARGET)
        .join("release")
        .join(format!("{CRATE_FILE_STEM}.wasm"));

    // wasm-bindgen writes to a work directory in the target dir, so `dist/` is only ever
    // replaced by a complete build.
    let work = target.join("xtask-dist");
    let staging = work.join("bindgen");
    if staging.exists() {
        remove_dir(&staging)?;
    }
    println!("xtask: wasm-bindgen --target web {}", built.display());
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&built)
        .out_name(OUT_NAME)
        .web(true)
        .and_then(|bindgen| {
            // Like the CLI: the glue finds `kubeniwa_bg.wasm` beside itself when `init()` is
            // called without arguments.
            bindgen
                .omit_default_module_path(false)
                .typescript(false)
                .generate(&staging)
        })
        .map_err(|err| format!("wasm-bindgen failed: {err:#}"))?;

    let dist = root.join("dist");
    if dist.exists() {
        remove_dir(&dist)?;
    }
    fs::create_dir_all(&dist).map_err(|err| format!("cannot create {}: {err}", dist.display()))?;
    let bindgen_wasm = staging.join(format!("{OUT_NAME}_bg.wasm"));
    let wasm = dist.join(format!("{OUT_NAME}_bg.wasm"));
    let js = dist.join(format!("{OUT_NAME}.js"));
    copy_file(&staging.join(format!("{OUT_NAME}.js")), &js)?;
    optimise(root, &bindgen_wasm, &work, &wasm)?;
    copy_dir(&root.join("www"), &dist)?;

    println!("xtask: wrote {}", dist.display());
    println!(
        "xtask: wasm before wasm-opt: {}",
        bytes(file_len(&bindgen_wasm)?)
    );
    let mut total_gzip = 0;
    for file in [&wasm, &js] {
        let raw = fs::read(file).map_err(|err| format!("cannot read {}: {err}", file.display()))?;
        let gzipped = gzip_len(&raw)?;
        total_gzip += gzipped;
        println!(
            "xtask: {:<24} {:>12} raw {:>12} gzip",
            format!("dist/{}", file_name(file)),
            bytes(raw.len() as u64),
            bytes(gzipped),
        );
    }
    println!("xtask: wasm + js gzip total {}", bytes(total_gzip));
    Ok(dist)
}

/// Runs `wasm-opt` on `input`, writing `output`, or reuses the previous result from `cache`
/// when the input, the arguments and package-lock.json (binaryen's version) are unchanged:
/// with the npm build of binaryen, wasm-opt is the slowest step of a rebuild.
fn optimise(root: &Path, input: &Path, cache: &Path, output: &Path) -> Result<()> {
    let cached_input = cache.join("wasm-opt-input.wasm");
    let cached_output = cache.join("wasm-opt-output.wasm");
    let cached_key = cache.join("wasm-opt-key.txt");
    let key = format!(
        "{}\n{}",
        WASM_OPT_ARGS.join(" "),
        fs::read_to_string(root.join("package-lock.json")).unwrap_or_default()
    );
    let fresh = fs::read(input).map_err(|err| format!("cannot read {}: {err}", input.display()))?;
    let same_input = fs::read(&cached_input).is_ok_and(|old| old == fresh);
    let same_key = fs::read_to_string(&cached_key).is_ok_and(|old| old == key);
    if same_input && same_key && cached_output.is_file() {
        println!("xtask: wasm-opt skipped (same input as the previous build)");
        return copy_file(&cached_output, output);
    }

    // Forget the old pairing first, so that a failure below cannot leave a stale cache entry.
    let _ = fs::remove_file(&cached_input);
    run(Command::new(wasm_opt(root)?)
        .current_dir(root)
        .args(WASM_OPT_ARGS)
        .arg(input)
        .arg("-o")
        .arg(output))?;
    copy_file(output, &cached_output)?;
    fs::write(&cached_key, key)
        .map_err(|err| format!("cannot write {}: {err}", cached_key.display()))?;
    copy_file(input, &cached_input)
}

/// Installs the Wasm target with rustup when it is missing (no-op without rustup: the build
/// that follows then fails with cargo's own message).
fn ensure_wasm_target() -> Result<()> {
    let Ok(output) = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
    else {
        return Ok(());
    };
    let installed = String::from_utf8_lossy(&output.stdout);
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// Cargo's target directory for this workspace (honours `CARGO_TARGET_DIR` and config files).
fn target_dir(root: &Path) -> Result<PathBuf> {
    let output = cargo()
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .map_err(|err| format!("could not run cargo metadata: {err}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    json_string_field(&String::from_utf8_lossy(&output.stdout), "target_directory")
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata printed no target_directory".to_string())
}

/// Extracts the first string value of `field` from JSON text (enough for cargo's metadata,
/// without a JSON dependency): handles the escapes a path can contain.
fn json_string_field(json: &str, field: &str) -> Option<String> {
    let key = format!("\"{field}\":\"");
    let start = json.find(&key)? + key.len();
    let mut value = String::new();
    let mut chars = json[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(value),
            '\\' => match chars.next()? {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                other => value.push(other),
            },
            other => value.push(other),
        }
    }
    None
}

/// The `wasm-opt` from the npm package `binaryen`, running `npm ci` first when it is missing.
fn wasm_opt(root: &Path) -> Result<PathBuf> {
    let path = root.join("node_modules").join(".bin").join("wasm-opt");
    if !path.is_file() {
        npm_install(root)?;
    }
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!("{} is missing after npm ci", path.display()))
    }
}

/// Installs the pinned dev tools from package-lock.json (`npm ci`), or from package.json when
/// there is no lock file yet.
pub fn npm_install(root: &Path) -> Result<()> {
    let verb = if root.join("package-lock.json").is_file() {
        "ci"
    } else {
        "install"
    };
    run(Command::new("npm")
        .current_dir(root)
        .args([verb, "--no-audit", "--no-fund"]))
    .map_err(|err| {
        format!("{err}\n(npm comes with Node.js 20 or newer: `apt-get install nodejs npm`)")
    })
}

/// Copies the files of `from` (recursively) into `to`, creating directories as needed.
fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).map_err(|err| format!("cannot create {}: {err}", to.display()))?;
    let entries =
        fs::read_dir(from).map_err(|err| format!("cannot read {}: {err}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|err| format!("cannot read {}: {err}", from.display()))?;
        let source = entry.path();
        let target = to.join(entry.file_name());
        if source.is_dir() {
            copy_dir(&source, &target)?;
        } else {
            copy_file(&source, &target)?;
        }
    }
    Ok(())
}

/// Copies one file.
fn copy_file(from: &Path, to: &Path) -> Result<()> {
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|err| format!("cannot copy {} to {}: {err}", from.display(), to.display()))
}

/// Removes a directory and everything in it.
fn remove_dir(dir: &Path) -> Result<()> {
    fs::remove_dir_all(dir).map_err(|err| format!("cannot remove {}: {err}", dir.display()))
}

/// The size of a file in bytes.
fn file_len(path: &Path) -> Result<u64> {
    fs::metadata(path)
        .map(|meta| meta.len())
        .map_err(|err| format!("cannot stat {}: {err}", path.display()))
}

/// The size of `data` after gzip at the best compression level (what a static host serves).
fn gzip_len(data: &[u8]) -> Result<u64> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(data)
        .and_then(|()| encoder.finish())
        .map(|compressed| compressed.len() as u64)
        .map_err(|err| format!("gzip failed: {err}"))
}

/// A byte count with thousands separators and a KiB figure: `1,234,567 B (1205.6 KiB)`.
fn bytes(count: u64) -> String {
    let digits = count.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{grouped} B ({:.1} KiB)", count as f64 / 1024.0)
}

/// The last component of a path, for messages.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cargo's metadata JSON escapes backslashes and quotes; the extracted path is unescaped.
    #[test]
    fn reads_target_directory_from_metadata() {
        let json = r#"{"packages":[],"target_directory":"/work/main/target","version":1}"#;
        assert_eq!(
            json_string_field(json, "target_directory").as_deref(),
            Some("/work/main/target")
        );
        let escaped = r#"{"target_directory":"C:\\a \"b\"\\target"}"#;
        assert_eq!(
            json_string_field(escaped, "target_directory").as_deref(),
            Some(r#"C:\a "b"\target"#)
        );
        assert_eq!(json_string_field("{}", "target_directory"), None);
        assert_eq!(
            json_string_field(r#"{"target_directory":"unterminated"#, "target_directory"),
            None
        );
    }

    /// Sizes are grouped by thousands so that a growing Wasm is easy to read in CI logs.
    #[test]
    fn byte_counts_are_grouped() {
        assert_eq!(bytes(0), "0 B (0.0 KiB)");
        assert_eq!(bytes(999), "999 B (1.0 KiB)");
        assert_eq!(bytes(1024), "1,024 B (1.0 KiB)");
        assert_eq!(bytes(1_234_567), "1,234,567 B (1205.6 KiB)");
    }

    /// Repetitive data compresses: the gzip size is what a browser downloads, not the raw size.
    #[test]
    fn gzip_shrinks_repetitive_data() {
        let data = vec![b'k'; 100_000];
        let compressed = gzip_len(&data);
        assert!(compressed.is_ok_and(|len| len < 1_000));
    }
}
