#!/usr/bin/env python3
"""Builds Data/de-en-{train,val,test}.tsv: German-English sentence pairs of the Ding dictionary (Debian trans-de-en 1.9-6).

    python3 Scripts/data/make-de-en-data.py             # apt-get download trans-de-en=1.9-6, write the 3 files
    python3 Scripts/data/make-de-en-data.py --check     # rebuild in a temporary folder, compare byte for byte
    python3 Scripts/data/make-de-en-data.py --phrases   # also write Data/de-en-phrases.tsv (not committed)

Source: the Debian package trans-de-en 1.9-6 (Ding, the TU Chemnitz German-English dictionary by Frank
Richter, GPL-2+; notice in Data/trans-de-en-COPYRIGHT.txt), file usr/share/trans/de-en: UTF-8, `#`
header lines, then one entry a line `DE1 | DE2 ... :: EN1 | EN2 ...` whose ` | ` sub-entries pair up in
order (every one of the 206,233 entries has as many German as English sub-entries: 391,763 sub-pairs).
The .deb is fetched with `apt-get download` (or given with --deb) and refused unless its SHA-256 is the
pinned one; the dictionary file is read out of it with `dpkg-deb --fsys-tarfile`.

Steps:
 1. Each side of a sub-pair: `{...}` (gender, word class) and `[...]` (register, field) annotations
    removed, innermost first; every whitespace run collapsed to one space, trimmed. `(...)` glosses and
    `;`-separated alternatives are kept as they are.
 2. Sentence pairs. A side made of `;`-separated alternatives whose first is a sentence ("Ganz wie du
    willst!; Ganz wie Sie wollen!") is cut to that first alternative (the others are synonyms, not
    translations of the other side's in order). Then both sides must end in `.`, `?` or `!`, have at
    least 3 words (space-separated), not end in a dictionary placeholder (`etw.`, `jdn.`, `sth.`,
    `sb./sth.`, ...: those are phrase patterns such as "Argumente für/gegen etw." / "a case for/against
    sth.") and have no `{ } [ ]` or tab left. Exact duplicates dropped: 19,610 pairs (the plain rule,
    both sides ending in `.?!` with 3 words, gives 19,951).
 3. Split, seed 12345: the pairs are grouped so that pairs sharing a German or an English side stay
    together (`grouped_split` in wheeldata.py: connected components, shuffled with SplitMix64 +
    Fisher-Yates, then test and validation filled up to 1,000 pairs each), so no German or English
    sentence of the test or validation file occurs in training. Each file is sorted by (German, English).
 4. Write `German<TAB>English\n` lines, UTF-8 (the pairs format of `transformer-cli train --data`).
 --phrases: every other cleaned sub-pair (both sides non-empty and free of `{ } [ ]`, not one of the
    sentence pairs, no side or `;`-alternative equal to a side of a validation or test sentence),
    deduplicated, in dictionary order: Data/de-en-phrases.tsv,
    extra training data. It is ~19 MB, so it is not committed: Data/de-en-phrases.sha256 holds its SHA-256,
    and a --phrases run (or --check --phrases) fails unless the bytes match it.
"""

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wheeldata  # noqa: E402

PACKAGE, VERSION = "trans-de-en", "1.9-6"
DEB_SHA256 = "45f6b4cf1c434776fba6811d7bc522efabb5425c43ba8afd0e289bf9e2e53df4"
DICTIONARY = "./usr/share/trans/de-en"
DICTIONARY_SHA256 = "34052c6021d09eadfee7a893a789204265954df70fe9c36d38fa00058d79d326"
EXPECTED_ENTRIES, EXPECTED_SUBPAIRS = 206_233, 391_763
SEED = 12345
TEST_SIZE, VALIDATION_SIZE = 1_000, 1_000
PHRASE_CHECKSUMS = "de-en-phrases.sha256"

# Dictionary placeholders ("etw." something, "jdn." somebody, ...): a side ending in one is a phrase
# pattern whose final period is the abbreviation's ("Argumente für/gegen etw." / "a case for/against sth.").
PLACEHOLDERS = {"etw.", "jd.", "jdn.", "jdm.", "jds.", "sth.", "sb.", "sb.'s", "sb.’s", "usw.", "etc."}
ANNOTATION = re.compile(r"\{[^{}]*\}|\[[^\[\]]*\]")


