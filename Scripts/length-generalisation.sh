#!/usr/bin/env bash
# Issue 17, positions: does a Pig-Latin model trained on short words translate longer, unseen ones? One
# Transformer per positional scheme (--positional sinusoidal, learned, rope, alibi) and the GRU with
# attention (--architecture gru), trained on the words of at most MAX_TRAIN letters of
# Data/pig-latin-large.tsv, each best checkpoint scored with `evaluate --json` on held-out words of every
# length from MAX_TRAIN + 1 to 14 (Scripts/length-generalisation-data.py builds the files; the 13- and
# 14-letter words come from Debian's scowl lists, the shipped files' source: apt-get install scowl).
# Prints a Markdown table (exact match % by scheme and length) and writes DIR/exact-match.csv and the
# line chart DIR/exact-match.svg (`transformer-cli plot-lines`). docs/positions-and-length.md has the results.
#
#   Scripts/length-generalisation.sh                               # the study (~15 minutes on 2 cores)
#   MAX_TRAIN=12 SCHEMES="alibi rope" Scripts/length-generalisation.sh   # the issue's goal: <= 12 -> 13, 14
#
# Every Transformer: d_model 64, 4 heads, 2 + 2 layers, d_ff 256, dropout 0.1, pre-norm; the GRU: hidden
# 64, 1 layer, additive attention. Same data, batches (64 pairs), schedule (--warmup 400), EPOCHS epochs
# without early stopping, --max-len 20 (so the learned table has rows for every test length: rows past
# the training lengths are never trained), best checkpoint by validation loss (10% of the training words).
# Environment (defaults): MAX_TRAIN 8, SCHEMES "sinusoidal learned rope alibi gru", EPOCHS 20, SEEDS "0",
# PER_LENGTH 500, DIR runs/length-<MAX_TRAIN>-<UTC time>, NICE (e.g. "nice -n 19") before every run,
# NO_BUILD=1 to reuse .build/release.
set -euo pipefail
cd "$(dirname "$0")/.."
MAX_TRAIN=${MAX_TRAIN:-8}
SCHEMES=${SCHEMES:-"sinusoidal learned rope alibi gru"}
EPOCHS=${EPOCHS:-20}
SEEDS=${SEEDS:-0}
PER_LENGTH=${PER_LENGTH:-500}
DIR=${DIR:-runs/length-$MAX_TRAIN-$(date -u +%Y%m%dT%H%M%S)}
NICE=${NICE:-}
TOOL=.build/release/transformer-cli
[ -n "${NO_BUILD:-}" ] || $NICE swift build -c release --product transformer-cli >&2
mkdir -p "$DIR"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 Scripts/length-generalisation-data.py --max-train-letters "$MAX_TRAIN" --per-length "$PER_LENGTH" \
  --out "$DIR/data" | tee "$DIR/data.txt" >&2
tests=(in $(seq -f %02g $((MAX_TRAIN + 1)) 14))
for seed in $SEEDS; do
  for scheme in $SCHEMES; do
    case $scheme in
      gru) flags=(--architecture gru) ;;
      sinusoidal|learned|rope|alibi) flags=(--positional "$scheme" --heads 4 --layers 2 --d-ff 256) ;;
      *) echo "error: SCHEMES: unknown scheme $scheme (expected sinusoidal, learned, rope, alibi, gru)" >&2; exit 64 ;;
    esac
    run="$DIR/$scheme-seed$seed"
    command=("$TOOL" train --data "$DIR/data/train.tsv" --max-len 20 --d-model 64 "${flags[@]}" --dropout 0.1
             --epochs "$EPOCHS" --patience 0 --batch-size 64 --warmup 400 --seed "$seed" --samples 0
             --log-every 100 --logdir "$run")
    echo "== ${command[*]} (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    start=$(date +%s.%N)
    $NICE "${command[@]}" > "$run.log" 2>&1
    python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')" > "$run.seconds"
    for test in "${tests[@]}"; do
      $NICE "$TOOL" evaluate --checkpoint "$run/best.safetensors" --data "$DIR/data/test-$test.tsv" --json \
        > "$run.eval-$test.json"
    done
  done
done
python3 - "$DIR" "$MAX_TRAIN" "$SCHEMES" "$SEEDS" "${tests[*]}" <<'PY'
import csv, json, re, statistics, sys
directory, limit, schemes, seeds, tests = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4].split(), sys.argv[5].split()
names = {"sinusoidal": "Transformer, sinusoidal", "learned": "Transformer, learned table", "rope": "Transformer, RoPE",
         "alibi": "Transformer, ALiBi", "gru": "GRU + additive attention"}
def score(scheme, seed, test):
    lines = open(f"{directory}/{scheme}-seed{seed}.eval-{test}.json").read().strip().splitlines()
    return json.loads(lines[-1])
header = ["scheme", "seed", "parameters", "training time", "tokens/s"] + [f"<= {limit} (held out)" if t == "in" else f"{int(t)} letters" for t in tests]
print("| " + " | ".join(header) + " |")
print("|---|---:|---:|---:|---:|" + "---:|" * len(tests))
rows = []
for seed in seeds:
    for scheme in schemes:
        log = open(f"{directory}/{scheme}-seed{seed}.log").read()
        params = re.search(r"Model: ([\d,]+) parameters", log) or re.search(r"([\d,]+) parameters", log)
        clock = re.search(r"after (\S+) of training", log)
        rates = [float(r["value"]) for r in csv.DictReader(open(f"{directory}/{scheme}-seed{seed}/metrics.csv"))
                 if r["tag"] == "train/tokens_per_s"]
        cells = []
        for test in tests:
            ev = score(scheme, seed, test)
            cells.append(f"{100 * ev['exact_match']:.1f}% ({ev['exact_matches']}/{ev['pairs']})")
            rows.append((scheme, seed, test, 100 * ev["exact_match"]))
        print(f"| {names[scheme]} | {seed} | {params.group(1) if params else '?'} | {clock.group(1) if clock else '?'} | {statistics.median(rates):,.0f} | " + " | ".join(cells) + " |")
with open(f"{directory}/exact-match.csv", "w") as out:   # series,x,y for plot-lines: mean over seeds
    out.write("series,x,y\n")
    for scheme in schemes:
        for test in tests:
            if test == "in":
                continue
            values = [v for s, _, t, v in rows if s == scheme and t == test]
            out.write(f"{names[scheme]},{int(test)},{statistics.mean(values):.2f}\n")
PY
"$TOOL" plot-lines --csv "$DIR/exact-match.csv" --out "$DIR/exact-match.svg" \
  --title "Pig Latin: exact match on unseen words, trained on words of at most $MAX_TRAIN letters" \
  --x-title "word length (letters)" --y-title "exact match (%)" > /dev/null
echo "wrote $DIR/exact-match.csv and $DIR/exact-match.svg" >&2
