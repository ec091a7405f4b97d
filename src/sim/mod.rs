//! Simulated time and the one seeded random source.
