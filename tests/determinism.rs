//! Same seed and inputs, same run, byte for byte: output, names, UIDs, IPs and the store's
//! revision log (key, writer, cause) are identical; a different seed changes them.

use kubeniwa::Cluster;

const SCRIPT: &str = "kubectl create namespace dev
cat <<EOF | kubectl apply -f -
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
EOF
kubectl get svc -o yaml
kubectl create configmap special-config --from-literal=special.how=very -n dev
kubectl get cm -n dev -o yaml
sleep 30
kubectl delete namespace dev
kubectl get ns
";

fn run(seed: u64) -> (String, Vec<String>) {
    let mut cluster = Cluster::builder().seed(seed).build();
    let out = cluster.run_script(SCRIPT);
    let store = cluster.api().store();
    let log = (store.compacted() + 1..=store.revision())
        .filter_map(|rev| store.event(rev))
        .map(|e| {
            format!(
                "{} {:?} {} {} {:?}",
                e.revision, e.event_type, e.key, e.meta.actor, e.meta.cause
            )
        })
        .collect();
    (out.combined(), log)
}

#[test]
fn same_seed_same_run() {
    let (out_a, log_a) = run(42);
    let (out_b, log_b) = run(42);
    assert_eq!(out_a, out_b);
    assert_eq!(log_a, log_b);
    assert!(log_a.len() > 10, "the script writes: {log_a:?}");
}

#[test]
fn different_seed_different_uids_and_ips() {
    let (out_a, _) = run(1);
    let (out_b, _) = run(2);
    assert_ne!(
        out_a, out_b,
        "uids and the service's clusterIP/nodePort come from the seed"
    );
}
