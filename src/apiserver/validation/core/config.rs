//! Validation of the simpler core kinds: ConfigMap and Secret (keys, 1 MiB total,
//! per-type required keys, `immutable`), ServiceAccount, Namespace (finalizers), and Node
//! (taints, pod CIDRs, and the spec fields an update may not change).

use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Node, Secret};
use std::collections::BTreeMap;

use super::net::is_valid_cidr;
use super::scheduling::validate_node_taints;
use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{
    duplicate, forbidden, immutable, invalid, required, too_long, Path,
};
use crate::apiserver::validation::gofmt::{self, q};
use crate::apiserver::validation::meta::{validate_kube_finalizer_name, validate_object_meta_core};
use crate::apiserver::validation::names::{
    is_config_map_key, is_qualified_name, name_is_dns_label, name_is_dns_subdomain,
};

/// Upstream's `MaxSecretSize` (1 MiB), also the ConfigMap limit.
const MAX_SECRET_SIZE: usize = 1024 * 1024;

/// `ValidateConfigMap`.
pub fn validate_config_map(cm: &ConfigMap) -> Vec<FieldError> {
    let mut errs = validate_object_meta_core(
        &cm.metadata,
        true,
        name_is_dns_subdomain,
        &Path::new("metadata"),
    );
    let mut total = 0;
    let binary = cm.binary_data.clone().unwrap_or_default();
    for (k, v) in cm.data.iter().flatten() {
        let kp = Path::new("data").key(k);
        errs.extend(
            is_config_map_key(k)
                .into_iter()
                .map(|m| invalid(&kp, q(k), &m)),
        );
        if binary.contains_key(k) {
            errs.push(invalid(&kp, q(k), "duplicate of key present in binaryData"));
        }
        total += v.len();
    }
    for (k, v) in &binary {
        errs.extend(
            is_config_map_key(k)
                .into_iter()
                .map(|m| invalid(&Path::new("binaryData").key(k), q(k), &m)),
        );
        total += v.0.len();
    }
    if total > MAX_SECRET_SIZE {
        errs.push(too_long(&Path::new(""), MAX_SECRET_SIZE));
    }
    errs
}

/// The data a Secret is validated with: `data` merged with `stringData` (which wins), as
/// upstream's conversion does before validation.
fn secret_data(s: &Secret) -> BTreeMap<String, Vec<u8>> {
    let mut data: BTreeMap<String, Vec<u8>> = s
        .data
        .iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.0.clone()))
        .collect();
    for (k, v) in s.string_data.iter().flatten() {
        data.insert(k.clone(), v.as_bytes().to_vec());
    }
    data
}

/// `ValidateSecret`.
pub fn validate_secret(s: &Secret) -> Vec<FieldError> {
    let mut errs = validate_object_meta_core(
        &s.metadata,
        true,
        name_is_dns_subdomain,
        &Path::new("metadata"),
    );
    let data_path = Path::new("data");
    let data = secret_data(s);
    let mut total = 0;
    for (k, v) in &data {
        errs.extend(
            is_config_map_key(k)
                .into_iter()
                .map(|m| invalid(&data_path.key(k), q(k), &m)),
        );
        total += v.len();
    }
    if total > MAX_SECRET_SIZE {
        errs.push(too_long(&data_path, MAX_SECRET_SIZE));
    }
    match s.type_.as_deref().unwrap_or("") {
        "kubernetes.io/service-account-token" => {
            let ann = s.metadata.annotations.clone().unwrap_or_default();
            if ann
                .get("kubernetes.io/service-account.name")
                .is_none_or(|v| v.is_empty())
            {
                errs.push(required(
                    &Path::new("metadata")
                        .child("annotations")
                        .key("kubernetes.io/service-account.name"),
                    "",
                ));
            }
        }
        "kubernetes.io/dockercfg" => match data.get(".dockercfg") {
            None => errs.push(required(&data_path.key(".dockercfg"), "")),
            Some(b) => errs.extend(go_json_error(b).map(|e| {
                invalid(
                    &data_path.key(".dockercfg"),
                    q("<secret contents redacted>"),
                    &e,
                )
            })),
        },
        "kubernetes.io/dockerconfigjson" => match data.get(".dockerconfigjson") {
            None => errs.push(required(&data_path.key(".dockerconfigjson"), "")),
            Some(b) => errs.extend(go_json_error(b).map(|e| {
                invalid(
                    &data_path.key(".dockerconfigjson"),
                    q("<secret contents redacted>"),
                    &e,
                )
            })),
        },
        "kubernetes.io/basic-auth"
            if !data.contains_key("username") && !data.contains_key("password") =>
        {
            errs.push(required(&data_path.key("username"), ""));
            errs.push(required(&data_path.key("password"), ""));
        }
        "kubernetes.io/ssh-auth" if data.get("ssh-privatekey").is_none_or(|v| v.is_empty()) => {
            errs.push(required(&data_path.key("ssh-privatekey"), ""));
        }
        "kubernetes.io/tls" => {
            for key in ["tls.crt", "tls.key"] {
                if !data.contains_key(key) {
                    errs.push(required(&data_path.key(key), ""));
                }
            }
        }
        _ => {}
    }
    errs
}

