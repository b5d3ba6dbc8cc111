#!/usr/bin/env bash
# Decides how this job gets pscf-lint: a release binary verified against
# the SHA-256 recorded in this action, or the action's own source, built
# once per version, runner, toolchain and source hash, then cached.
# Writes mode, install-dir, cache-key, asset-url and asset-sha256 to
# $GITHUB_OUTPUT.
set -euo pipefail

root="${GITHUB_ACTION_PATH:?not set: run inside GitHub Actions}"
here="$root/action"

if command -v sha256sum >/dev/null; then sha256=(sha256sum); else sha256=(shasum -a 256); fi

case "${RUNNER_OS:-}-${RUNNER_ARCH:-}" in
  Linux-X64) target=x86_64-unknown-linux-gnu ;;
  Linux-ARM64) target=aarch64-unknown-linux-gnu ;;
  macOS-X64) target=x86_64-apple-darwin ;;
  macOS-ARM64) target=aarch64-apple-darwin ;;
  Windows-X64) target=x86_64-pc-windows-msvc ;;
  *) target=unknown ;;
esac

version="${INPUT_VERSION#v}"
# The version goes into a URL and a cache key: nothing but a version.
if [[ -n "$version" && ! "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]]; then
  echo "::error title=pscf-lint::the version input must be a release version such as 0.2.0 (or empty to build the action's source)"
  exit 2
fi

sha=""
if [[ -n "$version" && -n "${ACTION_REPOSITORY:-}" ]]; then
  sha=$(awk -v v="$version" -v t="$target" \
    '$1 == v && $2 == t && length($3) == 64 && $3 ~ /^[0-9a-f]+$/ { print $3; exit }' \
    "$here/releases.sha256")
fi

if [[ -n "$sha" ]]; then
  asset="pscf-lint-$version-$target"
  {
    echo "mode=prebuilt"
    echo "install-dir=$RUNNER_TEMP/pscf-lint/$version-$target"
    echo "asset-url=${SERVER_URL:-https://github.com}/$ACTION_REPOSITORY/releases/download/v$version/$asset"
    echo "asset-sha256=$sha"
  } >>"$GITHUB_OUTPUT"
  exit 0
fi

source_version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
if [[ -n "$version" && "$version" != "$source_version" ]]; then
  echo "::warning title=pscf-lint::no verified binary of pscf-lint $version for $target is recorded in this action: building the action's own source ($source_version) instead; pin the action to the v$version tag to run that version"
fi
toolchain=$(tr -d '[:space:]' <"$here/toolchain")
# What the binary is made of: a new commit of the action is a new build.
hash=$(cd "$root" && find Cargo.toml Cargo.lock src action/build.sh action/toolchain -type f -print0 |
  LC_ALL=C sort -z | xargs -0 "${sha256[@]}" | "${sha256[@]}" | cut -c 1-20)
{
  echo "mode=source"
  echo "install-dir=$RUNNER_TEMP/pscf-lint/source-$hash"
  echo "cache-key=pscf-lint-$source_version-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}-rust$toolchain-$hash"
} >>"$GITHUB_OUTPUT"
