#!/usr/bin/env python3
"""Adds Marian tokenizer files to two of the tiny fixtures of Tests/Fixtures/Marian/, and what transformers'
`MarianTokenizer` computes with them.

Run after make_fixtures.py (same pinned venv, plus sentencepiece):
    /tmp/marian-venv/bin/pip install sentencepiece==0.2.1
    /tmp/marian-venv/bin/python Scripts/marian/make_tokenizer_fixtures.py

For `tiny-swish-f32` (shared vocabulary of 96) and `tiny-gelu-f16-separate-vocab` (source 80, target 100) it
trains two tiny unigram SentencePiece models on the first SENTENCES pairs of Data/de-en-train.tsv
(source.spm on the English side, target.spm on the German side), and builds vocab.json as transformers'
convert_marian_to_pytorch.py lays out a Marian vocabulary: "</s>" 0, "<unk>" 1, then the pieces, "<pad>"
at the config's pad id (last). Shared: language codes ">>de<<" and ">>fr<<" at 2 and 3, then the source pieces
and the target pieces not already present, filled with "<extra_N>" to the embedding size, except the source
pieces of LEFT_OUT (pieces source.spm knows that vocab.json lacks: they encode as <unk>). Separate: vocab.json from the source pieces, target_vocab.json from the target pieces, each cut or
padded (with "<extra_N>") to its embedding size, and tokenizer_config.json says separate_vocabs.

tokenizer_expected.json holds, for each text of TEXTS, `tokenizer(text).input_ids` (eos included) and for
generate (greedy, and the directory's generation_config.json) on the padded batch of GENERATE_TEXTS the token ids
and `batch_decode(..., skip_special_tokens=True)`; and the decode of some fixed id lists. sacremoses is NOT
installed, so no Moses punctuation normalization happens (as the Swift tokenizer).
"""
import json
import os

import sentencepiece as spm
import torch
from transformers import MarianMTModel, MarianTokenizer

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "Marian")
SENTENCES = 400
TEXTS = [
    "I am a small frog.",
    "Money doesn't grow on trees.",
    "Tom asked his teacher for advice, and she said: \"No!\"",
    ">>de<< Where is the station?",
    ">>xx<< unknown code",
    ">>broken code without end",
    "  Leading   and trailing   spaces  ",
    "Zürich, Ærø and 東京 are far away.",
    "",
    "It's 3.14 — isn't it?",
]
# source.spm pieces the shared vocab.json leaves out (positions in source.spm's piece list)
LEFT_OUT = (10, 20, 30)
# the batch given to generate: short enough for the 32 positions of tiny-gelu-f16-separate-vocab
GENERATE_TEXTS = ["I am a small frog.", ">>de<< Where?", "Money doesn't grow.", "Tom is here!"]
DECODE_IDS = [[0], [5, 6, 7, 0], [1, 2, 3, 4, 10, 20, 30], [40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50]]


def train(lines, path, size, normalization):
    with open(path + ".txt", "w") as f:
        f.write("\n".join(lines) + "\n")
    spm.SentencePieceTrainer.train(input=path + ".txt", model_prefix=path, vocab_size=size, model_type="unigram",
                                   character_coverage=0.995, hard_vocab_limit=False, seed_sentencepiece_size=100000,
                                   num_threads=1, minloglevel=2, normalization_rule_name=normalization)
    os.remove(path + ".txt")
    os.rename(path + ".model", path + ".spm")
    os.remove(path + ".vocab")
    p = spm.SentencePieceProcessor(model_file=path + ".spm")
    return [p.id_to_piece(i) for i in range(p.get_piece_size()) if not (p.is_control(i) or p.is_unknown(i))]


def layout(pieces, size, pad, codes=()):
    """["</s>", "<unk>", codes..., pieces...] cut or filled with "<extra_N>" to `size`, "<pad>" at `pad`."""
    tokens = ["</s>", "<unk>"] + list(codes)
    for piece in pieces:
        if piece not in tokens:
            tokens.append(piece)
    tokens = tokens[:size - 1]
    tokens += [f"<extra_{i}>" for i in range(len(tokens), size - 1)]
    tokens.insert(pad, "<pad>")
    return {token: i for i, token in enumerate(tokens)}


def main():
    with open(os.path.join(ROOT, "Data", "de-en-train.tsv")) as f:
        pairs = [line.rstrip("\n").split("\t") for line in f][:SENTENCES]
    german, english = [p[0] for p in pairs], [p[1] for p in pairs]
    for name, separate in (("tiny-swish-f32", False), ("tiny-gelu-f16-separate-vocab", True)):
        directory = os.path.join(OUT, name)
        model = MarianMTModel.from_pretrained(directory, dtype=torch.float32).eval()
        config = model.config
        # nmt_nfkc (as opus-mt's) carries a 240 KB character map: only one model has it, the rest "identity"
        source = train(english, os.path.join(directory, "source"), 70, "identity" if separate else "nmt_nfkc")
        target = train(german, os.path.join(directory, "target"), 70, "identity")
        for stale in ("vocab.json", "target_vocab.json", "tokenizer_config.json"):
            if os.path.exists(os.path.join(directory, stale)):
                os.remove(os.path.join(directory, stale))
        if separate:
            vocab = layout(source, config.vocab_size, config.pad_token_id)
            # the config's pad id (79) is also the decoder start: "<pad>" sits there in the target vocabulary
            target_vocab = layout(target, config.decoder_vocab_size, config.pad_token_id)
            with open(os.path.join(directory, "target_vocab.json"), "w") as f:
                json.dump(target_vocab, f, ensure_ascii=False, indent=2)
            with open(os.path.join(directory, "tokenizer_config.json"), "w") as f:
                json.dump({"separate_vocabs": True, "source_lang": "en", "target_lang": "de"}, f, indent=2)
        else:
            kept = [piece for i, piece in enumerate(source) if i not in LEFT_OUT]
            vocab = layout(kept + [p for p in target if p not in [source[i] for i in LEFT_OUT]], config.vocab_size, config.pad_token_id, codes=(">>de<<", ">>fr<<"))
        with open(os.path.join(directory, "vocab.json"), "w") as f:
            json.dump(vocab, f, ensure_ascii=False, indent=2)
        tokenizer = MarianTokenizer.from_pretrained(directory)
        assert tokenizer.separate_vocabs == separate
        encoded = [tokenizer(text).input_ids for text in TEXTS]
        batch = tokenizer(GENERATE_TEXTS, return_tensors="pt", padding=True)
        generated = {}
        for case, kwargs in (("greedy", dict(num_beams=1)), ("defaults", dict())):
            with torch.no_grad():
                out = model.generate(**batch, **kwargs)
            generated[case] = {"ids": out.tolist(),
                               "texts": tokenizer.batch_decode(out, skip_special_tokens=True)}
        left_out = [] if separate else [source[i] for i in LEFT_OUT]
        expected = {"transformers_version": __import__("transformers").__version__,
                    "texts": TEXTS, "ids": encoded, "left_out_of_vocab": left_out,
                    "pieces": [tokenizer.tokenize(text) for text in TEXTS],
                    "generate_texts": GENERATE_TEXTS, "generate": generated,
                    "decode": [{"ids": ids, "text": tokenizer.decode(ids, skip_special_tokens=True)}
                               for ids in DECODE_IDS]}
        with open(os.path.join(directory, "tokenizer_expected.json"), "w") as f:
            json.dump(expected, f, ensure_ascii=False, indent=1)
            f.write("\n")
        print(name, encoded, generated["greedy"]["texts"], generated["defaults"]["texts"], sep="\n")


if __name__ == "__main__":
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    main()
