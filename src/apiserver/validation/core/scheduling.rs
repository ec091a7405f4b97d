//! Scheduling-related pod-spec validation: tolerations (`ValidateTolerations`), node and
//! pod (anti-)affinity (`validateAffinity`), topology spread constraints, and node taints
//! (`validateNodeTaints`), which share the taint-effect rule.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{Taint, Toleration, TopologySpreadConstraint};

use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{
    duplicate, forbidden, invalid, not_supported, required, Path,
};
use crate::apiserver::validation::gofmt::q;
use crate::apiserver::validation::meta::{validate_label_name, validate_label_selector};
use crate::apiserver::validation::names::is_valid_label_value;

const EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// `ValidateTolerations`.
pub fn validate_tolerations(tolerations: &[Toleration], p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, t) in tolerations.iter().enumerate() {
        let ip = p.index(i);
        let key = t.key.as_deref().unwrap_or("");
        let op = t.operator.as_deref().unwrap_or("");
        let value = t.value.as_deref().unwrap_or("");
        let effect = t.effect.as_deref().unwrap_or("");
        if !key.is_empty() {
            errs.extend(validate_label_name(key, &ip.child("key")));
        }
        if key.is_empty() && op != "Exists" {
            errs.push(invalid(&ip.child("operator"), q(op), "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
        }
        if t.toleration_seconds.is_some() && effect != "NoExecute" {
            errs.push(invalid(
                &ip.child("effect"),
                q(effect),
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
        match op {
            "Equal" | "" => {
                let msgs = is_valid_label_value(value);
                if !msgs.is_empty() {
                    errs.push(invalid(&ip.child("operator"), q(value), &msgs.join(";")));
                }
            }
            "Exists" => {
                if !value.is_empty() {
                    errs.push(invalid(
                        &ip.child("operator"),
                        q(value),
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
            }
            other => errs.push(not_supported(
                &ip.child("operator"),
                q(other),
                &["Equal", "Exists"],
            )),
        }
        if !effect.is_empty() && !EFFECTS.contains(&effect) {
            errs.push(not_supported(&ip.child("effect"), q(effect), EFFECTS));
        }
    }
    errs
}

/// `validateNodeTaints`: valid keys and values, a known effect, unique key/effect pairs.
pub fn validate_node_taints(taints: &[Taint], p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, t) in taints.iter().enumerate() {
        let ip = p.index(i);
        errs.extend(validate_label_name(&t.key, &ip.child("key")));
        let value = t.value.as_deref().unwrap_or("");
        let msgs = is_valid_label_value(value);
        if !msgs.is_empty() {
            errs.push(invalid(&ip.child("value"), q(value), &msgs.join(";")));
        }
        if t.effect.is_empty() {
            errs.push(required(&ip.child("effect"), ""));
        } else if !EFFECTS.contains(&t.effect.as_str()) {
            errs.push(not_supported(&ip.child("effect"), q(&t.effect), EFFECTS));
        }
        if !seen.insert((t.effect.clone(), t.key.clone())) {
            let mut e = duplicate(
                &ip,
                format!(
                    "core.Taint{{Key:{}, Value:{}, Effect:{}, TimeAdded:<nil>}}",
                    q(&t.key),
                    q(value),
                    q(&t.effect)
                ),
            );
            e.detail = "taints must be unique by key and effect pair".to_string();
            errs.push(e);
        }
    }
    errs
}

/// `validateTopologySpreadConstraints`.
pub fn validate_topology_spread(
    constraints: &[TopologySpreadConstraint],
    p: &Path,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, c) in constraints.iter().enumerate() {
        let ip = p.index(i);
        if c.max_skew <= 0 {
            errs.push(invalid(
                &ip.child("maxSkew"),
                c.max_skew.to_string(),
                "must be greater than zero",
            ));
        }
        if c.topology_key.is_empty() {
            errs.push(required(&ip.child("topologyKey"), "can not be empty"));
        }
        if c.when_unsatisfiable != "DoNotSchedule" && c.when_unsatisfiable != "ScheduleAnyway" {
            errs.push(not_supported(
                &ip.child("whenUnsatisfiable"),
                q(&c.when_unsatisfiable),
                &["DoNotSchedule", "ScheduleAnyway"],
            ));
        }
        if constraints[i + 1..].iter().any(|o| {
            o.topology_key == c.topology_key && o.when_unsatisfiable == c.when_unsatisfiable
        }) {
            errs.push(duplicate(
                &ip.child("{topologyKey, whenUnsatisfiable}"),
                q(&format!("{{{}, {}}}", c.topology_key, c.when_unsatisfiable)),
            ));
        }
        if let Some(md) = c.min_domains {
            if md <= 0 {
                errs.push(invalid(
                    &ip.child("minDomains"),
                    md.to_string(),
                    "must be greater than zero",
                ));
            }
            if c.when_unsatisfiable != "DoNotSchedule" {
                errs.push(invalid(
                    &ip.child("minDomains"),
                    md.to_string(),
                    &format!(
                        "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {}",
                        c.when_unsatisfiable
                    ),
                ));
            }
        }
        for (policy, child) in [
            (&c.node_affinity_policy, "nodeAffinityPolicy"),
            (&c.node_taints_policy, "nodeTaintsPolicy"),
        ] {
            if let Some(v) = policy
                .as_deref()
                .filter(|v| *v != "Honor" && *v != "Ignore")
            {
                errs.push(not_supported(&ip.child(child), q(v), &["Honor", "Ignore"]));
            }
        }
        let keys = c.match_label_keys.as_deref().unwrap_or_default();
        if !keys.is_empty() {
            let kp = ip.child("matchLabelKeys");
            let mut selector_keys = BTreeSet::new();
            match &c.label_selector {
                Some(sel) => {
                    selector_keys.extend(sel.match_labels.iter().flatten().map(|(k, _)| k.clone()));
                    selector_keys.extend(
                        sel.match_expressions
                            .iter()
                            .flatten()
                            .map(|e| e.key.clone()),
                    );
                }
                None => errs.push(forbidden(
                    &kp,
                    "must not be specified when labelSelector is not set",
                )),
            }
            for (j, k) in keys.iter().enumerate() {
                errs.extend(validate_label_name(k, &kp.index(j)));
                if selector_keys.contains(k) {
                    errs.push(invalid(
                        &kp.index(j),
                        q(k),
                        "exists in both matchLabelKeys and labelSelector",
                    ));
                }
            }
        }
        errs.extend(validate_label_selector(
            c.label_selector.as_ref(),
            &ip.child("labelSelector"),
        ));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_key_toleration_needs_exists() {
        // Upstream TestValidateTolerations: "operator must be Exists when `key` is empty".
        let t = Toleration {
            operator: Some("Equal".into()),
            value: Some("bar".into()),
            ..Default::default()
        };
        let errs = validate_tolerations(&[t], &Path::new("spec").child("tolerations"));
        assert_eq!(
            errs[0].to_string(),
            "spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\""
        );
    }

    #[test]
    fn unknown_effect_is_unsupported() {
        let t = Toleration {
            key: Some("k".into()),
            operator: Some("Exists".into()),
            effect: Some("Sometimes".into()),
            ..Default::default()
        };
        let errs = validate_tolerations(&[t], &Path::new("t"));
        assert_eq!(errs[0].to_string(), "t[0].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"");
    }
}
