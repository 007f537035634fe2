#!/usr/bin/env bash
# Trains the character-level Shakespeare language model twice with the same shape, data and steps --
# ours (`transformer-cli train --task lm`) and Scripts/lm_torch_ref.py (the same model, windows, loss,
# Adam and schedule in plain PyTorch) -- and prints both final validation losses and the time per step
# as a ratio. Losses should agree within run-to-run noise (the two use different random streams for
# the weights, the window order and dropout); rerun with another SEED to see that noise.
#
#   Scripts/lm-vs-pytorch.sh                                   # 2000 steps each, ~C=128, 2 layers
#   STEPS=300 WARMUP=50 D_MODEL=64 D_FF=256 Scripts/lm-vs-pytorch.sh
#   NO_BUILD=1 THREADS=1 Scripts/lm-vs-pytorch.sh              # reuse .build/release; pin to 1 core
#
# Needs python3 with torch (pip install torch); installs nothing itself.
#
# Step time, measured differently on the two sides:
#   * PyTorch: the median over all steps after the first 3 of one full step (zero_grad, forward, loss,
#     backward, clip, Adam step), time.perf_counter around it (step_ms_median in its JSON line).
#   * ours: `train` has no per-step timer, so it is derived from metrics.csv: the median of the
#     `train/tokens_per_s` scalars (one per LOG_EVERY steps: target tokens / wall time of the interval,
#     which also includes the progress line and the scalar logging) as B * T / median tokens_per_s.
# Validation time is left out of both. Our `train` has no --threads: it uses every core it may run
# on, so with THREADS below the core count both sides run under `taskset -c 0-(THREADS-1)` (or
# `taskset -c $CPUS` when CPUS, a CPU list, is set).
#
# Environment (defaults): CONTEXT 128, BATCH_SIZE 64, D_MODEL 128, HEADS 4, LAYERS 2, D_FF 512,
# STEPS 2000, WARMUP 200, THREADS 2, SEED 0, LOG_EVERY 50 (ours: scalars; torch: progress lines),
# EVAL_EVERY 500 (torch's validation interval; ours validates after every epoch and at the end),
# TRAIN/VAL (Data/shakespeare-{train,val}.txt), DIR (runs/lm-vs-pytorch-<UTC time>: our logdir and
# checkpoints in DIR/swift, logs and the JSON line in DIR), NO_BUILD=1 to skip `swift build`.
set -euo pipefail
cd "$(dirname "$0")/.."
CONTEXT=${CONTEXT:-128}
BATCH_SIZE=${BATCH_SIZE:-64}
D_MODEL=${D_MODEL:-128}
HEADS=${HEADS:-4}
LAYERS=${LAYERS:-2}
D_FF=${D_FF:-512}
STEPS=${STEPS:-2000}
WARMUP=${WARMUP:-200}
THREADS=${THREADS:-2}
SEED=${SEED:-0}
LOG_EVERY=${LOG_EVERY:-50}
EVAL_EVERY=${EVAL_EVERY:-500}
TRAIN=${TRAIN:-Data/shakespeare-train.txt}
VAL=${VAL:-Data/shakespeare-val.txt}
DIR=${DIR:-runs/lm-vs-pytorch-$(date -u '+%Y%m%d-%H%M%S')}
OURS=.build/release/transformer-cli

python3 -c 'import torch' 2>/dev/null || { echo "error: python3 cannot import torch; pip install torch" >&2; exit 69; }
if [ -z "${NO_BUILD:-}" ]; then
  echo "building release ..." >&2
  swift build -c release --product transformer-cli >&2
fi
[ -x "$OURS" ] || { echo "error: $OURS not found; build it or leave NO_BUILD unset" >&2; exit 66; }

cores=$(nproc)
pin=()
if [ -n "${CPUS:-}" ]; then
  pin=(taskset -c "$CPUS")
