//! The `Cluster` facade (placeholder while the engine is assembled).

use crate::view::ObjectRow;

/// What one command printed and its exit status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommandOutput {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Exit status (0 = success).
    pub exit_code: i32,
}

/// Builds a cluster.
#[derive(Clone, Debug)]
pub struct ClusterBuilder {
    seed: u64,
}

impl ClusterBuilder {
    /// The seed of the one random source.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Builds it.
    pub fn build(self) -> Cluster {
        Cluster { _seed: self.seed }
    }
}

/// One simulated cluster.
pub struct Cluster {
    _seed: u64,
}

impl Cluster {
    /// A builder with seed 0.
    pub fn builder() -> ClusterBuilder {
        ClusterBuilder { seed: 0 }
    }

    /// Runs a script (one command per line, heredocs allowed).
    pub fn run_script(&mut self, _script: &str) -> CommandOutput {
        CommandOutput::default()
    }

    /// Applies YAML as `kubectl apply -f -` would.
    pub fn apply_yaml(&mut self, _yaml: &str) -> CommandOutput {
        CommandOutput::default()
    }

    /// Every stored object, for the first page's table.
    pub fn view_objects(&self) -> Vec<ObjectRow> {
        Vec::new()
    }

    /// The store's current revision.
    pub fn revision(&self) -> u64 {
        0
    }

    /// Advances simulated time by `ms` milliseconds.
    pub fn advance_ms(&mut self, _ms: u64) {}
}
