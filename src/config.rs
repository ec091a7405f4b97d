//! The shape of a simulated cluster (SPEC section 2): its nodes, their capacity and
//! addresses, and the pod and service networks. Plain data, chosen when the cluster is
//! built; every component reads it, none changes it.

/// How a cluster is laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterConfig {
    /// Worker nodes (`worker01` ... `workerNN`) besides the tainted `controlplane`.
    pub workers: usize,
    /// Each node's CPU capacity, as a quantity (`2`).
    pub node_cpu: String,
    /// Each node's memory capacity, as a quantity (`4Gi`).
    pub node_memory: String,
    /// Each node's pod capacity.
    pub node_pods: u32,
    /// The version every kubelet and the control plane report.
    pub kubernetes_version: String,
    /// The cluster DNS domain.
    pub dns_domain: String,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            workers: 3,
            node_cpu: "2".to_string(),
            node_memory: "4Gi".to_string(),
            node_pods: 110,
            kubernetes_version: "v1.32.0".to_string(),
            dns_domain: "cluster.local".to_string(),
        }
    }
}

/// The pod network, `10.244.0.0/16`, as kubeadm's `podSubnet`.
pub const POD_SUBNET: &str = "10.244.0.0/16";
/// The service network, `10.96.0.0/12`, as kubeadm's `serviceSubnet`.
pub const SERVICE_SUBNET: &str = "10.96.0.0/12";
/// The control-plane node's name.
pub const CONTROL_PLANE: &str = "controlplane";

/// One node of the layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeSpec {
    /// `controlplane`, `worker01`, ...
    pub name: String,
    /// Position in the layout: 0 for the control plane, 1.. for workers.
    pub index: usize,
    /// `10.244.<index>.0/24`: the node's slice of the pod network.
    pub pod_cidr: String,
    /// The node's InternalIP, on its own network: `192.168.10.<10 + index>` (wrapping into
    /// further /24s for large clusters).
    pub internal_ip: String,
}

impl ClusterConfig {
    /// The nodes in order: the control plane first, then the workers.
    pub fn nodes(&self) -> Vec<NodeSpec> {
        (0..=self.workers).map(|i| self.node(i)).collect()
    }

    /// The node at `index` (0 = control plane).
    pub fn node(&self, index: usize) -> NodeSpec {
        let name = if index == 0 {
            CONTROL_PLANE.to_string()
        } else {
            worker_name(index)
        };
        NodeSpec {
            name,
            index,
            pod_cidr: pod_cidr(index),
            internal_ip: node_ip(index),
        }
    }
}

/// `worker01` ... `worker99`, then `worker100` ...
pub fn worker_name(index: usize) -> String {
    format!("worker{index:02}")
}

/// The /24 of the pod network for node `index`. The /16 holds 256 of them; beyond that
/// the third octet wraps into the next /16 (10.245.x.0/24), which a real cluster would
/// configure with a larger podSubnet.
pub fn pod_cidr(index: usize) -> String {
    let second = 244 + index / 256;
    format!("10.{}.{}.0/24", second.min(255), index % 256)
}

/// A node's InternalIP.
pub fn node_ip(index: usize) -> String {
    let n = 10 + index;
    format!("192.168.{}.{}", 10 + n / 256, n % 256)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_layout_matches_spec_section_2() {
        let c = ClusterConfig::default();
        let nodes = c.nodes();
        let names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["controlplane", "worker01", "worker02", "worker03"]);
        assert_eq!(nodes[1].pod_cidr, "10.244.1.0/24");
        assert_eq!(nodes[0].internal_ip, "192.168.10.10");
        assert_eq!(c.node(1000).name, "worker1000");
    }
}