/// What Go's `json.Unmarshal` into a `map[string]interface{}` says about bad input
/// (its wording, with the offending character found by serde).
fn go_json_error(b: &[u8]) -> Option<String> {
    match serde_json::from_slice::<serde_json::Value>(b) {
        Ok(serde_json::Value::Object(_)) | Ok(serde_json::Value::Null) => None,
        Ok(v) => {
            let kind = match v {
                serde_json::Value::String(_) => "string",
                serde_json::Value::Number(_) => "number",
                serde_json::Value::Bool(_) => "bool",
                _ => "array",
            };
            Some(format!(
                "json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"
            ))
        }
        Err(e) if e.is_eof() => Some("unexpected end of JSON input".to_string()),
        Err(e) => {
            let text = String::from_utf8_lossy(b);
            let line = text.lines().nth(e.line().saturating_sub(1)).unwrap_or("");
            let c = line
                .chars()
                .nth(e.column().saturating_sub(1))
                .unwrap_or('?');
            Some(format!(
                "invalid character '{c}' looking for beginning of value"
            ))
        }
    }
}

/// The update rules shared by ConfigMap and Secret once `immutable: true` was set.
fn immutable_data_errors<T: PartialEq>(
    old_immutable: Option<bool>,
    new_immutable: Option<bool>,
    pairs: &[(&T, &T, &str)],
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if old_immutable != Some(true) {
        return errs;
    }
    let msg = "field is immutable when `immutable` is set";
    if new_immutable != Some(true) {
        errs.push(forbidden(&Path::new("immutable"), msg));
    }
    for (new, old, field) in pairs {
        if new != old {
            errs.push(forbidden(&Path::new(field), msg));
        }
    }
    errs
}

/// `ValidateConfigMapUpdate` (without the metadata update, which the caller adds).
pub fn validate_config_map_update(new: &ConfigMap, old: &ConfigMap) -> Vec<FieldError> {
    let mut errs = immutable_data_errors(
        old.immutable,
        new.immutable,
        &[(&new.data, &old.data, "data")],
    );
    if old.immutable == Some(true) && new.binary_data != old.binary_data {
        errs.push(forbidden(
            &Path::new("binaryData"),
            "field is immutable when `immutable` is set",
        ));
    }
    errs.extend(validate_config_map(new));
    errs
}

