//! The `Non-terminated Pods` and `Allocated resources` tables of a node description
//! (upstream v1.32 `describeNodeResource`, `getPodsTotalRequestsAndLimits`, and kubectl's
//! `resourcehelper.PodRequestsAndLimits`).
//!
//! Worked example of one row: a pod requesting `250m` CPU on a node with 2 allocatable
//! CPUs shows `250m (12%)`: 250 / 2000 × 100 = 12.5, truncated as Go's `int64(float64)`.
//! Sums print as `Quantity.String()` does after `Add`: `500m` + `500m` is `1`, `64Mi` +
//! `64Mi` is `128Mi`; a single term keeps the text it was written with.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

use super::writer::{go_int64, since, PrefixWriter, LEVEL_0, LEVEL_1};
use super::Env;
use crate::model::quantity::{Format, Quantity};

/// A summed quantity: the text of its only term (as `DeepCopy` keeps it), or after an
/// `Add` the exact total (in thousandths) printed canonically in the first term's format.
#[derive(Clone, Debug)]
struct Amount {
    milli: i64,
    format: Format,
    text: Option<String>,
}

impl Amount {
    fn of(q: &K8sQuantity) -> Amount {
        match Quantity::from_k8s(q) {
            Ok(parsed) => Amount {
                milli: parsed.milli_value(),
                format: parsed.format(),
                text: Some(parsed.to_string()),
            },
            Err(_) => Amount {
                milli: 0,
                format: Format::DecimalSI,
                text: Some(q.0.clone()),
            },
        }
    }

    fn add(&mut self, other: &Amount) {
        if self.milli == 0 {
            self.format = other.format;
        }
        self.milli = self.milli.saturating_add(other.milli);
        self.text = None;
    }

    fn value(&self) -> i64 {
        // `Value()` rounds thousandths up to whole units.
        self.milli.div_euclid(1000) + i64::from(self.milli.rem_euclid(1000) != 0)
    }

    fn text(&self) -> String {
        self.text
            .clone()
            .unwrap_or_else(|| Quantity::new_milli(self.milli, self.format).to_string())
    }
}

type Amounts = BTreeMap<String, Amount>;

/// `addResourceList`.
fn add_list(list: &mut Amounts, new: &Amounts) {
    for (name, q) in new {
        match list.get_mut(name) {
            Some(sum) => sum.add(q),
            None => {
                list.insert(name.clone(), q.clone());
            }
        }
    }
}

/// `maxResourceList`.
fn max_list(list: &mut Amounts, new: &Amounts) {
    for (name, q) in new {
        if list.get(name).is_none_or(|cur| q.milli > cur.milli) {
            list.insert(name.clone(), q.clone());
        }
    }
}

fn amounts(list: Option<&BTreeMap<String, K8sQuantity>>) -> Amounts {
    list.into_iter()
        .flatten()
        .map(|(k, q)| (k.clone(), Amount::of(q)))
        .collect()
}

/// `PodRequestsAndLimits`: containers summed (a resized container counts its larger
/// request), sidecar init containers added, other init containers as a maximum, overhead
/// added (to non-zero limits only).
fn pod_requests_and_limits(pod: &Pod) -> (Amounts, Amounts) {
    let spec = pod.spec.clone().unwrap_or_default();
    let statuses = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.clone())
        .unwrap_or_default();
    let infeasible = pod.status.as_ref().and_then(|s| s.resize.as_deref()) == Some("Infeasible");
    let (mut reqs, mut limits) = (Amounts::new(), Amounts::new());
    for c in &spec.containers {
        let own = amounts(c.resources.as_ref().and_then(|r| r.requests.as_ref()));
        let allocated = statuses
            .iter()
            .find(|s| s.name == c.name)
            .and_then(|s| s.resources.as_ref())
            .map(|r| amounts(r.requests.as_ref()));
        let container_reqs = match allocated {
            None => own,
            Some(allocated) if infeasible => allocated,
            Some(allocated) => {
                let mut merged = own;
                for (name, q) in allocated {
                    if merged.get(&name).is_none_or(|cur| cur.milli <= q.milli) {
                        merged.insert(name, q);
                    }
                }
                merged
            }
        };
        add_list(&mut reqs, &container_reqs);
        add_list(
            &mut limits,
            &amounts(c.resources.as_ref().and_then(|r| r.limits.as_ref())),
        );
    }
    for (sums, pick) in [(&mut reqs, 0), (&mut limits, 1)] {
        let (mut restartable, mut init) = (Amounts::new(), Amounts::new());
        for c in spec.init_containers.iter().flatten() {
            let r = c.resources.clone().unwrap_or_default();
            let own = amounts(if pick == 0 {
                r.requests.as_ref()
            } else {
                r.limits.as_ref()
            });
            let effective = if c.restart_policy.as_deref() == Some("Always") {
                add_list(sums, &own);
                add_list(&mut restartable, &own);
                restartable.clone()
            } else {
                let mut tmp = own;
                add_list(&mut tmp, &restartable);
                tmp
            };
            max_list(&mut init, &effective);
        }
        max_list(sums, &init);
    }
    let overhead = amounts(spec.overhead.as_ref());
    add_list(&mut reqs, &overhead);
    for (name, q) in &overhead {
        if let Some(sum) = limits.get_mut(name).filter(|s| s.milli != 0) {
            sum.add(q);
        }
    }
    (reqs, limits)
}

