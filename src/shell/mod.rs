//! The command line shared by the browser terminal and `kubeniwa shell`: parses a script
//! (quotes, pipes, lists, heredocs), runs each command — `kubectl`, the few shell
//! commands of SPEC 3.3 (`echo`, `cat`, `sleep`) and `kubeniwa` — and lets the cluster
//! settle after each one. Text in, text out; no I/O except through `Files`.

pub mod script;

use crate::cluster::{Cluster, CommandOutput};
use crate::kubectl;
use crate::sim::{format_go_duration, parse_go_duration};
pub use script::{parse_script, Connector, Line, Pipeline, SimpleCommand};

/// Where `-f PATH` and `cat PATH` read from: the host filesystem for `kubeniwa shell`,
/// the editor's files in the browser.
pub trait Files {
    /// The contents of a file, or the OS-style reason it cannot be read
    /// (`No such file or directory`).
    fn read(&self, path: &str) -> Result<String, String>;
    /// The entries of a directory (file paths joined to `path`), sorted, or `None` if
    /// `path` is not a directory.
    fn read_dir(&self, path: &str) -> Option<Vec<String>>;
}

/// No files at all.
pub struct NoFiles;

impl Files for NoFiles {
    fn read(&self, _path: &str) -> Result<String, String> {
        Err("No such file or directory".to_string())
    }

    fn read_dir(&self, _path: &str) -> Option<Vec<String>> {
        None
    }
}

/// Runs a whole script, returning each line's text with what it printed.
pub fn run_script(
    cluster: &mut Cluster,
    text: &str,
    files: &dyn Files,
) -> Vec<(String, CommandOutput)> {
    let lines = match parse_script(text) {
        Ok(lines) => lines,
        Err(e) => {
            return vec![(
                String::new(),
                CommandOutput::fail(format!("bash: {e}\n"), 2),
            )]
        }
    };
    lines
        .iter()
        .map(|line| (line.text.clone(), run_line(cluster, line, files)))
        .collect()
}

/// Runs one parsed line: its pipelines in order, honouring `&&` and `||`.
pub fn run_line(cluster: &mut Cluster, line: &Line, files: &dyn Files) -> CommandOutput {
    let mut out = CommandOutput::default();
    let mut last_status = 0;
    for pipeline in &line.pipelines {
        let run = match pipeline.connector {
            Connector::Always => true,
            Connector::And => last_status == 0,
            Connector::Or => last_status != 0,
        };
        if !run {
            continue;
        }
        let result = run_pipeline(cluster, pipeline, files);
        out.stdout.push_str(&result.stdout);
        out.stderr.push_str(&result.stderr);
        last_status = result.exit_code;
    }
    out.exit_code = last_status;
    out
}

fn run_pipeline(cluster: &mut Cluster, pipeline: &Pipeline, files: &dyn Files) -> CommandOutput {
    let mut stdin: Option<String> = None;
    let mut stderr = String::new();
    let mut last = CommandOutput::default();
    let n = pipeline.commands.len();
    for (i, cmd) in pipeline.commands.iter().enumerate() {
        let input = cmd.heredoc.clone().or(stdin.take());
        let result = run_argv(cluster, &cmd.argv, input.as_deref(), files);
        cluster.settle();
        stderr.push_str(&result.stderr);
        if i + 1 < n {
            stdin = Some(result.stdout);
        } else {
            last = result;
        }
    }
    last.stderr = stderr;
    last
}

/// Runs one command with its words and standard input.
pub fn run_argv(
    cluster: &mut Cluster,
    argv: &[String],
    stdin: Option<&str>,
    files: &dyn Files,
) -> CommandOutput {
    let Some(program) = argv.first() else {
        return CommandOutput::default();
    };
    let args = &argv[1..];
    match program.as_str() {
        "kubectl" | "k" => kubectl::run(cluster, args, stdin, files),
        "echo" => echo(args),
        "cat" => cat(args, stdin, files),
        "sleep" => sleep(cluster, args),
        "kubeniwa" => kubeniwa(cluster, args),
        "true" => CommandOutput::default(),
        "false" => CommandOutput {
            exit_code: 1,
            ..Default::default()
        },
        other => CommandOutput::fail(format!("bash: {other}: command not found\n"), 127),
    }
}

