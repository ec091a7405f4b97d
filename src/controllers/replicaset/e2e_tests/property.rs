//! The convergence property of issue 3, on this branch's terms (no nodes to fail yet):
//! random pod kills, pods finishing, relabelling, stray pods and scale changes, checked
//! after every step.

use super::*;

/// One random step of the convergence property test.
fn random_step(c: &mut Cluster, step: usize) {
    let roll = c.rng.below(6);
    let names = pod_names(c);
    let pick = |c: &mut Cluster| -> Option<String> {
        let live: Vec<&String> = names.iter().collect();
        if live.is_empty() {
            return None;
        }
        Some(live[c.rng.below(live.len() as u64) as usize].clone())
    };
    match roll {
        0 => {
            if let Some(p) = pick(c) {
                run(c, &format!("kubectl delete pod {p}"));
            }
        }
        1 => {
            if let Some(p) = pick(c) {
                let phase = if c.rng.below(2) == 0 {
                    "Failed"
                } else {
                    "Succeeded"
                };
                set_status(c, &p, |s| s.phase = Some(phase.into()));
            }
        }
        2 => {
            if let Some(p) = pick(c) {
                let app = ["a", "b", "c"][c.rng.below(3) as usize];
                run(c, &format!("kubectl label pod {p} app={app} --overwrite"));
            }
        }
        3 => {
            let app = ["a", "b"][c.rng.below(2) as usize];
            apply(c, &pod_yaml(&format!("stray-{step}"), app, None));
        }
        _ => {
            let (name, app) = [("rs-a", "a"), ("rs-b", "b")][c.rng.below(2) as usize];
            let replicas = c.rng.below(6) as u32;
            apply(
                c,
                &rs_yaml(name, replicas, "").replace("app: nginx", &format!("app: {app}")),
            );
        }
    }
}

#[test]
fn replica_sets_converge_under_random_disruption() {
    // Property: after any sequence of pod kills, pods finishing, relabelling, strays and
    // scale changes, each ReplicaSet has exactly `replicas` active pods matching its
    // selector, all controlled by it, and its status says so.
    for seed in 1..=4 {
        let mut c = Cluster::builder().seed(seed).build();
        apply(
            &mut c,
            &rs_yaml("rs-a", 3, "").replace("app: nginx", "app: a"),
        );
        apply(
            &mut c,
            &rs_yaml("rs-b", 2, "").replace("app: nginx", "app: b"),
        );
        for step in 0..40 {
            random_step(&mut c, step);
            for (name, app) in [("rs-a", "a"), ("rs-b", "b")] {
                let rs = replica_set(&c, name);
                let want = rs.spec.as_ref().unwrap().replicas.unwrap();
                let uid = rs.metadata.uid.clone().unwrap();
                let matching: Vec<Pod> = pods(&c)
                    .into_iter()
                    .filter(pod_util::is_active)
                    .filter(|p| p.metadata.labels.as_ref().unwrap()["app"] == app)
                    .collect();
                assert_eq!(
                    matching.len() as i32,
                    want,
                    "seed {seed} step {step} {name}"
                );
                for p in &matching {
                    let owner = pod_util::controller_ref(&p.metadata).map(|r| r.uid.clone());
                    assert_eq!(owner.as_ref(), Some(&uid), "seed {seed} step {step}");
                }
                let status = rs.status.unwrap();
                assert_eq!(status.replicas, want, "seed {seed} step {step} {name}");
                assert_eq!(status.observed_generation, rs.metadata.generation);
            }
        }
    }
}
