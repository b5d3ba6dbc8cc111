//! Offline advisories: a directory of OSV JSON records (as OSV publishes
//! them per ecosystem), matched by ecosystem and name, with SEMVER and
//! ECOSYSTEM ranges and explicit version lists evaluated in the ecosystem's
//! own version order. Nothing is fetched.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::purl::{Ecosystem, Purl};
use crate::version::Version;

/// One OSV record is small; the largest real ones are a few hundred KiB.
const MAX_RECORD_BYTES: u64 = 8 * 1024 * 1024;
/// Bounds the walk of a database directory.
const MAX_RECORDS: usize = 2_000_000;

#[derive(Debug, Clone, Deserialize)]
pub struct Advisory {
    pub id: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    #[serde(default)]
    severity: Vec<OsvSeverity>,
    database_specific: Option<DatabaseSpecific>,
    #[serde(default)]
    affected: Vec<Affected>,
    withdrawn: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct OsvSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Debug, Clone, Deserialize)]
struct DatabaseSpecific {
    severity: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Affected {
    package: Option<Package>,
    #[serde(default)]
    ranges: Vec<OsvRange>,
    #[serde(default)]
    versions: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Package {
    ecosystem: String,
    name: String,
}

#[derive(Debug, Clone, Deserialize)]
struct OsvRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<Event>,
}

#[derive(Debug, Clone, Deserialize)]
struct Event {
    introduced: Option<String>,
    fixed: Option<String>,
    last_affected: Option<String>,
    limit: Option<String>,
}

/// The OSV ecosystem name of a purl type.
fn osv_ecosystem(name: &str) -> Option<Ecosystem> {
    // OSV may suffix a release (`Debian:12`); only the part before `:` counts.
    match name.split(':').next().unwrap_or(name) {
        "crates.io" => Some(Ecosystem::Cargo),
        "npm" => Some(Ecosystem::Npm),
        "PyPI" => Some(Ecosystem::Pypi),
        "Go" => Some(Ecosystem::Golang),
        "GitHub Actions" => Some(Ecosystem::Github),
        _ => None,
    }
}

/// A match: the advisory and the first version that fixes it for this
/// component, if the record names one.
pub struct Hit<'a> {
    pub advisory: &'a Advisory,
    pub fixed: Option<String>,
}

impl Advisory {
    /// The advisory's severity as its record states it: a named level, or
    /// the CVSS vector.
    pub fn severity(&self) -> Option<String> {
        self.database_specific
            .as_ref()
            .and_then(|d| d.severity.clone())
            .or_else(|| {
                self.severity
                    .first()
                    .map(|s| format!("{} {}", s.kind, s.score))
            })
    }
}

/// Loaded advisories, indexed by ecosystem and normalised name.
#[derive(Debug, Default)]
pub struct Database {
    by_package: HashMap<(Ecosystem, String), Vec<usize>>,
    advisories: Vec<Advisory>,
    /// Files that were not OSV records, for a note in reports.
    pub skipped: Vec<PathBuf>,
}

fn key(ecosystem: Ecosystem, name: &str) -> (Ecosystem, String) {
    (ecosystem, Purl::new(ecosystem, name, None).qualified_name())
}

impl Database {
    /// Reads every `*.json` under `path`: a directory (recursively,
    /// symlinks not followed) or a `.zip` archive as OSV publishes them. A
    /// file that is not an OSV record is skipped, not fatal.
    pub fn load(path: &Path) -> Result<Self, String> {
        if path.is_file() {
            return Self::load_zip(path);
        }
        let dir = path;
        let mut db = Database::default();
        let mut files = Vec::new();
        collect_json(dir, &mut files, 0)?;
        files.sort();
        for path in files.into_iter().take(MAX_RECORDS) {
            match read_record(&path) {
                Some(advisory) if advisory.withdrawn.is_none() => db.add(advisory),
                Some(_) => {}
                None => db.skipped.push(path),
            }
        }
        Ok(db)
    }