def fetch_dictionary(deb):
    """The bytes of usr/share/trans/de-en, after checking the .deb's and the file's SHA-256."""
    with tempfile.TemporaryDirectory(prefix="trans-de-en-") as directory:
        if deb is None:
            command = ["apt-get", "download", f"{PACKAGE}={VERSION}"]
            try:
                result = subprocess.run(command, cwd=directory, capture_output=True, text=True)
            except OSError as error:
                wheeldata.fail(f"cannot run apt-get: {error} (a Debian system is needed, or give --deb FILE)")
            if result.returncode != 0:
                lines = (result.stderr or result.stdout).strip().splitlines()
                wheeldata.fail(f"apt-get download {PACKAGE}={VERSION} failed: "
                               f"{lines[-1] if lines else 'exit status %d' % result.returncode} (run apt-get update first?)")
            debs = [f for f in os.listdir(directory) if f.endswith(".deb")]
            if len(debs) != 1:
                wheeldata.fail(f"apt-get download {PACKAGE}={VERSION} gave {len(debs)} .deb files, expected 1")
            deb = os.path.join(directory, debs[0])
        try:
            with open(deb, "rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()
        except OSError as error:
            wheeldata.fail(f"cannot read {deb}: {error.strerror}")
        if digest != DEB_SHA256:
            wheeldata.fail(f"{os.path.basename(deb)}: SHA-256 {digest}, expected {DEB_SHA256} ({PACKAGE} {VERSION}); "
                           f"refusing a different file")
        print(f"deb {PACKAGE} {VERSION}: {os.path.getsize(deb):,} bytes, sha256 {digest[:16]}... ok")
        try:
            tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], capture_output=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError) as error:
            wheeldata.fail(f"dpkg-deb --fsys-tarfile {deb} failed: {error}")
    import io
    import tarfile
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        try:
            raw = archive.extractfile(DICTIONARY).read()
        except (KeyError, AttributeError):
            wheeldata.fail(f"{PACKAGE} {VERSION}: no file {DICTIONARY} in the package")
    digest = hashlib.sha256(raw).hexdigest()
    if digest != DICTIONARY_SHA256:
        wheeldata.fail(f"{DICTIONARY}: SHA-256 {digest}, expected {DICTIONARY_SHA256}")
    return raw


def clean(side):
    """Annotations removed (innermost first, so nested ones go too), whitespace collapsed."""
    while True:
        stripped = ANNOTATION.sub(" ", side)
        if stripped == side:
            return wheeldata.collapse(side)
        side = stripped


def sub_pairs(raw):
    """(German, English) for every sub-entry, cleaned, in dictionary order."""
    text = raw.decode("utf-8")
    entries, pairs = 0, []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line or line.startswith("#"):
            continue
        entries += 1
        parts = line.split(" :: ")
        if len(parts) != 2:
            wheeldata.fail(f"{DICTIONARY} line {number}: expected one ' :: ', found {len(parts) - 1}")
        german, english = parts[0].split(" | "), parts[1].split(" | ")
        if len(german) != len(english):
            wheeldata.fail(f"{DICTIONARY} line {number}: {len(german)} German but {len(english)} English sub-entries")
        pairs.extend((clean(g), clean(e)) for g, e in zip(german, english))
    if (entries, len(pairs)) != (EXPECTED_ENTRIES, EXPECTED_SUBPAIRS):
        wheeldata.fail(f"{DICTIONARY}: {entries:,} entries and {len(pairs):,} sub-pairs, "
                       f"expected {EXPECTED_ENTRIES:,} and {EXPECTED_SUBPAIRS:,}")
    return pairs


def usable(side):
    return side != "" and not any(c in side for c in "{}[]\t")


def first_alternative(side):
    """The first of `;`-separated alternatives when it is a sentence of its own ("Ganz wie du willst!;
    Ganz wie Sie wollen!"); otherwise the side unchanged (a semicolon inside one sentence: "To copy from
    one book is plagiarism; to copy from ten is research.")."""
    first = side.split(";")[0].strip()
    return first if first != side and first[-1:] in (".", "?", "!") else side


