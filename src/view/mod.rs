//! Plain data for the UI (no Yew): tables and lists built from the cluster.

/// One row of the object list: what the first page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectRow {
    /// `ConfigMap`
    pub kind: String,
    /// Empty for cluster-scoped objects.
    pub namespace: String,
    /// `metadata.name`
    pub name: String,
    /// The store revision that last wrote it (its resourceVersion).
    pub revision: u64,
}