    /// Entries are decompressed in memory one at a time, each bounded to
    /// [`MAX_RECORD_BYTES`]; all of them together to [`zip_budget`] of the
    /// archive's size, and entries whose data overlap (the trick of
    /// non-recursive zip bombs) are refused: a small archive cannot cost
    /// minutes of CPU.
    fn load_zip(path: &Path) -> Result<Self, String> {
        let file = File::open(path)
            .map_err(|e| format!("cannot read the advisory archive `{}`: {e}", path.display()))?;
        let archive_size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut archive = zip::ZipArchive::new(file)
            .map_err(|e| format!("`{}` is not a zip archive: {e}", path.display()))?;
        if archive.len() > MAX_RECORDS {
            return Err(format!(
                "`{}` has {} entries, more than the {MAX_RECORDS} an OSV archive holds",
                path.display(),
                archive.len()
            ));
        }
        check_no_overlap(&mut archive)
            .map_err(|why| format!("`{}` is not a plain zip archive: {why}", path.display()))?;
        let budget = zip_budget(archive_size);
        let mut inflated: u64 = 0;
        let mut db = Database::default();
        for i in 0..archive.len() {
            let Ok(entry) = archive.by_index(i) else {
                continue;
            };
            if inflated > budget {
                return Err(format!(
                    "`{}` inflates to more than {budget} bytes ({ZIP_RATIO}× its size): not an OSV archive",
                    path.display()
                ));
            }
            let Ok(name) = entry.name().map(|n| n.into_owned()) else {
                continue;
            };
            if !name.ends_with(".json") {
                continue;
            }
            let mut text = String::new();
            let read = entry.take(MAX_RECORD_BYTES).read_to_string(&mut text);
            inflated += text.len() as u64;
            let record = read
                .ok()
                .and_then(|_| serde_json::from_str::<Advisory>(&text).ok());
            match record {
                Some(advisory) if advisory.withdrawn.is_none() => db.add(advisory),
                Some(_) => {}
                None => db.skipped.push(path.join(name)),
            }
        }
        Ok(db)
    }

    fn add(&mut self, advisory: Advisory) {
        let index = self.advisories.len();
        for affected in &advisory.affected {
            if let Some(p) = &affected.package
                && let Some(e) = osv_ecosystem(&p.ecosystem)
            {
                let entry = self.by_package.entry(key(e, &p.name)).or_default();
                if entry.last() != Some(&index) {
                    entry.push(index);
                }
            }
        }
        self.advisories.push(advisory);
    }

    pub fn len(&self) -> usize {
        self.advisories.len()
    }

    pub fn is_empty(&self) -> bool {
        self.advisories.is_empty()
    }

    /// Every advisory that affects this exact version of the component.
    pub fn affecting(&self, purl: &Purl) -> Vec<Hit<'_>> {
        let Some(version) = purl.version.as_deref() else {
            return Vec::new();
        };
        let Some(indices) = self
            .by_package
            .get(&key(purl.ecosystem, &purl.qualified_name()))
        else {
            return Vec::new();
        };
        let parsed = Version::parse(purl.ecosystem, version);
        indices
            .iter()
            .filter_map(|&i| self.advisories.get(i))
            .filter_map(|advisory| {
                let relevant = advisory.affected.iter().filter(|a| {
                    a.package.as_ref().is_some_and(|p| {
                        osv_ecosystem(&p.ecosystem) == Some(purl.ecosystem)
                            && key(purl.ecosystem, &p.name)
                                == key(purl.ecosystem, &purl.qualified_name())
                    })
                });
                let mut fixed: Option<(Version, String)> = None;
                let mut hit = false;
                for a in relevant {
                    let listed = a.versions.iter().any(|v| v == version);
                    let in_range = parsed.as_ref().is_some_and(|v| {
                        a.ranges.iter().any(|r| range_affects(purl.ecosystem, r, v))
                    });
                    if listed || in_range {
                        hit = true;
                        for candidate in a
                            .ranges
                            .iter()
                            .flat_map(|r| &r.events)
                            .filter_map(|e| e.fixed.as_deref())
                        {
                            let Some(cv) = Version::parse(purl.ecosystem, candidate) else {
                                continue;
                            };
                            let after = parsed
                                .as_ref()
                                .is_none_or(|v| cv.compare(v) == Some(Ordering::Greater));
                            let earlier = fixed
                                .as_ref()
                                .is_none_or(|(best, _)| cv.compare(best) == Some(Ordering::Less));
                            if after && earlier {
                                fixed = Some((cv, candidate.to_owned()));
                            }
                        }
                    }
                }
                hit.then(|| Hit {
                    advisory,
                    fixed: fixed.map(|(_, text)| text),
                })
            })
            .collect()
    }
}

