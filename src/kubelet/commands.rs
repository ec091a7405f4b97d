//! The minimal process model: what a container's main process does over time, from its
//! image's default (`catalogue::Run`) and the pod's `command`/`args`. It answers two
//! questions only — does the process exit by itself (after how long, with which status)
//! and what does it do on SIGTERM — and stays in this one small file so that the fuller
//! userland (SPEC 3.3: `sh -c` with variables, logs, `exec`) can replace it.
//!
//! The rules:
//! - a server (the image default of nginx, redis, etcd, ..., or a command naming the
//!   server program) runs until stopped and exits 0 on SIGTERM;
//! - `sleep N` (also `sleep 1h`, `sleep infinity`) exits 0 after N seconds; like any
//!   process running as PID 1 without a handler, it ignores SIGTERM and is killed
//!   (status 137) when the grace period ends;
//! - a shell script (`sh -c "..."`) runs its `;`/`&&`/`||`-separated steps in order:
//!   `sleep` adds time, `exit N` ends it, `false` fails, `while true`/`tail -f` never end;
//!   a shell ignores SIGTERM as PID 1;
//! - a bare shell with no terminal attached reads end-of-file and exits 0 at once;
//! - every other command (`env`, `echo`, `date`, `true`, `printenv`, an unknown program)
//!   exits 0 at once.

use crate::kubelet::catalogue::Run;

/// What happens to a running process on SIGTERM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnSigterm {
    /// It exits at once with this status.
    Exit(i32),
    /// It ignores the signal and is killed with SIGKILL (status 137) at the deadline.
    Ignore,
}

/// A main process's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Behaviour {
    /// `Some((after_ms, status))` if it exits by itself; `None` if it runs until stopped.
    pub exits: Option<(i64, i32)>,
    /// Its reaction to SIGTERM.
    pub on_sigterm: OnSigterm,
}

impl Behaviour {
    const SERVER: Behaviour = Behaviour {
        exits: None,
        on_sigterm: OnSigterm::Exit(0),
    };

    fn exits_now(status: i32) -> Behaviour {
        Behaviour {
            exits: Some((0, status)),
            on_sigterm: OnSigterm::Ignore,
        }
    }
}

/// The container facts the model looks at.
#[derive(Clone, Copy, Debug)]
pub struct Process<'a> {
    /// The image's default process.
    pub run: Run,
    /// `command` (replaces the ENTRYPOINT).
    pub command: Option<&'a [String]>,
    /// `args` (replaces the CMD).
    pub args: Option<&'a [String]>,
    /// Names of the environment variables the container sets (`env`), and whether it
    /// imports whole ConfigMaps/Secrets (`envFrom`, which may set anything).
    pub env: &'a [String],
    /// Whether `envFrom` is used.
    pub env_from: bool,
    /// `stdin: true` and `tty: true`: an interactive shell keeps running.
    pub interactive: bool,
}

/// Programs that serve until stopped.
const SERVERS: &[&str] = &[
    "nginx",
    "httpd",
    "httpd-foreground",
    "apache2-foreground",
    "redis-server",
    "postgres",
    "mysqld",
    "docker-entrypoint.sh",
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kube-proxy",
    "coredns",
    "pause",
    "http-echo",
];

/// agnhost subcommands that serve until stopped.
const AGNHOST_SERVERS: &[&str] = &[
    "netexec",
    "serve-hostname",
    "pause",
    "porter",
    "test-webserver",
    "liveness",
    "fake-gitserver",
    "nettest",
    "webhook",
    "guestbook",
    "resource-consumer-controller",
];

/// The behaviour of a container's main process.
pub fn behaviour(p: &Process) -> Behaviour {
    let has_env = |names: &[&str]| p.env_from || names.iter().any(|n| p.env.iter().any(|e| e == n));
    match (p.command, p.args) {
        (Some(cmd), args) => {
            let argv: Vec<&str> = cmd
                .iter()
                .chain(args.unwrap_or(&[]).iter())
                .map(String::as_str)
                .collect();
            argv_behaviour(&argv, p)
        }
        (None, args) => match p.run {
            Run::Server => Behaviour::SERVER,
            Run::ServerNeedingEnv(names) => {
                if has_env(names) {
                    Behaviour::SERVER
                } else {
                    Behaviour::exits_now(1)
                }
            }
            Run::Agnhost => match args.and_then(|a| a.first()) {
                Some(sub) if AGNHOST_SERVERS.contains(&sub.as_str()) => Behaviour::SERVER,
                _ => Behaviour::exits_now(0),
            },
            Run::Shell => match args {
                Some(a) if !a.is_empty() => {
                    let argv: Vec<&str> = a.iter().map(String::as_str).collect();
                    argv_behaviour(&argv, p)
                }
                _ => shell_without_script(p),
            },
        },
    }
}

