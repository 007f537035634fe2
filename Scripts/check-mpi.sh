#!/usr/bin/env bash
# Data-parallel training over MPI, end to end (issue 18; docs/distributed.md), on this machine only
# (loopback and shared memory: --mca btl self,vader --mca oob_tcp_if_include lo):
#   1. translate, 2 ranks against 1 process on the same global batch (6 steps, dropout 0): the
#      parameters agree within 1e-5 (key biases aside: see Scripts/compare-checkpoints.py), every rank
#      ends with the same bits ("Ranks agree"), and mpirun exits 0;
#   2. only rank 0 writes files: the ranks run in different working directories (mpirun's
#      colon-separated app contexts, one --wdir each) with a relative --logdir; rank 1's stays empty;
#   3. lm on 3 ranks (--oversubscribe on 2 cores), classify on 2 ranks, image-classify (a folder of
#      generated PGM images, augmented) on 3 ranks and a GRU translator on 2 ranks, each against 1 process;
#   4. resume on another number of ranks: 3 steps on 2 ranks, resumed on 3 ranks to step 6, against
#      1 process for 6 steps;
#   5. resume on the same number of ranks with dropout 0.1: 3 + 3 steps on 2 ranks end bitwise equal
#      (model and Adam's moments) to 6 steps on 2 ranks.
# Builds `swift build -c release --traits MPI` first (SKIP_BUILD=1 to use the existing build).
# Without mpirun or pkg-config's `mpi` it says so and exits 0 (nothing to check); any failed check
# exits 1 after naming it.
#
# Usage: Scripts/check-mpi.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if ! command -v mpirun >/dev/null 2>&1; then
    echo "check-mpi: SKIPPED: mpirun not found (Debian: apt-get install -y libopenmpi-dev openmpi-bin)"
    exit 0
fi
if ! pkg-config --exists mpi 2>/dev/null; then
    echo "check-mpi: SKIPPED: pkg-config finds no 'mpi' package (Debian: apt-get install -y libopenmpi-dev)"
    exit 0
fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    swift build -c release --traits MPI
fi
cli="$root/.build/release/transformer-cli"

mpirun=(mpirun --mca btl self,vader --mca oob_tcp_if_include lo)
if [ "$(id -u)" = 0 ]; then mpirun+=(--allow-run-as-root); fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -240 Data/pig-latin-small.tsv > "$work/pairs.tsv"
head -200 Data/sentiment-train.tsv > "$work/texts.tsv"
head -c 6000 Data/shakespeare-train.txt > "$work/play.txt"
python3 - "$work/images" <<'PY'
# 3 classes of 8x8 grey images (where a bright square sits), 10 each, as binary PGM files.
import os, random, sys
rng = random.Random(5)
for label, name in enumerate(["left", "right", "bottom"]):
    os.makedirs(os.path.join(sys.argv[1], name))
    for i in range(10):
        pixels = bytearray(rng.randrange(60) for _ in range(64))
        for y in range(8):
            for x in range(8):
                if (label == 0 and y < 4 and x < 4) or (label == 1 and y < 4 and x >= 4) or (label == 2 and y >= 4):
                    pixels[y * 8 + x] = 180 + rng.randrange(70)
        with open(os.path.join(sys.argv[1], name, f"{i}.pgm"), "wb") as f:
            f.write(b"P5 8 8 255\n" + bytes(pixels))
PY
model=(--d-model 32 --heads 4 --layers 1 --d-ff 64)
translate=(train --data "$work/pairs.tsv" "${model[@]}" --batch-size 16 --log-every 2 --dropout 0)
compare=(python3 "$root/Scripts/compare-checkpoints.py")
failures=0

fail() { echo "FAILED: $*"; failures=$((failures + 1)); }

# run NAME COMMAND...: runs it with output in $work/NAME.log; a non-zero exit is a failure.
run() {
    local name=$1; shift
    local started=$SECONDS
    if "$@" > "$work/$name.log" 2>&1; then
        echo "ok: $name ($((SECONDS - started)) s)"
    else
        fail "$name exited with $? (log below)"; sed 's/^/    /' "$work/$name.log" | tail -20
    fi
}

# same NAME A B [compare options]: the checkpoints agree.
same() {
    local name=$1 a=$2 b=$3; shift 3
    if line=$("${compare[@]}" "$a" "$b" "$@"); then echo "ok: $name: $line"; else fail "$name: $line"; fi
}

agreed() {
    if grep -q "^Ranks agree: the parameters are bitwise identical on all $2 ranks" "$work/$1.log"; then
        echo "ok: $1: the ranks' parameters are bitwise identical"
    else
        fail "$1: no 'Ranks agree' line for $2 ranks"
    fi
}

echo "== 1. translate: 2 ranks against 1 process"
run one-process "$cli" "${translate[@]}" --steps 6 --logdir "$work/one"
run two-ranks "${mpirun[@]}" -np 2 "$cli" "${translate[@]}" --steps 6 --logdir "$work/two"
agreed two-ranks 2
same "2 ranks = 1 process" "$work/one/last.safetensors" "$work/two/last.safetensors" --skip-key-bias