elif [ "$THREADS" -lt "$cores" ]; then
  pin=(taskset -c "0-$((THREADS - 1))")
elif [ "$THREADS" -gt "$cores" ]; then
  echo "warning: THREADS=$THREADS but only $cores cores: ours uses $cores threads, torch $THREADS" >&2
fi
mkdir -p "$DIR"
shape=(--context "$CONTEXT" --batch-size "$BATCH_SIZE" --d-model "$D_MODEL" --heads "$HEADS"
       --layers "$LAYERS" --d-ff "$D_FF" --steps "$STEPS" --warmup "$WARMUP" --seed "$SEED")

echo "== ours: $STEPS steps (load: $(cut -d' ' -f1-3 /proc/loadavg)); log in $DIR/swift.log" >&2
"${pin[@]}" "$OURS" train --task lm --data "$TRAIN" --val-data "$VAL" "${shape[@]}" \
  --patience 0 --log-every "$LOG_EVERY" --logdir "$DIR/swift" > "$DIR/swift.log" 2>&1 \
  || { tail -n 20 "$DIR/swift.log" >&2; echo "error: transformer-cli train failed" >&2; exit 1; }
grep -E '^(validation:|Trained )' "$DIR/swift.log" >&2 || true

echo "== torch: $STEPS steps, $THREADS threads (load: $(cut -d' ' -f1-3 /proc/loadavg)); log in $DIR/torch.log" >&2
"${pin[@]}" python3 Scripts/lm_torch_ref.py --train "$TRAIN" --val "$VAL" "${shape[@]}" \
  --threads "$THREADS" --eval-every "$EVAL_EVERY" --log-every "$LOG_EVERY" \
  2> "$DIR/torch.log" | tail -n 1 > "$DIR/torch.json" \
  || { tail -n 20 "$DIR/torch.log" >&2; echo "error: Scripts/lm_torch_ref.py failed" >&2; exit 1; }
grep 'validation:' "$DIR/torch.log" >&2 || true

python3 - "$DIR" "$BATCH_SIZE" "$CONTEXT" "$STEPS" "$THREADS" <<'PY'
import csv, json, math, re, statistics, sys
d, B, T, steps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
rows = list(csv.DictReader(open(f"{d}/swift/metrics.csv")))
val = [(int(r["step"]), float(r["value"])) for r in rows if r["tag"] == "val/loss"]
tps = [float(r["value"]) for r in rows if r["tag"] == "train/tokens_per_s"]
log = open(f"{d}/swift.log").read()
trained = re.findall(r"Trained (\d+) steps", log)
torch_res = json.loads(open(f"{d}/torch.json").read())
ours_loss = val[-1][1] if val else float("nan")
ours_ms = B * T * 1e3 / statistics.median(tps) if tps else float("nan")
torch_ms = torch_res["step_ms_median"]
ln2 = math.log(2)
print(f"Character-level LM on Shakespeare, {steps} steps, B {B} x T {T}, {threads} threads "
      f"({torch_res['parameters']:,} parameters; torch {torch_res['torch']}):")
print(f"  final validation loss  ours {ours_loss:.4f} nats/token (step {val[-1][0] if val else '?'}"
      f"{', trained ' + trained[-1] + ' steps' if trained else ''})   "
      f"torch {torch_res['val_loss']:.4f} (step {torch_res['steps']})   difference {ours_loss - torch_res['val_loss']:+.4f}")
print(f"  bits per character     ours {ours_loss / ln2:.4f}   torch {torch_res['val_loss'] / ln2:.4f}  (loss / ln 2)")
print(f"  ms per step            ours {ours_ms:.1f} (B*T / median of {len(tps)} train/tokens_per_s)   "
      f"torch {torch_ms:.1f} (median of {torch_res['timed_steps']} steps)   ratio ours/torch {ours_ms / torch_ms:.2f}x")
print(f"  load from other processes during torch's run: {torch_res['other_load_cores']} cores")
PY
