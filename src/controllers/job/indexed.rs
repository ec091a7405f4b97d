//! Indexed Jobs (`indexed_job_utils.go`): each pod carries a completion index in
//! `batch.kubernetes.io/job-completion-index` (annotation and, as v1.32's PodIndexLabel,
//! label), the Job records the succeeded indexes as compressed intervals
//! (`status.completedIndexes: "0-2,4"`), and new pods take the lowest pending indexes.
//! `backoffLimitPerIndex` is not implemented.

use std::collections::BTreeSet;

use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{
    Container, EnvVar, EnvVarSource, ObjectFieldSelector, Pod, PodTemplateSpec,
};

use super::pods::{has_tracking_finalizer, phase, removal_order};

/// The completion index annotation and label key.
pub const COMPLETION_INDEX: &str = "batch.kubernetes.io/job-completion-index";
/// The environment variable every container of an Indexed Job gets.
const COMPLETION_INDEX_ENV: &str = "JOB_COMPLETION_INDEX";
/// Upstream's `names.MaxGeneratedNameLength`.
const MAX_GENERATED_NAME_LENGTH: usize = 58;

/// Whether the Job's completion mode is `Indexed`.
pub fn is_indexed(job: &Job) -> bool {
    job.spec.as_ref().and_then(|s| s.completion_mode.as_deref()) == Some("Indexed")
}

/// `getCompletionIndex`: the pod's index, or `None` when missing, malformed or negative.
pub fn completion_index(pod: &Pod) -> Option<i64> {
    pod.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(COMPLETION_INDEX))
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|i| *i >= 0)
}

/// A run of consecutive indexes `first..=last`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    /// The first index.
    pub first: i64,
    /// The last index.
    pub last: i64,
}

/// `orderedIntervals`: sorted, non-overlapping, non-adjacent intervals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderedIntervals(pub Vec<Interval>);

impl OrderedIntervals {
    /// `succeededIndexesFromString`: parses `"1,3-5"`, ignoring corrupt parts and
    /// anything at or beyond `completions`.
    pub fn parse(text: &str, completions: i64) -> OrderedIntervals {
        let mut result: Vec<Interval> = Vec::new();
        if text.is_empty() {
            return OrderedIntervals(result);
        }
        for part in text.split(',') {
            let limits: Vec<&str> = part.split('-').collect();
            let Ok(first) = limits[0].parse::<i64>() else {
                continue;
            };
            if first >= completions {
                break;
            }
            let last = match limits.get(1) {
                Some(l) => match l.parse::<i64>() {
                    Ok(l) => l.min(completions - 1),
                    Err(_) => continue,
                },
                None => first,
            };
            match result.last_mut() {
                Some(prev) if prev.last == first - 1 => prev.last = last,
                _ => result.push(Interval { first, last }),
            }
        }
        OrderedIntervals(result)
    }

    /// `withOrderedIndexes`: these intervals plus `new` (sorted), merged.
    pub fn with_indexes(&self, new: &[i64]) -> OrderedIntervals {
        let mut result: Vec<Interval> = Vec::new();
        let mut push = |iv: Interval| match result.last_mut() {
            Some(last) if iv.first <= last.last + 1 => last.last = last.last.max(iv.last),
            _ => result.push(iv),
        };
        let (mut i, mut j) = (0, 0);
        while i < self.0.len() && j < new.len() {
            if self.0[i].first < new[j] {
                push(self.0[i]);
                i += 1;
            } else {
                push(Interval {
                    first: new[j],
                    last: new[j],
                });
                j += 1;
            }
        }
        for iv in &self.0[i..] {
            push(*iv);
        }
        for ix in &new[j..] {
            push(Interval {
                first: *ix,
                last: *ix,
            });
        }
        OrderedIntervals(result)
    }

    /// How many indexes the intervals hold.
    pub fn total(&self) -> i64 {
        self.0.iter().map(|iv| iv.last - iv.first + 1).sum()
    }

    /// Whether `ix` is in one of the intervals.
    pub fn has(&self, ix: i64) -> bool {
        self.0.iter().any(|iv| iv.first <= ix && ix <= iv.last)
    }
}

