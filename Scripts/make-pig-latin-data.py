#!/usr/bin/env python3
"""Builds the Pig-Latin datasets in Data/ from the SCOWL English word lists (Debian package `scowl`).

    apt-get install scowl          # 2020.12.07-2 (Debian 12 "bookworm"); installs /usr/share/dict/scowl
    python3 Scripts/make-pig-latin-data.py             # rewrites the four Data/pig-latin-*.tsv files
    python3 Scripts/make-pig-latin-data.py --check     # only checks that they are up to date

Deterministic: no clock, no hash order, and a SplitMix64 generator and Fisher-Yates shuffle (Scripts/splitmix.py) (the
same algorithm as TransformerCore's SeededGenerator and seededShuffle), so the same inputs and seed
give the same bytes on any machine and Python 3 version. The input files are checked against their
SHA-256 first, so a different SCOWL release is refused instead of silently giving different data.

Steps:
 1. Read english-words.10, .20 and .35 (SCOWL size levels 10-35: the common English words; the
    rarer levels 40-95 are left out). Keep lowercase ASCII words, hyphens allowed between letters
    (`^[a-z]+(-[a-z]+)*$`), with 2 to 12 letters; deduplicate; remember each word's lowest level.
 2. Sort the words, shuffle them with SplitMix64(seed).
 3. Large set: the first 22,000 shuffled words; its test file is the first 2,200 of them (10%), its
    train file the other 19,800.
 4. Small set: the first 2,880 words of the large train file's shuffled order that are in SCOWL levels
    10-20 (the most common words) for training, and the first 320 such words of the large test file
    for testing. So the small set is a subset of the large one, and no test word of either set is in
    either train file: a model trained on one set can be tested on the other's test file.
 5. Write each file sorted, one `word<TAB>piglatin` line each, `\n` endings, ASCII.

The Pig-Latin rule here must equal PigLatin.translate in Sources/TransformerCore/Text/PigLatin.swift;
Tests/TransformerCoreTests/Text/ShippedDataTests.swift checks every shipped line against the Swift rule.
"""

import argparse
import hashlib
import os
import re
import sys

from splitmix import SplitMix64, shuffled  # Scripts/splitmix.py, shared with Scripts/data/

SCOWL_DIRECTORY = "/usr/share/dict/scowl"
LEVELS = (10, 20, 35)
SMALL_LEVELS = (10, 20)
# SHA-256 of english-words.LEVEL in Debian's scowl 2020.12.07-2.
INPUT_SHA256 = {
    10: "108251985a4ae80bd64861b5ffa8e96cbbf4c1b19a1c216f58ae923284c1c776",
    20: "81e3554e71857b22ede83d0bb6378657f8419b57e5ceeb53c43c0818d36db465",
    35: "2a7cb13fb22495dfec81e4a67efb13cdb5e2f6f052e8788efe506cc98eb652d0",
}
SEED = 42
MIN_LETTERS, MAX_LETTERS = 2, 12
LARGE_TOTAL, LARGE_TEST = 22_000, 2_200
SMALL_TRAIN, SMALL_TEST = 2_880, 320
WORD = re.compile(r"^[a-z]+(-[a-z]+)*$")


VOWELS = set("aeiou")


def pig_latin_part(part):
    if not part:
        return ""
    if part[0] in VOWELS:
        return part + "way"
    split = next((i for i, c in enumerate(part) if c in VOWELS or c == "y"), len(part))
    if 0 < split < len(part) and part[split] == "u" and part[split - 1] == "q":
        split += 1
    return part[split:] + part[:split] + "ay"


def pig_latin(word):
    """The rule of PigLatin.translate: translate each hyphen-separated part."""
    return "-".join(pig_latin_part(part) for part in word.split("-"))


def read_words(directory):
    level_of = {}
    for level in LEVELS:
        path = os.path.join(directory, f"english-words.{level}")
        with open(path, "rb") as handle:
            raw = handle.read()
        digest = hashlib.sha256(raw).hexdigest()
        if digest != INPUT_SHA256[level]:
            sys.exit(f"error: {path}: expected SHA-256 {INPUT_SHA256[level]} (Debian scowl 2020.12.07-2), "
                     f"found {digest}; install that version or update the script and the data together")
        for line in raw.decode("utf-8").splitlines():
            word = line.strip()
            letters = len(word.replace("-", ""))
            if WORD.match(word) and MIN_LETTERS <= letters <= MAX_LETTERS:
                level_of.setdefault(word, level)
    return level_of


def build(directory):
    level_of = read_words(directory)
    order = shuffled(sorted(level_of), SplitMix64(SEED))
    if len(order) < LARGE_TOTAL:
        sys.exit(f"error: expected at least {LARGE_TOTAL} words, found {len(order)}")
    large = order[:LARGE_TOTAL]
    large_test, large_train = large[:LARGE_TEST], large[LARGE_TEST:]

    def common(words, count, name):
        chosen = [w for w in words if level_of[w] in SMALL_LEVELS][:count]
        if len(chosen) < count:
            sys.exit(f"error: {name}: expected {count} common words, found {len(chosen)}")
        return chosen

    files = {
        "pig-latin-small.tsv": common(large_train, SMALL_TRAIN, "small train"),
        "pig-latin-small-test.tsv": common(large_test, SMALL_TEST, "small test"),
        "pig-latin-large.tsv": large_train,
        "pig-latin-large-test.tsv": large_test,
    }
    return {name: "".join(f"{w}\t{pig_latin(w)}\n" for w in sorted(words)).encode("ascii")
            for name, words in files.items()}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scowl", default=SCOWL_DIRECTORY, help="folder holding english-words.10 etc.")
    parser.add_argument("--output", default=os.path.join(here, "..", "Data"), help="folder to write into")
    parser.add_argument("--check", action="store_true", help="compare with the files instead of writing")
    arguments = parser.parse_args()

    outputs = build(arguments.scowl)
    stale = []
    for name, content in outputs.items():
        path = os.path.join(arguments.output, name)
        lines = content.count(b"\n")
        digest = hashlib.sha256(content).hexdigest()[:16]
        if arguments.check:
            try:
                with open(path, "rb") as handle:
                    same = handle.read() == content
            except FileNotFoundError:
                same = False
            print(f"{'ok   ' if same else 'STALE'} {name}: {lines} lines, {len(content)} bytes, sha256 {digest}...")
            if not same:
                stale.append(name)
        else:
            with open(path, "wb") as handle:
                handle.write(content)
            print(f"wrote {name}: {lines} lines, {len(content)} bytes, sha256 {digest}...")
    if stale:
        sys.exit(f"error: {len(stale)} file(s) differ from what the script makes: {', '.join(stale)}")


if __name__ == "__main__":
    main()