fn shell_without_script(p: &Process) -> Behaviour {
    if p.interactive {
        Behaviour {
            exits: None,
            on_sigterm: OnSigterm::Ignore,
        }
    } else {
        Behaviour::exits_now(0)
    }
}

fn program(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

fn argv_behaviour(argv: &[&str], p: &Process) -> Behaviour {
    let Some(first) = argv.first() else {
        return Behaviour::exits_now(0);
    };
    match program(first) {
        "sh" | "bash" | "ash" | "dash" => match argv.get(1) {
            Some(&"-c") => script_behaviour(argv.get(2).copied().unwrap_or("")),
            _ => shell_without_script(p),
        },
        "agnhost" => match argv.get(1) {
            Some(sub) if AGNHOST_SERVERS.contains(sub) => Behaviour::SERVER,
            _ => Behaviour::exits_now(0),
        },
        prog if SERVERS.contains(&prog) => Behaviour::SERVER,
        _ => Behaviour {
            exits: simple_command(argv),
            on_sigterm: OnSigterm::Ignore,
        },
    }
}

/// One simple command: `Some((ms, status))` if it ends, `None` if it never does.
fn simple_command(words: &[&str]) -> Option<(i64, i32)> {
    let Some(first) = words.first() else {
        return Some((0, 0));
    };
    match program(first) {
        "sleep" => {
            let mut total: i64 = 0;
            for w in &words[1..] {
                total = total.saturating_add(sleep_ms(w)?);
            }
            Some((total, 0))
        }
        "false" => Some((0, 1)),
        "exit" => Some((0, words.get(1).and_then(|c| c.parse().ok()).unwrap_or(0))),
        "tail" if words.iter().any(|w| *w == "-f" || *w == "-F") => None,
        "yes" => None,
        _ => Some((0, 0)),
    }
}

/// `sleep`'s operand in milliseconds (`5`, `0.5`, `2m`, `1h`, `1d`); `None` for
/// `infinity`. An operand sleep rejects counts as no time at all.
fn sleep_ms(word: &str) -> Option<i64> {
    if word == "infinity" || word == "inf" {
        return None;
    }
    let (num, unit) = match word.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&word[..i], c),
        _ => (word, 's'),
    };
    let factor = match unit {
        's' => 1_000.0,
        'm' => 60_000.0,
        'h' => 3_600_000.0,
        'd' => 86_400_000.0,
        _ => return Some(0),
    };
    let value: f64 = num.parse().unwrap_or(0.0);
    if !value.is_finite() || value < 0.0 {
        return Some(0);
    }
    Some((value * factor).min(i64::MAX as f64 / 4.0) as i64)
}

/// A `sh -c` script: steps separated by `;`, newlines, `&&` and `||`.
fn script_behaviour(script: &str) -> Behaviour {
    let ignore = |exits| Behaviour {
        exits,
        on_sigterm: OnSigterm::Ignore,
    };
    let compact: String = script.split_whitespace().collect::<Vec<_>>().join(" ");
    for forever in [
        "while true",
        "while :",
        "while [ 1 ]",
        "while sleep",
        "until false",
    ] {
        if compact.contains(forever) {
            return ignore(None);
        }
    }
    let mut elapsed: i64 = 0;
    let mut status = 0;
    let mut skip = false;
    for (step, op) in split_steps(script) {
        if !skip && !step.trim().is_empty() {
            let words: Vec<&str> = step
                .split_whitespace()
                .map(|w| w.trim_matches(|c| c == '"' || c == '\''))
                .collect();
            match simple_command(&words) {
                None => return ignore(None),
                Some((ms, s)) => {
                    elapsed = elapsed.saturating_add(ms);
                    status = s;
                    if words.first().is_some_and(|w| *w == "exit") {
                        return ignore(Some((elapsed, status)));
                    }
                }
            }
        }
        skip = match op {
            "&&" => status != 0,
            "||" => status == 0,
            _ => false,
        };
    }
    ignore(Some((elapsed, status)))
}

