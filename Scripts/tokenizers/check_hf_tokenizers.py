#!/usr/bin/env python3
"""Checks HuggingFaceTokenizer against Python's `tokenizers` id for id, on real German/English sentences.

    pip install tokenizers==0.21.1 sentencepiece==0.2.1   (sentencepiece only makes the nmt_nfkc charsmap)
    swift build --build-tests
    python3 Scripts/tokenizers/check_hf_tokenizers.py [--pairs 2000] [--out DIR]

1. Builds the corpus: `--pairs` sentence pairs of Debian's trans-de-en 1.9-6 (apt-get download + dpkg -x),
   German and English lines, plus the tricky lines of hf_corpus.TRICKY (combining marks, emoji, full-width,
   tabs, space runs, empty lines, ...).
2. Trains each tokenizer of hf_configs.CONFIGS on the sentences, saves its tokenizer.json, encodes every
   line in Python (`encode(line, add_special_tokens=False).ids`).
3. Runs `transformer-cli tokenize --tokenizer FILE` on the same lines and compares every id:
   `NAME: lines N, ids M, mismatches K` (K counts lines whose ids differ).
4. Round trip: `swift test --filter HuggingFaceRoundTripFiles` rewrites every tokenizer.json through
   HuggingFaceTokenizer.jsonText() (and learns BPE with BPELearner); Python loads each rewritten file and
   must give the same ids again: `NAME (written by Swift): lines N, ids M, mismatches K`.
5. The BPE learner against Python's BpeTrainer (byte-level, and characters with Metaspace; same specials and
   vocabulary size): merges and vocabulary equal, and ids of every line equal.
Exit status 1 when any count of mismatches is not 0.
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hf_configs  # noqa: E402
import hf_corpus  # noqa: E402

import tokenizers  # noqa: E402
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def swift_ids(cli, tokenizer_file, lines_file):
    with open(lines_file, "rb") as f:
        out = subprocess.run([cli, "tokenize", "--tokenizer", tokenizer_file], stdin=f, capture_output=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"transformer-cli tokenize failed on {tokenizer_file}: {out.stderr.decode()}")
    return [[int(x) for x in line.split()] for line in out.stdout.decode().split("\n")[:-1]]


def compare(name, expected, found, lines, show=3):
    mismatches = [i for i, (a, b) in enumerate(zip(expected, found)) if a != b]
    if len(expected) != len(found):
        print(f"{name}: expected {len(expected)} lines of ids, found {len(found)}")
        return 1
    ids = sum(len(x) for x in expected)
    print(f"{name}: lines {len(lines)}, ids {ids}, mismatches {len(mismatches)}")
    for i in mismatches[:show]:
        print(f"   line {i + 1} {lines[i]!r}\n      python {expected[i]}\n      swift  {found[i]}")
    return len(mismatches)


def learned_python_bpe(lines, vocab_size):
    """Python's BpeTrainer set up as BPELearner's byte-level default."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(lines, trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=hf_configs.OURS, min_frequency=0,
                                                       show_progress=False, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    return tok


def learned_python_bpe_characters(lines, vocab_size):
    """Python's BpeTrainer set up as BPELearner's characters alphabet: Metaspace, <unk>, the scalars seen."""
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    tok.train_from_iterator(lines, trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=hf_configs.OURS, min_frequency=0,
                                                       show_progress=False))
    return tok


