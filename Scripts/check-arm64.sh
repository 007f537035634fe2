#!/usr/bin/env bash
# Checks that every C file of Sources/CKernels compiles for arm64 (aarch64 Linux), where the x86 kernels
# must be compiled out (their `#if defined(__x86_64__)` guards leave trap stubs) and KernelBackend runs
# the portable Swift path. A syntax and type check with the toolchain's clang, no arm64 machine needed:
#
#   Scripts/check-arm64.sh
#
# With Debian's aarch64 glibc headers (apt-get install libc6-dev-arm64-cross) the check sees glibc as an
# arm64 build would (allocator.c's mallopt path included); without them it falls back to -ffreestanding
# (clang's own stddef.h / stdint.h; the glibc-only parts are then skipped) and says so.
# Also checks the x86-64 build of each file with warnings as errors. Exit 0 when every file passes.
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG=${CLANG:-clang}
include=Sources/CKernels/include
cross=/usr/aarch64-linux-gnu/include
if [ -d "$cross" ]; then
  arm_flags=(--target=aarch64-linux-gnu -isystem "$cross")
  echo "arm64: with the aarch64 glibc headers in $cross"
else
  arm_flags=(--target=aarch64-linux-gnu -ffreestanding)
  echo "arm64: -ffreestanding (no $cross; apt-get install libc6-dev-arm64-cross for the glibc parts)"
fi
failures=0
for file in Sources/CKernels/*.c; do
  if "$CLANG" "${arm_flags[@]}" -fsyntax-only -Wall -Werror -I"$include" "$file"; then
    arm=ok
  else
    arm=FAILED; failures=$((failures + 1))
  fi
  if "$CLANG" --target=x86_64-linux-gnu -fsyntax-only -Wall -Werror -I"$include" "$file"; then
    x86=ok
  else
    x86=FAILED; failures=$((failures + 1))
  fi
  printf '%-40s arm64 %-6s x86-64 %s\n' "$file" "$arm" "$x86"
done
if [ "$failures" -ne 0 ]; then
  echo "error: $failures C compilation(s) failed" >&2
  exit 1
fi
echo "every C file compiles for arm64 and x86-64"
