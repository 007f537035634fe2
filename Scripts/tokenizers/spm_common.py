"""Shared by sentencepiece_fixtures.py and check_sentencepiece.py: the pinned sentencepiece version, the
real corpus (German and English sentences of Debian's trans-de-en, the Ding dictionary), the model kinds
both scripts train, and the tricky input lines.

Corpus: Debian `trans-de-en` 1.9-6 (GPL-2+), `usr/share/trans/de-en`, one entry a line
`DE1 | DE2 ... :: EN1 | EN2 ...`; every sub-entry (split on ` | ` and `; `) of either side with its `{...}`
and `[...]` annotations stripped that ends in `.`, `?` or `!` and has at least 3 words is a sentence. The
unique sentences, sorted, are shuffled with SplitMix64(seed) (Scripts/splitmix.py). Nothing of the corpus is
committed except the few held-out sentences in the test fixture (short dictionary example sentences).
"""

import hashlib
import io
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from splitmix import SplitMix64, shuffled  # noqa: E402

SENTENCEPIECE_VERSION = "0.2.1"
DEB_PACKAGE = "trans-de-en"
DEB_VERSION = "1.9-6"
DE_EN_SHA256 = "34052c6021d09eadfee7a893a789204265954df70fe9c36d38fa00058d79d326"
CACHE = os.environ.get("SPM_CACHE", os.path.join(tempfile.gettempdir(), "transformercore-spm-cache"))


def require_sentencepiece():
    try:
        import sentencepiece
    except ImportError:
        sys.exit(f"needs sentencepiece: pip install sentencepiece=={SENTENCEPIECE_VERSION}")
    if sentencepiece.__version__ != SENTENCEPIECE_VERSION:
        sys.exit(f"needs sentencepiece=={SENTENCEPIECE_VERSION} (found {sentencepiece.__version__}): "
                 f"pip install sentencepiece=={SENTENCEPIECE_VERSION}")
    return sentencepiece


def dictionary_path():
    """The de-en file of trans-de-en, downloaded (apt-get download) and unpacked (dpkg -x) into CACHE once."""
    path = os.path.join(CACHE, "x", "usr", "share", "trans", "de-en")
    if not os.path.exists(path):
        os.makedirs(CACHE, exist_ok=True)
        subprocess.run(["apt-get", "download", f"{DEB_PACKAGE}={DEB_VERSION}"], cwd=CACHE, check=True)
        deb = [f for f in os.listdir(CACHE) if f.startswith(DEB_PACKAGE) and f.endswith(".deb")][0]
        subprocess.run(["dpkg", "-x", deb, "x"], cwd=CACHE, check=True)
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    if digest != DE_EN_SHA256:
        sys.exit(f"{path}: SHA-256 {digest}, expected {DE_EN_SHA256}")
    return path


_ANNOTATION = re.compile(r"\{[^}]*\}|\[[^\]]*\]")


