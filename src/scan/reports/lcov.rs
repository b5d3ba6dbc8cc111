//! LCOV tracefiles: `SF:` records with `DA:` lines and `BRDA:` branches;
//! `LF:`/`LH:` and `BRF:`/`BRH:` totals count where a record has no
//! per-line data.

use super::{Counts, CoverageData};
use crate::facts::FileProblem;
use crate::location::SourceFile;

pub fn parse(source: &SourceFile) -> Result<CoverageData, FileProblem> {
    let mut data = CoverageData::default();
    let mut file = String::new();
    let mut record = Record::default();
    let mut offset = 0;
    let mut records = 0usize;
    for raw in source.text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']).trim();
        let bad = |what: &str| FileProblem::Unparsable {
            location: source.location(start..start + raw.trim_end().len()),
            message: format!("malformed LCOV {what} record"),
        };
        let (tag, value) = line.split_once(':').unwrap_or((line, ""));
        match tag {
            "SF" => {
                file = value.to_owned();
                record = Record::default();
                records += 1;
            }
            "DA" => {
                let mut parts = value.split(',');
                let (Some(n), Some(count)) = (parts.next(), parts.next()) else {
                    return Err(bad("DA"));
                };
                let (Ok(n), Ok(count)) = (n.trim().parse::<u32>(), count.trim().parse::<i64>())
                else {
                    return Err(bad("DA"));
                };
                record.per_line = true;
                data.line(&file, n, count > 0);
            }
            "BRDA" => {
                let parts: Vec<&str> = value.split(',').collect();
                let (Some(n), Some(taken)) = (parts.first(), parts.get(3)) else {
                    return Err(bad("BRDA"));
                };
                let Ok(n) = n.trim().parse::<u32>() else {
                    return Err(bad("BRDA"));
                };
                let hit = taken.trim() != "-" && taken.trim().parse::<u64>().is_ok_and(|t| t > 0);
                let number = |i: usize| {
                    parts
                        .get(i)
                        .and_then(|p| p.trim().trim_start_matches('e').parse::<u32>().ok())
                        .unwrap_or(0)
                };
                let id = (u64::from(number(1)) << 32) | u64::from(number(2));
                record.per_branch = true;
                data.branch(&file, n, id, u32::from(hit), 1);
            }
            "LF" => record.lines.total = value.trim().parse().map_err(|_| bad("LF"))?,
            "LH" => record.lines.covered = value.trim().parse().map_err(|_| bad("LH"))?,
            "BRF" => record.branches.total = value.trim().parse().map_err(|_| bad("BRF"))?,
            "BRH" => record.branches.covered = value.trim().parse().map_err(|_| bad("BRH"))?,
            "end_of_record" => {
                if !record.per_line {
                    data.line_totals
                        .add(record.lines.covered, record.lines.total);
                }
                if !record.per_branch {
                    data.branch_totals
                        .add(record.branches.covered, record.branches.total);
                }
                record = Record::default();
            }
            _ => {}
        }
    }
    if records == 0 {
        return Err(FileProblem::Unparsable {
            location: source.location(0..0),
            message: "not an LCOV tracefile: no `SF:` record".to_owned(),
        });
    }
    Ok(data)
}

#[derive(Default)]
struct Record {
    lines: Counts,
    branches: Counts,
    per_line: bool,
    per_branch: bool,
}