/// Splits a script into (step, operator after it) pairs, outside quotes.
fn split_steps(script: &str) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let chars: Vec<char> = script.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, ';' | '\n') => {
                out.push((std::mem::take(&mut cur), ";"));
                i += 1;
                continue;
            }
            (None, '&') if chars.get(i + 1) == Some(&'&') => {
                out.push((std::mem::take(&mut cur), "&&"));
                i += 2;
                continue;
            }
            (None, '|') if chars.get(i + 1) == Some(&'|') => {
                out.push((std::mem::take(&mut cur), "||"));
                i += 2;
                continue;
            }
            _ => {}
        }
        cur.push(c);
        i += 1;
    }
    out.push((cur, ";"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn run(image: Run, command: Option<&[&str]>, args: Option<&[&str]>) -> Behaviour {
        let c = command.map(strings);
        let a = args.map(strings);
        behaviour(&Process {
            run: image,
            command: c.as_deref(),
            args: a.as_deref(),
            env: &[],
            env_from: false,
            interactive: false,
        })
    }

    #[test]
    fn servers_run_until_stopped_and_stop_on_sigterm() {
        let b = run(Run::Server, None, None);
        assert_eq!(b.exits, None);
        assert_eq!(b.on_sigterm, OnSigterm::Exit(0));
        let b = run(Run::Server, Some(&["nginx", "-g", "daemon off;"]), None);
        assert_eq!(b.exits, None);
    }

    #[test]
    fn sleep_exits_after_its_operand_and_ignores_sigterm() {
        let b = run(Run::Shell, Some(&["sleep", "5"]), None);
        assert_eq!(b.exits, Some((5_000, 0)));
        assert_eq!(b.on_sigterm, OnSigterm::Ignore);
        assert_eq!(
            run(Run::Shell, Some(&["sleep"]), Some(&["1h"])).exits,
            Some((3_600_000, 0))
        );
        assert_eq!(
            run(Run::Shell, Some(&["sleep", "infinity"]), None).exits,
            None
        );
        // busybox with args only: the args are the whole command line.
        assert_eq!(
            run(Run::Shell, None, Some(&["sleep", "3600"])).exits,
            Some((3_600_000, 0))
        );
    }

    #[test]
    fn shell_scripts_add_up_their_steps() {
        let sh = |s: &str| run(Run::Shell, Some(&["sh", "-c", s]), None).exits;
        assert_eq!(sh("echo hello; sleep 5"), Some((5_000, 0)));
        assert_eq!(sh("sleep 2 && exit 3"), Some((2_000, 3)));
        assert_eq!(sh("false"), Some((0, 1)));
        assert_eq!(sh("false && sleep 10"), Some((0, 1)));
        assert_eq!(sh("false || sleep 1"), Some((1_000, 0)));
        assert_eq!(sh("while true; do echo hi; sleep 1; done"), None);
        assert_eq!(sh("tail -f /dev/null"), None);
        assert_eq!(sh("env"), Some((0, 0)));
    }

    #[test]
    fn image_defaults() {
        // busybox's CMD is `sh`: with no terminal it exits at once.
        assert_eq!(run(Run::Shell, None, None).exits, Some((0, 0)));
        assert_eq!(
            run(Run::Agnhost, None, Some(&["netexec", "--http-port=8080"])).exits,
            None
        );
        assert_eq!(run(Run::Agnhost, None, None).exits, Some((0, 0)));
        let postgres = Run::ServerNeedingEnv(&["POSTGRES_PASSWORD"]);
        assert_eq!(run(postgres, None, None).exits, Some((0, 1)));
        let env = strings(&["POSTGRES_PASSWORD"]);
        let b = behaviour(&Process {
            run: postgres,
            command: None,
            args: None,
            env: &env,
            env_from: false,
            interactive: false,
        });
        assert_eq!(b.exits, None);
        assert_eq!(run(Run::Shell, Some(&["env"]), None).exits, Some((0, 0)));
        assert_eq!(run(Run::Shell, Some(&["date"]), None).exits, Some((0, 0)));
    }
}