/// `echo [-n] [-e] WORDS...`
fn echo(args: &[String]) -> CommandOutput {
    let mut newline = true;
    let mut escapes = false;
    let mut words = args;
    while let Some(first) = words.first() {
        match first.as_str() {
            "-n" => newline = false,
            "-e" => escapes = true,
            "-E" => escapes = false,
            "-ne" | "-en" => {
                newline = false;
                escapes = true;
            }
            _ => break,
        }
        words = &words[1..];
    }
    let mut text = words.join(" ");
    if escapes {
        text = text
            .replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace("\\\\", "\\");
    }
    if newline {
        text.push('\n');
    }
    CommandOutput::ok(text)
}

/// `cat [FILE...]`: files through `Files`, or standard input.
fn cat(args: &[String], stdin: Option<&str>, files: &dyn Files) -> CommandOutput {
    if args.is_empty() || args == ["-"] {
        return CommandOutput::ok(stdin.unwrap_or(""));
    }
    let mut out = CommandOutput::default();
    for path in args {
        if path == "-" {
            out.stdout.push_str(stdin.unwrap_or(""));
            continue;
        }
        match files.read(path) {
            Ok(text) => out.stdout.push_str(&text),
            Err(reason) => {
                out.stderr.push_str(&format!("cat: {path}: {reason}\n"));
                out.exit_code = 1;
            }
        }
    }
    out
}

/// `sleep DURATION`: lets simulated time pass.
fn sleep(cluster: &mut Cluster, args: &[String]) -> CommandOutput {
    let Some(arg) = args.first() else {
        return CommandOutput::fail(
            "sleep: missing operand\nTry 'sleep --help' for more information.\n",
            1,
        );
    };
    let mut total = 0i64;
    for a in args {
        match parse_sleep(a) {
            Some(ms) => total = total.saturating_add(ms),
            None => {
                return CommandOutput::fail(
                    format!("sleep: invalid time interval '{arg}'\nTry 'sleep --help' for more information.\n"),
                    1,
                )
            }
        }
    }
    cluster.advance_ms(total.max(0) as u64);
    CommandOutput::default()
}

/// GNU sleep's syntax: a number with an optional suffix s, m, h or d; also Go-style
/// durations like `1m30s`.
fn parse_sleep(arg: &str) -> Option<i64> {
    if let Some(n) = arg.strip_suffix('d') {
        let days: f64 = n.parse().ok()?;
        return (days.is_finite() && (0.0..1e6).contains(&days))
            .then_some((days * 86_400_000.0) as i64);
    }
    parse_go_duration(arg).ok().filter(|ms| *ms >= 0)
}

/// `kubeniwa time | reset`.
fn kubeniwa(cluster: &mut Cluster, args: &[String]) -> CommandOutput {
    match args.first().map(String::as_str) {
        Some("time") => {
            let now = cluster.now();
            let elapsed = now.since(crate::sim::SimTime::START);
            CommandOutput::ok(format!(
                "{} (+{} since start)\n",
                now.to_datetime().format("%Y-%m-%dT%H:%M:%SZ"),
                format_go_duration(elapsed)
            ))
        }
        Some("reset") => {
            cluster.reset();
            CommandOutput::ok("cluster reset\n")
        }
        _ => CommandOutput::fail(
            "Usage: kubeniwa time | reset\n(node, kill, partition and ssh arrive with the nodes issue)\n",
            1,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleep_accepts_gnu_and_go_forms() {
        assert_eq!(parse_sleep("30"), Some(30_000));
        assert_eq!(parse_sleep("2m"), Some(120_000));
        assert_eq!(parse_sleep("1d"), Some(86_400_000));
        assert_eq!(parse_sleep("1m30s"), Some(90_000));
        assert_eq!(parse_sleep("x"), None);
        assert_eq!(parse_sleep("-5"), None);
    }

    #[test]
    fn echo_flags() {
        assert_eq!(echo(&["-n".into(), "a".into()]).stdout, "a");
        assert_eq!(echo(&["a".into(), "b".into()]).stdout, "a b\n");
        assert_eq!(echo(&["-e".into(), "a\\nb".into()]).stdout, "a\nb\n");
    }
}
