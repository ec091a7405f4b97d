//! Unit tests of the plugins, one file per plugin, restating upstream cases.