/// `ValidateSecretUpdate` (without the metadata update, which the caller adds).
pub fn validate_secret_update(new: &Secret, old: &Secret) -> Vec<FieldError> {
    let (nt, ot) = (
        new.type_.clone().unwrap_or_default(),
        old.type_.clone().unwrap_or_default(),
    );
    let mut errs = immutable(&nt, &ot, &Path::new("type"), || q(&nt));
    let (nd, od) = (secret_data(new), secret_data(old));
    errs.extend(immutable_data_errors(
        old.immutable,
        new.immutable,
        &[(&nd, &od, "data")],
    ));
    errs.extend(validate_secret(new));
    errs
}

/// `ValidateNamespace`: a DNS label, and qualified or standard spec finalizers.
pub fn validate_namespace(ns: &Namespace) -> Vec<FieldError> {
    let mut errs = validate_object_meta_core(
        &ns.metadata,
        false,
        name_is_dns_label,
        &Path::new("metadata"),
    );
    let fp = Path::new("spec").child("finalizers");
    for f in ns.spec.iter().flat_map(|s| s.finalizers.iter().flatten()) {
        errs.extend(
            is_qualified_name(f)
                .into_iter()
                .map(|m| invalid(&fp, q(f), &m)),
        );
        errs.extend(validate_kube_finalizer_name(f, &fp));
    }
    errs
}

/// `ValidateNode`.
pub fn validate_node(node: &Node) -> Vec<FieldError> {
    let meta = Path::new("metadata");
    let mut errs = validate_object_meta_core(&node.metadata, false, name_is_dns_subdomain, &meta);
    let spec = node.spec.clone().unwrap_or_default();
    if let Some(t) = spec.taints.as_ref().filter(|t| !t.is_empty()) {
        errs.extend(validate_node_taints(t, &meta.child("taints")));
    }
    let cidrs = spec.pod_cidrs.as_deref().unwrap_or_default();
    let cp = Path::new("spec").child("podCIDRs");
    for (i, c) in cidrs.iter().enumerate() {
        errs.extend(is_valid_cidr(&cp.index(i), c));
    }
    if cidrs.len() > 1 {
        let v6 = cidrs.iter().filter(|c| c.contains(':')).count();
        if v6 != 1 || cidrs.len() > 2 {
            errs.push(invalid(
                &cp,
                gofmt::strings(spec.pod_cidrs.as_ref()),
                "may specify no more than one CIDR for each IP family",
            ));
        }
        for (i, c) in cidrs.iter().enumerate() {
            if cidrs[..i].contains(c) {
                errs.push(duplicate(&cp.index(i), q(c)));
            }
        }
    }
    errs
}

/// `ValidateNodeUpdate` (without the metadata update, which the caller adds).
pub fn validate_node_update(new: &Node, old: &Node) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let (ns, os) = (
        new.spec.clone().unwrap_or_default(),
        old.spec.clone().unwrap_or_default(),
    );
    let (nc, oc) = (
        ns.pod_cidrs.clone().unwrap_or_default(),
        os.pod_cidrs.clone().unwrap_or_default(),
    );
    let cidr_msg = "node updates may not change podCIDR except from \"\" to valid";
    if !oc.is_empty() {
        if oc.len() != nc.len() {
            errs.push(forbidden(&Path::new("spec").child("podCIDRs"), cidr_msg));
        } else {
            for (o, n) in oc.iter().zip(&nc) {
                if o != n {
                    errs.push(forbidden(&Path::new("spec").child("podCIDRs"), cidr_msg));
                }
            }
        }
    }
    let old_provider = os.provider_id.clone().unwrap_or_default();
    if !old_provider.is_empty() && Some(&old_provider) != ns.provider_id.as_ref() {
        errs.push(forbidden(
            &Path::new("spec").child("providerID"),
            "node updates may not change providerID except from \"\" to valid",
        ));
    }
    if let Some(t) = ns.taints.as_ref().filter(|t| !t.is_empty()) {
        errs.extend(validate_node_taints(
            t,
            &Path::new("metadata").child("taints"),
        ));
    }
    if ns.external_id != os.external_id {
        errs.push(forbidden(
            &Path::new("spec").child("externalID"),
            "may not be updated",
        ));
    }
    errs
}
