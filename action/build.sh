#!/usr/bin/env bash
# Builds the action's source with its pinned toolchain and Cargo.lock,
# isolated from the calling job's Rust settings, into $INSTALL_DIR/bin.
set -euo pipefail

root="$GITHUB_ACTION_PATH"
toolchain=$(tr -d '[:space:]' <"$root/action/toolchain")

# The caller's RUSTFLAGS, CARGO_* (target dir, profile, build jobs,
# registries, wrappers) and RUSTC* would change or break the build, and
# the cache key would no longer describe the binary.
while IFS= read -r name; do
  case "$name" in
    CARGO_* | RUSTFLAGS | RUSTDOCFLAGS | RUSTC | RUSTC_* | RUSTDOC | RUSTUP_TOOLCHAIN) unset "$name" ;;
  esac
done < <(compgen -e)
# A fresh cargo home and a working directory outside the home directory:
# no `.cargo/config.toml` of the job applies.
work=$(mktemp -d)
export CARGO_HOME="$RUNNER_TEMP/pscf-lint-cargo-home"
export CARGO_TARGET_DIR="$RUNNER_TEMP/pscf-lint-target"
cd "$work"

if command -v rustup >/dev/null; then
  if rustup toolchain list | grep -q "^$toolchain-" ||
    rustup toolchain install "$toolchain" --profile minimal; then
    export RUSTUP_TOOLCHAIN="$toolchain"
  else
    echo "::warning title=pscf-lint::cannot install Rust $toolchain: building with $(cargo --version)"
  fi
else
  echo "pscf-lint: no rustup, building with $(cargo --version) (pscf-lint needs Rust 1.89 or later)"
fi

cargo build --release --locked --bin pscf-lint --manifest-path "$root/Cargo.toml"
mkdir -p "$INSTALL_DIR/bin"
cp "$CARGO_TARGET_DIR/release/pscf-lint" "$INSTALL_DIR/bin/pscf-lint"
rm -rf "$work"
