#!/usr/bin/env python3
"""Writes the small tokenizer.json fixtures of the Swift tests (Tests/Fixtures/huggingface/), deterministically:

    pip install tokenizers==0.21.1
    python3 Scripts/tokenizers/hf_make_fixtures.py [--check]

For each tokenizer of hf_configs.CONFIGS, trained on 300 trans-de-en sentence pairs (600 lines) with a small
vocabulary: NAME.json, and NAME.expected.json = {"tokenizers": version, "lines": [...], "ids": [[...]],
"decoded": [...], "ids_with_specials": [[...]]} for 20 corpus lines and the tricky lines
(`encode(line, add_special_tokens=False).ids`, `decode(ids)`, `encode(line).ids`).
Also learn.txt (the first 150 pairs) and learned-bpe.json: Python's BpeTrainer on it, set up as BPELearner
(byte-level, <pad> <sos> <eos> <unk>, vocab 400), which BPELearner must reproduce exactly.
--check rebuilds in memory and compares with the committed files, except those of NONDETERMINISTIC: Python's
UnigramTrainer runs in parallel and BpeTrainer with a continuing_subword_prefix / end_of_word_suffix numbers the
prefixed characters in HashMap order, so those retrain differently from run to run (the committed files and their
expected ids still agree with each other, which is what the Swift tests use).
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_hf_tokenizers  # noqa: E402
import hf_configs  # noqa: E402
import hf_corpus  # noqa: E402

import tokenizers  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Fixtures", "huggingface")
SIZES = {"wordlevel-whitespace": 0, "bpe-whitespace": 400, "bpe-bytelevel": 400, "bpe-bytelevel-prefix": 350,
         "unigram-metaspace": 300, "unigram-nfkc-first": 250, "bpe-bert-suffix": 300, "bpe-mixed": 300,
         "wordlevel-lower-split": 400, "unigram-precompiled": 300}


NONDETERMINISTIC = ["unigram-metaspace", "unigram-nfkc-first", "bpe-bert-suffix", "unigram-precompiled"]


def files():
    sentences, _ = hf_corpus.corpus(hf_corpus.default_work_dir(), 300)
    lines = sentences[:20] + hf_corpus.TRICKY
    out = {}
    for name, (build, _) in hf_configs.CONFIGS.items():
        tok = build(sentences, SIZES[name])
        ids = [tok.encode(line, add_special_tokens=False).ids for line in lines]
        out[name + ".json"] = tok.to_str() + "\n"
        out[name + ".expected.json"] = json.dumps({
            "tokenizers": tokenizers.__version__, "lines": lines, "ids": ids,
            "decoded": [tok.decode(i) for i in ids],
            "ids_with_specials": [tok.encode(line).ids for line in lines],
        }, ensure_ascii=False) + "\n"
    learn = sentences[:300]
    out["learn.txt"] = "".join(line + "\n" for line in learn)
    out["learned-bpe.json"] = check_hf_tokenizers.learned_python_bpe(learn, 400).to_str() + "\n"
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    built = files()
    if args.check:
        bad = [n for n, text in built.items() if n.split(".")[0] not in NONDETERMINISTIC
               and open(os.path.join(OUT, n), encoding="utf-8").read() != text]
        print("identical" if not bad else f"differ: {bad}")
        return 1 if bad else 0
    os.makedirs(OUT, exist_ok=True)
    for name, text in built.items():
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
            f.write(text)
    print(f"wrote {len(built)} files to {os.path.normpath(OUT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
