#!/usr/bin/env python3
"""Writes Tests/TransformerCoreTests/Text/SentencePiece/SentencePieceFixtures.swift: small SentencePiece
models trained on real text, with what Python's sentencepiece makes of a set of input lines, for the Swift
tests of SentencePieceTokenizer to compare against id for id.

    pip install sentencepiece==0.2.1
    python3 Scripts/tokenizers/sentencepiece_fixtures.py           # (re)write the fixture file
    python3 Scripts/tokenizers/sentencepiece_fixtures.py --check   # rebuild in memory, exit 1 if different

The corpus: 4,000 German and English sentences of Debian's trans-de-en 1.9-6 (see spm_common.py; fetched
with apt-get download). The models: every kind of spm_common.model_kinds(1) (unigram, BPE, char and word;
nmt_nfkc, identity, nfkc rules from a TSV; byte fallback, user-defined symbols, small vocabularies with
unknowns, whitespace as suffix, no dummy prefix, a denormaliser). Only the two nmt_nfkc models carry the
~240 KB charsmap.

Per model the fixture holds the model bytes, every piece's spelling and type, the special ids,
and for every input line (spm_common.TRICKY, 30 held-out sentences) its normalised form, ids, pieces
(EncodeAsPieces: merged unknown runs, byte pieces) and decoded text; plus 40 seeded random id sequences
and their decoded text (byte pieces that do not form UTF-8, control and unknown ids). The models are
base64 string literals, the rest one JSON document in a raw string literal (the input lines as base64 of
their bytes, so malformed UTF-8 stays exact; every output of sentencepiece is valid UTF-8).
"""

import argparse
import base64
import json
import os
import sys
import tempfile
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spm_common  # noqa: E402
from splitmix import SplitMix64  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "Tests", "TransformerCoreTests", "Text", "SentencePiece", "SentencePieceFixtures.swift")
TRAIN_LINES = 4000
HELD_OUT = 30
RANDOM_SEQUENCES = 40


def b64(data):
    return base64.b64encode(data).decode("ascii")


def text(value):
    """A str (sentencepiece answers bytes for bytes input; its outputs are always UTF-8)."""
    return value.decode("utf-8") if isinstance(value, bytes) else value


def escape_invisible(body):
    """JSON text with every control, format, separator, private-use and unassigned character (the ones a
    Swift source file may not hold, or that hide) written as \\u escapes, the others as they are."""
    out = []
    for c in body:
        if c not in " " and unicodedata.category(c)[0] in "CZ":
            code = ord(c)
            if code > 0xFFFF:
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
            else:
                out.append(f"\\u{code:04x}")
        else:
            out.append(c)
    return "".join(out)


def model_record(spm, name, model, inputs):
    sp = spm.SentencePieceProcessor(model_proto=model)
    size = sp.get_piece_size()
    record = {
        "name": name,
                "pieces": [sp.id_to_piece(i) for i in range(size)],
        # one letter a piece: c control, k unknown, u unused, b byte, n normal or user-defined
        "types": "".join("c" if sp.is_control(i) else "k" if sp.is_unknown(i) else "u" if sp.is_unused(i)
                         else "b" if sp.is_byte(i) else "n" for i in range(size)),
        "unk": sp.unk_id(), "bos": sp.bos_id(), "eos": sp.eos_id(), "pad": sp.pad_id(),
        "cases": [],
        "decodes": [],
    }
    for line in inputs:
        data = spm_common.as_bytes(line)
        ids = sp.encode(data)
        record["cases"].append({
            "ids": ids,
            "pieces": [text(piece) for piece in sp.encode(data, out_type=str)],
            "normalized": text(sp.normalize(data)),
            "decoded": sp.decode(ids),
        })
    generator = SplitMix64(20240601 + sum(model) % 1000)
    for n in range(RANDOM_SEQUENCES):
        ids = [generator.index_below(size) for _ in range(1 + n % 12)]
        record["decodes"].append({"ids": ids, "decoded": sp.decode(ids)})
    return record


def build():
    spm = spm_common.require_sentencepiece()
    sentences = spm_common.sentences()
    train_lines, held_out = sentences[:TRAIN_LINES], sentences[TRAIN_LINES:TRAIN_LINES + HELD_OUT]
    inputs = spm_common.TRICKY + held_out
    models = []
    with tempfile.TemporaryDirectory() as workdir:
        for name, config in spm_common.model_kinds(1).items():
            model = spm_common.train(spm, train_lines, config, workdir)
            models.append((model, model_record(spm, name, model, inputs)))
    document = {
        "sentencepiece": spm_common.SENTENCEPIECE_VERSION,
        "inputs": [b64(spm_common.as_bytes(line)) for line in inputs],
        "models": [record for _, record in models],
    }
    body = escape_invisible(json.dumps(document, ensure_ascii=False, separators=(",", ":")))
    body = body.replace('{"ids"', '\n{"ids"').replace('{"name"', '\n{"name"')
    assert '"#' not in body
    sizes = ", ".join(f"{record['name']} {len(model)}" for model, record in models)
    literals = []
    for model, record in models:
        encoded = b64(model)
        lines = "\n".join(encoded[i:i + 120] for i in range(0, len(encoded), 120))
        literals.append(f'        "{record["name"]}": """\n{lines}\n""",\n')
    return (
        "// Generated by Scripts/tokenizers/sentencepiece_fixtures.py (sentencepiece "
        f"{spm_common.SENTENCEPIECE_VERSION}); do not edit.\n"
        f"// Models (bytes): {sizes}.\n"
        "// json: { sentencepiece, inputs: [base64 of the line's bytes], models: [{ name, pieces, types, unk, bos,\n"
        "// eos, pad, cases: [{ ids, pieces, normalized, decoded }], decodes: [{ ids, decoded }] }] }, cases in the\n"
        "// order of inputs; models: name -> base64 of the .model file (line breaks to be ignored).\n"
        "enum SentencePieceFixtures {\n"
        "    static let models: [String: String] = [\n" + "".join(literals) + "    ]\n\n"
        "    static let json = #\"\"\"\n" + body + "\n\"\"\"#\n}\n"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file, write nothing")
    args = parser.parse_args()
    text = build()
    if args.check:
        with open(OUT, encoding="utf-8") as f:
            same = f.read() == text
        print(f"{OUT}: {'up to date' if same else 'DIFFERS'}")
        sys.exit(0 if same else 1)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {OUT} ({len(text)} bytes)")


if __name__ == "__main__":
    main()