def is_sentence(side):
    words = side.split(" ")
    return (usable(side) and side[-1] in ".?!" and len(words) >= 3
            and not any(piece in PLACEHOLDERS for piece in words[-1].split("/")))


def sentence_pairs(pairs):
    """The distinct sentence pairs, sorted: each side's first alternative, both sides sentences."""
    chosen = set()
    for german, english in pairs:
        german, english = first_alternative(german), first_alternative(english)
        if is_sentence(german) and is_sentence(english):
            chosen.add((german, english))
    return sorted(chosen)


def split(pairs):
    splits = wheeldata.grouped_split(pairs, SEED, TEST_SIZE, VALIDATION_SIZE)
    return {name: sorted(lines) for name, lines in splits.items()}


def summary(lines):
    words = [(len(g.split(" ")), len(e.split(" "))) for g, e in lines]
    mean = lambda values: sum(values) / len(values)
    return (f"words per side: German mean {mean([w[0] for w in words]):.2f} max {max(w[0] for w in words)}, "
            f"English mean {mean([w[1] for w in words]):.2f} max {max(w[1] for w in words)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=wheeldata.DATA_DIRECTORY, help="folder to write into (default: the package's Data/)")
    parser.add_argument("--check", action="store_true",
                        help="rebuild into a temporary folder and compare; exit 1 on any difference")
    parser.add_argument("--deb", help="use this already downloaded trans-de-en_1.9-6_all.deb (its SHA-256 is still checked)")
    parser.add_argument("--phrases", action="store_true",
                        help="also build de-en-phrases.tsv (checked against Data/de-en-phrases.sha256)")
    parser.add_argument("--write-checksums", action="store_true",
                        help=f"(maintainers) with --phrases: write Data/{PHRASE_CHECKSUMS} instead of checking against it")
    arguments = parser.parse_args()

    pairs = sub_pairs(fetch_dictionary(arguments.deb))
    sentences = sentence_pairs(pairs)
    print(f"{len(pairs):,} sub-pairs; {len(sentences):,} distinct sentence pairs")
    splits = split(sentences)
    outputs, summaries = {}, {}
    for name in ("train", "val", "test"):
        outputs[f"de-en-{name}.tsv"] = wheeldata.tsv_bytes(splits[name])
        summaries[f"de-en-{name}.tsv"] = summary(splits[name])
    wheeldata.emit(outputs, arguments.out, arguments.check, summaries)

    if arguments.phrases:
        held_out = {side for name in ("val", "test") for pair in splits[name] for side in pair}
        sentence_set = set(sentences)
        seen, phrases = set(), []
        def holds_held_out(side):
            return side in held_out or any(part.strip() in held_out for part in side.split(";"))

        for pair in pairs:
            if (pair in seen or not usable(pair[0]) or not usable(pair[1])
                    or (first_alternative(pair[0]), first_alternative(pair[1])) in sentence_set
                    or holds_held_out(pair[0]) or holds_held_out(pair[1])):
                continue
            seen.add(pair)
            phrases.append(pair)
        name = "de-en-phrases.tsv"
        phrase_output = {name: wheeldata.tsv_bytes(phrases)}
        checksums = os.path.join(wheeldata.DATA_DIRECTORY, PHRASE_CHECKSUMS)
        if arguments.write_checksums:
            wheeldata.emit(phrase_output, arguments.out, False, {name: summary(phrases)})
            with open(checksums, "w", encoding="utf-8") as handle:
                handle.write(f"# SHA-256 of Data/{name}, written by Scripts/data/make-de-en-data.py --phrases "
                             f"({PACKAGE} {VERSION}, seed {SEED});\n# not committed (~19 MB). "
                             f"Check: cd Data && sha256sum -c {PHRASE_CHECKSUMS}\n")
                handle.write(f"{hashlib.sha256(phrase_output[name]).hexdigest()}  {name}\n")
            print(f"wrote {checksums}")
        else:
            wheeldata.emit(phrase_output, arguments.out, arguments.check, {name: summary(phrases)},
                           checksum_file=checksums)


if __name__ == "__main__":
    main()
