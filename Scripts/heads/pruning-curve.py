#!/usr/bin/env python3
"""Iterative head pruning (Michel et al. 2019): quality and speed against the fraction of heads kept.

Starting from CHECKPOINT, prunes by gradient importance measured on --measure data down to each fraction
of the unpruned model's heads (each step continues from the previous step's model, so importance is
measured again on the smaller model), evaluates every model on --test data, and times inference:
`translate` (greedy, KV-cached decoding) or `classify` of every text of --measure through standard input,
the models taking turns for --repeats rounds; speed is the unpruned model's median time over the pruned
one's (higher is faster). Prints a Markdown table. Run from the package root after
`swift build -c release`, on an otherwise idle machine:

    python3 Scripts/heads/pruning-curve.py --checkpoint runs/pig-latin/best.safetensors \
        --measure Data/pig-latin-small.tsv --test Data/pig-latin-small-test.tsv --out runs/pig-latin-pruned
"""
import argparse, json, os, statistics, subprocess, sys, time

TOOL = ".build/release/transformer-cli"


def run(arguments):
    result = subprocess.run([TOOL] + arguments, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(arguments[:1])} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


def evaluate(checkpoint, test):
    return json.loads(run(["evaluate", "--checkpoint", checkpoint, "--data", test, "--json"]))


def inference_seconds(checkpoint, command, texts):
    start = time.perf_counter()
    result = subprocess.run([TOOL, command, "--checkpoint", checkpoint], input=texts, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{command} failed ({result.returncode}): {result.stderr.strip()}")
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--measure", required=True, help="data the importance is measured on, and the timed texts")
    parser.add_argument("--test", required=True, help="held-out data the pruned models are scored on")
    parser.add_argument("--out", required=True, help="directory for the pruned checkpoints")
    parser.add_argument("--fractions", default="0.9,0.8,0.7,0.6,0.5,0.4,0.3,0.2")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--step-heads", type=int, default=1000,
                        help="heads removed between importance measurements inside one fraction step")
    args = parser.parse_args()
    if not os.path.exists(TOOL):
        sys.exit(f"{TOOL} not found: run `swift build -c release` first")
    os.makedirs(args.out, exist_ok=True)
    rows, previous = [], args.checkpoint
    rows.append([1.0, None, args.checkpoint, evaluate(args.checkpoint, args.test), None])   # head count filled in from the first prune
    for fraction in [float(f) for f in args.fractions.split(",")]:
        out = os.path.join(args.out, f"keep-{fraction:.2f}.safetensors")
        if os.path.exists(out):
            os.remove(out)
        printed = run(["prune", "--checkpoint", previous, "--keep-fraction", str(fraction), "--step-heads", str(args.step_heads),
                       "--data", args.measure, "--out", out])
        kept, total = [int(n) for n in printed.split(": ", 1)[1].split(" heads kept")[0].split(" of ")]
        rows[0][1] = rows[0][1] or total
        rows.append([fraction, kept, out, evaluate(out, args.test), None])
        previous = out
        print(f"kept {kept} of {total} heads", file=sys.stderr)
    translation = "exact_match" in rows[0][3]
    with open(args.measure, encoding="utf-8") as f:   # the texts: sources of pairs, texts of labelled lines
        lines = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    texts = "\n".join(parts[0] if translation else parts[-1] for parts in lines) + "\n"
    command = "translate" if translation else "classify"
    times = [[] for _ in rows]
    for _ in range(args.repeats):   # alternating rounds, so a busy moment hits every model alike
        for i, row in enumerate(rows):
            times[i].append(inference_seconds(row[2], command, texts))
    for i, row in enumerate(rows):
        row[4] = statistics.median(times[i])
    base_seconds = rows[0][4]
    print(f"{command} of {len(lines)} texts of {args.measure}, median of {args.repeats} alternating rounds", file=sys.stderr)
    if translation:
        print(f"| heads kept | fraction | exact match | CER | chrF2 | loss | {command} time | speed vs unpruned |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    else:
        print(f"| heads kept | fraction | accuracy | macro-F1 | loss | {command} time | speed vs unpruned |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
    for fraction, kept, _, m, seconds in rows:
        speed = base_seconds / seconds
        if translation:
            print(f"| {kept} of {total} | {kept / total:.2f} | {100 * m['exact_match']:.2f}% | {100 * m['cer']:.2f}% | "
                  f"{m['chrf']:.2f} | {m['loss']:.4f} | {seconds:.2f} s | {speed:.2f}x |")
        else:
            print(f"| {kept} of {total} | {kept / total:.2f} | {100 * m['accuracy']:.2f}% | {100 * m['macro_f1']:.2f}% | "
                  f"{m['loss']:.4f} | {seconds:.2f} s | {speed:.2f}x |")


if __name__ == "__main__":
    main()
