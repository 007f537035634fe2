#!/usr/bin/env python3
"""Builds the data of Scripts/length-generalisation.sh: Pig-Latin pairs for training on short words and
test files of longer, unseen words, one file per length.

    python3 Scripts/length-generalisation-data.py --max-train-letters 8 --out runs/length/data

Writes into --out (standard library only, deterministic):
  train.tsv      every word of Data/pig-latin-large.tsv with at most --max-train-letters letters
  test-in.tsv    the words of Data/pig-latin-large-test.tsv with at most that many letters (held out,
                 in-distribution: did the model learn the rule at all?)
  test-LL.tsv    for each length L from max + 1 to 14, words of exactly L letters that training never saw:
                 for L <= 12 the words of that length in Data/pig-latin-large.tsv and -test.tsv (neither
                 file's words of more than --max-train-letters letters are trained on); for L = 13 and 14,
                 which the shipped files do not have (their words have 2 to 12 letters), the words of
                 that length in the same SCOWL lists the shipped files were drawn from (Debian `scowl`
                 2020.12.07-2, english-words.10/.20/.35, same filter, SHA-256 checked; `apt-get install
                 scowl`), translated by the same rule (Scripts/make-pig-latin-data.py's pig_latin).
                 At most --per-length words a length (a seeded SplitMix64 sample of the sorted words).
Prints one line per file: its name, the number of pairs and the letter range.
"""

import argparse
import hashlib
import importlib.util
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from splitmix import SplitMix64, shuffled  # noqa: E402

spec = importlib.util.spec_from_file_location("make_pig_latin_data", os.path.join(here, "make-pig-latin-data.py"))
builder = importlib.util.module_from_spec(spec)
spec.loader.exec_module(builder)

LONGEST = 14
SEED = 17


def letters(word):
    return len(word.replace("-", ""))


def read_pairs(path):
    with open(path, encoding="ascii") as handle:
        return [tuple(line.rstrip("\n").split("\t")) for line in handle if line.strip()]


def scowl_words(directory, length):
    """SCOWL words of exactly `length` letters, levels 10-35, the shipped files' filter and checksums."""
    words = set()
    for level in builder.LEVELS:
        path = os.path.join(directory, f"english-words.{level}")
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except FileNotFoundError:
            sys.exit(f"error: {path}: not found; the 13- and 14-letter test words come from Debian's scowl "
                     f"word lists: apt-get install scowl (2020.12.07-2)")
        digest = hashlib.sha256(raw).hexdigest()
        if digest != builder.INPUT_SHA256[level]:
            sys.exit(f"error: {path}: expected SHA-256 {builder.INPUT_SHA256[level]}, found {digest}")
        for line in raw.decode("utf-8").splitlines():
            word = line.strip()
            if builder.WORD.match(word) and letters(word) == length:
                words.add(word)
    return sorted(words)


def write(path, words):
    with open(path, "w", encoding="ascii", newline="\n") as handle:
        for word in sorted(words):
            handle.write(f"{word}\t{builder.pig_latin(word)}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-train-letters", type=int, default=8)
    parser.add_argument("--per-length", type=int, default=500, help="at most this many test words a length")
    parser.add_argument("--data", default=os.path.join(here, "..", "Data"))
    parser.add_argument("--scowl", default=builder.SCOWL_DIRECTORY)
    parser.add_argument("--out", required=True)
    arguments = parser.parse_args()
    limit = arguments.max_train_letters
    if not 2 <= limit < LONGEST:
        sys.exit(f"error: --max-train-letters: expected 2 to {LONGEST - 1}, got {limit}")
    train = read_pairs(os.path.join(arguments.data, "pig-latin-large.tsv"))
    test = read_pairs(os.path.join(arguments.data, "pig-latin-large-test.tsv"))
    for word, target in train + test:   # the shipped files follow the rule this script translates with
        if builder.pig_latin(word) != target:
            sys.exit(f"error: {word}\t{target}: not the rule of make-pig-latin-data.py")
    os.makedirs(arguments.out, exist_ok=True)
    trained = {w for w, _ in train if letters(w) <= limit}
    files = {"train.tsv": sorted(trained), "test-in.tsv": sorted(w for w, _ in test if letters(w) <= limit)}
    shipped = sorted({w for w, _ in train + test})
    for length in range(limit + 1, LONGEST + 1):
        words = [w for w in shipped if letters(w) == length] if length <= builder.MAX_LETTERS \
            else scowl_words(arguments.scowl, length)
        words = [w for w in words if w not in trained]
        files[f"test-{length:02d}.tsv"] = shuffled(words, SplitMix64(SEED + length))[:arguments.per_length]
    for name, words in files.items():
        if not words:
            sys.exit(f"error: {name}: no words")
        write(os.path.join(arguments.out, name), words)
        sizes = [letters(w) for w in words]
        print(f"{name}: {len(words)} pairs, {min(sizes)}-{max(sizes)} letters")


if __name__ == "__main__":
    main()
