#!/usr/bin/env bash
# Trains the same Pig-Latin model three times, identical except for the attention kinds -- scaled
# dot-product everywhere, additive (Bahdanau) everywhere, additive cross-attention with dot-product
# self-attention -- back to back, and evaluates each best checkpoint on the held-out test file. Prints one
# Markdown table row per variant: parameters, best validation loss, test exact match / token accuracy /
# loss, training tokens per second (median of train/tokens_per_s in metrics.csv) and its ratio to
# dot-product, wall time and peak RSS of `train` (/usr/bin/time -v). docs/additive-attention.md has the
# results.
#
#   Scripts/attention-kinds.sh                                        # small set, d_model 64, 40 epochs, seed 0
#   DATA=Data/pig-latin-large.tsv TEST=Data/pig-latin-large-test.tsv D_MODEL=32 D_FF=128 EPOCHS=10 \
#       Scripts/attention-kinds.sh
#
# Environment (defaults): DATA Data/pig-latin-small.tsv, TEST Data/pig-latin-small-test.tsv, D_MODEL 64,
# HEADS 4, LAYERS 2, D_FF 256, EPOCHS 40, WARMUP 400, SEED 0, VARIANTS "dot additive mixed",
# DIR runs/attention-kinds-<UTC time>, NO_BUILD=1 to reuse .build/release.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-Data/pig-latin-small.tsv}
TEST=${TEST:-Data/pig-latin-small-test.tsv}
D_MODEL=${D_MODEL:-64}; HEADS=${HEADS:-4}; LAYERS=${LAYERS:-2}; D_FF=${D_FF:-256}
EPOCHS=${EPOCHS:-40}; WARMUP=${WARMUP:-400}; SEED=${SEED:-0}
VARIANTS=${VARIANTS:-"dot additive mixed"}
DIR=${DIR:-runs/attention-kinds-$(date -u +%Y%m%dT%H%M%S)}
TOOL=.build/release/transformer-cli
[ -n "${NO_BUILD:-}" ] || swift build -c release --product transformer-cli >&2
mkdir -p "$DIR"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "| variant | parameters | best validation loss | test exact match | test token accuracy | test loss | training tokens/s (ratio to dot-product) | training time | peak RSS |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
dot_rate=""
for variant in $VARIANTS; do
  case $variant in
    dot) flags=(--attention dot-product); name="dot-product everywhere" ;;
    additive) flags=(--attention additive); name="additive everywhere" ;;
    mixed) flags=(--self-attention dot-product --cross-attention additive); name="additive cross, dot-product self" ;;
    *) echo "error: VARIANTS: unknown variant $variant (expected dot, additive, mixed)" >&2; exit 64 ;;
  esac
  run="$DIR/$variant"
  echo "== $variant (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  /usr/bin/time -v -o "$run.time" "$TOOL" train --data "$DATA" --max-len 20 --d-model "$D_MODEL" --heads "$HEADS" \
      --layers "$LAYERS" --d-ff "$D_FF" --epochs "$EPOCHS" --warmup "$WARMUP" --patience 0 --seed "$SEED" \
      "${flags[@]}" --logdir "$run" > "$run.log" 2>&1
  "$TOOL" evaluate --checkpoint "$run/best.safetensors" --data "$TEST" --json > "$run.eval.json"
  python3 - "$run" "$name" "${dot_rate:-}" <<'PY' > "$run.row"
import csv, json, re, statistics, sys
run, name, dot = sys.argv[1], sys.argv[2], sys.argv[3]
log = open(run + ".log").read()
params = re.search(r"Model: ([\d,]+) parameters", log).group(1)
vals = [float(x) for x in re.findall(r"validation: loss ([\d.]+)", log)]
rates = [float(r["value"]) for r in csv.DictReader(open(run + "/metrics.csv")) if r["tag"] == "train/tokens_per_s"]
rate = statistics.median(rates)
ev = json.loads(open(run + ".eval.json").read().strip().splitlines()[-1])
t = open(run + ".time").read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
ratio = rate / float(dot) if dot else 1.0
em, hits, n = ev["exact_match"], ev["exact_matches"], ev["pairs"]
print(f"| {name} | {params} | {min(vals):.4f} | {100*em:.2f}% ({hits} / {n}) | {100*ev['token_accuracy']:.2f}% | "
      f"{ev['loss']:.4f} | {rate:,.0f} ({ratio:.2f}) | {wall.split('.')[0]} | {rss:.0f} MiB |")
print(rate, file=open(run + ".rate", "w"))
PY
  [ "$variant" = dot ] && dot_rate=$(cat "$run.rate")
  cat "$run.row"
done
