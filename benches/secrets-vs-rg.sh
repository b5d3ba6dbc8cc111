#!/usr/bin/env bash
# Whole-binary benchmark of pscf-lint's content checks against ripgrep.
#
#   bash benches/secrets-vs-rg.sh [TREE...]
#
# With TREEs (real repositories), times `pscf-lint check` on each against
# `rg -uu -c -e AKIA -e ghp_ -e verify=False -e http://` (issue 9's
# yardstick) and prints the medians, their ratio and both peak RSS values.
# Without, generates 20,000 text files (about 200 MB, 20 planted fake
# tokens) in a temporary directory and uses that. Needs hyperfine and rg
# (Debian: apt-get install hyperfine ripgrep); python3 for the generator.
set -euo pipefail
cd "$(dirname "$0")/.."
trees=("$@")
if [ ${#trees[@]} -eq 0 ]; then
  tree="$(mktemp -d)"
  python3 - "$tree" <<'PY'
import os, random, sys
root = sys.argv[1]
random.seed(7)
words = "the quick brown fox jumps over lazy dog config value server client request response handler module import return function variable".split()
block = "".join(" ".join(random.choice(words) for _ in range(12)) + "\n" for _ in range(200))
for i in range(20000):
    d = f"{root}/pkg{i // 200:03d}/src"
    os.makedirs(d, exist_ok=True)
    body = block[: 9000 + (i % 2000)]
    if i % 1000 == 0:
        body += "token = " + "ghp_" + "FAKE" + "0" * 32 + "\n"
    ext = random.choice(["py", "js", "rs", "go", "yaml", "json", "md", "txt"])
    with open(f"{d}/file{i:05d}.{ext}", "w") as f:
        f.write(body)
PY
  trees=("$tree")
fi
cargo build --release --quiet
bin="$PWD/target/release/pscf-lint"
rss() { /usr/bin/time -f %M "$@" >/dev/null 2>"$tmp" || true; tail -1 "$tmp"; }
tmp="$(mktemp)"
printf '%-28s %8s %8s %8s %7s %10s %10s\n' tree files ours_ms rg_ms ratio ours_KiB rg_KiB
for t in "${trees[@]}"; do
  json="$(mktemp)"
  hyperfine -N --warmup 2 --runs 10 --export-json "$json" \
    "$bin check $t -q --fail-on never" \
    "rg -uu -c -e AKIA -e ghp_ -e verify=False -e http:// $t" >/dev/null 2>&1 || true
  read -r ours rg < <(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print(*(int(x['median']*1000) for x in r))" "$json")
  files=$(find "$t" -type f | wc -l)
  printf '%-28s %8s %8s %8s %7s %10s %10s\n' "$(basename "$t")" "$files" "$ours" "$rg" \
    "$(python3 -c "print(f'{$ours/max($rg,1):.1f}x')")" \
    "$(rss "$bin" check "$t" -q --fail-on never)" \
    "$(rss rg -uu -c -e AKIA -e ghp_ -e verify=False -e http:// "$t")"
done
