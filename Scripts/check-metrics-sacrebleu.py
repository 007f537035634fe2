#!/usr/bin/env python3
"""Compares TransformerCore's BLEU and chrF (`transformer-cli score --json`) with sacreBLEU's on real test sets.

    pip install sacrebleu==2.6.0
    swift build --build-tests                                  # or any build with transformer-cli
    python3 Scripts/check-metrics-sacrebleu.py                 # Data/de-en-test.tsv and Data/en-it-test.tsv
    python3 Scripts/check-metrics-sacrebleu.py --hyp H --ref R # two files of your own, one segment a line
    python3 Scripts/check-metrics-sacrebleu.py --pairs Data/de-en-val.tsv --cli .build/release/transformer-cli

For each pairs file (source TAB target), the targets are the references and the hypotheses are the
references made noisy by a seeded script (SplitMix64, Scripts/splitmix.py), at three levels, so the
scores are far from 0 and 100:
    light   each word dropped with probability 0.10
    medium  dropped 0.20, then each remaining word swapped with its right neighbour with probability 0.15
    heavy   dropped 0.30, swapped 0.30, then each word replaced with probability 0.20 by a word drawn
            from all the references' words (sorted distinct)
plus "identical" (the references themselves: both metrics must give 100).
Both sides are scored from the same UTF-8 files (written with `\\n` line ends, read back by sacreBLEU from
the same lines): sacreBLEU with BLEU() and CHRF() at their defaults, corpus level. Prints one row per
file, level and metric with both scores and the difference, and exits 1 if any score differs by more
than --tolerance (default 1e-9) or any n-gram statistic differs.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from splitmix import SplitMix64  # noqa: E402

SACREBLEU_VERSION = "2.6.0"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_PAIRS = [os.path.join(ROOT, "Data", "de-en-test.tsv"), os.path.join(ROOT, "Data", "en-it-test.tsv")]
SEED = 2024
LEVELS = {"light": (10, 0, 0), "medium": (20, 15, 0), "heavy": (30, 30, 20)}   # percent: drop, swap, replace


def fail(message):
    sys.exit(f"error: {message}")


def noisy(references, level, seed):
    drop, swap, replace = LEVELS[level]
    generator = SplitMix64(seed)
    vocabulary = sorted({word for line in references for word in line.split()})
    out = []
    for line in references:
        words = [w for w in line.split() if generator.index_below(100) >= drop]
        for i in range(len(words) - 1):
            if generator.index_below(100) < swap:
                words[i], words[i + 1] = words[i + 1], words[i]
        for i in range(len(words)):
            if generator.index_below(100) < replace:
                words[i] = vocabulary[generator.index_below(len(vocabulary))]
        out.append(" ".join(words))
    return out


def read_lines(path):
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"{path}: {error}")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def sacrebleu_scores(hypotheses, references):
    from sacrebleu.metrics import BLEU, CHRF
    from sacrebleu.utils import sum_of_lists
    bleu = BLEU().corpus_score(hypotheses, [references])
    chrf_metric = CHRF()
    chrf = chrf_metric.corpus_score(hypotheses, [references])
    stats = sum_of_lists(chrf_metric._extract_corpus_statistics(hypotheses, [references]))
    return {"bleu": bleu.score, "bleu_matches": list(bleu.counts), "bleu_totals": list(bleu.totals),
            "hyp_len": bleu.sys_len, "ref_len": bleu.ref_len,
            "chrf": chrf.score, "chrf_hyp": stats[0::3], "chrf_ref": stats[1::3], "chrf_match": stats[2::3]}


def cli_scores(cli, hyp_path, ref_path):
    try:
        result = subprocess.run([cli, "score", "--hyp", hyp_path, "--ref", ref_path, "--json"],
                                capture_output=True, text=True)
    except OSError as error:
        fail(f"cannot run {cli}: {error.strerror} (build it: swift build, or give --cli)")
    if result.returncode != 0:
        fail(f"{cli} score failed with status {result.returncode}: {result.stderr.strip()}")
    return json.loads(result.stdout)


def compare(name, hypotheses, references, cli, tolerance, directory):
    hyp_path, ref_path = os.path.join(directory, "hyp.txt"), os.path.join(directory, "ref.txt")
    for path, lines in ((hyp_path, hypotheses), (ref_path, references)):
        with open(path, "wb") as handle:
            handle.write("".join(line + "\n" for line in lines).encode("utf-8"))
    # Read back exactly as transformer-cli reads them, so both score the same strings.
    hypotheses, references = read_lines(hyp_path), read_lines(ref_path)
    ours, theirs = cli_scores(cli, hyp_path, ref_path), sacrebleu_scores(hypotheses, references)
    problems = []
    rows = []
    for metric, label in (("bleu", "BLEU"), ("chrf", "chrF2")):
        difference = ours[metric] - theirs[metric]
        rows.append(f"{name:<28} {label:<6} sacreBLEU {theirs[metric]:>19.15f}  transformer-cli {ours[metric]:>19.15f}  "
                    f"diff {difference:+.1e}")
        if abs(difference) > tolerance:
            problems.append(f"{name} {label}: {ours[metric]!r} vs sacreBLEU {theirs[metric]!r}")
    for key in ("bleu_matches", "bleu_totals", "hyp_len", "ref_len", "chrf_hyp", "chrf_ref", "chrf_match"):
        if ours[key] != theirs[key]:
            problems.append(f"{name} {key}: {ours[key]} vs sacreBLEU {theirs[key]}")
    print("\n".join(rows))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", action="append", help="a pairs TSV whose targets are the references (repeatable); "
                                                         "default: Data/de-en-test.tsv and Data/en-it-test.tsv")
    parser.add_argument("--hyp", help="a hypothesis file to compare instead (with --ref)")
    parser.add_argument("--ref", help="its reference file")
    parser.add_argument("--cli", default=os.path.join(ROOT, ".build", "debug", "transformer-cli"),
                        help="the transformer-cli to run (default: .build/debug/transformer-cli)")
    parser.add_argument("--tolerance", type=float, default=1e-9, help="largest accepted score difference")
    arguments = parser.parse_args()
    try:
        import sacrebleu
    except ImportError:
        fail(f"sacrebleu is not installed: pip install sacrebleu=={SACREBLEU_VERSION}")
    if sacrebleu.__version__ != SACREBLEU_VERSION:
        print(f"warning: sacrebleu {sacrebleu.__version__}, the pinned version is {SACREBLEU_VERSION}", file=sys.stderr)
    problems = []
    with tempfile.TemporaryDirectory(prefix="check-metrics-") as directory:
        if arguments.hyp or arguments.ref:
            if not (arguments.hyp and arguments.ref):
                fail("--hyp and --ref go together")
            hypotheses, references = read_lines(arguments.hyp), read_lines(arguments.ref)
            if len(hypotheses) != len(references):
                fail(f"{arguments.hyp} has {len(hypotheses)} lines, {arguments.ref} {len(references)}")
            problems += compare(os.path.basename(arguments.hyp), hypotheses, references, arguments.cli,
                                arguments.tolerance, directory)
        else:
            for path in arguments.pairs or DEFAULT_PAIRS:
                if not os.path.exists(path):
                    print(f"skipped {path}: not built (see Data/README.md)")
                    continue
                references = []
                for number, line in enumerate(read_lines(path), start=1):
                    fields = line.split("\t")
                    if len(fields) != 2:
                        fail(f"{path}:{number}: expected 'source<TAB>target', found {len(fields) - 1} tabs")
                    references.append(fields[1])
                base = os.path.basename(path)
                problems += compare(f"{base} identical", references, references, arguments.cli, arguments.tolerance,
                                    directory)
                for offset, level in enumerate(LEVELS):
                    problems += compare(f"{base} {level}", noisy(references, level, SEED + offset), references,
                                        arguments.cli, arguments.tolerance, directory)
    if problems:
        fail(f"{len(problems)} difference(s): " + "; ".join(problems))
    print(f"all scores agree within {arguments.tolerance:g} and all n-gram statistics are equal "
          f"(sacrebleu {sacrebleu.__version__})")


if __name__ == "__main__":
    main()
