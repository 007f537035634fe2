#!/usr/bin/env python3
"""Trains SentencePiece models of every kind the fixtures have (spm_common.model_kinds, vocabularies 4x
larger) on 20,000 real German and English sentences, encodes 6,000+ lines with Python's sentencepiece and
with the Swift SentencePieceTokenizer, and compares every id of every line.

    pip install sentencepiece==0.2.1
    python3 Scripts/tokenizers/check_sentencepiece.py                 # Swift side: swift test (exact bytes)
    python3 Scripts/tokenizers/check_sentencepiece.py --runner cli    # Swift side: transformer-cli tokenize
    python3 Scripts/tokenizers/check_sentencepiece.py --keep DIR      # keep the models and ids in DIR

Prints `MODEL: lines N, ids M, mismatches K` per model (K counts lines whose ids differ), the first
differing lines, and exits 1 if any line differs.

Lines: the 5,000 sentences after the 20,000 training ones, 1,000 training sentences, every
spm_common.TRICKY line, and 500 lines made by a seeded shuffle of characters and words of the corpus mixed
with the tricky lines' characters (runs of spaces, combining marks, unknown scripts).

Runners. `test` (default) runs `swift test --filter SentencePieceExternalCheck` with
TRANSFORMERCORE_SPM_CHECK_DIR set: the test reads DIR/lines.bin (lines as bytes, `\\n`-separated, so
malformed UTF-8 stays exact) and writes DIR/NAME.swift.ids per DIR/NAME.model. `cli` pipes the lines
(valid UTF-8 only) into `swift run -c release transformer-cli tokenize --tokenizer DIR/NAME.model`.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spm_common  # noqa: E402
from splitmix import SplitMix64  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TRAIN_LINES = 20000
HELD_OUT = 5000
FROM_TRAINING = 1000
SCRAMBLED = 500


def scrambled_lines(sentences, count, seed=777):
    """Lines of random words and characters of the corpus and the tricky lines, random whitespace between."""
    generator = SplitMix64(seed)
    words = [w for s in sentences[:3000] for w in s.split()]
    characters = sorted(set("".join(sentences[:3000]) + "".join(l for l in spm_common.TRICKY if isinstance(l, str))))
    spaces = [" ", "  ", "\t", " \u3000", "\u00a0", "   "]
    lines = []
    for _ in range(count):
        parts = []
        for _ in range(1 + generator.index_below(12)):
            kind = generator.index_below(4)
            if kind == 0:
                parts.append("".join(characters[generator.index_below(len(characters))]
                                     for _ in range(1 + generator.index_below(6))))
            else:
                parts.append(words[generator.index_below(len(words))])
            parts.append(spaces[generator.index_below(len(spaces))] if generator.index_below(3) == 0 else " ")
        lines.append("".join(parts).replace("\n", " "))
    return lines


def run_swift(directory, names, runner, lines):
    if runner == "test":
        environment = dict(os.environ, TRANSFORMERCORE_SPM_CHECK_DIR=directory)
        result = subprocess.run(["swift", "test", "--filter", "SentencePieceExternalCheck"], cwd=ROOT,
                                env=environment, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit("swift test failed:\n" + result.stdout[-3000:] + result.stderr[-3000:])
        return
    subprocess.run(["swift", "build", "-c", "release", "--product", "transformer-cli"], cwd=ROOT, check=True)
    binary = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    text = b"\n".join(lines) + b"\n"
    for name in names:
        result = subprocess.run([os.path.join(binary, "transformer-cli"), "tokenize", "--tokenizer",
                                 os.path.join(directory, name + ".model")], input=text, capture_output=True)
        if result.returncode != 0:
            sys.exit(f"transformer-cli tokenize failed on {name}: {result.stderr.decode(errors='replace')}")
        with open(os.path.join(directory, name + ".swift.ids"), "wb") as f:
            f.write(result.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runner", choices=["test", "cli"], default="test")
    parser.add_argument("--keep", metavar="DIR", help="write the models and ids here and keep them")
    args = parser.parse_args()

    spm = spm_common.require_sentencepiece()
    sentences = spm_common.sentences()
    train_lines = sentences[:TRAIN_LINES]
    lines = [spm_common.as_bytes(l) for l in
             sentences[TRAIN_LINES:TRAIN_LINES + HELD_OUT] + train_lines[:FROM_TRAINING] + spm_common.TRICKY
             + scrambled_lines(sentences, SCRAMBLED)]
    if args.runner == "cli":   # the command reads text lines: only valid UTF-8, no carriage returns
        lines = [l for l in lines if b"\r" not in l and _is_utf8(l)]
    assert all(b"\n" not in l for l in lines)

    directory = args.keep or tempfile.mkdtemp(prefix="check-sentencepiece-")
    os.makedirs(directory, exist_ok=True)
    try:
        with open(os.path.join(directory, "lines.bin"), "wb") as f:
            f.write(b"\n".join(lines))
        expected = {}
        for name, config in spm_common.model_kinds(4).items():
            model = spm_common.train(spm, train_lines, config, directory)
            with open(os.path.join(directory, name + ".model"), "wb") as f:
                f.write(model)
            sp = spm.SentencePieceProcessor(model_proto=model)
            expected[name] = [sp.encode(line) for line in lines]
            with open(os.path.join(directory, name + ".python.ids"), "w") as f:
                f.write("".join(" ".join(map(str, ids)) + "\n" for ids in expected[name]))
        run_swift(directory, list(expected), args.runner, lines)

        failed = False
        for name, python_ids in expected.items():
            with open(os.path.join(directory, name + ".swift.ids")) as f:
                swift_ids = [[int(t) for t in row.split()] for row in f.read().split("\n")[:len(python_ids)]]
            bad = [i for i, (p, s) in enumerate(zip(python_ids, swift_ids)) if p != s]
            bad += list(range(len(swift_ids), len(python_ids)))
            print(f"{name}: lines {len(python_ids)}, ids {sum(map(len, python_ids))}, mismatches {len(bad)}")
            for i in bad[:3]:
                print(f"    line {i} {lines[i]!r}\n      python {python_ids[i]}\n      swift  {swift_ids[i] if i < len(swift_ids) else None}")
            failed = failed or bool(bad)
        sys.exit(1 if failed else 0)
    finally:
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)


def _is_utf8(data):
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


if __name__ == "__main__":
    main()
