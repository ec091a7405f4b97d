//! IP and CIDR checks (`IsValidIP`, `IsValidIPv4Address`, `IsValidCIDR`,
//! `ValidateNonSpecialIP`). Parsing is "sloppy" like `netutils.ParseIPSloppy`: IPv4
//! octets may carry leading zeros.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{invalid, Path};
use crate::apiserver::validation::gofmt::q;

/// `netutils.ParseIPSloppy`.
pub fn parse_ip(s: &str) -> Option<IpAddr> {
    if s.contains(':') {
        return s.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut octets = [0u8; 4];
    for (o, part) in octets.iter_mut().zip(&parts) {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        *o = part.parse().ok()?;
    }
    Some(IpAddr::V4(Ipv4Addr::from(octets)))
}

/// `IsValidIP`.
pub fn is_valid_ip(p: &Path, value: &str) -> Vec<FieldError> {
    if parse_ip(value).is_none() {
        vec![invalid(
            p,
            q(value),
            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
        )]
    } else {
        Vec::new()
    }
}

/// `IsValidIPv4Address`.
pub fn is_valid_ipv4(p: &Path, value: &str) -> Vec<FieldError> {
    match parse_ip(value) {
        Some(IpAddr::V4(_)) => Vec::new(),
        _ => vec![invalid(p, q(value), "must be a valid IPv4 address")],
    }
}

/// `IsValidIPv6Address` (an IPv4-mapped address counts as IPv4, as in Go).
pub fn is_valid_ipv6(p: &Path, value: &str) -> Vec<FieldError> {
    match parse_ip(value) {
        Some(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => Vec::new(),
        _ => vec![invalid(p, q(value), "must be a valid IPv6 address")],
    }
}

/// Whether a string is an IPv6 address (`netutils.IsIPv6String`).
pub fn is_ipv6(value: &str) -> bool {
    matches!(parse_ip(value), Some(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none())
}

/// `netutils.ParseCIDRSloppy` success.
pub fn parse_cidr(s: &str) -> Option<(IpAddr, u8)> {
    let (ip, bits) = s.split_once('/')?;
    let ip = parse_ip(ip)?;
    if bits.is_empty() || !bits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let bits: u8 = bits.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (bits <= max).then_some((ip, bits))
}

/// `IsValidCIDR`.
pub fn is_valid_cidr(p: &Path, value: &str) -> Vec<FieldError> {
    if parse_cidr(value).is_none() {
        vec![invalid(
            p,
            q(value),
            "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
        )]
    } else {
        Vec::new()
    }
}

/// `ValidateNonSpecialIP`: no unspecified, loopback or link-local addresses.
pub fn validate_non_special_ip(value: &str, p: &Path) -> Vec<FieldError> {
    let Some(ip) = parse_ip(value) else {
        return vec![invalid(p, q(value), "must be a valid IP address")];
    };
    let ip = match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    };
    let mut errs = Vec::new();
    if ip.is_unspecified() {
        errs.push(invalid(
            p,
            q(value),
            &format!("may not be unspecified ({value})"),
        ));
    }
    if ip.is_loopback() {
        errs.push(invalid(
            p,
            q(value),
            "may not be in the loopback range (127.0.0.0/8, ::1/128)",
        ));
    }
    let (link_local_unicast, link_local_multicast) = match ip {
        IpAddr::V4(v4) => (v4.is_link_local(), v4.octets()[..3] == [224, 0, 0]),
        IpAddr::V6(v6) => (
            v6.segments()[0] & 0xffc0 == 0xfe80,
            v6.segments()[0] & 0xff0f == 0xff02,
        ),
    };
    if link_local_unicast {
        errs.push(invalid(
            p,
            q(value),
            "may not be in the link-local range (169.254.0.0/16, fe80::/10)",
        ));
    }
    if link_local_multicast {
        errs.push(invalid(
            p,
            q(value),
            "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
        ));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sloppy_ipv4_accepts_leading_zeros() {
        assert!(parse_ip("010.001.002.003").is_some());
        assert!(parse_ip("1.2.3").is_none());
        assert!(parse_ip("256.1.1.1").is_none());
        assert!(parse_ip("2001:db8::1").is_some());
    }

    #[test]
    fn special_ips_are_rejected_for_endpoints() {
        let errs = validate_non_special_ip("127.0.0.1", &Path::new("ip"));
        assert_eq!(errs[0].to_string(), "ip: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)");
        assert!(validate_non_special_ip("10.244.1.5", &Path::new("ip")).is_empty());
        assert_eq!(is_valid_cidr(&Path::new("c"), "10.0.0.0/33").len(), 1);
    }
}
