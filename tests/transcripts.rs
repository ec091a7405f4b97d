//! Transcript tests: every `tests/transcripts/*.txt` is a terminal session — commands after
//! `$ `, each followed by exactly what kubeniwa prints (stdout, then stderr, then
//! `[exit N]` when the status is not 0). The header (`#` lines before the first command)
//! says which v1.32 behaviour the transcript checks, and may set `# seed: N`.
//!
//! Run with `UPDATE_EXPECT=1` to rewrite the files from the actual output; read every
//! regenerated diff before committing it.

use std::path::{Path, PathBuf};

use kubeniwa::shell::{run_script, Files};
use kubeniwa::Cluster;

/// Files for `-f PATH`, relative to `tests/transcripts/`.
struct Dir(PathBuf);

impl Files for Dir {
    fn read(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.0.join(path))
            .map_err(|_| "No such file or directory".to_string())
    }

    fn read_dir(&self, path: &str) -> Option<Vec<String>> {
        let full = self.0.join(path);
        if !full.is_dir() {
            return None;
        }
        let mut v: Vec<String> = std::fs::read_dir(&full)
            .ok()?
            .filter_map(|e| e.ok())
            .map(|e| {
                format!(
                    "{}/{}",
                    path.trim_end_matches('/'),
                    e.file_name().to_string_lossy()
                )
            })
            .collect();
        v.sort();
        Some(v)
    }
}

/// Splits a transcript into its header and (command, expected output) pairs.
fn parse(text: &str) -> (String, Vec<(String, String)>) {
    let mut header = String::new();
    let mut steps: Vec<(String, String)> = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(cmd) = line.strip_prefix("$ ") {
            let mut command = cmd.to_string();
            // A heredoc's body belongs to the command.
            if let Some(pos) = cmd.find("<<") {
                let delim: String = cmd[pos + 2..]
                    .trim_start_matches('-')
                    .trim_start()
                    .chars()
                    .take_while(|c| !c.is_whitespace() && *c != '|' && *c != ';')
                    .filter(|c| *c != '\'' && *c != '"')
                    .collect();
                for body in lines.by_ref() {
                    command.push('\n');
                    command.push_str(body);
                    if body.trim_start_matches('\t') == delim {
                        break;
                    }
                }
            }
            steps.push((command, String::new()));
        } else if let Some((_, out)) = steps.last_mut() {
            out.push_str(line);
            out.push('\n');
        } else {
            header.push_str(line);
            header.push('\n');
        }
    }
    (header, steps)
}

fn run_transcript(path: &Path) -> (String, String) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let (header, steps) = parse(&text);
    let seed = header
        .lines()
        .find_map(|l| l.strip_prefix("# seed: "))
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    let mut cluster = Cluster::builder().seed(seed).build();
    let files = Dir(path.parent().map(Path::to_path_buf).unwrap_or_default());
    let mut actual = header.clone();
    for (command, _) in &steps {
        actual.push_str(&format!("$ {command}\n"));
        // The status of a line is its last pipeline's, as in bash (`a || b` is 0 when b is).
        let mut status = 0;
        for (_, out) in run_script(&mut cluster, command, &files) {
            let mut printed = out.combined();
            if !printed.is_empty() && !printed.ends_with('\n') {
                printed.push('\n');
            }
            actual.push_str(&printed);
            status = out.exit_code;
        }
        if status != 0 {
            actual.push_str(&format!("[exit {status}]\n"));
        }
    }
    (text, actual)
}

#[test]
fn transcripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/transcripts exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no transcripts found");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    for path in &paths {
        let (expected, actual) = run_transcript(path);
        if expected != actual {
            if update {
                std::fs::write(path, &actual).expect("write transcript");
            } else {
                failures.push(format!("{}:\n{}", path.display(), diff(&expected, &actual)));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "transcripts differ (UPDATE_EXPECT=1 rewrites them):\n{}",
        failures.join("\n")
    );
}

/// A small line diff: the first differing line with context.
fn diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let first = e
        .iter()
        .zip(a.iter())
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let from = first.saturating_sub(3);
    let mut out = String::new();
    for i in from..(first + 6).min(e.len().max(a.len())) {
        let x = e.get(i).copied().unwrap_or("<end>");
        let y = a.get(i).copied().unwrap_or("<end>");
        if x == y {
            out.push_str(&format!("   {x}\n"));
        } else {
            out.push_str(&format!(" - {x}\n + {y}\n"));
        }
    }
    out
}
