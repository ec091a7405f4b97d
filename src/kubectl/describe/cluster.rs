//! `kubectl describe` for Namespaces, ServiceAccounts and PodDisruptionBudgets (upstream
//! v1.32 `describeNamespace`, `describeServiceAccount`, `describePodDisruptionBudgetV1`).
//!
//! A namespace description ends with its resource quotas and limit ranges. kubeniwa
//! serves neither kind, so a namespace never has any, and the sections read as they do on
//! a cluster without quotas: `No resource quota.` and `No LimitRange resource.`.
//! Namespaces have no Events section.

use std::rc::Rc;

use k8s_openapi::api::core::v1::{Namespace, Secret, ServiceAccount};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;

use super::containers::int_or_string;
use super::events;
use super::multiline::{print_annotations, print_labels};
use super::writer::{rfc1123z, PrefixWriter, LEVEL_0, LEVEL_1, LEVEL_2};
use super::Env;
use crate::apiserver::ListOptions;
use crate::model::selector::format_label_selector;
use crate::model::{Kind, Object};

/// `describeNamespace`.
pub(super) fn describe_namespace(ns: &Namespace) -> String {
    let meta = &ns.metadata;
    let status = ns.status.clone().unwrap_or_default();
    let mut w = PrefixWriter::new();
    put!(
        w,
        LEVEL_0,
        "Name:\t{}\n",
        meta.name.as_deref().unwrap_or("")
    );
    print_labels(&mut w, "Labels", meta.labels.as_ref());
    print_annotations(&mut w, "Annotations", meta.annotations.as_ref());
    put!(
        w,
        LEVEL_0,
        "Status:\t{}\n",
        status.phase.as_deref().unwrap_or("")
    );
    let conditions = status.conditions.as_deref().unwrap_or_default();
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n");
        w.write(
            LEVEL_1,
            "Type\tStatus\tLastTransitionTime\tReason\tMessage\n",
        );
        w.write(
            LEVEL_1,
            "----\t------\t------------------\t------\t-------\n",
        );
        for c in conditions {
            put!(
                w,
                LEVEL_1,
                "{}\t{}\t{}\t{}\t{}\n",
                c.type_,
                c.status,
                rfc1123z(c.last_transition_time.as_ref()),
                c.reason.as_deref().unwrap_or(""),
                c.message.as_deref().unwrap_or("")
            );
        }
    }
    // `DescribeResourceQuotas` and `DescribeLimitRanges` of empty lists.
    w.write(LEVEL_0, "\n");
    w.write(LEVEL_0, "No resource quota.\n");
    w.write(LEVEL_0, "\n");
    w.write(LEVEL_0, "No LimitRange resource.\n");
    w.finish()
}

/// `ServiceAccountDescriber`: image pull secrets, mountable secrets and token Secrets (the
/// `kubernetes.io/service-account-token` Secrets annotated with this account's name and
/// uid), a missing referenced Secret marked `(not found)`.
pub(super) fn describe_service_account(env: &Env, sa: &ServiceAccount) -> String {
    let meta = &sa.metadata;
    let namespace = meta.namespace.as_deref().unwrap_or("");
    let listed: Vec<Rc<Object>> = env
        .api
        .list(Kind::Secret, Some(namespace), &ListOptions::default())
        .unwrap_or_default();
    let secrets: Vec<&Secret> = listed
        .iter()
        .filter_map(|o| match &**o {
            Object::Secret(s) => Some(s),
            _ => None,
        })
        .collect();
    let annotation = |s: &Secret, key: &str| {
        s.metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(key))
            .cloned()
            .unwrap_or_default()
    };
    let tokens: Vec<String> = secrets
        .iter()
        .filter(|s| s.type_.as_deref() == Some("kubernetes.io/service-account-token"))
        .filter(|s| {
            annotation(s, "kubernetes.io/service-account.name")
                == meta.name.clone().unwrap_or_default()
                && annotation(s, "kubernetes.io/service-account.uid")
                    == meta.uid.clone().unwrap_or_default()
        })
        .map(|s| s.metadata.name.clone().unwrap_or_default())
        .collect();
    let exists = |name: &str| {
        secrets
            .iter()
            .any(|s| s.metadata.name.as_deref() == Some(name))
    };
    let pull: Vec<String> = sa
        .image_pull_secrets
        .iter()
        .flatten()
        .map(|r| r.name.clone())
        .collect();
    let mount: Vec<String> = sa
        .secrets
        .iter()
        .flatten()
        .map(|r| r.name.clone().unwrap_or_default())
        .collect();
    let events = events::about(env, Kind::ServiceAccount, meta);
    let mut w = PrefixWriter::new();
    put!(
        w,
        LEVEL_0,
        "Name:\t{}\n",
        meta.name.as_deref().unwrap_or("")
    );
    put!(w, LEVEL_0, "Namespace:\t{namespace}\n");
    print_labels(&mut w, "Labels", meta.labels.as_ref());
    print_annotations(&mut w, "Annotations", meta.annotations.as_ref());
    // Upstream prints the three lists in the sorted order of their padded headers.
    let sections: [(&str, &[String], bool); 3] = [
        ("Image pull secrets:", &pull, true),
        ("Mountable secrets: ", &mount, true),
        ("Tokens:            ", &tokens, false),
    ];
    for (header, names, check) in sections {
        if names.is_empty() {
            put!(w, LEVEL_0, "{header}\t<none>\n");
            continue;
        }
        let mut prefix = header;
        for name in names {
            if check && !exists(name) {
                put!(w, LEVEL_0, "{prefix}\t{name} (not found)\n");
            } else {
                put!(w, LEVEL_0, "{prefix}\t{name}\n");
            }
            prefix = "                   ";
        }
    }
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}

/// `describePodDisruptionBudgetV1`.
pub(super) fn describe_pod_disruption_budget(env: &Env, pdb: &PodDisruptionBudget) -> String {
    let meta = &pdb.metadata;
    let spec = pdb.spec.clone().unwrap_or_default();
    let status = pdb.status.clone().unwrap_or_default();
    let events = events::about(env, Kind::PodDisruptionBudget, meta);
    let mut w = PrefixWriter::new();
    put!(
        w,
        LEVEL_0,
        "Name:\t{}\n",
        meta.name.as_deref().unwrap_or("")
    );
    put!(
        w,
        LEVEL_0,
        "Namespace:\t{}\n",
        meta.namespace.as_deref().unwrap_or("")
    );
    if let Some(min) = &spec.min_available {
        put!(w, LEVEL_0, "Min available:\t{}\n", int_or_string(min));
    } else if let Some(max) = &spec.max_unavailable {
        put!(w, LEVEL_0, "Max unavailable:\t{}\n", int_or_string(max));
    }
    match &spec.selector {
        Some(s) => put!(w, LEVEL_0, "Selector:\t{}\n", format_label_selector(s)),
        None => w.write(LEVEL_0, "Selector:\t<unset>\n"),
    }
    w.write(LEVEL_0, "Status:\n");
    put!(
        w,
        LEVEL_2,
        "Allowed disruptions:\t{}\n",
        status.disruptions_allowed
    );
    put!(w, LEVEL_2, "Current:\t{}\n", status.current_healthy);
    put!(w, LEVEL_2, "Desired:\t{}\n", status.desired_healthy);
    put!(w, LEVEL_2, "Total:\t{}\n", status.expected_pods);
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}
