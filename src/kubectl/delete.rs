//! `kubectl delete`: by TYPE NAME, TYPE/NAME, `-f`, `-l` or `--all`, with `--grace-period`,
//! `--now`, `--force` and `--cascade`. Like kubectl (`--wait=true` by default), it waits
//! for the objects to be gone: in kubeniwa that lets simulated time pass.

use crate::apiserver::{Ctx, DeleteOptions, ListOptions, Propagation};
use crate::cluster::{Cluster, CommandOutput};
use crate::kubectl::apply::{namespace_for, parse_dry_run, DryRun};
use crate::kubectl::args::{self, boolean, value, FlagSpec};
use crate::kubectl::manifest::{decode, read_sources, DecodeFailure};
use crate::kubectl::resources::{self, Selection};
use crate::kubectl::{flag_error, server_error, server_error_in, Io};
use crate::model::fields::FieldSelector;
use crate::model::selector::LabelSelector;
use crate::model::Kind;
use crate::sim::WriteMeta;

const SPECS: &[FlagSpec] = &[
    value("filename", Some('f')),
    boolean("recursive", Some('R')),
    value("selector", Some('l')),
    value("field-selector", None),
    boolean("all", None),
    boolean("all-namespaces", Some('A')),
    value("grace-period", None),
    boolean("now", None),
    boolean("force", None),
    value("cascade", None),
    boolean("wait", None),
    value("timeout", None),
    boolean("ignore-not-found", None),
    value("output", Some('o')),
    value("dry-run", None),
    value("raw", None),
    boolean("interactive", Some('i')),
];

const NO_ARGS: &str = "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n";

/// How long `delete` waits at most for objects to disappear (kubectl's default timeout is
/// a week; a simulated minute past the largest grace period is plenty here).
const WAIT_SLACK_MS: u64 = 60_000;

