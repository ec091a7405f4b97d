//! `kubectl label` and `kubectl annotate`: `KEY=VALUE` to set, `KEY-` to remove,
//! `--overwrite` to change an existing value, on named objects or on everything matching
//! `-l` / `--all`.

use std::collections::BTreeMap;

use crate::apiserver::{Ctx, ListOptions, Subresource};
use crate::cluster::{Cluster, CommandOutput};
use crate::kubectl::args::{self, boolean, value, FlagSpec};
use crate::kubectl::output::name_of;
use crate::kubectl::resources::{self, Selection};
use crate::kubectl::{flag_error, server_error, Io};
use crate::model::selector::LabelSelector;
use crate::model::Object;
use crate::sim::WriteMeta;

/// Which map the command edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Which {
    /// `kubectl label`
    Labels,
    /// `kubectl annotate`
    Annotations,
}

const SPECS: &[FlagSpec] = &[
    boolean("overwrite", None),
    value("selector", Some('l')),
    value("field-selector", None),
    boolean("all", None),
    boolean("all-namespaces", Some('A')),
    boolean("list", None),
    boolean("local", None),
    value("resource-version", None),
    value("dry-run", None),
    value("output", Some('o')),
    value("filename", Some('f')),
    boolean("recursive", Some('R')),
    value("field-manager", None),
];

/// `kubectl label|annotate`.
pub(crate) fn run(cluster: &mut Cluster, argv: &[String], _io: &Io, which: Which) -> CommandOutput {
    let command = match which {
        Which::Labels => "label",
        Which::Annotations => "annotate",
    };
    let p = match args::parse(argv, SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error(command, &e),
    };
    // Changes are the words with `=` or a trailing `-`; the rest name resources.
    let (changes, res_args): (Vec<String>, Vec<String>) = p
        .args
        .iter()
        .cloned()
        .partition(|a| a.contains('=') || (a.ends_with('-') && !a.contains('/')));
    if res_args.is_empty() {
        return CommandOutput::fail(
            "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n",
            1,
        );
    }
    if changes.is_empty() {
        return CommandOutput::fail(
            format!(
                "error: at least one {} update is required\n",
                if which == Which::Labels {
                    "label"
                } else {
                    "annotation"
                }
            ),
            1,
        );
    }
    let mut set = BTreeMap::new();
    let mut remove = Vec::new();
    for c in &changes {
        if let Some((k, v)) = c.split_once('=') {
            set.insert(k.to_string(), v.to_string());
        } else if let Some(k) = c.strip_suffix('-') {
            remove.push(k.to_string());
        }
    }
    let namespace = p.get("namespace").unwrap_or(&cluster.namespace).to_string();
    let selection = match resources::parse(&res_args, command) {
        Ok(s) => s,
        Err(e) => return CommandOutput::fail(format!("error: {e}\n"), 1),
    };
    let mut targets = Vec::new();
    let mut out = CommandOutput::default();
    match selection {
        Selection::ByName(pairs) => targets.extend(pairs),
        Selection::ByType { kinds, names } if !names.is_empty() => {
            for k in kinds {
                targets.extend(names.iter().map(|n| (k, n.clone())));
            }
        }
        Selection::ByType { kinds, .. } => {
            let mut list = ListOptions::default();
            if let Some(s) = p.get("selector") {
                match LabelSelector::parse(s) {
                    Ok(s) => list.label_selector = Some(s),
                    Err(e) => return CommandOutput::fail(format!("error: {e}\n"), 1),
                }
            } else if !p.flag("all") {
                return CommandOutput::fail(
                    "error: resource(s) were provided, but no name was specified\n",
                    1,
                );
            }
            for k in kinds {
                let scope = k.info().namespaced.then_some(namespace.as_str());
                match cluster.api.list(k, scope, &list) {
                    Ok(items) => targets.extend(items.iter().map(|o| (k, o.name().to_string()))),
                    Err(e) => return CommandOutput::fail(server_error(&e), 1),
                }
            }
        }
    }
    for (kind, name) in targets {
        let ns = if kind.info().namespaced {
            namespace.as_str()
        } else {
            ""
        };
        let current = match cluster.api.get(kind, ns, &name) {
            Ok(c) => c,
            Err(e) => {
                out.stderr.push_str(&server_error(&e));
                out.exit_code = 1;
                continue;
            }
        };
        let mut obj: Object = (*current).clone();
        let meta = obj.meta_mut();
        let map = match which {
            Which::Labels => meta.labels.get_or_insert_with(BTreeMap::new),
            Which::Annotations => meta.annotations.get_or_insert_with(BTreeMap::new),
        };
        let before = map.clone();
        let mut failed = false;
        for (k, v) in &set {
            if let Some(old) = map.get(k) {
                if old != v && !p.flag("overwrite") {
                    out.stderr.push_str(&format!(
                        "error: '{k}' already has a value ({old}), and --overwrite is false\n"
                    ));
                    out.exit_code = 1;
                    failed = true;
                    break;
                }
            }
            map.insert(k.clone(), v.clone());
        }
        if failed {
            continue;
        }
        for k in &remove {
            if map.remove(k).is_none() && which == Which::Labels {
                out.stderr.push_str(&format!("label \"{k}\" not found.\n"));
            }
        }
        let after = map.clone();
        if after.is_empty() {
            match which {
                Which::Labels => meta.labels = None,
                Which::Annotations => meta.annotations = None,
            }
        }
        if let Some(rv) = p.get("resource-version") {
            obj.meta_mut().resource_version = Some(rv.to_string());
        }
        let mut ctx = Ctx::new(cluster.now, &mut cluster.rng, WriteMeta::user());
        match cluster.api.update(&mut ctx, obj, Subresource::Main) {
            Ok(updated) => {
                let word = match which {
                    Which::Annotations => "annotated",
                    Which::Labels if before == after => "not labeled",
                    Which::Labels if after.len() < before.len() => "unlabeled",
                    Which::Labels => "labeled",
                };
                out.stdout
                    .push_str(&format!("{} {word}\n", name_of(&updated)));
            }
            Err(e) => {
                out.stderr.push_str(&server_error(&e));
                out.exit_code = 1;
            }
        }
    }
    out
}
