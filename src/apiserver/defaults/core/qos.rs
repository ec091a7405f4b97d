//! The pod QoS class the API server stamps into `status.qosClass` on create, after
//! `pkg/apis/core/helper/qos.ComputePodQOS` (v1.32, PodLevelResources off). Only `cpu` and
//! `memory` count; quantities are compared exactly, so this file carries a small parser
//! that turns a quantity string into nano-units.

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

/// The QoS class of a pod spec: `BestEffort` when no container requests or limits any
/// cpu or memory, `Guaranteed` when every container (init containers included) limits
/// both and the summed requests equal the summed limits, else `Burstable`.
///
/// Worked example: one container with limits `cpu: 500m, memory: 128Mi` and no
/// requests. Defaulting copied the limits into the requests, so requests = limits =
/// {cpu 500m, memory 128Mi} and the pod is `Guaranteed`; had it limited only `cpu`, it
/// would be `Burstable`.
pub fn pod_qos_class(spec: &PodSpec) -> &'static str {
    let mut requests: BTreeMap<&str, i128> = BTreeMap::new();
    let mut limits: BTreeMap<&str, i128> = BTreeMap::new();
    let mut guaranteed = true;
    for c in spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
    {
        let resources = c.resources.as_ref();
        for (name, q) in resources
            .and_then(|r| r.requests.as_ref())
            .into_iter()
            .flatten()
        {
            if let Some(n) = positive_qos_amount(name, q) {
                *requests.entry(qos_name(name)).or_insert(0) += n;
            }
        }
        let mut found = (false, false);
        for (name, q) in resources
            .and_then(|r| r.limits.as_ref())
            .into_iter()
            .flatten()
        {
            if let Some(n) = positive_qos_amount(name, q) {
                *limits.entry(qos_name(name)).or_insert(0) += n;
                if name == "cpu" {
                    found.0 = true;
                } else {
                    found.1 = true;
                }
            }
        }
        if found != (true, true) {
            guaranteed = false;
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort";
    }
    if guaranteed
        && requests
            .iter()
            .all(|(name, req)| limits.get(name) == Some(req))
        && requests.len() == limits.len()
    {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// The map key for a QoS resource (`cpu` or `memory`).
fn qos_name(name: &str) -> &'static str {
    if name == "cpu" {
        "cpu"
    } else {
        "memory"
    }
}

/// The amount of a `cpu` or `memory` quantity in nano-units when it is greater than
/// zero; other resources, zero and unparsable quantities do not count.
fn positive_qos_amount(name: &str, q: &Quantity) -> Option<i128> {
    if name != "cpu" && name != "memory" {
        return None;
    }
    parse_nanos(&q.0).filter(|n| *n > 0)
}

/// Parses a quantity (`500m`, `1.5Gi`, `2e3`, `128974848`) into nano-units, rounding a
/// finer fraction up. `None` for malformed or absurdly large values.
fn parse_nanos(s: &str) -> Option<i128> {
    let (negative, rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let split = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(split);
    let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
    if (int_part.is_empty() && frac_part.is_empty()) || frac_part.contains('.') || number.len() > 30
    {
        return None;
    }
    let digits = format!("{int_part}{frac_part}");
    let mantissa: i128 = digits.parse().ok()?;
    let (exp10, exp2): (i32, u32) = match suffix {
        "" => (0, 0),
        "n" => (-9, 0),
        "u" => (-6, 0),
        "m" => (-3, 0),
        "k" => (3, 0),
        "M" => (6, 0),
        "G" => (9, 0),
        "T" => (12, 0),
        "P" => (15, 0),
        "E" => (18, 0),
        "Ki" => (0, 10),
        "Mi" => (0, 20),
        "Gi" => (0, 30),
        "Ti" => (0, 40),
        "Pi" => (0, 50),
        "Ei" => (0, 60),
        _ => {
            let exp = suffix.strip_prefix(['e', 'E'])?;
            (exp.parse::<i32>().ok().filter(|e| e.abs() <= 30)?, 0)
        }
    };
    let value = mantissa.checked_mul(1i128.checked_shl(exp2)?)?;
    // Nano-units: multiply by 10^(exp10 + 9 - fraction digits), rounding up on division.
    let scale = exp10 + 9 - frac_part.len() as i32;
    let nanos = if scale >= 0 {
        value.checked_mul(10i128.checked_pow(scale as u32)?)?
    } else {
        let div = 10i128.checked_pow(scale.unsigned_abs())?;
        (value + div - 1) / div
    };
    Some(if negative { -nanos } else { nanos })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(containers: serde_json::Value) -> PodSpec {
        serde_json::from_value(json!({ "containers": containers })).unwrap_or_default()
    }

    #[test]
    fn quantities_parse_to_nanos() {
        assert_eq!(parse_nanos("500m"), Some(500_000_000));
        assert_eq!(parse_nanos("0.5"), Some(500_000_000));
        assert_eq!(parse_nanos("1"), Some(1_000_000_000));
        assert_eq!(
            parse_nanos("128Mi"),
            Some(128 * 1024 * 1024 * 1_000_000_000)
        );
        assert_eq!(parse_nanos("1e3"), Some(1_000 * 1_000_000_000));
        assert_eq!(parse_nanos("1k"), parse_nanos("1000"));
        assert_eq!(parse_nanos("1.5Gi"), Some(1_610_612_736 * 1_000_000_000));
        assert_eq!(parse_nanos("abc"), None);
        assert_eq!(parse_nanos(""), None);
    }

    #[test]
    fn qos_classes_match_compute_pod_qos() {
        // Cases after upstream qos_test.go (TestComputePodQOS).
        assert_eq!(pod_qos_class(&spec(json!([{"name": "a"}]))), "BestEffort");
        let guaranteed = json!([{"name": "a", "resources": {
            "limits": {"cpu": "100m", "memory": "100Mi"}, "requests": {"cpu": "0.1", "memory": "100Mi"}}}]);
        assert_eq!(pod_qos_class(&spec(guaranteed)), "Guaranteed");
        let cpu_only = json!([{"name": "a", "resources": {"limits": {"cpu": "100m"}, "requests": {"cpu": "100m"}}}]);
        assert_eq!(pod_qos_class(&spec(cpu_only)), "Burstable");
        let requests_only = json!([{"name": "a", "resources": {"requests": {"memory": "1Gi"}}}]);
        assert_eq!(pod_qos_class(&spec(requests_only)), "Burstable");
        let zero_requests =
            json!([{"name": "a", "resources": {"requests": {"cpu": "0", "memory": "0"}}}]);
        assert_eq!(pod_qos_class(&spec(zero_requests)), "BestEffort");
        let other_resource =
            json!([{"name": "a", "resources": {"requests": {"nvidia.com/gpu": "1"}}}]);
        assert_eq!(pod_qos_class(&spec(other_resource)), "BestEffort");
        let mixed = json!([
            {"name": "a", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1", "memory": "1Gi"}}},
            {"name": "b"}]);
        assert_eq!(pod_qos_class(&spec(mixed)), "Burstable");
    }
}
