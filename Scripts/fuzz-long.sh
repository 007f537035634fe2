#!/usr/bin/env bash
# The seeded fuzz tests of `swift test` (safetensors reader, checkpoint loader, pairs reader + tokenizer,
# tokenizer JSON, CLI argument parser), run for longer: SCALE times their default case counts, from
# another seed, under AddressSanitizer unless ASAN=0. Prints one line per fuzzer (cases, outcomes) and
# the total time; any crash, sanitizer report or failed expectation fails the run and names the seed and
# case to reproduce it.
#
# Usage: Scripts/fuzz-long.sh                 (SCALE=100: ~1.3 million cases, a few minutes on 2 cores)
# Knobs (environment): SCALE (100), SEED (1; try others to explore other inputs), ASAN (1)
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-100}
SEED=${SEED:-1}
args=(--filter 'Fuzz')
if [ "${ASAN:-1}" = 1 ]; then args+=(--sanitize=address --scratch-path .build-asan); fi
start=$(date +%s)
log="${TMPDIR:-/tmp}/fuzz-long.log"
status=0
LSAN_OPTIONS=suppressions=$PWD/Scripts/lsan-suppressions.txt \
  TRANSFORMERCORE_FUZZ_SCALE=$SCALE TRANSFORMERCORE_FUZZ_SEED=$SEED SWIFT_BACKTRACE=enable=no \
  swift test "${args[@]}" >"$log" 2>&1 || status=$?
grep -E '^fuzz |✘|passed after|failed after|ERROR|error:' "$log" || true
echo "scale $SCALE, seed $SEED, asan ${ASAN:-1}: $(( $(date +%s) - start )) s including the build; swift test exit $status"
exit "$status"
