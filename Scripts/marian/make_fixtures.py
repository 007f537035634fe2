#!/usr/bin/env python3
"""Builds the tiny random MarianMT fixtures of Tests/Fixtures/Marian/ and what `transformers` computes on them.

Offline: the models are `MarianMTModel(MarianConfig(...))` with seeded random weights, written with
`save_pretrained` (safetensors); nothing is downloaded. Each directory gets config.json,
generation_config.json, model.safetensors and expected.json (encoder output and decoder logits of one
teacher-forced pass, and `generate` outputs: greedy and beam search with several length penalties and
early-stopping modes, token ids and beam scores).

Set-up (pinned; the CPU wheel of torch):
    python3 -m venv /tmp/marian-venv
    /tmp/marian-venv/bin/pip install torch==2.13.0+cpu transformers==5.23.0 safetensors==0.8.0 numpy==2.4.6
    /tmp/marian-venv/bin/python Scripts/marian/make_fixtures.py            # rewrites Tests/Fixtures/Marian
    /tmp/marian-venv/bin/python Scripts/marian/make_fixtures.py --check    # regenerates in memory, compares

Weights are drawn larger than MarianConfig's init_std (embeddings and matrices N(0, 1), the eos logit
raised by a per-model constant so that hypotheses end at different lengths) so that the
next-token distributions are peaked: a near-tie between two tokens would make a token-exact comparison
depend on float rounding. As a guard every generate case is also run in float64 and must give the same
token ids as float32, and its teacher-forced logits in float64 must be within CONDITIONING of float32.
"""
import argparse
import json
import os
import sys
import tempfile

import numpy as np
import safetensors.torch
import torch
from transformers import GenerationConfig, MarianConfig, MarianMTModel
from transformers.models.marian.modeling_marian import MarianSinusoidalPositionalEmbedding

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "Marian")

# name, MarianConfig fields, dtype to store, how to name the tensors, seed, eos logit boost
MODELS = [
    ("tiny-swish-f32",
     dict(vocab_size=96, d_model=16, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
          decoder_attention_heads=4, encoder_ffn_dim=32, decoder_ffn_dim=32, activation_function="swish",
          max_position_embeddings=64, pad_token_id=95, decoder_start_token_id=95, eos_token_id=0,
          forced_eos_token_id=0, scale_embedding=True, share_encoder_decoder_embeddings=True),
     torch.float32, "save_pretrained", 21, 8.0),
    ("tiny-gelu-f16-separate-vocab",
     dict(vocab_size=80, decoder_vocab_size=100, d_model=16, encoder_layers=2, decoder_layers=2,
          encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=24, decoder_ffn_dim=24,
          activation_function="gelu", max_position_embeddings=32, pad_token_id=79, decoder_start_token_id=79,
          eos_token_id=0, forced_eos_token_id=0, scale_embedding=False, share_encoder_decoder_embeddings=False),
     torch.float16, "save_pretrained", 2, 7.0),
    ("tiny-relu-bf16-legacy-names",
     dict(vocab_size=64, d_model=8, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
          decoder_attention_heads=2, encoder_ffn_dim=16, decoder_ffn_dim=16, activation_function="relu",
          max_position_embeddings=32, pad_token_id=63, decoder_start_token_id=63, eos_token_id=0,
          forced_eos_token_id=0, scale_embedding=True, share_encoder_decoder_embeddings=True),
     torch.bfloat16, "legacy", 3, 3.0),
]

MAX_LENGTH = 12
# Largest float32-vs-float64 difference of the teacher-forced logits accepted: a model whose own rounding
# error approaches the tests' 1e-4 tolerance would make the comparison depend on summation order.
CONDITIONING = 3e-5
# generate cases: name -> keyword arguments on top of generation_config.json
CASES = [
    ("greedy", dict(num_beams=1)),
    ("beam4-lp0.6-early-true", dict(num_beams=4, length_penalty=0.6, early_stopping=True)),
    ("beam4-lp0.6-early-false", dict(num_beams=4, length_penalty=0.6, early_stopping=False)),
    ("beam4-lp1.5-early-never", dict(num_beams=4, length_penalty=1.5, early_stopping="never")),
    ("beam3-lp2-new5", dict(num_beams=3, length_penalty=2.0, early_stopping=False, max_new_tokens=5)),
    ("defaults", dict()),
]