impl std::fmt::Display for OrderedIntervals {
    /// `"1,3-5"`; two consecutive indexes are written `"1,2"`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (n, iv) in self.0.iter().enumerate() {
            if n > 0 {
                f.write_str(",")?;
            }
            write!(f, "{}", iv.first)?;
            if iv.last > iv.first {
                let sep = if iv.last == iv.first + 1 { "," } else { "-" };
                write!(f, "{sep}{}", iv.last)?;
            }
        }
        Ok(())
    }
}

/// `calculateSucceededIndexes`: the intervals in `status.completedIndexes`, and those
/// plus the indexes of succeeded pods not counted yet (still holding the finalizer).
pub fn succeeded_indexes(job: &Job, pods: &[Pod]) -> (OrderedIntervals, OrderedIntervals) {
    let completions = completions(job);
    let text = job
        .status
        .as_ref()
        .and_then(|s| s.completed_indexes.clone())
        .unwrap_or_default();
    let prev = OrderedIntervals::parse(&text, completions);
    let new: BTreeSet<i64> = pods
        .iter()
        .filter(|p| phase(p) == "Succeeded" && has_tracking_finalizer(p))
        .filter_map(completion_index)
        .filter(|ix| *ix < completions)
        .collect();
    let all = prev.with_indexes(&new.into_iter().collect::<Vec<_>>());
    (prev, all)
}

/// The Job's `completions` (Indexed Jobs always have it).
pub fn completions(job: &Job) -> i64 {
    job.spec
        .as_ref()
        .and_then(|s| s.completions)
        .map_or(0, i64::from)
}

/// `firstPendingIndexes`: the `count` lowest indexes below `completions` that neither
/// succeeded nor have an active pod.
pub fn first_pending_indexes(
    active: &[Pod],
    succeeded: &OrderedIntervals,
    count: usize,
    completions: i64,
) -> Vec<i64> {
    if count == 0 {
        return Vec::new();
    }
    let active: BTreeSet<i64> = active.iter().filter_map(completion_index).collect();
    let non_pending = succeeded.with_indexes(&active.into_iter().collect::<Vec<_>>());
    let mut result = Vec::new();
    let mut candidate = 0;
    for iv in &non_pending.0 {
        while candidate < completions && result.len() < count && candidate < iv.first {
            result.push(candidate);
            candidate += 1;
        }
        if candidate < iv.last + 1 {
            candidate = iv.last + 1;
        }
    }
    while candidate < completions && result.len() < count {
        result.push(candidate);
        candidate += 1;
    }
    result
}

/// `appendDuplicatedIndexPodsForRemoval`: active pods without a valid index, with an
/// index at or beyond `completions`, or repeating an index (all but the one removed
/// last), to remove; the rest to keep. Both in index order.
pub fn duplicated_index_pods(pods: &[Pod], completions: i64) -> (Vec<Pod>, Vec<Pod>) {
    let mut sorted: Vec<Pod> = pods.to_vec();
    // Unknown indexes sort first, as upstream's -1.
    sorted.sort_by_key(|p| completion_index(p).unwrap_or(-1));
    let (mut rm, mut left) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < sorted.len() {
        let ix = completion_index(&sorted[i]);
        if ix.is_some_and(|ix| ix >= completions) {
            rm.extend(sorted[i..].iter().cloned());
            break;
        }
        let mut j = i;
        while j < sorted.len() && completion_index(&sorted[j]) == ix {
            j += 1;
        }
        let mut group: Vec<Pod> = sorted[i..j].to_vec();
        if ix.is_none() {
            rm.extend(group);
        } else {
            group.sort_by(removal_order);
            if let Some(keep) = group.pop() {
                left.push(keep);
            }
            rm.extend(group);
        }
        i = j;
    }
    (rm, left)
}