/// OSV's evaluation: events in version order; `introduced` turns on,
/// `fixed` and `limit` turn off at their version, `last_affected` after it.
fn range_affects(ecosystem: Ecosystem, range: &OsvRange, version: &Version) -> bool {
    if range.kind != "SEMVER" && range.kind != "ECOSYSTEM" {
        return false; // GIT ranges name commits, not versions
    }
    let at = |text: &str| -> Option<Ordering> {
        if text == "0" {
            return Some(Ordering::Greater);
        }
        let bound = Version::parse(ecosystem, text)?;
        version.compare(&bound)
    };
    let mut events: Vec<(&Event, Option<Version>)> = range
        .events
        .iter()
        .map(|e| {
            let text = e
                .introduced
                .as_deref()
                .or(e.fixed.as_deref())
                .or(e.last_affected.as_deref())
                .or(e.limit.as_deref())
                .unwrap_or("");
            (
                e,
                if text == "0" {
                    None
                } else {
                    Version::parse(ecosystem, text)
                },
            )
        })
        .collect();
    // "0" sorts first; unparsable versions keep their written position last.
    events.sort_by(|(_, a), (_, b)| match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.compare(y).unwrap_or(Ordering::Equal),
    });
    let mut affected = false;
    for (event, _) in events {
        let reached = |bound: &Option<String>| bound.as_deref().and_then(at);
        if event.introduced.is_some() {
            affected |= reached(&event.introduced).is_some_and(|o| o != Ordering::Less);
        } else if event.fixed.is_some() || event.limit.is_some() {
            let bound = if event.fixed.is_some() {
                &event.fixed
            } else {
                &event.limit
            };
            affected &= reached(bound).is_none_or(|o| o == Ordering::Less);
        } else if event.last_affected.is_some() {
            affected &= reached(&event.last_affected) != Some(Ordering::Greater);
        }
    }
    affected
}

/// How much larger than the archive its entries may inflate in total.
/// OSV's JSON compresses about 10×; a zip bomb by thousands.
const ZIP_RATIO: u64 = 64;

fn zip_budget(archive_size: u64) -> u64 {
    archive_size.saturating_mul(ZIP_RATIO).max(64 * 1024 * 1024)
}

/// Refuses archives whose entries share compressed data.
fn check_no_overlap<R: std::io::Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
) -> Result<(), String> {
    let mut ranges = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index_raw(i) else {
            continue;
        };
        let start = entry.header_start();
        let end = entry
            .data_start()
            .unwrap_or(start)
            .saturating_add(entry.compressed_size());
        ranges.push((start, end));
    }
    ranges.sort_unstable();
    for pair in ranges.windows(2) {
        if let [(_, end), (next, _)] = pair
            && next < end
        {
            return Err("two entries share compressed data".to_owned());
        }
    }
    Ok(())
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<(), String> {
    if depth > 16 {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| {
        format!(
            "cannot read the advisory directory `{}`: {e}",
            dir.display()
        )
    })?;
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() {
            collect_json(&path, out, depth + 1)?;
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
        if out.len() >= MAX_RECORDS {
            break;
        }
    }
    Ok(())
}

