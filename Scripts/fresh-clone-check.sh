#!/usr/bin/env bash
# Clones this repository (committed state only) into a temporary folder and runs the README's set-up
# commands there, the way CI does. Usage: Scripts/fresh-clone-check.sh
set -euo pipefail
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet "$repo" "$work/TransformerCore"
cd "$work/TransformerCore"
time swift run transformer-cli model
time swift test
