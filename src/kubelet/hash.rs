//! Deterministic "random-looking" values derived from text, for things a real node would
//! compute from content (image digests, the static pods' `config.hash`) or that vary a
//! little from pull to pull (durations). They are pure functions of their input, so a
//! level-triggered kubelet that recomputes them always gets the same answer, and they
//! draw nothing from the cluster's random source.

/// FNV-1a over `text`: a 64-bit fingerprint.
pub fn fnv(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// One step of splitmix64: scrambles `x` into a well-mixed 64-bit value.
pub fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `len` lowercase hex digits derived from `text` (`len` up to 64).
pub fn hex(text: &str, len: usize) -> String {
    let mut out = String::new();
    let mut state = fnv(text);
    while out.len() < len {
        state = mix(state);
        out.push_str(&format!("{state:016x}"));
    }
    out.truncate(len);
    out
}

/// 64 hex digits, the shape of a sha256 digest or a container ID.
pub fn hex64(text: &str) -> String {
    hex(text, 64)
}

/// A value in `base × [1 - spread, 1 + spread)` chosen by `text`, in whole milliseconds.
/// Worked example: base 5000 ms with spread 0.15 gives something in 4250..5750 ms, the
/// same for the same `text` every time.
pub fn jitter_ms(base: i64, spread_permille: i64, text: &str) -> i64 {
    let span = base.saturating_mul(spread_permille) / 1000;
    if span <= 0 {
        return base;
    }
    let offset = (mix(fnv(text)) % (2 * span as u64)) as i64 - span;
    base + offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_stable_and_shaped() {
        assert_eq!(hex64("a"), hex64("a"));
        assert_ne!(hex64("a"), hex64("b"));
        assert_eq!(hex64("x").len(), 64);
        assert!(hex64("x").chars().all(|c| c.is_ascii_hexdigit()));
        for t in ["a", "b", "c", "node/nginx"] {
            let j = jitter_ms(5000, 150, t);
            assert!((4250..5750).contains(&j), "{j}");
        }
        assert_eq!(jitter_ms(0, 150, "a"), 0);
    }
}
