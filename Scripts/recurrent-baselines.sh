#!/usr/bin/env bash
# The recurrent baselines of issue 17: a GRU with attention (the Pig-Latin assignment's model) against the
# Transformer, at hidden sizes 32 and 64, on the small and the large shipped Pig-Latin sets. Every run uses
# the same data split, batches, schedule (--warmup 400), dropout 0.1 and no label smoothing (so the
# validation loss is comparable with the assignment's published nats per token). Each best checkpoint is
# scored on the held-out test file that training never saw. Prints one Markdown table row per run:
# parameters, best validation loss per token, held-out exact match / loss, training time (the trainer's
# own clock: the optimizer steps, not the per-epoch validation) and training tokens/s (median of
# train/tokens_per_s in metrics.csv).
# docs/recurrent-baselines.md has the results.
#
#   Scripts/recurrent-baselines.sh                          # everything (~5 minutes on 2 shared cores)
#   SETS=small SIZES=32 MODELS="gru transformer" Scripts/recurrent-baselines.sh
#
# Environment (defaults): SETS "small large", SIZES "32 64", MODELS "gru transformer" (also: lstm,
# bigru = bidirectional GRU, gru-dot = GRU with dot-product attention), EPOCHS_SMALL 30, EPOCHS_LARGE 8,
# SEED 0, DIR runs/recurrent-<UTC time>, NO_BUILD=1 to reuse .build/release.
set -euo pipefail
cd "$(dirname "$0")/.."
SETS=${SETS:-"small large"}
SIZES=${SIZES:-"32 64"}
MODELS=${MODELS:-"gru transformer"}
EPOCHS_SMALL=${EPOCHS_SMALL:-30}
EPOCHS_LARGE=${EPOCHS_LARGE:-8}
SEED=${SEED:-0}
DIR=${DIR:-runs/recurrent-$(date -u +%Y%m%dT%H%M%S)}
TOOL=.build/release/transformer-cli
[ -n "${NO_BUILD:-}" ] || swift build -c release --product transformer-cli >&2
mkdir -p "$DIR"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "| set | model | hidden | parameters | epochs | best validation loss / token | held-out exact match | held-out loss / token | training time | training tokens/s |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for set in $SETS; do
  epochs=$([ "$set" = small ] && echo "$EPOCHS_SMALL" || echo "$EPOCHS_LARGE")
  for size in $SIZES; do
    for model in $MODELS; do
      case $model in
        gru) flags=(--architecture gru); name="GRU + additive attention" ;;
        bigru) flags=(--architecture gru --bidirectional); name="GRU (bidirectional encoder) + additive attention" ;;
        gru-dot) flags=(--architecture gru --attention dot-product); name="GRU + dot-product attention" ;;
        lstm) flags=(--architecture lstm); name="LSTM + additive attention" ;;
        transformer) flags=(--architecture transformer --heads 4 --layers 2 --d-ff $((4 * size))); name="Transformer (2 layers, 4 heads)" ;;
        *) echo "error: MODELS: unknown model $model (expected gru, gru-dot, bigru, lstm, transformer)" >&2; exit 64 ;;
      esac
      run="$DIR/$set-$model-$size-seed$SEED"
      command=("$TOOL" train --data "Data/pig-latin-$set.tsv" --max-len 20 --d-model "$size" "${flags[@]}"
               --dropout 0.1 --label-smoothing 0 --epochs "$epochs" --patience 0 --batch-size 64 --warmup 400
               --seed "$SEED" --samples 0 --log-every 100 --logdir "$run")
      echo "== ${command[*]} (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
      "${command[@]}" > "$run.log" 2>&1
      "$TOOL" evaluate --checkpoint "$run/best.safetensors" --data "Data/pig-latin-$set-test.tsv" --json > "$run.eval.json"
      python3 - "$run" "$set" "$name" "$size" "$epochs" <<'PY'
import csv, json, re, statistics, sys
run, data, name, size, epochs = sys.argv[1:]
log = open(run + ".log").read()
params = re.search(r"Model: ([\d,]+) parameters", log).group(1)
vals = [float(x) for x in re.findall(r"validation: loss ([\d.]+)", log)]
clock = re.search(r"after (\S+) of training", log).group(1)
rates = [float(r["value"]) for r in csv.DictReader(open(run + "/metrics.csv")) if r["tag"] == "train/tokens_per_s"]
ev = json.loads(open(run + ".eval.json").read().strip().splitlines()[-1])
em, hits, n = ev["exact_match"], ev["exact_matches"], ev["pairs"]
print(f"| {data} | {name} | {size} | {params} | {epochs} | {min(vals):.4f} | {100*em:.2f}% ({hits} / {n}) | "
      f"{ev['loss']:.4f} | {clock} | {statistics.median(rates):,.0f} |")
PY
    done
  done
done
