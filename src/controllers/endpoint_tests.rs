//! End-to-end tests of the endpoints and EndpointSlice controllers through a `Cluster`.
//! Pods are given IPs and readiness by writing their status as a kubelet would.

use k8s_openapi::api::core::v1::{PodCondition, PodStatus};

use crate::apiserver::{Ctx, Subresource};
use crate::model::{Kind, Object};
use crate::sim::{Actor, WriteMeta};
use crate::Cluster;

const SVC: &str = "cat <<EOF | kubectl apply -f -
apiVersion: v1
kind: Service
metadata:
  name: svc-sample
spec:
  type: NodePort
  ports:
  - name: http-port
    protocol: TCP
    port: 8080
    targetPort: 80
  selector:
    app: nginx
EOF";

fn pod(cluster: &mut Cluster, name: &str, app: &str, node: &str) {
    let script = format!(
        "cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels:\n    app: {app}\nspec:\n  nodeName: {node}\n  containers:\n  - name: nginx\n    image: nginx:1.12\n    ports:\n    - name: web\n      containerPort: 80\nEOF"
    );
    let out = cluster.run_script(&script);
    assert_eq!(out.exit_code, 0, "{out:?}");
}

/// Gives a pod an IP and a Ready condition, as its kubelet would.
fn run(cluster: &mut Cluster, name: &str, ip: &str, node: &str, ready: bool) {
    let Some(Object::Pod(mut p)) = cluster
        .api
        .try_get(Kind::Pod, "default", name)
        .map(|o| (*o).clone())
    else {
        panic!("pod {name} exists")
    };
    let mut ctx = Ctx::new(
        cluster.now,
        &mut cluster.rng,
        WriteMeta::by(Actor::Kubelet(node.into()), None),
    );
    p.status = Some(PodStatus {
        phase: Some("Running".into()),
        pod_ip: Some(ip.into()),
        conditions: Some(vec![PodCondition {
            type_: "Ready".into(),
            status: if ready { "True" } else { "False" }.into(),
            ..Default::default()
        }]),
        ..Default::default()
    });
    cluster
        .api
        .update(&mut ctx, Object::Pod(p), Subresource::Status)
        .unwrap();
    cluster.settle();
}

#[test]
fn endpoints_list_ready_and_not_ready_pod_ips_with_resolved_ports() {
    // The talk's slide 47: `describe svc svc-sample` shows Endpoints 10.244.1.10:80,...
    let mut c = Cluster::builder().build();
    assert_eq!(c.run_script(SVC).exit_code, 0);
    for (name, ip, node) in [
        ("a", "10.244.1.10", "worker01"),
        ("b", "10.244.2.10", "worker02"),
        ("c", "10.244.3.10", "worker03"),
    ] {
        pod(&mut c, name, "nginx", node);
        run(&mut c, name, ip, node, name != "c");
    }
    pod(&mut c, "other", "db", "worker01");
    run(&mut c, "other", "10.244.1.11", "worker01", true);
    let Some(Object::Endpoints(ep)) = c
        .api
        .try_get(Kind::Endpoints, "default", "svc-sample")
        .as_deref()
        .cloned()
    else {
        panic!("endpoints exist")
    };
    let subsets = ep.subsets.unwrap();
    assert_eq!(subsets.len(), 1);
    let ips = |a: &Option<Vec<k8s_openapi::api::core::v1::EndpointAddress>>| {
        a.iter().flatten().map(|x| x.ip.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ips(&subsets[0].addresses), ["10.244.1.10", "10.244.2.10"]);
    assert_eq!(ips(&subsets[0].not_ready_addresses), ["10.244.3.10"]);
    let port = &subsets[0].ports.as_ref().unwrap()[0];
    assert_eq!(
        (port.name.as_deref(), port.port, port.protocol.as_deref()),
        (Some("http-port"), 80, Some("TCP"))
    );
    let out = c.run_script("kubectl get endpoints svc-sample");
    assert_eq!(out.stdout, "NAME         ENDPOINTS                       AGE\nsvc-sample   10.244.1.10:80,10.244.2.10:80   0s\n");

    // The slice lists all three with their conditions.
    let slices = c
        .api
        .list(Kind::EndpointSlice, Some("default"), &Default::default())
        .unwrap();
    let slice = slices.iter().find_map(|o| match &**o {
        Object::EndpointSlice(s)
            if s.metadata
                .name
                .as_deref()
                .is_some_and(|n| n.starts_with("svc-sample-")) =>
        {
            Some(s.clone())
        }
        _ => None,
    });
    let slice = slice.expect("an EndpointSlice for svc-sample");
    assert_eq!(slice.endpoints.len(), 3);
    let ready: Vec<bool> = slice
        .endpoints
        .iter()
        .map(|e| e.conditions.as_ref().unwrap().ready.unwrap())
        .collect();
    assert_eq!(ready, [true, true, false]);
    assert_eq!(
        slice.metadata.labels.as_ref().unwrap()["kubernetes.io/service-name"],
        "svc-sample"
    );
    assert_eq!(
        slice.metadata.owner_references.as_ref().unwrap()[0].kind,
        "Service"
    );

    // A pod that becomes ready moves to addresses; deleting the Service removes its Endpoints.
    run(&mut c, "c", "10.244.3.10", "worker03", true);
    let Some(Object::Endpoints(ep)) = c
        .api
        .try_get(Kind::Endpoints, "default", "svc-sample")
        .as_deref()
        .cloned()
    else {
        panic!()
    };
    assert_eq!(ips(&ep.subsets.unwrap()[0].addresses).len(), 3);
    assert_eq!(c.run_script("kubectl delete svc svc-sample").exit_code, 0);
    assert!(c
        .api
        .try_get(Kind::Endpoints, "default", "svc-sample")
        .is_none());
}

#[test]
fn named_target_ports_resolve_per_pod() {
    let mut c = Cluster::builder().build();
    let svc = SVC.replace("targetPort: 80", "targetPort: web");
    assert_eq!(c.run_script(&svc).exit_code, 0);
    pod(&mut c, "a", "nginx", "worker01");
    run(&mut c, "a", "10.244.1.2", "worker01", true);
    let out = c.run_script("kubectl get ep svc-sample --no-headers");
    assert!(out.stdout.contains("10.244.1.2:80"), "{out:?}");
}
