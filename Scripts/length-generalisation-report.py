#!/usr/bin/env python3
"""The report of Scripts/length-generalisation.sh, also runnable on its own over a finished DIR:

    python3 Scripts/length-generalisation-report.py DIR MAX_TRAIN "SCHEMES" "SEEDS" "TESTS"

Prints the Markdown table (one row per scheme and seed: parameters, the trainer's own training time,
the median train/tokens_per_s of metrics.csv, and exact match on each test file) and writes
DIR/exact-match.csv (series,x,y: the mean exact match % over the seeds, per scheme and length; with
MAX_TRAIN 12 also the issue's goal, 95% at 13 and 14 letters) for `transformer-cli plot-lines`. Standard
library only.
"""
import csv, json, re, statistics, sys
directory, limit, schemes, seeds, tests = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4].split(), sys.argv[5].split()
names = {"sinusoidal": "Transformer, sinusoidal", "learned": "Transformer, learned table", "rope": "Transformer, RoPE",
         "alibi": "Transformer, ALiBi", "gru": "GRU + additive attention"}
short = {"sinusoidal": "sinusoidal", "learned": "learned", "rope": "RoPE", "alibi": "ALiBi", "gru": "GRU"}   # no commas: CSV
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
            out.write(f"{short[scheme]},{int(test)},{statistics.mean(values):.2f}\n")
    if limit == 12:   # the goal: >= 95% on unseen 13- and 14-letter words
        out.write("goal (95%),13,95\ngoal (95%),14,95\n")
# The same by scheme: mean over the seeds, with the range.
print()
print("| scheme (mean of " + str(len(seeds)) + " seeds, min-max) | " + " | ".join(header[5:]) + " |")
print("|---|" + "---:|" * len(tests))
for scheme in schemes:
    cells = []
    for test in tests:
        values = [v for s, _, t, v in rows if s == scheme and t == test]
        cells.append(f"**{statistics.mean(values):.1f}%** ({min(values):.1f}-{max(values):.1f})" if len(values) > 1
                     else f"{values[0]:.1f}%")
    print(f"| {names[scheme]} | " + " | ".join(cells) + " |")