/// `addCompletionIndexEnvVariables`: `JOB_COMPLETION_INDEX` from the index label, for
/// every (init) container that does not set it already.
pub fn add_completion_index_env(template: &mut PodTemplateSpec) {
    let Some(spec) = template.spec.as_mut() else {
        return;
    };
    let add = |c: &mut Container| {
        let env = c.env.get_or_insert_with(Vec::new);
        if env.iter().any(|e| e.name == COMPLETION_INDEX_ENV) {
            return;
        }
        env.push(EnvVar {
            name: COMPLETION_INDEX_ENV.to_string(),
            value: None,
            value_from: Some(EnvVarSource {
                field_ref: Some(ObjectFieldSelector {
                    api_version: Some("v1".to_string()),
                    field_path: format!("metadata.labels['{COMPLETION_INDEX}']"),
                }),
                ..Default::default()
            }),
        });
    };
    for c in spec.init_containers.iter_mut().flatten() {
        add(c);
    }
    for c in spec.containers.iter_mut() {
        add(c);
    }
}

/// The template for index `ix`: the index annotation and label, and hostname
/// `<job>-<ix>`.
pub fn template_for_index(template: &PodTemplateSpec, job_name: &str, ix: i64) -> PodTemplateSpec {
    let mut t = template.clone();
    let meta = t.metadata.get_or_insert_with(Default::default);
    meta.annotations
        .get_or_insert_with(Default::default)
        .insert(COMPLETION_INDEX.to_string(), ix.to_string());
    meta.labels
        .get_or_insert_with(Default::default)
        .insert(COMPLETION_INDEX.to_string(), ix.to_string());
    if let Some(spec) = t.spec.as_mut() {
        spec.hostname = Some(format!("{job_name}-{ix}"));
    }
    t
}

/// `podGenerateNameWithIndex`: `<job>-<ix>-`, the job name shortened to fit 58 characters.
pub fn generate_name_with_index(job_name: &str, ix: i64) -> String {
    let suffix = format!("-{ix}-");
    let prefix = format!("{job_name}{suffix}");
    if prefix.len() > MAX_GENERATED_NAME_LENGTH {
        let keep = MAX_GENERATED_NAME_LENGTH.saturating_sub(suffix.len());
        let head: String = job_name.chars().take(keep).collect();
        format!("{head}{suffix}")
    } else {
        prefix
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_parse_merge_and_print() {
        // Upstream TestCalculateSucceededIndexes / TestIntervalsHaveIndex shapes.
        let oi = OrderedIntervals::parse("1,3-5,8-10", 9);
        assert_eq!(oi.to_string(), "1,3-5,8");
        assert_eq!(oi.total(), 5);
        assert!(oi.has(4) && !oi.has(2) && !oi.has(9));
        assert_eq!(OrderedIntervals::parse("x,2-3", 10).to_string(), "2,3");
        let merged = oi.with_indexes(&[0, 2, 6, 7]);
        assert_eq!(merged.to_string(), "0-8");
        assert_eq!(
            OrderedIntervals::default()
                .with_indexes(&[2, 4, 5])
                .to_string(),
            "2,4,5"
        );
        assert_eq!(OrderedIntervals::parse("0,1", 5).to_string(), "0,1");
    }

    fn pod_at(ix: &str) -> Pod {
        let mut p = Pod::default();
        p.metadata.annotations = Some([(COMPLETION_INDEX.to_string(), ix.to_string())].into());
        p
    }

    #[test]
    fn first_pending_indexes_skip_active_and_succeeded() {
        // Upstream TestFirstPendingIndexes: "some active and succeeded".
        let active = [pod_at("2"), pod_at("5")];
        let succeeded = OrderedIntervals::parse("0,3-4,6", 10);
        assert_eq!(
            first_pending_indexes(&active, &succeeded, 3, 10),
            vec![1, 7, 8]
        );
        assert_eq!(
            first_pending_indexes(&[], &OrderedIntervals::default(), 3, 2),
            vec![0, 1]
        );
        assert_eq!(
            first_pending_indexes(&active, &succeeded, 0, 10),
            Vec::<i64>::new()
        );
    }

    #[test]
    fn generate_name_keeps_the_index() {
        assert_eq!(generate_name_with_index("pi", 3), "pi-3-");
        let long = "a".repeat(60);
        let name = generate_name_with_index(&long, 12);
        assert_eq!(name.len(), 58);
        assert!(name.ends_with("-12-"));
    }
}
