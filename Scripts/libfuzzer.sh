#!/usr/bin/env bash
# Coverage-guided fuzzing of the loaders with libFuzzer (swiftc -sanitize=fuzzer,address plus
# -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp for the library; works
# with the Linux toolchain): builds TransformerCore instrumented into .build-libfuzzer, links
# Scripts/fuzz/FuzzTarget.swift against it, and runs each target for SECONDS seconds from a seed corpus
# (a real checkpoint, the shipped pairs files, a tokenizer's JSON). Findings (crash-*, leak-*, timeout-*)
# land in .build-libfuzzer/findings/<target>/.
#
# Usage: Scripts/libfuzzer.sh [targets...]     (default: safetensors pairs tokenizer)
# Knobs (environment): SECONDS_PER_TARGET (120), COVERAGE (1: instrument the library; 0: reuse .build-asan)
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ $# -eq 0 ] && targets=(safetensors pairs tokenizer)
SECONDS_PER_TARGET=${SECONDS_PER_TARGET:-120}
scratch=.build-libfuzzer
# COVERAGE=0 reuses the AddressSanitizer build of `swift test --sanitize=address --scratch-path .build-asan`
# (libFuzzer then sees coverage of the harness only: a faster start, a blinder search).
if [ "${COVERAGE:-1}" = 1 ]; then
  # -sanitize=fuzzer alone leaves the library without coverage counters when it is not linked: ask for them.
  swift build --scratch-path "$scratch" --target TransformerCore -Xswiftc -sanitize=fuzzer -Xswiftc -sanitize=address \
      -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp >/dev/null
  debug="$scratch/debug"
else
  debug=.build-asan/debug
fi
swiftc -parse-as-library -sanitize=fuzzer,address -g -I "$debug/Modules" \
    -Xcc -fmodule-map-file="$debug/CKernels.build/module.modulemap" -I Sources/CKernels/include Scripts/fuzz/FuzzTarget.swift \
    "$debug"/TransformerCore.build/*.o "$debug"/CKernels.build/*.o -o "$scratch/fuzz-loaders" 2>&1 \
    | grep -v 'Cannot export local symbol' || true

# Seed corpora: small valid inputs of each kind.
corpus="$scratch/corpus"
mkdir -p "$corpus/safetensors" "$corpus/pairs" "$corpus/tokenizer"
if [ ! -f "$corpus/safetensors/tiny.safetensors" ]; then
  bin="$(swift build --show-bin-path)/transformer-cli"
  swift build --product transformer-cli >/dev/null
  head -n 40 Data/pig-latin-small.tsv > "$corpus/pairs/small.tsv"
  printf '\xef\xbb\xbfna\xc3\xafve caf\xc3\xa9\tcaf\xc3\xa9 na\xc3\xaff\r\n\r\nx\ty\n' > "$corpus/pairs/bom-crlf.tsv"
  tmp=$(mktemp -d)
  "$bin" train --data "$corpus/pairs/small.tsv" --d-model 8 --heads 1 --layers 1 --d-ff 8 --epochs 1 --samples 0 \
      --logdir "$tmp/run" >/dev/null 2>&1
  cp "$tmp/run/last.safetensors" "$corpus/safetensors/tiny.safetensors"
  python3 - "$tmp/run/last.safetensors" "$corpus/tokenizer" <<'PY'
import json, struct, sys
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
tokenizers = json.loads(json.loads(raw[8:8 + n])['__metadata__']['tokenizers'])
for side, tokenizer in tokenizers.items():
    open(f"{sys.argv[2]}/{side}.json", 'w').write(json.dumps(tokenizer))
PY
  rm -rf "$tmp"
fi

for target in "${targets[@]}"; do
  findings="$scratch/findings/$target"
  mkdir -p "$findings" "$scratch/work/$target"
  cp -n "$corpus/$target"/* "$scratch/work/$target/" 2>/dev/null || true
  echo "== $target: $SECONDS_PER_TARGET s"
  FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no "$scratch/fuzz-loaders" "$scratch/work/$target" \
      -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
      -artifact_prefix="$findings/" -print_final_stats=1 2>"$scratch/$target.log" || true
  grep -E 'stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY|Done [0-9]+ runs' "$scratch/$target.log" || true
  grep -E '^#[0-9]+.*(DONE|pulse)' "$scratch/$target.log" | tail -n 1 || true
  echo "findings: $(ls "$findings" | wc -l)"
done
