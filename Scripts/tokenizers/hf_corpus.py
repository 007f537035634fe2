"""German/English sentences from Debian's trans-de-en 1.9-6 (the Ding dictionary, GPL-2+), plus tricky lines,
for the tokenizer.json checks. Shared by check_hf_tokenizers.py and hf_make_fixtures.py.

    apt-get download trans-de-en && dpkg -x trans-de-en_1.9-6_all.deb DIR

`sentences(path)` keeps sub-entry pairs whose both sides end in . ? ! and have at least 3 words, with
{...} and [...] annotations removed, unique, in file order.
"""
import os
import re
import subprocess
import tempfile

DEB_NAME = "trans-de-en"
DEB_VERSION = "1.9-6"
RELATIVE = "usr/share/trans/de-en"

# Lines that take the unusual paths: combining marks, emoji, full-width forms, tabs, runs of spaces,
# empty, contractions, numbers, other scripts, zero-width joiners, special-token spellings, case mappings.
TRICKY = [
    "",
    "e\u0301te\u0301 cafe\u0301 caf\u00e9 na\u00efve",
    "\U0001F44D\U0001F3FD \U0001F468\u200d\U0001F469\u200d\U0001F467 \U0001F1E9\U0001F1EA ok!",
    "\uff21\uff22\uff23\uff11\uff12\uff13\uff01\uff48\uff45\uff4c\uff4c\uff4f\u3000\uff57\uff4f\uff52\uff4c\uff44",
    "tab\there\t\tdouble\ttabs",
    "a   b    c  ",
    "   leading and trailing   ",
    "don't you're we've I'm they'll he'd it's 'quoted' DON'T",
    "1234567 3.14 \u00b2\u00b3 \u00bd \u216b 0x1F",
    "a\u00a0b\u2003c\u3000d\u200be",
    "\u041f\u0440\u0438\u0432\u0435\u0442 \u043c\u0438\u0440 \u3053\u3093\u306b\u3061\u306f \u4e16\u754c \u0645\u0631\u062d\u0628\u0627",
    "a\u200db\u200cc",
    "[UNK] <unk> <pad>hello<eos> [SOS]x[EOS] <sos> [PAD]",
    "Stra\u00dfe \u00df \u0130stanbul \u03a3\u038a\u03a3\u03a5\u03a6\u039f\u03a3 \ufb01x",
    "soft\u00adhyphen and \u0007bell",
    "Der Hund, die Katze; das Haus: \u201eGut\u201c \u2013 \u00abja\u00bb (sehr) [gut] {ok}?!",
    "x" * 60 + " " + "ab" * 30,
    "   ",
    "\u00c5ngstr\u00f6m A\u030angstro\u0308m",
    "e-mail: max.mustermann@example.com, https://example.org/a_b?c=d#e",
]


def ensure_deb(work_dir):
    """Downloads and unpacks trans-de-en into work_dir (once); returns the dictionary's path."""
    path = os.path.join(work_dir, "x", RELATIVE)
    if os.path.exists(path):
        return path
    os.makedirs(work_dir, exist_ok=True)
    subprocess.run(["apt-get", "download", f"{DEB_NAME}={DEB_VERSION}"], cwd=work_dir, check=True)
    deb = [f for f in os.listdir(work_dir) if f.startswith(DEB_NAME) and f.endswith(".deb")][0]
    subprocess.run(["dpkg", "-x", deb, "x"], cwd=work_dir, check=True)
    return path


ANNOTATION = re.compile(r"\{[^}]*\}|\[[^\]]*\]")


def clean(text):
    return " ".join(ANNOTATION.sub(" ", text).split())


def is_sentence(text):
    return text[-1:] in ".?!" and len(text.split()) >= 3


def sentences(path):
    """(German, English) sentence pairs, unique, in file order."""
    pairs, seen = [], set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or " :: " not in line:
                continue
            de, en = line.rstrip("\n").split(" :: ", 1)
            for d, e in zip(de.split(" | "), en.split(" | ")):
                d, e = clean(d), clean(e)
                if is_sentence(d) and is_sentence(e) and (d, e) not in seen:
                    seen.add((d, e))
                    pairs.append((d, e))
    return pairs


def corpus(work_dir, pairs_wanted):
    """`pairs_wanted` pairs spread evenly over the sentences, as lines (German, then English, alternating)."""
    pairs = sentences(ensure_deb(work_dir))
    step = max(1, len(pairs) // pairs_wanted)
    chosen = pairs[::step][:pairs_wanted]
    lines = []
    for d, e in chosen:
        lines += [d, e]
    return lines, len(pairs)


def default_work_dir():
    return os.path.join(tempfile.gettempdir(), "hf-tokenizers-data")
