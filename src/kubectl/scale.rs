//! `kubectl scale`: sets `spec.replicas` of Deployments, ReplicaSets and StatefulSets
//! through their `scale` subresource, with `--current-replicas` and `--resource-version`
//! preconditions, by name, TYPE/NAME, `-l` or `--all`, printing `deployment.apps/x scaled`.

use crate::apiserver::{Ctx, ListOptions};
use crate::cluster::{Cluster, CommandOutput};
use crate::kubectl::args::{self, boolean, value, FlagSpec};
use crate::kubectl::resources::{self, Selection};
use crate::kubectl::{flag_error, server_error, Io};
use crate::model::selector::LabelSelector;
use crate::model::Kind;
use crate::sim::WriteMeta;

const SPECS: &[FlagSpec] = &[
    value("replicas", None),
    value("current-replicas", None),
    value("resource-version", None),
    value("selector", Some('l')),
    boolean("all", None),
    value("filename", Some('f')),
    boolean("recursive", Some('R')),
    value("output", Some('o')),
    value("dry-run", None),
    value("timeout", None),
];

const NO_ARGS: &str = "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n";

/// `kubectl scale`.
pub(crate) fn run(cluster: &mut Cluster, argv: &[String], _io: &Io) -> CommandOutput {
    let p = match args::parse(argv, SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("scale", &e),
    };
    let Some(replicas) = p.get("replicas") else {
        return CommandOutput::fail("error: required flag(s) \"replicas\" not set\n", 1);
    };
    let replicas = match replicas.parse::<i32>() {
        Ok(n) if n >= 0 => n,
        _ => {
            return CommandOutput::fail(
                "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n",
                1,
            )
        }
    };
    let current: Option<i32> = match p.get("current-replicas").map(str::parse::<i32>) {
        None => None,
        Some(Ok(n)) if n >= 0 => Some(n),
        Some(Ok(_)) => None,
        Some(Err(_)) => {
            return CommandOutput::fail("error: invalid argument for --current-replicas\n", 1)
        }
    };
    if p.args.is_empty() {
        return CommandOutput::fail(NO_ARGS, 1);
    }
    let namespace = p.get("namespace").unwrap_or(&cluster.namespace).to_string();
    let selection = match resources::parse(&p.args, "scale") {
        Ok(s) => s,
        Err(e) => return CommandOutput::fail(format!("error: {e}\n"), 1),
    };
    let mut targets: Vec<(Kind, String)> = Vec::new();
    match selection {
        Selection::ByName(pairs) => targets.extend(pairs),
        Selection::ByType { kinds, names } if !names.is_empty() => {
            for k in kinds {
                targets.extend(names.iter().map(|n| (k, n.clone())));
            }
        }
        Selection::ByType { kinds, .. } => {
            let mut opts = ListOptions::default();
            match p.get("selector").map(LabelSelector::parse) {
                Some(Ok(s)) => opts.label_selector = Some(s),
                Some(Err(e)) => return CommandOutput::fail(format!("error: {e}\n"), 1),
                None if !p.flag("all") => {
                    return CommandOutput::fail(
                        "error: resource(s) were provided, but no name was specified\n",
                        1,
                    )
                }
                None => {}
            }
            for k in kinds {
                match cluster.api.list(k, Some(&namespace), &opts) {
                    Ok(items) => targets.extend(items.iter().map(|o| (k, o.name().to_string()))),
                    Err(e) => return CommandOutput::fail(server_error(&e), 1),
                }
            }
        }
    }
    let mut out = CommandOutput::default();
    for (kind, name) in targets {
        if !matches!(
            kind,
            Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet
        ) {
            out.stderr.push_str(
                "Error from server (NotFound): the server could not find the requested resource\n",
            );
            out.exit_code = 1;
            continue;
        }
        if let Some(expected) = current {
            match cluster.api.get_scale(kind, &namespace, &name) {
                Ok(scale) => {
                    let was = scale.spec.and_then(|s| s.replicas).unwrap_or(0);
                    if was != expected {
                        out.stderr.push_str(&format!(
                            "error: Expected replicas to be {expected}, was {was}\n"
                        ));
                        out.exit_code = 1;
                        continue;
                    }
                }
                Err(e) => {
                    out.stderr.push_str(&server_error(&e));
                    out.exit_code = 1;
                    continue;
                }
            }
        }
        let mut ctx = Ctx::new(cluster.now, &mut cluster.rng, WriteMeta::user());
        match cluster.api.update_scale(
            &mut ctx,
            kind,
            &namespace,
            &name,
            replicas,
            p.get("resource-version"),
        ) {
            Ok(_) => out.stdout.push_str(&format!(
                "{}/{} scaled\n",
                kind.info().qualified_singular(),
                name
            )),
            Err(e) => {
                out.stderr.push_str(&server_error(&e));
                out.exit_code = 1;
            }
        }
    }
    out
}
