//! Pod IP allocation on a node, as flannel's CNI delegates it to the `host-local` IPAM
//! plugin: addresses come from the node's podCIDR (`10.244.1.0/24` on worker01), `.1` is
//! the `cni0` bridge, so pods get `.2`, `.3`, ... up to `.254`. host-local hands them out
//! round-robin after the last one it reserved and skips the ones in use.
//!
//! host-local remembers its last reservation in a file on the node; kubeniwa keeps no
//! node-local state, so "the last reservation" is the highest address any pod still on
//! the node carries. The difference shows only when every pod that held the newest
//! addresses is gone: a real node keeps counting up, kubeniwa starts again after the
//! highest address still in use (or at `.2` on an empty node).

use std::collections::BTreeSet;

/// The first and last host numbers a pod can get in a /24.
const FIRST: u32 = 2;
const LAST: u32 = 254;

/// Parses `a.b.c.0/24` into its network prefix `a.b.c`.
fn prefix(cidr: &str) -> Option<&str> {
    let (net, bits) = cidr.split_once('/')?;
    if bits != "24" {
        return None;
    }
    let (prefix, last) = net.rsplit_once('.')?;
    (last == "0" && prefix.split('.').count() == 3).then_some(prefix)
}

/// The host number of `ip` if it lies in the /24 `prefix`.
fn host(prefix: &str, ip: &str) -> Option<u32> {
    let (p, h) = ip.rsplit_once('.')?;
    if p != prefix {
        return None;
    }
    h.parse().ok().filter(|n| (FIRST..=LAST).contains(n))
}

/// The next pod IP in `cidr` given the IPs of pods on the node: `in_use` (pods whose
/// sandbox still exists) and `seen` (every pod IP still recorded on the node, including
/// finished pods). `None` when the range is exhausted.
///
/// Worked example: in_use = {.2, .3}, seen = {.2, .3, .7} (a finished pod had .7):
/// the search starts after .7 and gives .8.
pub fn next_pod_ip(cidr: &str, in_use: &[&str], seen: &[&str]) -> Option<String> {
    let prefix = prefix(cidr)?;
    let used: BTreeSet<u32> = in_use.iter().filter_map(|ip| host(prefix, ip)).collect();
    let last = seen
        .iter()
        .chain(in_use.iter())
        .filter_map(|ip| host(prefix, ip))
        .max()
        .unwrap_or(FIRST - 1);
    (last + 1..=LAST)
        .chain(FIRST..=last.min(LAST))
        .find(|n| !used.contains(n))
        .map(|n| format!("{prefix}.{n}"))
}

/// The range host-local reports when it is exhausted (`10.244.1.1-10.244.1.254`).
pub fn range_text(cidr: &str) -> String {
    match prefix(cidr) {
        Some(p) => format!("{p}.1-{p}.{LAST}"),
        None => cidr.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CIDR: &str = "10.244.1.0/24";

    #[test]
    fn first_pod_gets_dot_two() {
        // .0 is the network, .1 the cni0 bridge.
        assert_eq!(next_pod_ip(CIDR, &[], &[]), Some("10.244.1.2".to_string()));
    }

    #[test]
    fn addresses_are_handed_out_in_order() {
        assert_eq!(
            next_pod_ip(CIDR, &["10.244.1.2"], &[]),
            Some("10.244.1.3".to_string())
        );
        // host-local continues after the last reservation, not at the lowest free one.
        assert_eq!(
            next_pod_ip(CIDR, &["10.244.1.3"], &["10.244.1.2", "10.244.1.3"]),
            Some("10.244.1.4".to_string())
        );
        assert_eq!(
            next_pod_ip(CIDR, &["10.244.1.2"], &["10.244.1.7"]),
            Some("10.244.1.8".to_string())
        );
    }

    #[test]
    fn wraps_around_and_runs_out() {
        assert_eq!(
            next_pod_ip(CIDR, &["10.244.1.254", "10.244.1.2"], &[]),
            Some("10.244.1.3".to_string())
        );
        let all: Vec<String> = (2..=254).map(|n| format!("10.244.1.{n}")).collect();
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        assert_eq!(next_pod_ip(CIDR, &refs, &[]), None);
        // Addresses of other nodes do not count.
        assert_eq!(
            next_pod_ip(CIDR, &["10.244.2.2"], &[]),
            Some("10.244.1.2".to_string())
        );
        assert_eq!(next_pod_ip("garbage", &[], &[]), None);
        assert_eq!(range_text(CIDR), "10.244.1.1-10.244.1.254");
    }
}
