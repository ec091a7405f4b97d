//! Resource arguments as kubectl reads them: `TYPE[,TYPE...] [NAME...]`, `TYPE/NAME...`,
//! short names and plurals, and the `all` category.

use crate::model::Kind;

/// What the user named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Selection {
    /// `kubectl get po,svc [NAME...]`: types (in the order given) and optional names.
    ByType {
        kinds: Vec<Kind>,
        names: Vec<String>,
    },
    /// `kubectl get po/x svc/y`: explicit type/name pairs.
    ByName(Vec<(Kind, String)>),
}

/// The kinds `all` stands for, in the order `kubectl get all` prints them.
pub(crate) const ALL_CATEGORY: &[Kind] = &[
    Kind::Pod,
    Kind::Service,
    Kind::DaemonSet,
    Kind::Deployment,
    Kind::ReplicaSet,
    Kind::StatefulSet,
    Kind::CronJob,
    Kind::Job,
];

/// Resolves one type word (`po`, `deployments.apps`), or kubectl's error text.
pub(crate) fn resolve_kind(word: &str) -> Result<Kind, String> {
    Kind::resolve(word).ok_or_else(|| format!("the server doesn't have a resource type \"{word}\""))
}

/// Parses the positional arguments of get/delete/label. The message of an error is what
/// kubectl prints after `error: `.
pub(crate) fn parse(args: &[String], verb: &str) -> Result<Selection, String> {
    let Some(first) = args.first() else {
        return Err("Required resource not specified.".to_string());
    };
    if first.contains('/') {
        let mut pairs = Vec::new();
        for a in args {
            let Some((t, n)) = a.split_once('/') else {
                return Err(format!(
                    "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl {verb} resource/<resource_name>' instead of 'kubectl {verb} resource resource/<resource_name>'"
                ));
            };
            if n.is_empty() {
                return Err(
                    "arguments in resource/name form must have a single resource and name"
                        .to_string(),
                );
            }
            pairs.push((resolve_kind(t)?, n.to_string()));
        }
        return Ok(Selection::ByName(pairs));
    }
    let mut kinds = Vec::new();
    for word in first.split(',').filter(|w| !w.is_empty()) {
        if word.eq_ignore_ascii_case("all") {
            for k in ALL_CATEGORY {
                if !kinds.contains(k) {
                    kinds.push(*k);
                }
            }
            continue;
        }
        let k = resolve_kind(word)?;
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    let names: Vec<String> = args[1..].to_vec();
    if names.iter().any(|n| n.contains('/')) {
        return Err(format!(
            "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl {verb} resource/<resource_name>' instead of 'kubectl {verb} resource resource/<resource_name>'"
        ));
    }
    Ok(Selection::ByType { kinds, names })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn type_lists_and_names() {
        assert_eq!(
            parse(&w("rs,po x"), "get"),
            Ok(Selection::ByType {
                kinds: vec![Kind::ReplicaSet, Kind::Pod],
                names: vec!["x".into()]
            })
        );
        assert_eq!(
            parse(&w("po/a deploy/b"), "get"),
            Ok(Selection::ByName(vec![
                (Kind::Pod, "a".into()),
                (Kind::Deployment, "b".into())
            ]))
        );
    }

    #[test]
    fn errors_use_kubectl_words() {
        assert_eq!(
            parse(&w("foo"), "get"),
            Err("the server doesn't have a resource type \"foo\"".into())
        );
        assert!(parse(&w("po po/x"), "get")
            .unwrap_err()
            .starts_with("there is no need"));
    }

    #[test]
    fn all_expands_to_the_category() {
        let Ok(Selection::ByType { kinds, .. }) = parse(&w("all"), "get") else {
            panic!()
        };
        assert_eq!(kinds, ALL_CATEGORY);
    }
}