fn read_record(path: &Path) -> Option<Advisory> {
    let file = File::open(path).ok()?;
    let mut text = String::new();
    file.take(MAX_RECORD_BYTES).read_to_string(&mut text).ok()?;
    serde_json::from_str(&text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(records: &[&str]) -> Database {
        let mut db = Database::default();
        for r in records {
            db.add(serde_json::from_str(r).unwrap_or_else(|e| panic!("{e}")));
        }
        db
    }

    fn purl(s: &str) -> Purl {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    const LODASH: &str = r#"{"id": "GHSA-35jh-r3h4-6jhm", "aliases": ["CVE-2021-23337"], "summary": "Command injection in lodash",
        "database_specific": {"severity": "HIGH"},
        "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]}]}"#;

    #[test]
    fn semver_ranges_with_fixed_versions() {
        let db = db(&[LODASH]);
        let hits = db.affecting(&purl("pkg:npm/lodash@4.17.20"));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].fixed.as_deref(), Some("4.17.21"));
        assert_eq!(hits[0].advisory.severity().as_deref(), Some("HIGH"));
        assert!(db.affecting(&purl("pkg:npm/lodash@4.17.21")).is_empty());
        assert!(db.affecting(&purl("pkg:npm/lodash")).is_empty());
        assert!(db.affecting(&purl("pkg:cargo/lodash@1.0.0")).is_empty());
    }

    #[test]
    fn ecosystem_ranges_use_pep440_order_and_last_affected() {
        let db = db(&[
            r#"{"id": "PYSEC-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "Django"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "4.2"}, {"last_affected": "4.2.10"}, {"introduced": "5.0"}, {"fixed": "5.0.3"}]}]}]}"#,
        ]);
        assert_eq!(db.affecting(&purl("pkg:pypi/django@4.2.10")).len(), 1);
        assert!(db.affecting(&purl("pkg:pypi/django@4.2.11")).is_empty());
        assert!(db.affecting(&purl("pkg:pypi/django@4.1")).is_empty());
        assert_eq!(
            db.affecting(&purl("pkg:pypi/django@5.0.2"))
                .first()
                .and_then(|h| h.fixed.clone())
                .as_deref(),
            Some("5.0.3")
        );
    }

    #[test]
    fn reads_osv_zip_archives() -> Result<(), Box<dyn std::error::Error>> {
        use std::io::Write;
        let dir = std::env::temp_dir().join(format!("pscf-lint-osv-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("all.zip");
        let mut zip = zip::ZipWriter::new(File::create(&path)?);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("GHSA-35jh-r3h4-6jhm.json", options)?;
        zip.write_all(LODASH.as_bytes())?;
        zip.start_file("notes.txt", options)?;
        zip.write_all(b"not a record")?;
        zip.finish()?;
        let db = Database::load(&path)?;
        std::fs::remove_dir_all(&dir)?;
        assert_eq!(db.len(), 1);
        assert_eq!(db.affecting(&purl("pkg:npm/lodash@4.17.20")).len(), 1);
        Ok(())
    }

    #[test]
    fn explicit_version_lists_and_go_versions() {
        let db = db(&[
            r#"{"id": "GO-2024-1", "affected": [{"package": {"ecosystem": "Go", "name": "github.com/a/b"}, "versions": ["v1.2.3"],
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.5.0"}, {"fixed": "1.5.2"}]}]}]}"#,
        ]);
        assert_eq!(
            db.affecting(&purl("pkg:golang/github.com/a/b@v1.2.3"))
                .len(),
            1
        );
        assert!(
            db.affecting(&purl("pkg:golang/github.com/a/b@v1.4.0"))
                .is_empty()
        );
    }
}
