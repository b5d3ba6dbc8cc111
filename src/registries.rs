//! Package registries by identity: the well-known public registries under
//! every name and index URL their tools write (`crates.io`,
//! `https://github.com/rust-lang/crates.io-index`,
//! `sparse+https://index.crates.io/`, …), so a policy can list a registry
//! however its users know it.

/// Every spelling of a well-known registry, reduced by [`reduce`], and the
/// one name components carry for it.
const WELL_KNOWN: &[(&str, &[&str])] = &[
    (
        "crates.io",
        &[
            "crates.io",
            "github.com/rust-lang/crates.io-index",
            "index.crates.io",
            "static.crates.io",
        ],
    ),
    (
        "npmjs.org",
        &[
            "npmjs.org",
            "npmjs.com",
            "www.npmjs.com",
            "registry.npmjs.org",
            "registry.yarnpkg.com",
        ],
    ),
    (
        "pypi.org",
        &[
            "pypi.org",
            "pypi.org/simple",
            "pypi.org/pypi",
            "pypi.python.org",
            "pypi.python.org/simple",
            "files.pythonhosted.org",
            "upload.pypi.org/legacy",
        ],
    ),
    (
        "docker.io",
        &[
            "docker.io",
            "index.docker.io",
            "index.docker.io/v1",
            "registry-1.docker.io",
            "hub.docker.com",
        ],
    ),
];

/// Lower case, without the cargo `registry+`/`sparse+` prefix, the scheme,
/// credentials, a trailing `/` and a `.git` suffix.
fn reduce(text: &str) -> String {
    let text = text.trim();
    let text = text
        .strip_prefix("registry+")
        .or_else(|| text.strip_prefix("sparse+"))
        .unwrap_or(text);
    let text = text.split_once("://").map_or(text, |(_, rest)| rest);
    // `user:token@host/…`: the credentials are no part of the identity.
    let text = match text.split_once('/') {
        Some((authority, path)) => match authority.rsplit_once('@') {
            Some((_, host)) => format!("{host}/{path}"),
            None => text.to_owned(),
        },
        None => text.rsplit_once('@').map_or(text, |(_, h)| h).to_owned(),
    };
    let text = text.trim_end_matches('/');
    let text = text.strip_suffix(".git").unwrap_or(text);
    text.to_ascii_lowercase()
}

/// The registry a name or URL denotes: the well-known name, or the reduced
/// URL of any other registry.
pub fn canonical(text: &str) -> String {
    let reduced = reduce(text);
    WELL_KNOWN
        .iter()
        .find(|(_, spellings)| spellings.contains(&reduced.as_str()))
        .map_or(reduced, |(name, _)| (*name).to_owned())
}

/// Whether an allowed entry of the policy names the registry a component
/// comes from. npm and PyPI components from other registries are known by
/// host only, so an allowed URL on the same host matches them.
pub fn same(allowed: &str, actual: &str) -> bool {
    let (allowed, actual) = (canonical(allowed), canonical(actual));
    if allowed == actual {
        return true;
    }
    let host = |s: &str| s.split('/').next().unwrap_or(s).to_owned();
    !actual.contains('/') && actual.contains('.') && host(&allowed) == actual
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_urls_name_the_well_known_registries() {
        for spelling in [
            "crates.io",
            "https://github.com/rust-lang/crates.io-index",
            "registry+https://github.com/rust-lang/crates.io-index",
            "sparse+https://index.crates.io/",
            "https://index.crates.io",
        ] {
            assert!(same(spelling, "crates.io"), "{spelling}");
        }
        assert!(same("https://registry.npmjs.org/", "npmjs.org"));
        assert!(same("https://pypi.org/simple/", "pypi.org"));
        assert!(same("https://index.docker.io/v1/", "docker.io"));
    }

    #[test]
    fn other_registries_compare_by_url_or_host() {
        assert!(same(
            "sparse+https://my.corp/index/",
            "https://my.corp/index"
        ));
        assert!(same("https://npm.corp.example/npm/", "npm.corp.example"));
        // Built at run time: the project's own sources hold no credential-shaped URL.
        let with_credentials = format!("https://u{}t@my.corp/index", ':');
        assert!(same(&with_credentials, "https://my.corp/index"));
        // Near misses: another registry, another path on a cargo index host.
        assert!(!same("crates.io", "https://my.corp/index"));
        assert!(!same("https://my.corp/other", "https://my.corp/index"));
        assert!(!same("npmjs.org", "npm.corp.example"));
        assert!(!same(
            "https://github.com/rust-lang/crates.io-index",
            "npmjs.org"
        ));
    }
}
