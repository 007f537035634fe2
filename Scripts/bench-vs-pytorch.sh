#!/usr/bin/env bash
# Runs `transformer-cli bench` and ../shared/bench/torch_ref.py side by side, alternating them, and writes
# the comparison table (medians of the rounds, ratios TransformerCore / PyTorch) to stdout and into
# docs/speed.md between <!-- BENCH:BEGIN --> and <!-- BENCH:END -->.
#
#   Scripts/bench-vs-pytorch.sh                     # tiny small medium, 2 and 1 threads, 2 rounds
#   CONFIGS="tiny small medium base" THREADS="2" ROUNDS=3 STEPS=20 Scripts/bench-vs-pytorch.sh
#   SKIP="medium:1" NO_README=1 Scripts/bench-vs-pytorch.sh   # leave out a pair; print only
#   ARCHS="lm classify" Scripts/bench-vs-pytorch.sh           # the other two model families
#   KERNELS="avx512 avx2" Scripts/bench-vs-pytorch.sh         # our side on each kernel backend
#
# KERNELS (default: empty, the backend this CPU selects) lists kernel backends for our side
# (TRANSFORMERCORE_KERNELS, docs/kernels.md): each round runs PyTorch once, then ours once per backend, and
# the table has one row per backend, all against the same PyTorch medians.
# ARCHS (default "translate") lists the model families (`bench --arch`): translate against
# ../shared/bench/torch_ref.py, lm and classify against Scripts/bench_families_torch.py. The table
# has one row per arch, config and thread count; with any ARCHS but the default it goes between
# <!-- BENCH-ARCH:BEGIN --> and <!-- BENCH-ARCH:END --> instead, leaving the translate table alone.
# SKIP entries are config:threads or arch:config:threads.
#
# Needs python3 with torch (pip install torch). BENCH_DIR: the shared bench folder (default
# ../shared/bench, beside the repository as CI clones it).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=${BENCH_DIR:-../shared/bench}
CONFIGS=${CONFIGS:-"tiny small medium"}
THREADS=${THREADS:-"2 1"}
ROUNDS=${ROUNDS:-2}
STEPS=${STEPS:-20}
SKIP=${SKIP:-}            # config:threads pairs to leave out, e.g. "medium:1 base:1" (or arch:config:threads)
ARCHS=${ARCHS:-translate}
KERNELS=${KERNELS:-}
OURS=.build/release/transformer-cli
for arch in $ARCHS; do
  case $arch in
    translate) [ -f "$BENCH_DIR/torch_ref.py" ] || { echo "error: $BENCH_DIR/torch_ref.py not found; set BENCH_DIR" >&2; exit 66; } ;;
    lm|classify) ;;
    *) echo "error: ARCHS: expected translate, lm or classify, got '$arch'" >&2; exit 64 ;;
  esac
done

echo "building release ..." >&2
swift build -c release --product transformer-cli >&2

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
for arch in $ARCHS; do
  if [ "$arch" = translate ]; then
    torch_cmd=(python3 "$BENCH_DIR/torch_ref.py"); ours_arch=()
  else
    torch_cmd=(python3 Scripts/bench_families_torch.py --arch "$arch"); ours_arch=(--arch "$arch")
  fi
  for config in $CONFIGS; do
    for threads in $THREADS; do
      case " $SKIP " in *" $config:$threads "*|*" $arch:$config:$threads "*) continue ;; esac
      for round in $(seq 1 "$ROUNDS"); do
        echo "== $arch $config threads=$threads round $round/$ROUNDS (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
        # torch_ref.py's lines have no "arch": the table reads it from the "run_arch" put first.
        "${torch_cmd[@]}" --config "$config" --threads "$threads" --steps "$STEPS" \
          2>/dev/null | tail -n 1 | sed "s/^{/{\"side\":\"torch\",\"run_arch\":\"$arch\",/" >> "$results/all.jsonl"
        for kernels in ${KERNELS:-selected}; do
          [ "$kernels" = selected ] && kernels=
          TRANSFORMERCORE_KERNELS=$kernels "$OURS" bench ${ours_arch[@]+"${ours_arch[@]}"} --config "$config" \
            --threads "$threads" --steps "$STEPS" --json \
            2>/dev/null | tail -n 1 | sed "s/^{/{\"side\":\"ours\",\"run_arch\":\"$arch\",/" >> "$results/all.jsonl"
        done
      done
    done
  done