def compare_learned(label, python_tok, swift_path, lines, cli, lines_file):
    """Merges, vocabulary and ids of a Swift-learned tokenizer.json against Python's trainer; the number of bad lines."""
    swift_tok = Tokenizer.from_file(swift_path)
    pm, sm = json.loads(python_tok.to_str())["model"], json.loads(swift_tok.to_str())["model"]
    same_prefix = next((i for i, (a, b) in enumerate(zip(pm["merges"], sm["merges"])) if a != b), min(len(pm["merges"]), len(sm["merges"])))
    print(f"{label}: merges python {len(pm['merges'])}, swift {len(sm['merges'])}, identical first {same_prefix}; "
          f"vocab identical: {pm['vocab'] == sm['vocab']}")
    bad = 1 if pm["merges"] != sm["merges"] or pm["vocab"] != sm["vocab"] else 0
    expected = [swift_tok.encode(line, add_special_tokens=False).ids for line in lines]
    bad += compare(f"{label}, Swift-learned file encoded by Python vs Python's", [python_tok.encode(line, add_special_tokens=False).ids for line in lines],
                   expected, lines)
    bad += compare(f"{label}, Swift encoder vs Python encoder", expected, swift_ids(cli, swift_path, lines_file), lines)
    return bad


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=2000, help="sentence pairs (2 lines each)")
    parser.add_argument("--out", default=os.path.join(hf_corpus.default_work_dir(), "check"))
    parser.add_argument("--learn-vocab", type=int, default=2000, help="vocabulary size of the learner comparison")
    parser.add_argument("--only", default=None, help="comma-separated config names")
    args = parser.parse_args()
    if tokenizers.__version__ != hf_configs.TOKENIZERS_VERSION:
        print(f"warning: tokenizers {tokenizers.__version__}, checked with {hf_configs.TOKENIZERS_VERSION}")
    cli = os.path.join(ROOT, ".build", "debug", "transformer-cli")
    if not os.path.exists(cli):
        raise SystemExit(f"{cli}: not found; run swift build --build-tests first")
    os.makedirs(args.out, exist_ok=True)
    for f in os.listdir(args.out):
        os.remove(os.path.join(args.out, f))
    sentences, total = hf_corpus.corpus(hf_corpus.default_work_dir(), args.pairs)
    lines = sentences + hf_corpus.TRICKY
    print(f"corpus: {len(sentences)} lines from {total} trans-de-en sentence pairs, + {len(hf_corpus.TRICKY)} tricky lines; "
          f"tokenizers {tokenizers.__version__}")
    lines_file = os.path.join(args.out, "lines.txt")
    with open(lines_file, "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in lines))
    with open(os.path.join(args.out, "learn.txt"), "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in sentences))
    bad = 0
    expected = {}
    names = args.only.split(",") if args.only else list(hf_configs.CONFIGS)
    for name in names:
        build, vocab_size = hf_configs.CONFIGS[name]
        tok = build(sentences, vocab_size)
        path = os.path.join(args.out, name + ".json")
        tok.save(path)
        expected[name] = [tok.encode(line, add_special_tokens=False).ids for line in lines]
        bad += compare(name, expected[name], swift_ids(cli, path, lines_file), lines)
    # Round trip through jsonText() and the learner, by the env-gated Swift test.
    env = dict(os.environ, TRANSFORMERCORE_HF_ROUNDTRIP=args.out, TRANSFORMERCORE_HF_LEARN_VOCAB=str(args.learn_vocab))
    out = subprocess.run(["swift", "test", "--skip-build", "--filter", "HuggingFaceRoundTripFiles"], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("swift test --filter HuggingFaceRoundTripFiles failed:\n" + out.stdout[-3000:] + out.stderr[-2000:])
    print("".join(line + "\n" for line in out.stdout.splitlines() if line.startswith("BPELearner:")), end="")
    for name in names:
        rewritten = Tokenizer.from_file(os.path.join(args.out, name + ".swift.json"))
        found = [rewritten.encode(line, add_special_tokens=False).ids for line in lines]
        bad += compare(f"{name} (written by Swift)", expected[name], found, lines)
    # The learner against BpeTrainer, both alphabets.
    started = time.perf_counter()
    python_bpe = learned_python_bpe(sentences, args.learn_vocab)
    print(f"BpeTrainer (Python, Rust inside, 2 threads): {len(sentences)} lines in {time.perf_counter() - started:.2f} s")
    bad += compare_learned(f"BPELearner bytes vs BpeTrainer (vocab {args.learn_vocab})", python_bpe,
                           os.path.join(args.out, "learned.swift.json"), lines, cli, lines_file)
    bad += compare_learned(f"BPELearner characters vs BpeTrainer (vocab {args.learn_vocab})",
                           learned_python_bpe_characters(sentences, args.learn_vocab),
                           os.path.join(args.out, "learned-characters.swift.json"), lines, cli, lines_file)
    print("OK" if bad == 0 else f"FAILED: {bad} mismatching lines")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
