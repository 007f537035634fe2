#!/usr/bin/env bash
# Kill -9 `transformer-cli train` at random moments, many times, and check after every kill that
# last.safetensors and best.safetensors load (`translate` runs with each) and are each exactly a version
# that training really wrote: old or new, never a mix. Then a final `--resume` must finish.
#
# How "exactly a version" is checked: training is bitwise deterministic and resuming is bitwise equal
# to never stopping (tested in swift test), so a reference run trained one epoch per process gives the
# bytes of every epoch's checkpoint. A killed run's checkpoint that says "epoch E" must have the
# reference's tensor bytes of epoch E and its step, generator state and best loss (the header's wall
# time differs and is ignored).
#
# Usage: Scripts/kill-train.sh [kills]      (default 60; about 2-3 s a kill in a debug build)
# Knobs (environment): CONFIG (debug | release, default debug), SEED (delays, default 1),
#   MAX_DELAY_MS (longest wait before a kill, default 1500), KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS=${1:-60}
CONFIG=${CONFIG:-debug}
RANDOM=${SEED:-1}
MAX_DELAY_MS=${MAX_DELAY_MS:-1500}

swift build -c "$CONFIG" --product transformer-cli >/dev/null
bin="$(swift build -c "$CONFIG" --show-bin-path)/transformer-cli"
work=$(mktemp -d "${TMPDIR:-/tmp}/kill-train.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
head -n 200 Data/pig-latin-small.tsv > "$work/pairs.tsv"
flags=(--d-model 16 --heads 2 --layers 1 --d-ff 32 --batch-size 16 --warmup 100 --samples 0 --log-every 100000 --max-len 20)

# "epoch step generator best sha256-of-tensor-bytes" of a checkpoint, or "unreadable: ...".
signature() {
  python3 - "$1" <<'PY'
import hashlib, json, struct, sys
try:
    raw = open(sys.argv[1], 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    state = json.loads(header['__metadata__']['training_state'])
    print(state['completedEpochs'], state['step'], state['generatorState'], state['bestValidationLoss'],
          hashlib.sha256(raw[8 + n:]).hexdigest())
except Exception as error:
    print('unreadable:', error)
PY
}

# Reference: one process per epoch (resume equivalence makes this the same run), signatures in ref/E.
mkdir -p "$work/ref"
reference_epochs=0
reference() {   # ensure the reference has epoch $1
  while [ "$reference_epochs" -lt "$1" ]; do
    local next=$((reference_epochs + 1))
    if [ "$reference_epochs" = 0 ]; then
      "$bin" train --data "$work/pairs.tsv" "${flags[@]}" --epochs 1 --logdir "$work/ref/run" >/dev/null 2>&1
    else
      "$bin" train --resume "$work/ref/run/last.safetensors" --epochs "$next" >/dev/null 2>&1
    fi
    signature "$work/ref/run/last.safetensors" > "$work/ref/$next"
    reference_epochs=$next
  done
}

run="$work/run"
kills=0 failures=0 before_first_save=0 during_or_between=0 restarts=0
declare -A seen_last=()
start=$(date +%s)
while [ "$kills" -lt "$KILLS" ]; do
  if [ -f "$run/last.safetensors" ]; then
    command=("$bin" train --resume "$run/last.safetensors" --epochs 100000)
  else
    rm -rf "$run"   # killed before its first save: nothing to resume, start again
    restarts=$((restarts + 1))
    command=("$bin" train --data "$work/pairs.tsv" "${flags[@]}" --epochs 100000 --logdir "$run")
  fi
  "${command[@]}" >"$work/stdout" 2>"$work/stderr" &
  pid=$!
  delay_ms=$((20 + RANDOM % MAX_DELAY_MS))
  sleep "$(awk "BEGIN { print $delay_ms / 1000 }")"
  if ! kill -9 "$pid" 2>/dev/null; then
    wait "$pid" || true
    echo "run ended before its kill: $(tail -n 1 "$work/stderr")"; failures=$((failures + 1)); break
  fi
  wait "$pid" 2>/dev/null || true
  kills=$((kills + 1))
  if [ ! -f "$run/last.safetensors" ]; then
    before_first_save=$((before_first_save + 1))
    echo "kill $kills after ${delay_ms} ms: no checkpoint yet"
    continue
  fi
  during_or_between=$((during_or_between + 1))
  line="kill $kills after ${delay_ms} ms:"
  for name in last best; do
    file="$run/$name.safetensors"
    if [ ! -f "$file" ]; then
      line="$line $name missing;"; failures=$((failures + 1)); continue
    fi
    sig=$(signature "$file")
    epoch=${sig%% *}
    if ! "$bin" translate --checkpoint "$file" team >/dev/null 2>"$work/translate.err"; then
      line="$line $name DOES NOT LOAD: $(tail -n 1 "$work/translate.err");"; failures=$((failures + 1)); continue
    fi
    if [[ "$epoch" =~ ^[0-9]+$ ]]; then
      reference "$epoch"
      if [ "$sig" = "$(cat "$work/ref/$epoch")" ]; then
        line="$line $name epoch $epoch ok;"
      else
        line="$line $name epoch $epoch MIXED (differs from the epoch-$epoch version);"; failures=$((failures + 1))
      fi
    else
      line="$line $name unreadable signature: $sig;"; failures=$((failures + 1))
    fi
    [ "$name" = last ] && seen_last[$epoch]=1
  done
  temporaries=$(find "$run" -name '*.tmp-*' | wc -l)
  echo "$line $temporaries temporary file(s)"
done

# Finally a clean resume to the end.
last_epoch=$(signature "$run/last.safetensors" | cut -d' ' -f1)
final_epochs=$((last_epoch + 2))
if "$bin" train --resume "$run/last.safetensors" --epochs "$final_epochs" >"$work/stdout" 2>"$work/stderr"; then
  reference "$final_epochs"
  if [ "$(signature "$run/last.safetensors")" = "$(cat "$work/ref/$final_epochs")" ]; then
    final="final --resume to epoch $final_epochs: exit 0, identical to the reference run"
  else
    final="final --resume to epoch $final_epochs: exit 0 but DIFFERS from the reference run"; failures=$((failures + 1))
  fi
else
  final="final --resume FAILED: $(tail -n 1 "$work/stderr")"; failures=$((failures + 1))
fi
leftover=$(find "$run" -name '*.tmp-*' | wc -l)

echo
echo "kills: $kills in $(( $(date +%s) - start )) s ($CONFIG build); $before_first_save before the first checkpoint" \
     "(fresh restarts: $restarts), $during_or_between with checkpoints checked"
echo "distinct last epochs seen: ${#seen_last[@]}; reference epochs trained: $reference_epochs"
echo "$final"
echo "temporary files left after the final run: $leftover"
echo "failures: $failures"
[ "$failures" = 0 ]