/// `kubectl delete`.
pub(crate) fn run(cluster: &mut Cluster, argv: &[String], io: &Io) -> CommandOutput {
    let p = match args::parse(argv, SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("delete", &e),
    };
    let dry = match parse_dry_run(p.get("dry-run")) {
        Ok(d) => d,
        Err(e) => return CommandOutput::fail(e, 1),
    };
    let mut opts = DeleteOptions::default();
    match p.get("cascade") {
        None | Some("background") | Some("true") => {}
        Some("foreground") => opts.propagation = Some(Propagation::Foreground),
        Some("orphan") | Some("false") => opts.propagation = Some(Propagation::Orphan),
        Some(other) => {
            return CommandOutput::fail(
                format!("error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\"\n"),
                1,
            )
        }
    }
    let force = p.flag("force");
    let mut out = CommandOutput::default();
    if let Some(g) = p.get("grace-period") {
        match g.parse::<i64>() {
            // kubectl turns a zero grace period without --force into 1 second.
            Ok(0) if !force => opts.grace_period_seconds = Some(1),
            Ok(n) if n >= 0 => opts.grace_period_seconds = Some(n),
            Ok(_) => {}
            Err(_) => {
                return flag_error(
                    "delete",
                    &args::FlagError(format!("invalid argument \"{g}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{g}\": invalid syntax")),
                )
            }
        }
    }
    if p.flag("now") {
        opts.grace_period_seconds = Some(1);
    }
    if force {
        if !p.has("grace-period") {
            opts.grace_period_seconds = Some(0);
        }
        out.stderr.push_str("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
    }
    let namespace = p.get("namespace").unwrap_or(&cluster.namespace).to_string();
    let all_ns = p.flag("all-namespaces");
    // (kind, namespace, name) to delete, in order.
    let mut targets: Vec<(Kind, String, String, Option<String>)> = Vec::new();
    let paths = p.all("filename");
    if !paths.is_empty() {
        let sources = match read_sources(&paths, p.flag("recursive"), io) {
            Ok(s) => s,
            Err(e) => return CommandOutput::fail(e, 1),
        };
        for source in &sources {
            for doc in &source.docs {
                match decode(doc, &source.name) {
                    Ok(mut obj) => {
                        if let Err(t) =
                            namespace_for(&mut obj, p.get("namespace"), &cluster.namespace)
                        {
                            out.stderr.push_str(&t);
                            out.exit_code = 1;
                            continue;
                        }
                        targets.push((
                            obj.kind(),
                            obj.namespace().to_string(),
                            obj.name().to_string(),
                            Some(source.name.clone()),
                        ));
                    }
                    Err(DecodeFailure::Client(t)) => {
                        out.stderr.push_str(&t);
                        out.exit_code = 1;
                    }
                    Err(DecodeFailure::Server(e)) => {
                        out.stderr
                            .push_str(&server_error_in(&e, "deleting", &source.name));
                        out.exit_code = 1;
                    }
                }
            }
        }
    } else {
        if p.args.is_empty() {
            return CommandOutput::fail(NO_ARGS, 1);
        }
        let selection = match resources::parse(&p.args, "delete") {
            Ok(s) => s,
            Err(e) => return CommandOutput::fail(format!("error: {e}\n"), 1),
        };
        let ns_of = |k: Kind| {
            if k.info().namespaced {
                namespace.clone()
            } else {
                String::new()
            }
        };
        match selection {
            Selection::ByName(pairs) => {
                for (k, n) in pairs {
                    targets.push((k, ns_of(k), n, None));
                }
            }
            Selection::ByType { kinds, names } if !names.is_empty() => {
                for k in kinds {
                    for n in &names {
                        targets.push((k, ns_of(k), n.clone(), None));
                    }
                }
            }
            Selection::ByType { kinds, .. } => {
                let mut list = ListOptions::default();
                let has_selector = p.has("selector") || p.has("field-selector");
                if !has_selector && !p.flag("all") {
                    return CommandOutput::fail(
                        "error: resource(s) were provided, but no name was specified\n",
                        1,
                    );
                }
                if let Some(s) = p.get("selector") {
                    match LabelSelector::parse(s) {
                        Ok(s) => list.label_selector = Some(s),
                        Err(e) => return CommandOutput::fail(format!("error: {e}\n"), 1),
                    }
                }
                if let Some(s) = p.get("field-selector") {
                    match FieldSelector::parse(s) {
                        Ok(s) => list.field_selector = Some(s),
                        Err(e) => return CommandOutput::fail(format!("error: {e}\n"), 1),
                    }
                }
                let mut found = false;
                for k in &kinds {
                    let scope = if all_ns || !k.info().namespaced {
                        None
                    } else {
                        Some(namespace.as_str())
                    };
                    match cluster.api.list(*k, scope, &list) {
                        Ok(items) => {
                            for o in items {
                                found = true;
                                targets.push((
                                    *k,
                                    o.namespace().to_string(),
                                    o.name().to_string(),
                                    None,
                                ));
                            }
                        }
                        Err(e) => return CommandOutput::fail(server_error(&e), 1),
                    }
                }
                if !found {
                    out.stderr
                        .push_str(&if all_ns || kinds.iter().all(|k| !k.info().namespaced) {
                            "No resources found\n".to_string()
                        } else {
                            format!("No resources found in {namespace} namespace.\n")
                        });
                }
            }
        }
    }
    let mut waiting = Vec::new();
    let mut max_grace = 0i64;
    for (kind, ns, name, source) in targets {
        let mut ctx = Ctx::new(cluster.now, &mut cluster.rng, WriteMeta::user());
        ctx.dry_run = dry == DryRun::Server;
        let result = if dry == DryRun::Client {
            cluster.api.get(kind, &ns, &name).map(|_| ())
        } else {
            cluster
                .api
                .delete(&mut ctx, kind, &ns, &name, &opts)
                .map(|outcome| {
                    if let crate::apiserver::DeleteOutcome::Marked(o) = outcome {
                        max_grace =
                            max_grace.max(o.meta().deletion_grace_period_seconds.unwrap_or(0));
                        waiting.push((kind, ns.clone(), name.clone(), o.meta().uid.clone()));
                    }
                })
        };
        match result {
            Ok(()) => {
                let what = if p.get("output") == Some("name") {
                    format!("{}/{}\n", kind.info().qualified_singular(), name)
                } else {
                    // kubectl says "force deleted" when the grace period is zero.
                    let verb = if opts.grace_period_seconds == Some(0) {
                        "force deleted"
                    } else {
                        "deleted"
                    };
                    format!(
                        "{} \"{}\" {verb}{}\n",
                        kind.info().qualified_singular(),
                        name,
                        dry.suffix()
                    )
                };
                out.stdout.push_str(&what);
            }
            Err(e) if e.code() == 404 && p.flag("ignore-not-found") => {}
            Err(e) => {
                out.stderr.push_str(&match source {
                    Some(s) => server_error_in(&e, "deleting", &s),
                    None => server_error(&e),
                });
                out.exit_code = 1;
            }
        }
    }
    let wait = p.get("wait") != Some("false");
    if wait && !waiting.is_empty() {
        cluster.settle();
        let deadline = cluster
            .now
            .plus_ms(max_grace.saturating_mul(1000) + WAIT_SLACK_MS as i64);
        // Like kubectl's wait, this waits for *that* object (its UID) to be gone: a
        // StatefulSet or the kubelet may recreate one with the same name at once.
        let still_there =
            |c: &Cluster, (k, ns, n, uid): &(Kind, String, String, Option<String>)| {
                c.api
                    .try_get(*k, ns, n)
                    .is_some_and(|o| o.meta().uid == *uid)
            };
        while waiting.iter().any(|w| still_there(cluster, w)) && cluster.now < deadline {
            cluster.advance_ms(1000);
        }
    }
    out
}
