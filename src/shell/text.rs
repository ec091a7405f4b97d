//! The few text filters people pipe kubectl into: `head`, `tail`, `grep` and `wc`, as
//! their GNU versions behave for the common flags. `grep` matches fixed strings and simple
//! patterns (`^`, `$` anchors, `.` any character); it is not a full regular-expression
//! engine, and says so when given options it does not know.

use crate::cluster::CommandOutput;
use crate::shell::Files;

/// The input of a filter: its file arguments, or standard input.
fn input(
    files_args: &[String],
    stdin: Option<&str>,
    files: &dyn Files,
    name: &str,
) -> Result<String, CommandOutput> {
    if files_args.is_empty() {
        return Ok(stdin.unwrap_or("").to_string());
    }
    let mut text = String::new();
    for f in files_args {
        match files.read(f) {
            Ok(t) => text.push_str(&t),
            Err(reason) => return Err(CommandOutput::fail(format!("{name}: {f}: {reason}\n"), 1)),
        }
    }
    Ok(text)
}

/// `head|tail [-n N | -N] [FILE...]` (default 10 lines).
pub(crate) fn head_tail(
    name: &str,
    args: &[String],
    stdin: Option<&str>,
    files: &dyn Files,
) -> CommandOutput {
    let mut n: usize = 10;
    let mut rest = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = if a == "-n" {
            it.next().cloned()
        } else if let Some(v) = a.strip_prefix("-n") {
            Some(v.to_string())
        } else if a.len() > 1 && a.starts_with('-') && a[1..].bytes().all(|b| b.is_ascii_digit()) {
            Some(a[1..].to_string())
        } else {
            rest.push(a.clone());
            continue;
        };
        match value
            .as_deref()
            .map(|v| v.trim_start_matches('+').parse::<usize>())
        {
            Some(Ok(v)) => n = v,
            _ => {
                return CommandOutput::fail(
                    format!(
                        "{name}: invalid number of lines: '{}'\n",
                        value.unwrap_or_default()
                    ),
                    1,
                )
            }
        }
    }
    let text = match input(&rest, stdin, files, name) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let lines: Vec<&str> = text.lines().collect();
    let chosen: &[&str] = if name == "head" {
        &lines[..n.min(lines.len())]
    } else {
        &lines[lines.len().saturating_sub(n)..]
    };
    CommandOutput::ok(chosen.iter().map(|l| format!("{l}\n")).collect::<String>())
}

/// A tiny pattern: literal text with `^`/`$` anchors and `.` wildcards.
fn matches(pattern: &str, line: &str, ignore_case: bool) -> bool {
    let (p, l) = if ignore_case {
        (pattern.to_lowercase(), line.to_lowercase())
    } else {
        (pattern.to_string(), line.to_string())
    };
    let anchored_start = p.starts_with('^');
    let anchored_end = p.ends_with('$') && !p.ends_with("\\$");
    let core = p.trim_start_matches('^');
    let core = if anchored_end {
        &core[..core.len() - 1]
    } else {
        core
    };
    let pat: Vec<char> = core.chars().collect();
    let chars: Vec<char> = l.chars().collect();
    let at = |start: usize| -> bool {
        start + pat.len() <= chars.len()
            && pat
                .iter()
                .enumerate()
                .all(|(i, c)| *c == '.' || *c == chars[start + i])
    };
    let last = chars.len().saturating_sub(pat.len());
    if anchored_start {
        return at(0) && (!anchored_end || pat.len() == chars.len());
    }
    if anchored_end {
        return chars.len() >= pat.len() && at(last);
    }
    (0..=last).any(at)
}