def sentences(seed=12345):
    """The unique German and English sentences of the dictionary, shuffled with SplitMix64(seed)."""
    found = set()
    with open(dictionary_path(), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or " :: " not in line:
                continue
            for side in line.rstrip("\n").split(" :: ", 1):
                for sub in side.split(" | "):
                    for part in sub.split("; "):
                        text = " ".join(_ANNOTATION.sub("", part).split())
                        if text[-1:] in ".?!" and len(text.split()) >= 3:
                            found.add(text)
    return shuffled(sorted(found), SplitMix64(seed))


# Small custom normalisation rules (a tiny precompiled charsmap: a real darts-clone trie built by the
# trainer from a TSV of code points) and one denormalisation rule for decoding.
NORMALIZATION_TSV = "\n".join([
    "FB01\t66 69",        # ﬁ -> fi
    "FB02\t66 6C",        # ﬂ -> fl
    "FF21\t41",           # Ａ -> A
    "FF41\t61",           # ａ -> a
    "65 301\tE9",         # e + combining acute -> é (a two-code-point key)
    "41 30A\tC5",         # A + combining ring -> Å
    "200B\t",             # zero-width space -> nothing
    "3000\t20",           # ideographic space -> space
    "2460\t31",           # ① -> 1
    "DF\t73 73",          # ß -> ss (one code point to two)
]) + "\n"
DENORMALIZATION_TSV = "E9\t65 301\n"   # é -> e + combining acute when decoding


def train(sentencepiece, lines, config, workdir):
    """The serialized ModelProto of one kind of model trained on `lines` (deterministic: one thread, no
    sampling of the input)."""
    options = dict(config)
    patch = options.pop("patch", b"")
    for key in ("normalization_rule_tsv", "denormalization_rule_tsv"):
        if options.get(key) is True:
            with open(os.path.join(workdir, key + ".tsv"), "w", encoding="utf-8") as f:
                f.write(NORMALIZATION_TSV if key.startswith("normalization") else DENORMALIZATION_TSV)
            options[key] = key + ".tsv"   # relative: the trainer stores the path in the model
    writer = io.BytesIO()
    here = os.getcwd()
    os.chdir(workdir)
    try:
        sentencepiece.SentencePieceTrainer.train(
            sentence_iterator=iter(lines), model_writer=writer, num_threads=1, shuffle_input_sentence=False,
            minloglevel=2, **options)
    finally:
        os.chdir(here)
    # Appending a second normalizer_spec (field 3) merges into the first, as protobuf does: how a model
    # with settings the trainer refuses (escape_whitespaces false) is made.
    return writer.getvalue() + patch


def model_kinds(scale):
    """name -> trainer options. `scale` multiplies the vocabulary sizes (1 for the committed fixtures)."""
    v = lambda n: n * scale  # noqa: E731
    return {
        # the default normaliser (nmt_nfkc precompiled charsmap), user-defined symbols
        "unigram_nfkc": dict(model_type="unigram", vocab_size=v(800), user_defined_symbols=["<sep>", "Haus"]),
        # BPE with the default normaliser and byte fallback; pad defined
        "bpe_nfkc_bytes": dict(model_type="bpe", vocab_size=v(700), byte_fallback=True, pad_id=3,
                               character_coverage=0.995),
        # identity normalisation, byte fallback, a pad id, no bos
        "unigram_identity_bytes": dict(model_type="unigram", vocab_size=v(500), byte_fallback=True,
                                       normalization_rule_name="identity", pad_id=3, bos_id=-1,
                                       user_defined_symbols=["<sep>"], character_coverage=0.99),
        # a small vocabulary and character coverage below 1: unknown characters, merged unknown runs
        "unigram_small": dict(model_type="unigram", vocab_size=v(150), character_coverage=0.98,
                              normalization_rule_name="identity", unk_surface="<?>",
                              remove_extra_whitespaces=False),
        "bpe_small": dict(model_type="bpe", vocab_size=v(150), character_coverage=0.98,
                          normalization_rule_name="identity", user_defined_symbols=["<sep>", "Haus"],
                          eos_id=-1, unk_id=2, bos_id=0),
        # whitespace as a suffix, no dummy prefix handling differences
        "unigram_suffix": dict(model_type="unigram", vocab_size=v(300), treat_whitespace_as_suffix=True,
                               normalization_rule_name="identity"),
        "bpe_no_dummy_prefix": dict(model_type="bpe", vocab_size=v(300), add_dummy_prefix=False,
                                    normalization_rule_name="nfkc_cf" if scale > 1 else "identity"),
        # a tiny custom charsmap (TSV rules) and a denormaliser; whitespace not escaped (patched in)
        "unigram_rules": dict(model_type="unigram", vocab_size=v(300), normalization_rule_tsv=True,
                              denormalization_rule_tsv=True),
        "unigram_rules_noescape": dict(model_type="unigram", vocab_size=v(300), normalization_rule_tsv=True,
                                       patch=b"\x1a\x02\x28\x00"),
        "bpe_rules": dict(model_type="bpe", vocab_size=v(420), normalization_rule_tsv=True,
                          byte_fallback=True, character_coverage=0.99),
        "char": dict(model_type="char", vocab_size=v(80), normalization_rule_name="identity",
                     character_coverage=0.99),
        "word": dict(model_type="word", vocab_size=v(400), normalization_rule_name="identity"),
    }


# Lines that exercise normalisation, whitespace handling, unknowns and byte fallback. bytes: not UTF-8.
TRICKY = [
    "", " ", "   ", "\t", "  Leading and trailing spaces  ", "multiple    spaces\tand\t\ttabs",
    "\tleading tab", "trailing tab\t", "Café au lait", "Cafe\u0301 au lait", "A\u030Angstr\u00F6m \u00C5",
    "e\u0301\u0301 double combining", "\u0301 starts with a combining mark",
    "ＦＵＬＬ－ｗｉｄｔｈ ａｂｃ １２３", "ﬁnd the ﬂag ﬁrst", "①②③ ⑳", "㍻ ㌀ ｶﾀｶﾅ", "Ⅻ ½ ᴬᴮ x²",
    "👍🏽 ok 🇫🇷 👨‍👩‍👧", "日本語のテキスト", "Ελληνικά και Русский текст", "עברית", "Straße groß ÄÖÜ äöü",
    "▁ literal lower one eighth block ▁▁", "<unk> <s> </s> <pad> as text", "a<sep>b <sep> Haus Hausboot",
    "\u00A0nbsp\u00A0inside\u00A0", "zero\u200Bwidth\u200Djoiner", "\u3000ideographic\u3000space",
    "bell\x07 and \x01 control", "a\x00b", "Donaudampfschifffahrtsgesellschaftskapitän",
    "1234567890 3.14159 1,000,000", "!!! ??? ... --- ***", "carriage\rreturn", "x  ﬁ  y",
    "ＡＢＣ\u3000ＤＥＦ", "Ａ ａ ß ① e\u0301", "\uFEFFbyte order mark", "\uFFFD replacement",
    b"bad \xff byte", b"truncated \xe2\x96", b"\xc0\xaf overlong", b"surrogate \xed\xa0\x80 half",
    b"\x80 lone continuation", b"valid \xef\xbf\xbd replacement", b"\xf4\x90\x80\x80 above U+10FFFF",
]


def as_bytes(line):
    return line if isinstance(line, bytes) else line.encode("utf-8")
