//! kubectl's flag syntax (cobra/pflag): `--flag value`, `--flag=value`, `-f value`,
//! `-fvalue`, `-f=value`, grouped boolean shorthands (`-it`), `--` to end flags, and
//! pflag's error messages for unknown flags and missing values.

use std::collections::BTreeMap;

/// One flag a command accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlagSpec {
    /// The long name without dashes (`namespace`).
    pub long: &'static str,
    /// The one-letter shorthand (`n`).
    pub short: Option<char>,
    /// Whether the flag takes a value (`--output yaml`) or is boolean (`--watch`).
    pub takes_value: bool,
}

/// A flag taking a value.
pub const fn value(long: &'static str, short: Option<char>) -> FlagSpec {
    FlagSpec {
        long,
        short,
        takes_value: true,
    }
}

/// A boolean flag.
pub const fn boolean(long: &'static str, short: Option<char>) -> FlagSpec {
    FlagSpec {
        long,
        short,
        takes_value: false,
    }
}

/// Flags every kubectl command accepts (kubectl's global options).
pub const GLOBAL: &[FlagSpec] = &[
    value("namespace", Some('n')),
    value("context", None),
    value("cluster", None),
    value("user", None),
    value("kubeconfig", None),
    value("server", Some('s')),
    value("request-timeout", None),
    value("v", Some('v')),
    value("token", None),
    value("as", None),
    value("cache-dir", None),
    boolean("insecure-skip-tls-verify", None),
    boolean("match-server-version", None),
    boolean("warnings-as-errors", None),
];

/// The words of a command line after flag parsing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Positional arguments, in order.
    pub args: Vec<String>,
    /// Where `--` appeared among the positional arguments (`exec POD -- CMD`).
    pub dash_at: Option<usize>,
    values: BTreeMap<&'static str, Vec<String>>,
}

impl Parsed {
    /// The last value given for a flag.
    pub fn get(&self, long: &str) -> Option<&str> {
        self.values
            .get(long)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// Every value given for a repeatable flag (`--from-literal`).
    pub fn all(&self, long: &str) -> Vec<String> {
        self.values.get(long).cloned().unwrap_or_default()
    }

    /// Whether a boolean flag is set (given without value, or `=true`).
    pub fn flag(&self, long: &str) -> bool {
        matches!(self.get(long), Some("true"))
    }

    /// Whether the flag was given at all.
    pub fn has(&self, long: &str) -> bool {
        self.values.contains_key(long)
    }
}

/// A flag parse failure with pflag's wording (without kubectl's `error: ` prefix and
/// usage hint, which the caller adds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagError(pub String);

/// Parses `argv` against the command's flags plus the global ones. Flags may appear
/// anywhere among the arguments, as with kubectl.
pub fn parse(argv: &[String], specs: &[FlagSpec]) -> Result<Parsed, FlagError> {
    let all: Vec<&FlagSpec> = specs.iter().chain(GLOBAL.iter()).collect();
    let by_long = |name: &str| all.iter().find(|s| s.long == name).copied();
    let by_short = |c: char| all.iter().find(|s| s.short == Some(c)).copied();
    let mut out = Parsed::default();
    let mut i = 0;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if a == "--" {
            out.dash_at = Some(out.args.len());
            out.args.extend(argv[i..].iter().cloned());
            break;
        }
        if let Some(rest) = a.strip_prefix("--") {
            let (name, inline) = match rest.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (rest, None),
            };
            let spec = by_long(name).ok_or_else(|| FlagError(format!("unknown flag: --{name}")))?;
            let v = if spec.takes_value {
                match inline {
                    Some(v) => v,
                    None if i < argv.len() => {
                        i += 1;
                        argv[i - 1].clone()
                    }
                    None => return Err(FlagError(format!("flag needs an argument: --{name}"))),
                }
            } else {
                bool_value(name, inline)?
            };
            out.values.entry(spec.long).or_default().push(v);
        } else if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                let spec = by_short(c)
                    .ok_or_else(|| FlagError(format!("unknown shorthand flag: '{c}' in {a}")))?;
                j += 1;
                if spec.takes_value {
                    let rest: String = chars[j..].iter().collect();
                    let v = if !rest.is_empty() {
                        rest.strip_prefix('=').unwrap_or(&rest).to_string()
                    } else if i < argv.len() {
                        i += 1;
                        argv[i - 1].clone()
                    } else {
                        return Err(FlagError(format!("flag needs an argument: '{c}' in -{c}")));
                    };
                    out.values.entry(spec.long).or_default().push(v);
                    break;
                }
                let inline = if chars.get(j) == Some(&'=') {
                    let v: String = chars[j + 1..].iter().collect();
                    j = chars.len();
                    Some(v)
                } else {
                    None
                };
                let v = bool_value(spec.long, inline)?;
                out.values.entry(spec.long).or_default().push(v);
            }
        } else {
            out.args.push(a.clone());
        }
    }
    Ok(out)
}

fn bool_value(name: &str, inline: Option<String>) -> Result<String, FlagError> {
    match inline.as_deref() {
        None => Ok("true".to_string()),
        Some("true") | Some("1") | Some("t") | Some("T") | Some("TRUE") | Some("True") => Ok("true".to_string()),
        Some("false") | Some("0") | Some("f") | Some("F") | Some("FALSE") | Some("False") => Ok("false".to_string()),
        Some(v) => Err(FlagError(format!(
            "invalid argument \"{v}\" for \"--{name}\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    const SPECS: &[FlagSpec] = &[
        value("output", Some('o')),
        boolean("watch", Some('w')),
        boolean("stdin", Some('i')),
        boolean("tty", Some('t')),
    ];

    #[test]
    fn pflag_forms() {
        let p = parse(
            &words("po x -oyaml -n=dev --watch=false -it -- sh -c ls"),
            SPECS,
        )
        .unwrap();
        assert_eq!(p.args, words("po x sh -c ls"));
        assert_eq!(p.dash_at, Some(2));
        assert_eq!(p.get("output"), Some("yaml"));
        assert_eq!(p.get("namespace"), Some("dev"));
        assert!(!p.flag("watch"));
        assert!(p.flag("stdin") && p.flag("tty"));
        let p = parse(&words("--namespace kube-system get -o wide"), SPECS).unwrap();
        assert_eq!(p.get("namespace"), Some("kube-system"));
        assert_eq!(p.get("output"), Some("wide"));
    }

    #[test]
    fn pflag_errors() {
        // pflag's own wording, which kubectl prints after "error: ".
        assert_eq!(
            parse(&words("--foo"), SPECS),
            Err(FlagError("unknown flag: --foo".into()))
        );
        assert_eq!(
            parse(&words("-z"), SPECS),
            Err(FlagError("unknown shorthand flag: 'z' in -z".into()))
        );
        assert_eq!(
            parse(&words("-o"), SPECS),
            Err(FlagError("flag needs an argument: 'o' in -o".into()))
        );
        assert_eq!(
            parse(&words("--output"), SPECS),
            Err(FlagError("flag needs an argument: --output".into()))
        );
    }
}