/// `grep [-v] [-i] [-c] PATTERN [FILE...]`: exit 1 when nothing matched, as grep does.
pub(crate) fn grep(args: &[String], stdin: Option<&str>, files: &dyn Files) -> CommandOutput {
    let (mut invert, mut ignore_case, mut count) = (false, false, false);
    let mut words = Vec::new();
    for a in args {
        match a.as_str() {
            "-v" => invert = true,
            "-i" => ignore_case = true,
            "-c" => count = true,
            "-vi" | "-iv" => {
                invert = true;
                ignore_case = true;
            }
            s if s.starts_with('-') && s.len() > 1 && words.is_empty() => {
                return CommandOutput::fail(
                    format!("grep: unsupported option '{s}' (kubeniwa's grep knows -v, -i, -c)\n"),
                    2,
                )
            }
            _ => words.push(a.clone()),
        }
    }
    let Some(pattern) = words.first().cloned() else {
        return CommandOutput::fail(
            "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n",
            2,
        );
    };
    let text = match input(&words[1..], stdin, files, "grep") {
        Ok(t) => t,
        Err(e) => return CommandOutput { exit_code: 2, ..e },
    };
    let hits: Vec<&str> = text
        .lines()
        .filter(|l| matches(&pattern, l, ignore_case) != invert)
        .collect();
    let out = if count {
        format!("{}\n", hits.len())
    } else {
        hits.iter().map(|l| format!("{l}\n")).collect()
    };
    CommandOutput {
        stdout: out,
        stderr: String::new(),
        exit_code: if hits.is_empty() { 1 } else { 0 },
    }
}

/// `wc -l` (and `-w`, `-c`) on standard input or files.
pub(crate) fn wc(args: &[String], stdin: Option<&str>, files: &dyn Files) -> CommandOutput {
    let flags: Vec<&String> = args.iter().filter(|a| a.starts_with('-')).collect();
    let names: Vec<String> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();
    let text = match input(&names, stdin, files, "wc") {
        Ok(t) => t,
        Err(e) => return e,
    };
    let lines = text.matches('\n').count();
    let words = text.split_whitespace().count();
    let bytes = text.len();
    let out = match flags.first().map(|s| s.as_str()) {
        Some("-l") => format!("{lines}\n"),
        Some("-w") => format!("{words}\n"),
        Some("-c") => format!("{bytes}\n"),
        _ => format!("{lines:>7} {words:>7} {bytes:>7}\n"),
    };
    CommandOutput::ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::NoFiles;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn head_and_tail_take_lines() {
        let text = "a\nb\nc\n";
        assert_eq!(
            head_tail("head", &s(&["-1"]), Some(text), &NoFiles).stdout,
            "a\n"
        );
        assert_eq!(
            head_tail("head", &s(&["-n", "2"]), Some(text), &NoFiles).stdout,
            "a\nb\n"
        );
        assert_eq!(
            head_tail("tail", &s(&["-n1"]), Some(text), &NoFiles).stdout,
            "c\n"
        );
        assert_eq!(
            head_tail("head", &s(&["-n", "x"]), Some(text), &NoFiles).exit_code,
            1
        );
    }

    #[test]
    fn grep_filters_and_sets_the_status() {
        let text = "pod/web-1\npod/db-1\nservice/web\n";
        assert_eq!(
            grep(&s(&["web"]), Some(text), &NoFiles).stdout,
            "pod/web-1\nservice/web\n"
        );
        assert_eq!(
            grep(&s(&["-v", "web"]), Some(text), &NoFiles).stdout,
            "pod/db-1\n"
        );
        assert_eq!(
            grep(&s(&["^pod/"]), Some(text), &NoFiles).stdout,
            "pod/web-1\npod/db-1\n"
        );
        assert_eq!(grep(&s(&["-c", "1$"]), Some(text), &NoFiles).stdout, "2\n");
        assert_eq!(grep(&s(&["nothing"]), Some(text), &NoFiles).exit_code, 1);
    }

    #[test]
    fn wc_counts_lines() {
        assert_eq!(wc(&s(&["-l"]), Some("a\nb\n"), &NoFiles).stdout, "2\n");
    }
}
