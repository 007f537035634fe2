#!/usr/bin/env bash
# What data parallelism costs and gains on this machine (docs/distributed.md): for bench's small, medium
# and base configs (transformer-cli bench --help), trains the same global batch
#   a. as 1 process with the kernels on all cores (ComputeThreads' default: one thread a core), and
#   b. as 2 MPI ranks with 1 thread each (mpirun -np 2 binds each rank to a core; train gives each rank
#      cores / ranks on this machine),
# on a synthetic copy task of the config's sizes (V - 4 random words, sentences of src_len - 1 words, the
# target the source; word tokenizer, no validation), and prints, per run, the steady-state step time (the
# last --log-every interval of train/tokens_per_s in metrics.csv, the first interval being warm-up) and,
# for b, the gradient all-reduce's share of the step ("Gradient all-reduce on rank 0: ..." line: rank 0's
# time summing the gradients in DataParallel.synchronizeGradients, and apart from it the time waiting there
# for the other rank to finish its backward pass, over all steps).
#
# Usage: Scripts/mpi-scaling.sh [CONFIG ...]     (default: small medium base; REPEATS=2)
# Needs the MPI build: swift build -c release --traits MPI.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cli="$root/.build/release/transformer-cli"
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(small medium base)
repeats=${REPEATS:-2}
mpirun=(mpirun --mca btl self,vader --mca oob_tcp_if_include lo)
if [ "$(id -u)" = 0 ]; then mpirun+=(--allow-run-as-root); fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# name: vocab d_model heads layers d_ff batch length steps-per-interval
declare -A shape=(
    [small]="32 64 4 2 256 64 16 10"
    [medium]="1000 256 8 4 1024 32 64 4"
    [base]="8000 512 8 6 2048 8 64 3"
)

echo "config  run                step_ms  all-reduce"
for config in "${configs[@]}"; do
    read -r vocab dmodel heads layers dff batch length interval <<< "${shape[$config]}"
    python3 - "$work/$config.tsv" "$vocab" "$length" "$batch" <<'PY'
import random, sys
path, vocab, length, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(0)
words = [f"w{i}" for i in range(vocab - 4)]          # <pad> <sos> <eos> <unk> besides
stream = []
while len(stream) < max(len(words), 4 * batch) * (length - 1):   # every word at least once
    rng.shuffle(words)
    stream += words
with open(path, "w") as f:
    for i in range(0, len(stream) - length + 1, length - 1):
        sentence = " ".join(stream[i:i + length - 1])
        f.write(f"{sentence}\t{sentence}\n")
PY
    args=(train --data "$work/$config.tsv" --tokenizer word --val-fraction 0 --samples 0 --patience 0
          --d-model "$dmodel" --heads "$heads" --layers "$layers" --d-ff "$dff" --max-len "$length"
          --batch-size "$batch" --steps $((2 * interval)) --log-every "$interval")
    tokens=$((batch * length))
    for repeat in $(seq "$repeats"); do
        for run in "1 process x 2 threads" "2 ranks x 1 thread"; do
            log="$work/$config-$repeat"
            rm -rf "$log"
            if [ "$run" = "1 process x 2 threads" ]; then
                "$cli" "${args[@]}" --logdir "$log" > "$work/out" 2>&1
            else
                "${mpirun[@]}" -np 2 "$cli" "${args[@]}" --logdir "$log" > "$work/out" 2>&1
            fi
            rate=$(awk -F, '$3 == "train/tokens_per_s" { r = $4 } END { print r }' "$log/metrics.csv")
            share=$(sed -n 's/^Gradient all-reduce on rank 0: \(.*\); .*/\1/p' "$work/out")
            printf "%-7s %-18s %8.1f  %s\n" "$config" "$run" "$(python3 -c "print(1e3 * $tokens / $rate)")" "${share:--}"
        done
    done
done
lscpu | sed -n 's/^Model name: *//p'
