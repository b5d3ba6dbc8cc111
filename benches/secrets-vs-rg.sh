#!/usr/bin/env bash
# Whole-binary benchmark: pscf-lint's content checks (secrets, TLS, plain
# HTTP) against ripgrep and grep reading the same generated tree.
#
#   bash benches/secrets-vs-rg.sh [DIR]
#
# Generates 20,000 text files (about 200 MB, 20 planted fake tokens) in DIR
# (default: a temporary directory), then times each tool with hyperfine.
# Needs python3, hyperfine and rg (Debian: apt-get install hyperfine ripgrep).
set -euo pipefail
cd "$(dirname "$0")/.."
tree="${1:-$(mktemp -d)}"

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

policy="$(mktemp)"
printf 'requirements:\n  - check: hardcoded-secret\n' > "$policy"
cargo build --release --quiet
bin="$PWD/target/release/pscf-lint"
patterns='(AKIA|ASIA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82}|glpat-[A-Za-z0-9_-]{20}|xox[baprs]-[A-Za-z0-9-]{10,}|(sk|rk)_live_[A-Za-z0-9]{24,}|AIza[0-9A-Za-z_-]{35}|npm_[A-Za-z0-9]{36}|-----BEGIN [A-Z ]*PRIVATE KEY'
cd "$tree"
hyperfine --warmup 2 --runs 10 -N \
  "$bin check . --config $policy -q --fail-on never" \
  "$bin check . --config $policy -q --fail-on never -j 1" \
  "rg -c --no-ignore '$patterns' ." \
  "grep -rcE 'gh[pousr]_[A-Za-z0-9]{36}' ."
