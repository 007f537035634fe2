#!/usr/bin/env bash
# Fashion-MNIST (Xiao et al. 2017, MIT licence) from Debian's dataset-fashion-mnist package, into
# Data/fashion-mnist/ as the four gzipped IDX files train-/t10k-images-idx3-ubyte.gz, -labels-idx1-ubyte.gz
# (60,000 + 10,000 28x28 grey images, 10 classes; ~30 MB, not committed), and classes.txt with the class names.
#   Scripts/data/get-fashion-mnist.sh [OUT_DIR]
# Needs apt-get (Debian / Ubuntu; no root: apt-get download) and dpkg-deb.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$here/Data/fashion-mnist}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && apt-get download dataset-fashion-mnist >/dev/null 2>"$work/apt.err"); then
  echo "error: apt-get download dataset-fashion-mnist failed: $(tail -n 1 "$work/apt.err")" >&2
  echo "  (a fresh machine's package lists may be empty: run 'apt-get update' as root once, then this again)" >&2
  exit 1
fi
dpkg-deb -x "$work"/dataset-fashion-mnist_*.deb "$work/x"
mkdir -p "$out"
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  cp "$work/x/usr/share/datasets/fashion-mnist/$f" "$out/$f.tmp" && mv "$out/$f.tmp" "$out/$f"
done
# The class names of the labels 0-9 (Fashion-MNIST's README), read by ImageDataset as classes.txt.
printf '%s\n' "T-shirt/top" Trouser Pullover Dress Coat Sandal Shirt Sneaker Bag "Ankle boot" > "$out/classes.txt.tmp"
mv "$out/classes.txt.tmp" "$out/classes.txt"
echo "wrote $out: $(ls "$out" | tr '\n' ' ')"
