//! Rust: `Cargo.toml` manifests and `Cargo.lock` lockfiles.
//!
//! Parsing is per file ([`manifest`], [`lockfile`]); [`resolve`] then joins
//! the files of each workspace into components. Nothing here runs cargo.

mod cache;
mod licence;
mod local;
mod lockfile;
mod manifest;
mod resolve;
mod workspace;

pub use lockfile::{LockPackage, Lockfile, parse_lockfile};
pub use manifest::{
    DepKind, DepSource, Dependency, GitRef, Inheritable, LicenceDecl, Manifest, WorkspaceDecl,
    parse_manifest,
};
pub use resolve::{Resolved, missing_lockfiles, resolve};

/// The registry name used for crates.io, whichever index URL names it.
pub const CRATES_IO: &str = "crates.io";
