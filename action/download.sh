#!/usr/bin/env bash
# Downloads a release binary and runs nothing until its SHA-256 matches the
# one recorded in this action (action/releases.sha256).
set -euo pipefail

# The URL is GitHub's own (server URL, action repository, a checked
# version): https, or file:// as tests/action.rs serves a release.
mkdir -p "$INSTALL_DIR/bin"
tmp="$INSTALL_DIR/bin/pscf-lint.download"
trap 'rm -f "$tmp"' EXIT
curl --fail --silent --show-error --location --proto '=https,file' --retry 3 \
  --output "$tmp" "$ASSET_URL"
if command -v sha256sum >/dev/null; then
  echo "$ASSET_SHA256  $tmp" | sha256sum -c -
else
  echo "$ASSET_SHA256  $tmp" | shasum -a 256 -c -
fi
chmod +x "$tmp"
mv "$tmp" "$INSTALL_DIR/bin/pscf-lint"
