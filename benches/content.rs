//! The content scanner (secrets, TLS, plain HTTP) on 4 MiB of ASCII code
//! and on the same text with non-ASCII comments, the case that made the
//! old Unicode-word-boundary regex set fall back to its slowest engine.
//!
//! Run with `cargo bench --bench content`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pscf_lint::context::PathContext;
use pscf_lint::location::{RelPath, SourceFile};
use pscf_lint::scan::content::{Language, scan};

const SIZE: usize = 4 * 1024 * 1024;

/// Code shaped like a real service: URLs, keys, comments and strings,
/// with no finding in it (the common case).
fn code(non_ascii: bool) -> String {
    let block = if non_ascii {
        "// Überprüft die Verbindung – 接続を確認する ✓\nconst url = \"https://api.example.io/v1\";\nlet token = process.env.API_TOKEN; // 令牌\nfunction verify(certificate) { return checkPassword(user, certificate); }\n"
    } else {
        "// Checks the connection before use.\nconst url = \"https://api.example.io/v1\";\nlet token = process.env.API_TOKEN; // token\nfunction verify(certificate) { return checkPassword(user, certificate); }\n"
    };
    block.repeat(SIZE / block.len())
}

fn content(c: &mut Criterion) {
    let mut group = c.benchmark_group("content");
    for (name, non_ascii) in [("ascii", false), ("non-ascii", true)] {
        let source = SourceFile::new(RelPath::new("app.js"), code(non_ascii));
        group.throughput(Throughput::Bytes(source.text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| scan(black_box(&source), Language::Js, PathContext::Production))
        });
    }
    group.finish();
}

criterion_group!(benches, content);
criterion_main!(benches);
