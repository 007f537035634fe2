#!/usr/bin/env python3
"""Iterative head pruning (Michel et al. 2019): quality and speed against the fraction of heads kept.

Starting from CHECKPOINT, prunes by gradient importance measured on --measure data down to each fraction
of the unpruned model's heads (each step continues from the previous step's model, so importance is
measured again on the smaller model), evaluates every model on --test data, and times `evaluate` on it
(median of --repeats runs; for a translator that is teacher forcing plus greedy decoding of every test
line, for a classifier one forward pass per batch). Prints a Markdown table; speed is given as the
unpruned model's time over the pruned one's (higher is faster). Run from the package root after
`swift build -c release`:

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


def evaluate(checkpoint, test, repeats):
    times, metrics = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        metrics = json.loads(run(["evaluate", "--checkpoint", checkpoint, "--data", test, "--json"]))
        times.append(time.perf_counter() - start)
    return metrics, statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--measure", required=True, help="data the importance is measured on")
    parser.add_argument("--test", required=True, help="held-out data the pruned models are scored on")
    parser.add_argument("--out", required=True, help="directory for the pruned checkpoints")
    parser.add_argument("--fractions", default="0.9,0.8,0.7,0.6,0.5,0.4,0.3,0.2")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--step-heads", type=int, default=1000,
                        help="heads removed between importance measurements inside one fraction step")
    args = parser.parse_args()
    if not os.path.exists(TOOL):
        sys.exit(f"{TOOL} not found: run `swift build -c release` first")
    os.makedirs(args.out, exist_ok=True)
    rows, previous = [], args.checkpoint
    metrics, seconds = evaluate(args.checkpoint, args.test, args.repeats)
    rows.append([1.0, None, args.checkpoint, metrics, seconds])   # head count filled in from the first prune
    for fraction in [float(f) for f in args.fractions.split(",")]:
        out = os.path.join(args.out, f"keep-{fraction:.2f}.safetensors")
        if os.path.exists(out):
            os.remove(out)
        printed = run(["prune", "--checkpoint", previous, "--keep-fraction", str(fraction), "--step-heads", str(args.step_heads),
                       "--data", args.measure, "--out", out])
        kept, total = [int(n) for n in printed.split(": ", 1)[1].split(" heads kept")[0].split(" of ")]
        rows[0][1] = rows[0][1] or total
        metrics, seconds = evaluate(out, args.test, args.repeats)
        rows.append([fraction, kept, out, metrics, seconds])
        previous = out
        print(f"kept {kept} of {total} heads", file=sys.stderr)
    base_seconds = rows[0][4]
    translation = "exact_match" in rows[0][3]
    if translation:
        print("| heads kept | fraction | exact match | CER | BLEU | chrF2 | loss | evaluate time | speed vs unpruned |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    else:
        print("| heads kept | fraction | accuracy | macro-F1 | loss | evaluate time | speed vs unpruned |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
    for fraction, kept, _, m, seconds in rows:
        speed = base_seconds / seconds
        if translation:
            print(f"| {kept} of {total} | {kept / total:.2f} | {100 * m['exact_match']:.2f}% | {100 * m['cer']:.2f}% | "
                  f"{m['bleu']:.2f} | {m['chrf']:.2f} | {m['loss']:.4f} | {seconds:.2f} s | {speed:.2f}x |")
        else:
            print(f"| {kept} of {total} | {kept / total:.2f} | {100 * m['accuracy']:.2f}% | {100 * m['macro_f1']:.2f}% | "
                  f"{m['loss']:.4f} | {seconds:.2f} s | {speed:.2f}x |")


if __name__ == "__main__":
    main()