done

table=$(python3 - "$results/all.jsonl" "$STEPS" "$ROUNDS" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
steps, rounds = sys.argv[2], sys.argv[3]
def key(r):
    return (r["run_arch"], r["config"], r["threads"])
keys = []   # (arch, config, threads, our kernel backend)
for r in rows:
    k = key(r) + (r.get("kernels", ""),)
    if r["side"] == "ours" and k not in keys: keys.append(k)
def med(side, k, field):
    xs = [r[field] for r in rows if r["side"] == side and key(r) == k[:3]
          and (side == "torch" or r.get("kernels", "") == k[3]) and r.get(field) is not None]
    return statistics.median(xs) if xs else float("nan")
def fmt(x, d=0):
    return "n/a" if x != x else f"{x:,.{d}f}"
def ratio(a, b, suffix="x"):
    return "n/a" if a != a or b != b or b == 0 else f"{a / b:.2f}{suffix}"
print("| arch | kernels | config | threads | train tok/s ours | torch | ratio | step ms ours / torch | "
      "train GFLOP/s ours (of FMA peak) | decode KV tok/s ours | torch | ratio | no-cache decode ratio | "
      "peak RSS MB ours | torch | ratio |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for k in keys:
    t_o, t_t = med("ours", k, "train_tokens_per_s"), med("torch", k, "train_tokens_per_s")
    s_o, s_t = med("ours", k, "step_ms_median"), med("torch", k, "step_ms_median")
    i_o, i_t = med("ours", k, "infer_kv_tokens_per_s"), med("torch", k, "infer_kv_tokens_per_s")
    n_o, n_t = med("ours", k, "infer_tokens_per_s"), med("torch", k, "infer_tokens_per_s")
    r_o, r_t = med("ours", k, "peak_rss_mb"), med("torch", k, "peak_rss_mb")
    g_o, p_o = med("ours", k, "train_gflops_per_s"), med("ours", k, "peak_fraction")
    mfu = "n/a" if g_o != g_o else f"{g_o:,.1f} ({100 * p_o:.0f}%)"
    print(f"| {k[0]} | {k[3]} | {k[1]} | {k[2]} | {fmt(t_o)} | {fmt(t_t)} | {ratio(t_o, t_t)} | {fmt(s_o, 1)} / {fmt(s_t, 1)} | {mfu} | "
          f"{fmt(i_o)} | {fmt(i_t)} | {ratio(i_o, i_t)} | {ratio(n_o, n_t)} | {fmt(r_o)} | {fmt(r_t)} | {ratio(r_o, r_t, '')} |")
print()
print(f"Medians of {rounds} alternating rounds per row, {steps} timed steps after 3 warm-up steps each, "
      "3 timed decodings each way. Ratios are TransformerCore / PyTorch (for RSS lower is better; "
      "PyTorch's includes its ~530 MB import).")
if any(k[0] == "classify" for k in keys):
    print()
    print("classify: tok/s count input tokens (B x src_len); it does not decode, so its no-cache column is "
          "the ratio of forward passes of one batch under no-grad (infer_tokens_per_s).")
PY
)
machine="$(lscpu | sed -n 's/^Model name: *//p'), $(nproc) vCPUs, $(uname -sr); torch $(python3 -c 'import torch; print(torch.__version__)' 2>/dev/null); $(swift --version 2>/dev/null | head -n 1)"
block="Measured $(date -u '+%Y-%m-%d %H:%M UTC') on: $machine.

$table"
echo "$block"

if [ -z "${NO_README:-}" ]; then
  marker=BENCH; [ "$ARCHS" = translate ] || marker=BENCH-ARCH
  python3 - "$block" "$marker" <<'PY'
import re, sys
path = "docs/speed.md"
text = open(path).read()
begin, end = f"<!-- {sys.argv[2]}:BEGIN -->", f"<!-- {sys.argv[2]}:END -->"
if begin not in text or end not in text:
    sys.exit(f"error: docs/speed.md has no {sys.argv[2]} markers")
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
open(path, "w").write(head + begin + "\n" + sys.argv[1] + "\n" + end + tail)
PY
  echo "docs/speed.md updated" >&2
fi