def sources_for(vocab, pad, seed):
    g = np.random.default_rng(seed)
    lengths = [5, 3, 7]
    rows = [[int(t) for t in g.integers(1, vocab - 1, size=n - 1)] + [0] for n in lengths]
    width = max(lengths)
    padded = [r + [pad] * (width - len(r)) for r in rows]
    mask = [[1] * len(r) + [0] * (width - len(r)) for r in rows]
    return rows, padded, mask


def build(name, fields, dtype, naming, seed, eos_boost, directory):
    torch.manual_seed(seed)
    config = MarianConfig(**fields, dropout=0.0, attention_dropout=0.0, activation_dropout=0.0)
    model = MarianMTModel(config).eval()
    with torch.no_grad():
        for pname, p in model.named_parameters():
            if "embed_positions" in pname:
                continue
            if pname.endswith("layer_norm.weight"):
                p.copy_(1 + 0.2 * torch.randn_like(p))
            elif pname.endswith(".bias"):
                p.copy_(0.2 * torch.randn_like(p))
            elif "embed_tokens" in pname or "shared" in pname or "lm_head" in pname:
                p.copy_(torch.randn_like(p))
            else:
                p.copy_(torch.randn_like(p))
        bias = 0.5 * torch.randn_like(model.final_logits_bias)
        bias[0, 0] += eos_boost
        model.final_logits_bias.copy_(bias)
        # Round every weight to the stored dtype, so the float32 reference sees exactly the stored values.
        # (Not the sinusoid tables: transformers computes those in float32 when it loads any checkpoint.)
        for pname, p in list(model.named_parameters()) + [("final_logits_bias", model.final_logits_bias)]:
            if "embed_positions" not in pname:
                p.copy_(p.to(dtype).to(torch.float32))
    model.generation_config = GenerationConfig(
        bad_words_ids=[[config.pad_token_id]], bos_token_id=0, decoder_start_token_id=config.decoder_start_token_id,
        eos_token_id=0, forced_eos_token_id=0, max_length=MAX_LENGTH, num_beams=4, pad_token_id=config.pad_token_id,
        renormalize_logits=True)
    os.makedirs(directory, exist_ok=True)
    if naming == "save_pretrained":
        stored = model.to(dtype) if dtype != torch.float32 else model
        stored.save_pretrained(directory, safe_serialization=True)
        model = model.to(torch.float32)
        # The sinusoid tables are not stored; transformers computes them in float32 when it loads the model.
        with torch.no_grad():
            for module in model.modules():
                if isinstance(module, MarianSinusoidalPositionalEmbedding):
                    module.weight.copy_(module.create_weight())
    else:
        # An older export: no "model." prefix (a MarianModel's names), every embedding stored under each of its
        # names, the sinusoid tables stored, no lm_head and no final_logits_bias (so both must be zero).
        with torch.no_grad():
            model.final_logits_bias.zero_()
        model.save_pretrained(directory, safe_serialization=True)   # config.json, generation_config.json
        state = {k: v for k, v in model.model.state_dict().items()}
        state = {k: v.detach().clone().to(dtype).contiguous() for k, v in state.items()}
        for k in ("encoder.embed_positions.weight", "decoder.embed_positions.weight"):
            state[k] = getattr(model.model, k.split(".")[0]).embed_positions.weight.detach().clone().to(dtype)
        safetensors.torch.save_file(state, os.path.join(directory, "model.safetensors"), metadata={"format": "pt"})
    return config, model


