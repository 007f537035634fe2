#!/usr/bin/env bash
# Peak memory of the README's Pig-Latin training command (release build), and its resident memory at the
# end of every epoch (sampled from /proc/<pid>/status when last.safetensors is rewritten), to see whether
# memory grows epoch over epoch. Prints /usr/bin/time -v's summary and a table: epoch, VmRSS, VmHWM (MiB).
#
# Usage: Scripts/measure-memory.sh [extra train flags]     e.g. EPOCHS=150 D_MODEL=32 for a long, faster run
# Knobs (environment): EPOCHS (40), D_MODEL (64; d_ff is 4 x), DATA (Data/pig-latin-small.tsv), OUT (a temporary directory)
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${EPOCHS:-40}
D_MODEL=${D_MODEL:-64}
DATA=${DATA:-Data/pig-latin-small.tsv}
swift build -c release --product transformer-cli >/dev/null
bin="$(swift build -c release --show-bin-path)/transformer-cli"
out=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/measure-memory.XXXXXX")}
rm -rf "$out/run"
/usr/bin/time -v "$bin" train --data "$DATA" --max-len 20 --d-model "$D_MODEL" --heads 4 --layers 2 --d-ff $((4 * D_MODEL)) \
    --epochs "$EPOCHS" --warmup 400 --samples 0 --logdir "$out/run" "$@" >"$out/stdout" 2>"$out/time" &
sleep 0.2
pid=$(pgrep -P $! -f "transformer-cli train" | head -n 1)
echo "epoch VmRSS_MiB VmHWM_MiB" >"$out/epochs"
last="" epoch=0
while kill -0 "$pid" 2>/dev/null; do
  stamp=$(stat -c %Y.%y "$out/run/last.safetensors" 2>/dev/null || true)
  if [ -n "$stamp" ] && [ "$stamp" != "$last" ]; then
    last=$stamp epoch=$((epoch + 1))
    awk -v e="$epoch" '/VmRSS/ { r = $2 } /VmHWM/ { h = $2 } END { printf "%d %.1f %.1f\n", e, r / 1024, h / 1024 }' \
        "/proc/$pid/status" >>"$out/epochs" 2>/dev/null || true
  fi
  sleep 0.1
done
wait || true
grep -E 'Maximum resident|Elapsed|Exit status' "$out/time"
column -t "$out/epochs"
echo "(files in $out)"
