#!/usr/bin/env bash
# The 2 x 2 Pig-Latin study: d_model 32 and 64 x the small and the large shipped dataset.
# Trains each model in a release build, scores its best checkpoint on the held-out test file that
# training never saw, and writes the results table into docs/training.md (between the STUDY markers) and the
# validation-loss curves to Scripts/results/pig-latin-loss.svg.
#
# Usage: Scripts/pig-latin-study.sh            (about 30 minutes on 2 cores)
# Knobs (environment): EPOCHS_SMALL (40), EPOCHS_LARGE (30), OUT (runs/study), SEED (1)
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS_SMALL=${EPOCHS_SMALL:-40}
EPOCHS_LARGE=${EPOCHS_LARGE:-30}
OUT=${OUT:-runs/study}
SEED=${SEED:-1}

swift build -c release --product transformer-cli
bin=.build/release/transformer-cli
mkdir -p "$OUT"

for set in small large; do
  for d in 32 64; do
    run="$OUT/d$d-$set"
    epochs=$([ "$set" = small ] && echo "$EPOCHS_SMALL" || echo "$EPOCHS_LARGE")
    rm -rf "$run"
    command=("$bin" train --data "Data/pig-latin-$set.tsv" --d-model "$d" --heads 4 --layers 2 --d-ff $((4 * d))
             --dropout 0.1 --epochs "$epochs" --batch-size 64 --warmup 400 --max-len 20 --seed "$SEED"
             --log-every 100 --samples 0 --logdir "$run")
    echo "== ${command[*]}"
    start=$(date +%s.%N)
    "${command[@]}" > "$OUT/d$d-$set.log"
    end=$(date +%s.%N)
    python3 -c "print(f'{$end - $start:.1f}')" > "$run/train_seconds"
    echo "${command[*]}" > "$run/command"
    "$bin" evaluate --checkpoint "$run/best.safetensors" --data "Data/pig-latin-$set-test.tsv" --json > "$run/test.json"
    cat "$run/test.json"
  done
done

python3 Scripts/study_report.py "$OUT" docs/training.md Scripts/results/pig-latin-loss.svg