/// `describeNodeResource`.
pub(super) fn describe_node_resource(
    w: &mut PrefixWriter,
    env: &Env,
    pods: &[Pod],
    allocatable: &BTreeMap<String, K8sQuantity>,
) {
    let alloc = amounts(Some(allocatable));
    let zero = Amount {
        milli: 0,
        format: Format::DecimalSI,
        text: Some("0".to_string()),
    };
    let get = |list: &Amounts, name: &str| list.get(name).cloned().unwrap_or_else(|| zero.clone());
    let (alloc_cpu, alloc_mem) = (
        get(&alloc, "cpu").milli as f64,
        get(&alloc, "memory").value() as f64,
    );
    put!(
        w,
        LEVEL_0,
        "Non-terminated Pods:\t({} in total)\n",
        pods.len()
    );
    w.write(
        LEVEL_1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.write(
        LEVEL_1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let pct = |part: f64, whole: f64| go_int64(part / whole * 100.0);
    let (mut total_reqs, mut total_limits) = (Amounts::new(), Amounts::new());
    for pod in pods {
        let (reqs, limits) = pod_requests_and_limits(pod);
        let (cr, cl, mr, ml) = (
            get(&reqs, "cpu"),
            get(&limits, "cpu"),
            get(&reqs, "memory"),
            get(&limits, "memory"),
        );
        put!(
            w,
            LEVEL_1,
            "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n",
            pod.metadata.namespace.as_deref().unwrap_or(""),
            pod.metadata.name.as_deref().unwrap_or(""),
            cr.text(),
            pct(cr.milli as f64, alloc_cpu),
            cl.text(),
            pct(cl.milli as f64, alloc_cpu),
            mr.text(),
            pct(mr.value() as f64, alloc_mem),
            ml.text(),
            pct(ml.value() as f64, alloc_mem),
            since(pod.metadata.creation_timestamp.as_ref(), env.now)
        );
        add_list(&mut total_reqs, &reqs);
        add_list(&mut total_limits, &limits);
    }
    w.write(
        LEVEL_0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.write(LEVEL_1, "Resource\tRequests\tLimits\n");
    w.write(LEVEL_1, "--------\t--------\t------\n");
    // Shares of the allocatable amount, 0 when the node has none.
    let share = |name: &str, list: &Amounts| {
        let (part, whole) = (get(list, name), get(&alloc, name));
        let (part, whole) = if name == "cpu" {
            (part.milli as f64, whole.milli as f64)
        } else {
            (part.value() as f64, whole.value() as f64)
        };
        if whole == 0.0 {
            0
        } else {
            go_int64(part / whole * 100.0)
        }
    };
    let mut standard = vec![
        "cpu".to_string(),
        "memory".to_string(),
        "ephemeral-storage".to_string(),
    ];
    // Huge pages follow, sorted; then extended resources without percentages.
    standard.extend(
        alloc
            .keys()
            .filter(|k| k.starts_with("hugepages-"))
            .cloned(),
    );
    for name in &standard {
        put!(
            w,
            LEVEL_1,
            "{name}\t{} ({}%)\t{} ({}%)\n",
            get(&total_reqs, name).text(),
            share(name, &total_reqs),
            get(&total_limits, name).text(),
            share(name, &total_limits)
        );
    }
    let extended = alloc.keys().filter(|k| {
        !k.starts_with("hugepages-")
            && !matches!(k.as_str(), "cpu" | "memory" | "ephemeral-storage" | "pods")
    });
    for name in extended {
        put!(
            w,
            LEVEL_1,
            "{name}\t{}\t{}\n",
            get(&total_reqs, name).text(),
            get(&total_limits, name).text()
        );
    }
}
