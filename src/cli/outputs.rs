//! One scan, several outputs: `--write FORMAT=FILE` (repeatable) renders
//! the same report in more formats, and `--github-output FILE` appends the
//! step outputs a GitHub Action exposes. Everything is written before the
//! process exits, so an `if: always()` step after a failing check still
//! finds its SARIF file.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::{EXIT_USAGE, Format};
use pscf_lint::report::Report;

/// One `--write FORMAT=FILE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    pub format: Format,
    pub file: PathBuf,
}

/// Parses `FORMAT=FILE` (clap value parser).
pub fn parse_write(value: &str) -> Result<Write, String> {
    let names = || {
        Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_owned()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some((name, file)) = value.split_once('=') else {
        return Err(format!(
            "expected FORMAT=FILE, e.g. `sarif=pscf-lint.sarif` (FORMAT one of {})",
            names()
        ));
    };
    let format = Format::from_str(name, true)
        .map_err(|_| format!("unknown format `{name}` (one of {})", names()))?;
    if file.is_empty() {
        return Err(format!("no file after `{name}=`"));
    }
    Ok(Write {
        format,
        file: PathBuf::from(file),
    })
}

/// Rejects a file named twice (by `--output` and `--write`, or two
/// `--write`s): the second report would silently replace the first.
pub fn check_distinct(output: Option<&Path>, writes: &[Write]) -> Result<(), String> {
    let mut seen: Vec<&Path> = output.into_iter().collect();
    for w in writes {
        if seen.contains(&w.file.as_path()) {
            return Err(format!(
                "`{}` is named by more than one --output/--write: give each report its own file",
                w.file.display()
            ));
        }
        seen.push(&w.file);
    }
    Ok(())
}

/// What the primary `--format`/`--output` did, for the step outputs.
pub struct Primary<'a> {
    pub format: Format,
    pub output: Option<&'a Path>,
}

/// Writes every `--write` report, then the `--github-output` lines, and
/// returns the exit code: `code` (the check's, or 2 when the primary output
/// failed), or 2 when any of these files could not be written.
pub fn write_all(
    report: &Report,
    primary: Primary<'_>,
    writes: &[Write],
    github_output: Option<&Path>,
    code: i32,
    render: impl Fn(Format) -> String,
) -> i32 {
    let mut code = code;
    // The primary output failed when `code` says so already.
    let mut sarif = primary
        .output
        .filter(|_| primary.format == Format::Sarif && code != EXIT_USAGE);
    for w in writes {
        match std::fs::write(&w.file, render(w.format)) {
            Ok(()) if w.format == Format::Sarif => sarif = sarif.or(Some(w.file.as_path())),
            Ok(()) => {}
            Err(e) => {
                eprintln!(
                    "error: cannot write the {} report to `{}`: {e} (check that its directory exists and is writable)",
                    format_name(w.format),
                    w.file.display()
                );
                code = EXIT_USAGE;
            }
        }
    }
    if let Some(path) = github_output {
        let text = step_outputs(report, sarif, code);
        if let Err(e) = append(path, &text) {
            eprintln!(
                "error: cannot append the step outputs to `{}`: {e}",
                path.display()
            );
            code = EXIT_USAGE;
        }
    }
    code
}

fn format_name(format: Format) -> String {
    format
        .to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}

/// The `$GITHUB_OUTPUT` lines: counts of active findings, the exit code,
/// and the SARIF file when one was written.
fn step_outputs(report: &Report, sarif: Option<&Path>, code: i32) -> String {
    let c = report.counts();
    let mut out = format!(
        "findings={}\nerrors={}\nwarnings={}\nnotes={}\nexit-code={code}\n",
        c.errors + c.warnings + c.notes,
        c.errors,
        c.warnings,
        c.notes
    );
    if let Some(path) = sarif {
        out.push_str(&output_line("sarif-file", &path.to_string_lossy()));
    }
    out
}

/// `name=value`, or GitHub's multi-line form (`name<<DELIMITER`) when the
/// value holds a line break: a path with a newline must not be able to add
/// outputs of its own. The delimiter is grown until the value cannot
/// contain it, so the output stays deterministic.
fn output_line(name: &str, value: &str) -> String {
    if !value.contains(['\n', '\r']) {
        return format!("{name}={value}\n");
    }
    let mut delimiter = String::from("PSCF_LINT_EOF");
    while value.contains(delimiter.as_str()) {
        delimiter.push('_');
    }
    format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_format_and_file() {
        assert_eq!(
            parse_write("sarif=out/a=b.sarif"),
            Ok(Write {
                format: Format::Sarif,
                file: PathBuf::from("out/a=b.sarif")
            })
        );
        assert!(
            parse_write("sarif")
                .unwrap_err()
                .starts_with("expected FORMAT=FILE")
        );
        assert!(
            parse_write("pdf=x")
                .unwrap_err()
                .starts_with("unknown format `pdf`")
        );
        assert_eq!(
            parse_write("json="),
            Err("no file after `json=`".to_owned())
        );
    }

    #[test]
    fn the_same_file_twice_is_refused() {
        let w = |f: &str| Write {
            format: Format::Json,
            file: PathBuf::from(f),
        };
        assert!(check_distinct(Some(Path::new("a")), &[w("b"), w("c")]).is_ok());
        assert!(check_distinct(Some(Path::new("a")), &[w("a")]).is_err());
        assert!(check_distinct(None, &[w("b"), w("b")]).is_err());
    }

    #[test]
    fn a_value_with_a_line_break_uses_a_delimiter_it_does_not_contain() {
        assert_eq!(output_line("sarif-file", "a.sarif"), "sarif-file=a.sarif\n");
        assert_eq!(
            output_line("sarif-file", "x\nexit-code=0\nPSCF_LINT_EOF"),
            "sarif-file<<PSCF_LINT_EOF_\nx\nexit-code=0\nPSCF_LINT_EOF\nPSCF_LINT_EOF_\n"
        );
    }
}