def run_cases(model, config, padded, mask):
    ids, attention = torch.tensor(padded), torch.tensor(mask)
    results = {}
    for case, kwargs in CASES:
        out = model.generate(input_ids=ids, attention_mask=attention, return_dict_in_generate=True,
                             output_scores=True, **kwargs)
        rows = []
        for r, seq in enumerate(out.sequences.tolist()):
            tokens = seq[1:]
            if config.eos_token_id in tokens:
                tokens = tokens[:tokens.index(config.eos_token_id) + 1]
            else:
                while tokens and tokens[-1] == config.pad_token_id:
                    tokens.pop()
            row = {"tokens": tokens}
            if getattr(out, "sequences_scores", None) is not None:
                row["score"] = float(out.sequences_scores[r])
            rows.append(row)
        results[case] = {"arguments": kwargs, "outputs": rows}
    return results


def teacher_forced(model, config, padded, mask, seed):
    g = np.random.default_rng(seed + 100)
    target_vocab = config.decoder_vocab_size
    decoder_input = [[config.decoder_start_token_id] + [int(t) for t in g.integers(1, target_vocab - 1, size=3)]
                     for _ in padded]
    with torch.no_grad():
        out = model(input_ids=torch.tensor(padded), attention_mask=torch.tensor(mask),
                    decoder_input_ids=torch.tensor(decoder_input))
    memory, logits = out.encoder_last_hidden_state, out.logits
    return {"decoder_input": decoder_input,
            "memory_shape": list(memory.shape), "memory": [float(x) for x in memory.flatten()],
            "logits_shape": list(logits.shape), "logits": [float(x) for x in logits.flatten()]}


def make(directory_root):
    for name, fields, dtype, naming, seed, eos_boost in MODELS:
        directory = os.path.join(directory_root, name)
        config, model = build(name, fields, dtype, naming, seed, eos_boost, directory)
        sources, padded, mask = sources_for(min(config.vocab_size, config.decoder_vocab_size), config.pad_token_id, seed)
        model.config._attn_implementation = "eager"
        results = run_cases(model, config, padded, mask)
        check = run_cases(model.to(torch.float64), config, padded, mask)
        model = model.to(torch.float32)
        for case in results:
            a = [r["tokens"] for r in results[case]["outputs"]]
            b = [r["tokens"] for r in check[case]["outputs"]]
            if a != b:
                sys.exit(f"{name} {case}: float32 and float64 disagree ({a} vs {b}); pick another seed")
        forced = teacher_forced(model, config, padded, mask, seed)
        forced64 = teacher_forced(model.to(torch.float64), config, padded, mask, seed)
        model = model.to(torch.float32)
        spread = max(abs(a - b) for a, b in zip(forced["logits"], forced64["logits"]))
        if spread > CONDITIONING:
            sys.exit(f"{name}: float32 and float64 logits differ by {spread:.2e} > {CONDITIONING}; the random model "
                     "amplifies rounding too much for a 1e-4 comparison; pick another seed")
        expected = {"sources": sources, "teacher_forced": forced, "generate": results}
        with open(os.path.join(directory, "expected.json"), "w") as f:
            json.dump(expected, f, indent=None, separators=(",", ":"))
            f.write("\n")
        for case, r in results.items():
            print(name, case, [row["tokens"] for row in r["outputs"]])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="regenerate into a temporary folder and compare")
    args = parser.parse_args()
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    if not args.check:
        make(OUT)
        return
    with tempfile.TemporaryDirectory() as tmp:
        make(tmp)
        different = []
        for name, *_ in MODELS:
            for file in ("config.json", "generation_config.json", "model.safetensors", "expected.json"):
                with open(os.path.join(tmp, name, file), "rb") as a, open(os.path.join(OUT, name, file), "rb") as b:
                    if a.read() != b.read():
                        different.append(f"{name}/{file}")
        if different:
            sys.exit("differs from the committed fixtures: " + ", ".join(different))
        print("fixtures identical")


if __name__ == "__main__":
    main()
