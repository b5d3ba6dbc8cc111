//! `pscf-lint inventory`: the exact component set of each input format,
//! with scope, direct/transitive, source and location (snapshots), and a
//! CycloneDX SBOM that validates against the official 1.5 schema.

mod common;

use common::{read, run};
use serde_json::Value;

fn table(fixture: &str) -> String {
    let r = run(&["inventory", &format!("fixtures/{fixture}")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

fn components(fixture: &str) -> Vec<Value> {
    let r = run(&[
        "inventory",
        &format!("fixtures/{fixture}"),
        "--format",
        "json",
    ]);
    let doc: Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout));
    doc["components"].as_array().cloned().unwrap_or_default()
}

fn find(components: &[Value], purl: &str) -> Value {
    components
        .iter()
        .find(|c| c["purl"] == purl)
        .cloned()
        .unwrap_or_else(|| panic!("no {purl}"))
}

fn purls(components: &[Value]) -> Vec<String> {
    components
        .iter()
        .filter_map(|c| c["purl"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn npm_package_lock_v3_workspaces_and_v1() {
    insta::assert_snapshot!(table("js-npm"));
    let c = components("js-npm");
    // An `npm:` alias is the real package.
    assert_eq!(find(&c, "pkg:npm/left-pad@1.3.0")["line"], 7);
    // The workspace's own packages (and the `link: true` entry) are not components.
    assert!(purls(&c).iter().all(|p| !p.contains("shop-ui")));
    // Nested install paths: both versions of debug, the workspace's direct one at its manifest.
    let debug = find(&c, "pkg:npm/debug@2.6.9");
    assert_eq!(
        (debug["file"].as_str(), debug["direct"].as_bool()),
        (Some("packages/ui/package.json"), Some(true))
    );
    assert_eq!(find(&c, "pkg:npm/debug@4.3.4")["direct"], false);
    assert_eq!(find(&c, "pkg:npm/typescript@5.4.5")["scope"], "dev");
    assert_eq!(find(&c, "pkg:npm/fsevents@2.3.3")["scope"], "optional");
    assert_eq!(find(&c, "pkg:npm/tiny-lib@1.0.0")["license"], "ISC");
    assert!(
        find(&c, "pkg:npm/tiny-lib@1.0.0")["source"]
            .as_str()
            .unwrap_or_default()
            .starts_with("git ")
    );
    // v1: nested `dependencies`, `npm:` alias versions, `file:` packages.
    assert_eq!(
        find(&c, "pkg:npm/qs@6.5.3")["file"],
        "legacy/package-lock.json"
    );
    assert_eq!(find(&c, "pkg:npm/%40colors/colors@1.5.0")["direct"], true);
    assert!(purls(&c).iter().all(|p| !p.contains("local-helper")));
}

#[test]
fn pnpm_lock_v9_importers_and_v6() {
    insta::assert_snapshot!(table("js-pnpm"));
    let c = components("js-pnpm");
    // Peer suffixes are not part of the version; workspace links are not components.
    assert_eq!(
        find(&c, "pkg:npm/react-dom@18.2.0")["file"],
        "packages/web/package.json"
    );
    assert!(purls(&c).iter().all(|p| !p.contains("mono")));
    assert_eq!(
        find(&c, "pkg:npm/tarball-dep@1.0.0")["source"],
        "URL https://example.com/tarball-dep-1.0.0.tgz"
    );
    assert_eq!(find(&c, "pkg:npm/prettier@3.2.5")["scope"], "dev");
    assert_eq!(find(&c, "pkg:npm/regenerator-runtime@0.14.1")["line"], 32);
}

#[test]
fn yarn_classic_and_berry() {
    insta::assert_snapshot!(table("js-yarn"));
    let c = components("js-yarn");
    assert_eq!(find(&c, "pkg:npm/%40babel/highlight@7.13.10")["line"], 12);
    // Berry: aliases resolve to the real package; workspaces are own code.
    assert_eq!(find(&c, "pkg:npm/strip-ansi@6.0.1")["scope"], "dev");
    assert!(
        purls(&c)
            .iter()
            .all(|p| !p.contains("/lib@") && !p.contains("berry-app"))
    );
    assert!(
        find(&c, "pkg:npm/my-fork@2.1.0")["source"]
            .as_str()
            .unwrap_or_default()
            .starts_with("git ")
    );
}

#[test]
fn python_requirements_pyproject_poetry_uv_pipenv() {
    insta::assert_snapshot!(table("python"));
    let c = components("python");
    // pip-compile: `# via` a package means transitive; hashes and markers are ignored.
    assert_eq!(find(&c, "pkg:pypi/certifi@2024.2.2")["direct"], false);
    assert_eq!(find(&c, "pkg:pypi/idna@3.6")["direct"], true);
    // PEP 503 names; editable and local installs are own code.
    assert_eq!(
        find(&c, "pkg:pypi/flask-sqlalchemy")["requirement"],
        "~=3.1"
    );
    assert!(purls(&c).iter().all(|p| !p.contains("local-package")
        && !p.contains("uv-app")
        && !p.contains("poetry-app")));
    assert_eq!(
        find(&c, "pkg:pypi/devtool")["source"],
        "git git+https://github.com/example/devtool.git#v0.4.0"
    );
    // PEP 735 groups are dev; optional dependencies optional.
    assert_eq!(find(&c, "pkg:pypi/ruff@0.4.1")["scope"], "dev");
    assert_eq!(find(&c, "pkg:pypi/pyyaml@6.0.1")["scope"], "optional");
    assert_eq!(
        find(&c, "pkg:pypi/internal-sdk@2.0.0")["source"],
        "git https://github.com/example/internal-sdk.git#4b825dc642cb6eb9a060e54bf8d69288fbee4904"
    );
}

#[test]
fn go_mod_requires_replacements_not_go_sum() {
    insta::assert_snapshot!(table("go"));
    let c = components("go");
    assert!(purls(&c).iter().all(|p| !p.contains("in-gosum")));
    assert_eq!(
        find(
            &c,
            "pkg:golang/golang.org/x/net@v0.0.0-20240318180000-abcdef123456"
        )["direct"],
        false
    );
    assert_eq!(
        find(&c, "pkg:golang/github.com/gorilla/mux@v1.8.1")["source"],
        "path ../forks/mux"
    );
}

#[test]
fn actions_workflows_and_composite_actions() {
    insta::assert_snapshot!(table("actions"));
    let c = components("actions");
    assert!(
        purls(&c)
            .iter()
            .all(|p| !p.contains("actions/setup@") && !p.contains("./"))
    );
    assert_eq!(
        find(&c, "pkg:github/github/codeql-action@v3#init")["column"],
        15
    );
}

#[test]
fn dockerfiles_and_compose() {
    insta::assert_snapshot!(table("containers"));
    let c = components("containers");
    // Stage aliases and scratch are not images; ARG defaults are substituted.
    assert_eq!(c.len(), 6);
    assert_eq!(
        find(&c, "pkg:docker/library/golang@1.22-alpine")["scope"],
        "build"
    );
    assert_eq!(find(&c, "pkg:docker/library/redis@7.2-alpine")["line"], 8);
    // `python:3.12-slim@sha256:…`: the digest is the version, the tag kept.
    let python = find(
        &c,
        "pkg:docker/library/python@sha256:2be8daddbb82756f7d1f2c7ece706aadcb284bf6ab6d769ea695cc3ed6016743?tag=3.12-slim",
    );
    assert_eq!(python["tag"], "3.12-slim");
    assert!(
        table("containers").contains("3.12-slim @sha256:2be8daddbb82…  build"),
        "{}",
        table("containers")
    );
    // Near miss: a tag alone has no `tag` qualifier.
    assert!(
        find(&c, "pkg:docker/library/redis@7.2-alpine")
            .get("tag")
            .is_none()
    );
}

#[test]
fn independent_lockfiles_keep_their_own_scope_and_location() {
    let c = components("cargo-monorepo");
    let lazy: Vec<(String, String, String)> = c
        .iter()
        .filter(|c| c["purl"] == "pkg:cargo/lazy_static@1.5.1")
        .map(|c| {
            (
                c["scope"].as_str().unwrap_or_default().to_owned(),
                c["file"].as_str().unwrap_or_default().to_owned(),
                c["lockfile"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    // Dev-only in one workspace, runtime in the other: two rows.
    assert_eq!(
        lazy,
        [
            (
                "dev".into(),
                "ws-a/Cargo.lock".into(),
                "ws-a/Cargo.lock".into()
            ),
            (
                "runtime".into(),
                "ws-b/Cargo.lock".into(),
                "ws-b/Cargo.lock".into()
            ),
        ]
    );
    let subscriber: Vec<_> = c
        .iter()
        .filter(|c| c["purl"] == "pkg:cargo/tracing-subscriber@0.3.23")
        .map(|c| (c["scope"].clone(), c["file"].clone()))
        .collect();
    assert_eq!(
        subscriber,
        [
            ("dev".into(), "ws-a/app/Cargo.toml".into()),
            ("runtime".into(), "ws-b/tool/Cargo.toml".into())
        ]
    );
    // Near miss: within one lockfile a crate stays one row, and members of
    // the repository's workspaces are never components.
    assert_eq!(
        c.iter()
            .filter(|c| c["purl"] == "pkg:cargo/sharded-slab@0.1.7"
                && c["lockfile"] == "ws-a/Cargo.lock")
            .count(),
        1
    );
    assert!(
        purls(&c)
            .iter()
            .all(|p| !p.contains("/shared@") && !p.contains("/lib-a@"))
    );
}

#[test]
fn cyclonedx_dependencies_follow_the_lockfile_graph() {
    let r = run(&[
        "inventory",
        "fixtures/cargo-monorepo",
        "--format",
        "cyclonedx",
    ]);
    let bom: Value = serde_json::from_str(&r.stdout).unwrap_or_default();
    let deps = |reference: &str| -> Vec<String> {
        bom["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|d| d["ref"] == reference)
            .and_then(|d| d["dependsOn"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    };
    assert!(
        deps("pkg:cargo/tracing-subscriber@0.3.23")
            .contains(&"pkg:cargo/sharded-slab@0.1.7".to_owned())
    );
    assert_eq!(
        deps("pkg:cargo/sharded-slab@0.1.7"),
        ["pkg:cargo/lazy_static@1.5.1"]
    );
    assert_eq!(deps("pkg:cargo/lazy_static@1.5.1"), Vec::<String>::new());
    // The SBOM lists each purl once, whatever the number of lockfiles.
    let refs = bom["components"].as_array().map_or(0, Vec::len);
    assert_eq!(refs, 21);
}

#[test]
fn a_dist_tag_in_a_template_is_not_a_workspace_link() {
    let c = components("js-template");
    // `"@mono/core": "latest"` in a template outside the workspaces is
    // fetched from the registry; `^1.0.0` in a workspace member is linked.
    assert_eq!(purls(&c), ["pkg:npm/%40mono/core"]);
    assert_eq!(
        find(&c, "pkg:npm/%40mono/core")["file"],
        "packages/create/templates/basic/package.json"
    );
    let (_, report) = common::check_json("js-template", &[]);
    assert_eq!(
        common::triples(&report)
            .into_iter()
            .filter(|(r, _, _)| r.starts_with("PSCF-SPM-MAR"))
            .collect::<Vec<_>>(),
        [common::t(
            "PSCF-SPM-MAR/unbounded-version-range",
            "packages/create/templates/basic/package.json",
            5
        )]
    );
}

struct LocalSchemas;

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri
            .as_str()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .split('#')
            .next()
            .unwrap_or_default()
            .to_owned();
        Ok(serde_json::from_str(&read(format!(
            "tests/schemas/{name}"
        )))?)
    }
}

#[test]
fn cyclonedx_validates_against_the_official_1_5_schema() {
    let schema: Value =
        serde_json::from_str(&read("tests/schemas/bom-1.5.schema.json")).unwrap_or_default();
    let validator = jsonschema::options()
        .with_retriever(LocalSchemas)
        .build(&schema)
        .unwrap_or_else(|e| panic!("schema: {e}"));
    for fixture in [
        "js-npm",
        "js-pnpm",
        "js-yarn",
        "python",
        "go",
        "actions",
        "containers",
        "cargo-violations",
        "cargo-monorepo",
    ] {
        let r = run(&[
            "inventory",
            &format!("fixtures/{fixture}"),
            "--format",
            "cyclonedx",
        ]);
        let bom: Value =
            serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{fixture}: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(&bom)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{fixture}: {errors:#?}");
        let refs: Vec<&str> = bom["components"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["bom-ref"].as_str())
            .collect();
        let mut unique = refs.clone();
        unique.dedup();
        assert_eq!(
            refs.len(),
            unique.len(),
            "{fixture}: bom-refs must be unique"
        );
    }
    let bom: Value = serde_json::from_str(
        &run(&[
            "inventory",
            "fixtures/cargo-violations",
            "--format",
            "cyclonedx",
        ])
        .stdout,
    )
    .unwrap_or_default();
    let openssl = bom["components"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["name"] == "openssl")
        .cloned()
        .unwrap_or_default();
    assert_eq!(openssl["licenses"][0]["license"]["id"], "Apache-2.0");
    assert_eq!(openssl["scope"], "required");
    // The product depends on its direct components.
    let direct = bom["dependencies"][0]["dependsOn"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(direct, 11);
}

#[test]
fn inventory_output_is_identical_at_any_thread_count() {
    let a = run(&["inventory", "fixtures", "--format", "cyclonedx"]).stdout;
    let b = common::pscf_lint()
        .args(["inventory", "fixtures", "--format", "cyclonedx"])
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    assert_eq!(a, b);
    assert!(a.len() > 1000);
}

fn cyclonedx(fixture: &str) -> Value {
    let r = run(&[
        "inventory",
        &format!("fixtures/{fixture}"),
        "--format",
        "cyclonedx",
    ]);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{fixture}: {e}"))
}

#[test]
fn the_sbom_names_the_product_by_its_manifest_or_descriptor() {
    // The root package of a Cargo workspace: name, version and purl.
    let bom = cyclonedx("cargo-clean");
    let product = &bom["metadata"]["component"];
    assert_eq!(product["name"], "clean-app");
    assert_eq!(product["version"], "0.1.0");
    assert_eq!(product["purl"], "pkg:cargo/clean-app@0.1.0");
    // npm: package.json's name (no version there).
    assert_eq!(cyclonedx("js-npm")["metadata"]["component"]["name"], "shop");
    // The Backstage descriptor names it where there is one.
    assert_eq!(
        cyclonedx("pom-clean")["metadata"]["component"]["name"],
        "payments-api"
    );
    // Neither: the directory's name.
    assert_eq!(
        cyclonedx("containers")["metadata"]["component"]["name"],
        "containers"
    );
}

#[test]
fn the_serial_number_is_derived_from_the_content() {
    let a = run(&["inventory", "fixtures/cargo-clean", "--format", "cyclonedx"]).stdout;
    let b = run(&["inventory", "fixtures/cargo-clean", "--format", "cyclonedx"]).stdout;
    assert_eq!(a, b, "same input, same bytes");
    let serial = |text: &str| -> String {
        let bom: Value = serde_json::from_str(text).unwrap_or_default();
        bom["serialNumber"].as_str().unwrap_or_default().to_owned()
    };
    let s = serial(&a);
    assert!(s.starts_with("urn:uuid:") && s.len() == 45, "{s}");
    // A version-5 (name-based) UUID.
    assert_eq!(s.get(23..24), Some("5"), "{s}");
    let other = serial(&run(&["inventory", "fixtures/js-npm", "--format", "cyclonedx"]).stdout);
    assert_ne!(s, other);
}

#[test]
fn legacy_cargo_licence_syntax_is_normalised_everywhere() {
    // winapi 0.3.9 declares `license = "MIT/Apache-2.0"`.
    let bom = cyclonedx("cargo-violations");
    let winapi = bom["components"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["name"] == "winapi")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        winapi["licenses"][0]["expression"], "MIT OR Apache-2.0",
        "{winapi:#}"
    );
    let json: Value = serde_json::from_str(
        &run(&["inventory", "fixtures/cargo-violations", "--format", "json"]).stdout,
    )
    .unwrap_or_default();
    let licences: Vec<&str> = json["components"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["name"] == "winapi")
        .filter_map(|c| c["license"].as_str())
        .collect();
    assert!(!licences.is_empty());
    assert!(
        licences.iter().all(|l| *l == "MIT OR Apache-2.0"),
        "{licences:?}"
    );
    let table = run(&["inventory", "fixtures/cargo-violations"]).stdout;
    assert!(!table.contains("MIT/Apache-2.0"), "{table}");
}