echo "== 2. only rank 0 writes"
mkdir -p "$work/rank0" "$work/rank1"
run separate-directories "${mpirun[@]}" -np 1 --wdir "$work/rank0" "$cli" "${translate[@]}" --steps 2 --logdir run \
    : -np 1 --wdir "$work/rank1" "$cli" "${translate[@]}" --steps 2 --logdir run
written=$(cd "$work/rank0/run" 2>/dev/null && ls | sed 's/events.out.tfevents.*/events.out.tfevents.*/' | sort | tr '\n' ' ')
if [ "$written" = "best.safetensors events.out.tfevents.* last.safetensors loss.svg metrics.csv " ]; then
    echo "ok: rank 0 wrote $written"
else
    fail "rank 0 wrote '$written'"
fi
if [ -z "$(ls -A "$work/rank1")" ]; then echo "ok: rank 1 wrote nothing"; else fail "rank 1 wrote $(ls -A "$work/rank1")"; fi

echo "== 3. lm on 3 ranks, classify on 2, image-classify on 3, a GRU translator on 2"
lm=(train --task lm --data "$work/play.txt" "${model[@]}" --context 32 --batch-size 8 --dropout 0 --steps 5 --log-every 1)
run lm-one "$cli" "${lm[@]}" --logdir "$work/lm1"
run lm-three "${mpirun[@]}" -np 3 --oversubscribe "$cli" "${lm[@]}" --logdir "$work/lm3"
agreed lm-three 3
same "lm: 3 ranks = 1 process" "$work/lm1/last.safetensors" "$work/lm3/last.safetensors" --skip-key-bias
classify=(train --task classify --data "$work/texts.tsv" "${model[@]}" --max-len 48 --batch-size 10 --dropout 0 --steps 5 --log-every 1)
run classify-one "$cli" "${classify[@]}" --logdir "$work/c1"
run classify-two "${mpirun[@]}" -np 2 "$cli" "${classify[@]}" --logdir "$work/c2"
agreed classify-two 2
same "classify: 2 ranks = 1 process" "$work/c1/last.safetensors" "$work/c2/last.safetensors" --skip-key-bias

image=(train --task image-classify --data "$work/images" --d-model 16 --heads 2 --layers 1 --d-ff 32 --patch-size 4
       --batch-size 7 --dropout 0 --steps 4 --log-every 1 --val-fraction 0.2 --augment crop:1)
run image-one "$cli" "${image[@]}" --logdir "$work/i1"
run image-three "${mpirun[@]}" -np 3 --oversubscribe "$cli" "${image[@]}" --logdir "$work/i3"
agreed image-three 3
same "image-classify: 3 ranks = 1 process" "$work/i1/last.safetensors" "$work/i3/last.safetensors" --skip-key-bias
gru=(train --data "$work/pairs.tsv" --architecture gru --d-model 32 --layers 1 --batch-size 16 --dropout 0 --steps 4 --log-every 1)
run gru-one "$cli" "${gru[@]}" --logdir "$work/g1"
run gru-two "${mpirun[@]}" -np 2 "$cli" "${gru[@]}" --logdir "$work/g2"
agreed gru-two 2
same "GRU translator: 2 ranks = 1 process" "$work/g1/last.safetensors" "$work/g2/last.safetensors"

echo "== 4. resume on another number of ranks (2 -> 3)"
run resume-first "${mpirun[@]}" -np 2 "$cli" "${translate[@]}" --steps 3 --logdir "$work/r"
run resume-second "${mpirun[@]}" -np 3 --oversubscribe "$cli" train --resume "$work/r/last.safetensors" --steps 6
agreed resume-second 3
same "3 steps on 2 ranks + 3 on 3 ranks = 6 on 1 process" "$work/one/last.safetensors" "$work/r/last.safetensors" --skip-key-bias

echo "== 5. resume on the same number of ranks, with dropout"
dropout=(train --data "$work/pairs.tsv" "${model[@]}" --batch-size 16 --log-every 2 --dropout 0.1)
run dropout-straight "${mpirun[@]}" -np 2 "$cli" "${dropout[@]}" --steps 6 --logdir "$work/d6"
run dropout-first "${mpirun[@]}" -np 2 "$cli" "${dropout[@]}" --steps 3 --logdir "$work/d3"
run dropout-second "${mpirun[@]}" -np 2 "$cli" train --resume "$work/d3/last.safetensors" --steps 6
same "3 + 3 steps = 6 steps, bitwise, with Adam's moments" "$work/d6/last.safetensors" "$work/d3/last.safetensors" \
    --tolerance 0 --with-optimizer

if [ "$failures" -gt 0 ]; then
    echo "check-mpi: $failures check(s) FAILED"
    exit 1
fi
echo "check-mpi: all checks passed ($(mpirun --version 2>&1 | head -1))"
