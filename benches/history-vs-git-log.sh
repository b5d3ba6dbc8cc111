#!/usr/bin/env bash
# Whole-binary benchmark: pscf-lint's delivery metrics (the history walk)
# against `git log --oneline | wc -l` on the same generated repository.
#
#   bash benches/history-vs-git-log.sh [DIR]
#
# Generates, with `git fast-import`, a repository of 100,000 commits (one
# every 10 minutes, about 694 days) with 1,000 release tags (every 100th
# commit, annotated), a merge every 50 commits, and then times:
#   - `pscf-lint metrics` with the default 180-day window,
#   - `pscf-lint metrics` with a window over the whole history,
#   - `git log --oneline | wc -l`.
# Needs python3 and git; uses hyperfine when installed, else `time`.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="${1:-$(mktemp -d)}"
if [ ! -d "$repo/.git" ]; then
  git init -q -b main "$repo"
  python3 - <<'PY' | git -C "$repo" fast-import --quiet
import sys
out = sys.stdout
start = 1_700_000_000
mark = 0
side = None
for i in range(100_000):
    t = start + i * 600
    mark += 1
    data = f"line {i}\n"
    msg = f"change {i}" if i % 997 else f"fix CVE-2024-{i:05d}"
    out.write(f"commit refs/heads/main\nmark :{mark}\n")
    out.write(f"author Dev <dev@example.com> {t} +0000\ncommitter Dev <dev@example.com> {t} +0000\n")
    out.write(f"data {len(msg)}\n{msg}\n")
    if mark > 1:
        out.write(f"from :{mark - 1}\n")
    if i % 50 == 49 and side:
        out.write(f"merge :{side}\n")
    out.write(f"M 644 inline f{i % 100}.txt\ndata {len(data)}\n{data}\n")
    if i % 50 == 10:
        side = mark
    if i % 100 == 99:
        v = i // 100
        tag = f"v{v // 100}.{(v // 10) % 10}.{v % 10}"
        msg = tag
        out.write(f"tag {tag}\nfrom :{mark}\ntagger Rel <rel@example.com> {t + 60} +0000\ndata {len(msg)}\n{msg}\n")
PY
  git -C "$repo" reset -q --hard main
fi
cargo build --release --quiet
bin="$PWD/target/release/pscf-lint"
full="$(mktemp)"
printf 'metrics:\n  delivery:\n    window-days: 3650\n' > "$full"
echo "commits: $(git -C "$repo" rev-list --count HEAD), tags: $(git -C "$repo" tag | wc -l)"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs 5 \
    "$bin metrics $repo --format json" \
    "$bin metrics $repo --format json --config $full" \
    "git -C $repo log --oneline | wc -l"
else
  for cmd in "$bin metrics $repo --format json" "$bin metrics $repo --format json --config $full" "git -C $repo log --oneline | wc -l"; do
    echo "== $cmd"
    /usr/bin/time -f "%e s, %M KiB" bash -c "$cmd > /dev/null"
  done
fi
