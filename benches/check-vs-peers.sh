#!/usr/bin/env bash
# Whole-binary benchmark of `pscf-lint check` against its peers (issue 9).
#
#   bash benches/check-vs-peers.sh [--copies N] DIR...
#
# For each DIR (a real repository), and for one combined tree that holds N
# copies (default 1) of all of them, prints: files, our median wall time
# with `-j 1` and `-j 2`, the speed-up, `rg -uu -c -e AKIA -e ghp_ -e
# verify=False -e http://` (the same kind of patterns), `zizmor --offline
# --no-config DIR/.github/workflows` (workflows only, when zizmor is
# installed and DIR has workflows), the ratios, and our peak RSS
# (`/usr/bin/time -v`). Medians of hyperfine runs taken in turn. Needs
# hyperfine and rg; zizmor is optional (`pip install zizmor`).
set -euo pipefail
cd "$(dirname "$0")/.."
copies=1
if [ "${1:-}" = "--copies" ]; then
  copies=$2
  shift 2
fi
[ $# -gt 0 ] || { echo "usage: $0 [--copies N] DIR..." >&2; exit 2; }
cargo build --release --quiet
bin="$PWD/target/release/pscf-lint"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
combined="$work/combined"
mkdir -p "$combined"
for dir in "$@"; do
  for i in $(seq "$copies"); do
    cp -r "$dir" "$combined/$(basename "$dir")-$i"
  done
done
median() { # hyperfine median in ms of one command
  local json="$work/h.json"
  hyperfine -N -i --warmup 1 --runs "${RUNS:-7}" --export-json "$json" "$1" >/dev/null 2>&1 || true
  python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))['results'][0]['median']*1000))" "$json"
}
peak() { # peak RSS in MiB
  /usr/bin/time -v "$@" >/dev/null 2>"$work/t" || true
  awk '/Maximum resident set size/ {printf "%.0f", $6/1024}' "$work/t"
}
ratio() { python3 -c "import sys; a,b=map(float,sys.argv[1:]); print(f'{a/max(b,1):.2f}')" "$1" "$2"; }
printf '%-24s %7s %8s %8s %6s %7s %7s %7s %8s %7s\n' \
  tree files 'j1 ms' 'j2 ms' 'j1/j2' 'rg ms' 'ours/rg' 'zizmor' 'ours/zz' 'RSS MiB'
for tree in "$@" "$combined"; do
  files=$(find "$tree" -type f | wc -l)
  j1=$(median "$bin check $tree -q --fail-on never -j 1")
  j2=$(median "$bin check $tree -q --fail-on never -j 2")
  rg=$(median "rg -uu -c -e AKIA -e ghp_ -e verify=False -e http:// $tree")
  zz=- zr=-
  if command -v zizmor >/dev/null && [ -d "$tree/.github/workflows" ]; then
    zz=$(median "zizmor --offline --no-config $tree/.github/workflows")
    zr=$(ratio "$j2" "$zz")
  fi
  printf '%-24s %7s %8s %8s %6s %7s %7s %7s %8s %7s\n' "$(basename "$tree")" "$files" \
    "$j1" "$j2" "$(ratio "$j1" "$j2")" "$rg" "$(ratio "$j2" "$rg")" "$zz" "$zr" \
    "$(peak "$bin" check "$tree" -q --fail-on never -j 2)"
done
