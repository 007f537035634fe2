#!/usr/bin/env bash
# Issue 17, positions: does a Pig-Latin model trained on short words translate longer, unseen ones? One
# Transformer per positional scheme (--positional sinusoidal, learned, rope, alibi) and the GRU with
# attention (--architecture gru), trained on the words of at most MAX_TRAIN letters of
# Data/pig-latin-large.tsv, each best checkpoint scored with `evaluate --json` on held-out words of every
# length from MAX_TRAIN + 1 to 14 (Scripts/length-generalisation-data.py builds the files; the 13- and
# 14-letter words come from Debian's scowl lists, the shipped files' source: apt-get install scowl).
# Prints the Markdown tables of Scripts/length-generalisation-report.py (exact match % by scheme, seed and
# length; then the mean over the seeds) and writes DIR/exact-match.csv and the line chart
# DIR/exact-match.svg (`transformer-cli plot-lines`). docs/positions-and-length.md has the results.
#
#   SEEDS="0 1 2" Scripts/length-generalisation.sh                 # the study (~8 minutes on 2 cores)
#   MAX_TRAIN=12 SEEDS="0 1" Scripts/length-generalisation.sh     # the issue's goal: <= 12 -> 13, 14 (~13 minutes)
#
# Every Transformer: d_model 64, 4 heads, 2 + 2 layers, d_ff 256, dropout 0.1, pre-norm; the GRU: hidden
# 64, 1 layer, additive attention. Same data, batches (64 pairs), schedule (--warmup 400), EPOCHS epochs
# without early stopping, --max-len 20 (so the learned table has rows for every test length: rows past
# the training lengths are never trained), best checkpoint by validation loss (10% of the training words).
# Environment (defaults): MAX_TRAIN 8, SCHEMES "sinusoidal learned rope alibi gru", EPOCHS 20, SEEDS "0",
# PER_LENGTH 500, DIR runs/length-<MAX_TRAIN>-<UTC time>, NICE (e.g. "nice -n 19") before every run,
# NO_BUILD=1 to reuse .build/release.
set -euo pipefail
cd "$(dirname "$0")/.."
MAX_TRAIN=${MAX_TRAIN:-8}
SCHEMES=${SCHEMES:-"sinusoidal learned rope alibi gru"}
EPOCHS=${EPOCHS:-20}
SEEDS=${SEEDS:-0}
PER_LENGTH=${PER_LENGTH:-500}
DIR=${DIR:-runs/length-$MAX_TRAIN-$(date -u +%Y%m%dT%H%M%S)}
NICE=${NICE:-}
TOOL=.build/release/transformer-cli
[ -n "${NO_BUILD:-}" ] || $NICE swift build -c release --product transformer-cli >&2
mkdir -p "$DIR"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 Scripts/length-generalisation-data.py --max-train-letters "$MAX_TRAIN" --per-length "$PER_LENGTH" \
  --out "$DIR/data" | tee "$DIR/data.txt" >&2
tests=(in $(seq -f %02g $((MAX_TRAIN + 1)) 14))
for seed in $SEEDS; do
  for scheme in $SCHEMES; do
    case $scheme in
      gru) flags=(--architecture gru) ;;
      sinusoidal|learned|rope|alibi) flags=(--positional "$scheme" --heads 4 --layers 2 --d-ff 256) ;;
      *) echo "error: SCHEMES: unknown scheme $scheme (expected sinusoidal, learned, rope, alibi, gru)" >&2; exit 64 ;;
    esac
    run="$DIR/$scheme-seed$seed"
    command=("$TOOL" train --data "$DIR/data/train.tsv" --max-len 20 --d-model 64 "${flags[@]}" --dropout 0.1
             --epochs "$EPOCHS" --patience 0 --batch-size 64 --warmup 400 --seed "$seed" --samples 0
             --log-every 100 --logdir "$run")
    echo "== ${command[*]} (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    start=$(date +%s.%N)
    $NICE "${command[@]}" > "$run.log" 2>&1
    python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')" > "$run.seconds"
    for test in "${tests[@]}"; do
      $NICE "$TOOL" evaluate --checkpoint "$run/best.safetensors" --data "$DIR/data/test-$test.tsv" --json \
        > "$run.eval-$test.json"
    done
  done
done
python3 Scripts/length-generalisation-report.py "$DIR" "$MAX_TRAIN" "$SCHEMES" "$SEEDS" "${tests[*]}"
"$TOOL" plot-lines --csv "$DIR/exact-match.csv" --out "$DIR/exact-match.svg" \
  --title "Trained on words of at most $MAX_TRAIN letters: exact match by length" \
  --x-title "word length (letters)" --y-title "exact match (%)" > /dev/null
echo "wrote $DIR/exact-match.csv and $DIR/exact-match.svg" >&2
