//! Rust: `Cargo.toml` manifests and `Cargo.lock` lockfiles.
//!
//! Parsing is per file ([`manifest`], [`lockfile`]); [`resolve`] then joins
//! the files of each workspace into components. Nothing here runs cargo.

mod lockfile;
mod manifest;
mod registry_cache;
mod resolve;

pub use lockfile::{LockPackage, Lockfile, parse_lockfile};
pub use manifest::{DepKind, DepSource, Dependency, Manifest, WorkspaceDecl, parse_manifest};
pub use resolve::{missing_lockfiles, resolve};

/// The registry name used for crates.io, whichever index URL names it.
pub const CRATES_IO: &str = "crates.io";
