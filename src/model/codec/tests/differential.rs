//! Differential tests against the real kubectl, when one is on `PATH`.
//!
//! Values and YAML snippets are generated from a fixed seed, written to a temporary file,
//! and echoed by `kubectl label --local --overwrite -f FILE k=v -o yaml|json` (the file
//! already carries the label, so kubectl prints the object it read, unchanged, without a
//! server). The codec must read the same file to the same object and print the same bytes;
//! for malformed YAML it must print the same error line.

use super::super::{parse_documents, to_json, try_to_yaml};
use serde_json::{json, Map, Value};
use std::path::PathBuf;
use std::process::Command;

/// A small deterministic generator (xorshift64), so every run checks the same cases.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// Text built from pieces that exercise quoting, resolution and folding.
    fn text(&mut self) -> String {
        const PIECES: &[&str] = &[
            "a",
            "Z",
            "x y",
            " ",
            "  ",
            ": ",
            ":",
            "#",
            " #",
            "-",
            "- ",
            "'",
            "\"",
            "\\",
            "*",
            "&",
            "!",
            "|",
            ">",
            "%",
            "@",
            "`",
            "{",
            "}",
            "[",
            "]",
            ",",
            "?",
            "\n",
            "\n\n",
            "\t",
            "0",
            "7",
            "12",
            "0x",
            "0o",
            "e5",
            ".",
            "_",
            "+",
            "yes",
            "no",
            "on",
            "null",
            "~",
            "true",
            "2025-01-01",
            "T10:00:00Z",
            "é",
            "日本",
            "😀",
            "\u{85}",
            "\u{2028}",
            "\u{a0}",
            "<",
            "&amp;",
            "word ",
            "longer words here ",
        ];
        let len = 1 + self.below(6);
        let mut s: String = (0..len).map(|_| self.pick(PIECES)).collect();
        if self.below(8) == 0 {
            // Long enough to fold at 80 columns.
            s = s.repeat(2 + self.below(8));
        }
        s
    }

    fn value(&mut self, depth: usize) -> Value {
        match self.below(if depth > 2 { 6 } else { 9 }) {
            0 => Value::Null,
            1 => Value::Bool(self.below(2) == 0),
            2 => json!(self.next() as i64 >> self.below(64)),
            3 => json!((self.next() % 100_000) as f64 / [1.0, 4.0, 1e7, 1e-17][self.below(4)]),
            4 | 5 => Value::String(self.text()),
            6 => Value::Array((0..self.below(4)).map(|_| self.value(depth + 1)).collect()),
            _ => {
                let mut map = Map::new();
                for _ in 0..self.below(4) {
                    map.insert(self.text(), self.value(depth + 1));
                }
                Value::Object(map)
            }
        }
    }

    /// A plain (unquoted) YAML scalar or a small fragment, valid or not. Tags are left
    /// out: a scalar with a local tag is rebuilt from serde_yaml's value (see `yaml_in`).
    fn yaml_scalar(&mut self) -> String {
        const PIECES: &[&str] = &[
            "0",
            "1",
            "9",
            "08",
            "0644",
            "0x1F",
            "0o7",
            "0b1",
            "1_0",
            "+",
            "-",
            ".",
            "e3",
            "E",
            "5",
            ":",
            "12",
            "yes",
            "No",
            "ON",
            "y",
            "~",
            "null",
            "2025-01-01",
            "T1:2:3",
            "Z",
            " ",
            "inf",
            ".inf",
            "#",
            "a",
            "'",
            "\"",
            "[",
            "{",
            "*x",
            "&x",
            "<<",
            "\t",
        ];
        (0..1 + self.below(4)).map(|_| self.pick(PIECES)).collect()
    }
}

impl Gen {
    /// One mapping entry under `x:`, sometimes a nested block, flow collection, block
    /// scalar or multi-line quoted scalar, sometimes mis-indented or followed by a second
    /// document.
    fn yaml_entry(&mut self, key: &str) -> String {
        let indent = ["  ", "  ", "  ", "  ", " ", "   ", "\t"][self.below(7)];
        let inner = ["    ", "    ", "    ", "  ", "     ", "   \t"][self.below(6)];
        let a = self.yaml_scalar();
        let b = self.yaml_scalar();
        // Inside flow collections go-yaml v2 and libyaml 0.2.5 disagree about a `:` right
        // before `,`/`]`/`}` (see `parse`), so flow cases avoid colons.
        let flow_ok = !a.contains(':') && !b.contains(':');
        let mut entry = match self.below(9) {
            1 | 2 if !flow_ok => format!("{indent}{key}: {a}\n"),
            0 => format!("{indent}{key}:\n{inner}- {a}\n{inner}- {b}\n"),
            1 => format!("{indent}{key}: [{a}, {b}]\n"),
            2 => format!("{indent}{key}: {{{a}: {b}}}\n"),
            3 => format!("{indent}{key}: |\n{inner}{a}\n{inner}{b}\n"),
            4 => format!("{indent}{key}: \"{a}\n{inner}{b}\"\n"),
            5 => format!("{indent}{key}:\n{inner}{a}: {b}\n"),
            6 => format!("{indent}{key}: {a} # {b}\n"),
            _ => format!("{indent}{key}: {a}\n"),
        };
        if self.below(12) == 0 {
            entry.push_str(
                "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: d, labels: {k: v}}\n",
            );
        }
        entry
    }
}

