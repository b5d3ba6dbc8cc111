//! Untrusted input: every parser returns a value or a located problem on
//! any bytes, and every location it reports lies inside the file.

use proptest::prelude::*;

use pscf_lint::facts::FileProblem;
use pscf_lint::location::{RelPath, SourceFile};
use pscf_lint::policy::raw::PolicyFile;
use pscf_lint::scan::cargo::{parse_lockfile, parse_manifest};

fn source(name: &str, bytes: &[u8]) -> SourceFile {
    SourceFile::new(
        RelPath::new(name),
        String::from_utf8_lossy(bytes).into_owned(),
    )
}

fn assert_inside(source: &SourceFile, problem: &FileProblem) {
    let (FileProblem::Unparsable { location, .. } | FileProblem::Skipped { location, .. }) =
        problem;
    assert!(location.span.end <= source.text.len());
    assert!(source.text.is_char_boundary(location.span.start));
    assert!(location.line >= 1 && location.column >= 1);
}

/// Text that looks enough like TOML/YAML to get past the first byte.
fn structured() -> impl Strategy<Value = String> {
    let atoms = prop_oneof![
        Just("[package]\n".to_owned()),
        Just("[[package]]\n".to_owned()),
        Just("[dependencies]\n".to_owned()),
        Just("[workspace]\nmembers = [\"*\"]\n".to_owned()),
        Just("name = \"x\"\n".to_owned()),
        Just("version = \"1.0.0\"\n".to_owned()),
        Just("serde = { workspace = true }\n".to_owned()),
        Just("dependencies = [\"a 1.0 (registry+x)\"]\n".to_owned()),
        Just("components:\n  banned:\n    - purl: pkg:cargo/x\n".to_owned()),
        Just("extends: [builtin:pscf-spm]\n".to_owned()),
        Just("&a [*a]\n".to_owned()),
        Just("é✓\u{0}\r\n".to_owned()),
        "[ -~]{0,20}\n",
    ];
    prop::collection::vec(atoms, 0..30).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn cargo_manifest_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512), text in structured()) {
        for s in [source("Cargo.toml", &bytes), source("Cargo.toml", text.as_bytes())] {
            match parse_manifest(&s) {
                Ok(m) => for d in m.dependencies { prop_assert!(d.span.end <= s.text.len()); },
                Err(p) => assert_inside(&s, &p),
            }
        }
    }

    #[test]
    fn cargo_lockfile_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512), text in structured()) {
        for s in [source("Cargo.lock", &bytes), source("Cargo.lock", text.as_bytes())] {
            match parse_lockfile(&s) {
                Ok(l) => for p in l.packages { prop_assert!(p.name_span.end <= s.text.len()); },
                Err(p) => assert_inside(&s, &p),
            }
        }
    }

    #[test]
    fn policy_yaml_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512), text in structured()) {
        for s in [source("p.yaml", &bytes), source("p.yaml", text.as_bytes())] {
            if let Err(e) = pscf_lint::yaml::from_source::<PolicyFile>(&s) {
                prop_assert!(e.span.end <= s.text.len() && e.span.start <= e.span.end);
            }
        }
    }

    #[test]
    fn locations_always_lie_inside_the_text(text in "\\PC{0,64}", a in 0usize..200, b in 0usize..200) {
        let s = SourceFile::new(RelPath::new("f"), text);
        let loc = s.location(a..b);
        prop_assert!(loc.span.start <= loc.span.end && loc.span.end <= s.text.len());
        prop_assert!(s.text.is_char_boundary(loc.span.start) || loc.span.start == s.text.len());
        prop_assert!(loc.line >= 1 && loc.column >= 1);
    }
}

#[test]
fn yaml_alias_bombs_and_deep_nesting_are_refused_not_expanded() {
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
        let prev = ["a", "b", "c", "d", "e", "f", "g", "h"][i];
        bomb.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for text in [bomb, deep] {
        let s = SourceFile::new(RelPath::new("p.yaml"), text);
        assert!(pscf_lint::yaml::from_source::<PolicyFile>(&s).is_err());
    }
}
