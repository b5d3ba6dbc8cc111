#!/usr/bin/env bash
# One scan: annotations (or the human report) in the log, the SARIF file,
# the Markdown job summary and the step outputs; then pscf-lint's exit code.
set -uo pipefail

bin="$INSTALL_DIR/bin/pscf-lint"
if [[ ! -x "$bin" ]]; then
  echo "::error title=pscf-lint::pscf-lint is not installed (the build or download step did not run)"
  exit 2
fi

flag() {
  case "$2" in
    true) return 0 ;;
    false) return 1 ;;
    *)
      echo "::error title=pscf-lint::the $1 input must be true or false"
      exit 2
      ;;
  esac
}

scratch=$(mktemp -d)
# `--name=value` and `--` before the path: an input starting with `-`
# stays a value.
args=(check "--github-output=$scratch/outputs")
if flag annotations "$INPUT_ANNOTATIONS"; then
  args+=(--format github)
else
  args+=(--format human --color never)
fi
[[ -n "$INPUT_CONFIG" ]] && args+=("--config=$INPUT_CONFIG")
[[ -n "$INPUT_TRUSTED_POLICY" ]] && args+=("--trusted-policy=$INPUT_TRUSTED_POLICY")
[[ -n "$INPUT_FAIL_ON" ]] && args+=("--fail-on=$INPUT_FAIL_ON")
[[ -n "$INPUT_BASELINE" ]] && args+=("--baseline=$INPUT_BASELINE")
[[ -n "$INPUT_SARIF_FILE" ]] && args+=("--write=sarif=$INPUT_SARIF_FILE")
[[ -n "${INPUT_CATEGORY:-}" ]] && args+=("--sarif-category=$INPUT_CATEGORY")
summary=false
if flag summary "$INPUT_SUMMARY"; then
  summary=true
  args+=("--write=markdown=$scratch/summary.md")
fi

args+=(-- "$INPUT_PATH")

# The summary is appended below, only when asked for: pscf-lint must not
# also write it on its own from --format github.
env -u GITHUB_STEP_SUMMARY "$bin" "${args[@]}"
code=$?

if [[ "$summary" == true && -f "$scratch/summary.md" && -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  cat "$scratch/summary.md" >>"$GITHUB_STEP_SUMMARY"
fi
if [[ -s "$scratch/outputs" ]]; then
  cat "$scratch/outputs" >>"$GITHUB_OUTPUT"
else
  # A usage or policy error stops pscf-lint before it counts anything.
  echo "exit-code=$code" >>"$GITHUB_OUTPUT"
fi
rm -rf "$scratch"
exit "$code"