fn kubectl_available() -> bool {
    match Command::new("kubectl")
        .args(["version", "--client"])
        .output()
    {
        Ok(out) => out.status.success(),
        Err(_) => false,
    }
}

/// Runs kubectl on `text` saved as `name` in a temporary directory; returns the exit
/// status, stdout and stderr, and the path kubectl was given.
fn kubectl(text: &str, name: &str, format: &str) -> (bool, String, String, String) {
    let path: PathBuf =
        std::env::temp_dir().join(format!("kubeniwa-codec-{}-{name}", std::process::id()));
    std::fs::write(&path, text).expect("temporary file");
    let path_text = path.display().to_string();
    let out = Command::new("kubectl")
        .args([
            "label",
            "--local",
            "--overwrite",
            "-f",
            &path_text,
            "k=v",
            "-o",
            format,
        ])
        .output()
        .expect("kubectl runs");
    let _ = std::fs::remove_file(&path);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        path_text,
    )
}

fn config_map(x: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": {"k": "v"}}, "x": x})
}

/// Printing generated values: our `-o yaml`/`-o json` equals kubectl's, byte for byte.
#[test]
fn generated_values_print_like_kubectl() {
    if !kubectl_available() {
        println!("kubectl is not on PATH: skipping the differential codec test");
        return;
    }
    let mut gen = Gen(0x9E37_79B9_7F4A_7C15);
    for round in 0..6 {
        let items: Vec<Value> = (0..40).map(|_| gen.value(0)).collect();
        let text = config_map(Value::Array(items)).to_string();
        let docs = parse_documents(&text).expect("generated JSON parses");
        let ours_yaml = try_to_yaml(&docs[0]);
        let (ok, stdout, stderr, _) = kubectl(&text, &format!("values-{round}.json"), "yaml");
        match ours_yaml {
            Ok(yaml) => {
                assert!(ok, "kubectl failed: {stderr} on {text}");
                assert_eq!(yaml, stdout, "round {round}: {text}");
            }
            Err(message) => assert_eq!(format!("error: {message}\n"), stderr),
        }
        let (ok, stdout, stderr, _) = kubectl(&text, &format!("values-{round}.json"), "json");
        if ok {
            assert_eq!(to_json(&docs[0]), stdout, "round {round}: {text}");
        } else {
            assert!(stderr.contains("control characters"), "{stderr}");
        }
    }
}

/// Reading generated YAML: same object, or the same error line, as kubectl.
#[test]
fn generated_yaml_reads_like_kubectl() {
    if !kubectl_available() {
        println!("kubectl is not on PATH: skipping the differential codec test");
        return;
    }
    let mut gen = Gen(0x2545_F491_4F6C_DD1D);
    for case in 0..40 {
        let mut text = String::from(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    k: v\nx:\n",
        );
        for i in 0..1 + gen.below(3) {
            let key = if gen.below(3) == 0 {
                gen.yaml_scalar()
            } else {
                format!("k{i}")
            };
            text.push_str(&gen.yaml_entry(&key));
        }
        let (ok, stdout, stderr, path) = kubectl(&text, &format!("doc-{case}.yaml"), "json");
        let ours = parse_documents(&text);
        if ok {
            let docs = ours
                .unwrap_or_else(|e| panic!("{text:?}: we fail with {e}, kubectl printed {stdout}"));
            let printed: String = docs.iter().map(to_json).collect();
            assert_eq!(printed, stdout, "{text:?}");
        } else if let Some(line) = stderr
            .lines()
            .find(|l| l.starts_with("error: error parsing"))
        {
            let ours = ours.err().map(|e| e.kubectl_message(&path));
            assert_eq!(ours.as_deref(), Some(line), "{text:?}");
        }
        // Other failures (a key kubectl cannot decode into an object) are not parse errors.
    }
}
