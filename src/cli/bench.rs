//! `kubeniwa bench`: times the engine's foundation on bulk work and prints figures.
//! Wall time is measured here, outside the engine; the engine itself never reads a clock.
//!
//! Workloads:
//! - `create`: N Pods created through the full API pipeline (defaults, admission,
//!   validation, store) in one namespace;
//! - `watch`: delivering those N events to one watch from revision 0... of the run;
//! - `list`: listing one namespace of N objects while another namespace holds N more.

use std::time::Instant;

use k8s_openapi::api::core::v1::{Container, Pod, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kubeniwa::apiserver::{ApiServer, Ctx, ListOptions};
use kubeniwa::model::{Kind, Object};
use kubeniwa::sim::{SimRng, SimTime, WriteMeta};

fn pod(name: String, ns: &str) -> Object {
    Object::Pod(Pod {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: Some(ns.to_string()),
            ..Default::default()
        },
        spec: Some(PodSpec {
            containers: vec![Container {
                name: "nginx".into(),
                image: Some("nginx:1.7.9".into()),
                ..Default::default()
            }],
            ..Default::default()
        }),
        status: None,
    })
}

/// Runs the benchmark; returns the exit status.
pub fn run(args: &[String]) -> i32 {
    let n: usize = args
        .iter()
        .position(|a| a == "--pods")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let json = args.iter().any(|a| a == "--json");
    let mut cluster = kubeniwa::Cluster::builder()
        .history_window(n as u64 * 3)
        .build();
    cluster.run_script("kubectl create namespace other");
    let mut api: ApiServer = std::mem::replace(cluster.api_mut_for_bench(), ApiServer::new(1));
    let mut rng = SimRng::new(1);
    let start_rev = api.revision();
    let t = Instant::now();
    let mut ctx = Ctx::new(SimTime::START, &mut rng, WriteMeta::user());
    for i in 0..n {
        let _ = api.create(&mut ctx, pod(format!("web-{i}"), "default"));
        let _ = api.create(&mut ctx, pod(format!("other-{i}"), "other"));
    }
    let create_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut events = 0usize;
    if let Ok(mut cursor) = api.watch(Kind::Pod, Some("default"), Some(start_rev)) {
        events = api.poll(&mut cursor).map(|v| v.len()).unwrap_or(0);
    }
    let watch_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let listed = api
        .list(Kind::Pod, Some("default"), &ListOptions::default())
        .map(|v| v.len())
        .unwrap_or(0);
    let list_s = t.elapsed().as_secs_f64();
    let creates = 2 * n;
    if json {
        println!(
            "{{\"workloads\":[{{\"name\":\"create\",\"objects\":{creates},\"wall_s\":{create_s:.6},\"per_s\":{:.0}}},{{\"name\":\"watch\",\"events\":{events},\"wall_s\":{watch_s:.6}}},{{\"name\":\"list\",\"objects\":{listed},\"wall_s\":{list_s:.6}}}]}}",
            creates as f64 / create_s.max(1e-9)
        );
    } else {
        println!("WORKLOAD   OBJECTS   WALL        RATE");
        println!(
            "create     {creates:<9} {create_s:<11.4} {:.0}/s",
            creates as f64 / create_s.max(1e-9)
        );
        println!(
            "watch      {events:<9} {watch_s:<11.4} {:.0}/s",
            events as f64 / watch_s.max(1e-9)
        );
        println!(
            "list       {listed:<9} {list_s:<11.4} {:.0}/s",
            listed as f64 / list_s.max(1e-9)
        );
    }
    0
}
