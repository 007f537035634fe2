#!/usr/bin/env python3
"""Builds the tiny random ViTForImageClassification fixtures of Tests/Fixtures/ViT/
and what `transformers` computes on them.

Offline: each model is `ViTForImageClassification(ViTConfig(...))` with seeded random weights, written with
`save_pretrained` (config.json, model.safetensors) next to the preprocessor_config.json of a
`ViTImageProcessorPil`; nothing is downloaded. Each directory also gets expected.json:

- "images": uint8 images (height, width, channels, row-major pixels) of sizes other than the model's;
- "pixel_values": what the image processor makes of them (resize, rescale, normalise) [B, ch, S, S];
- "logits" [B, K] and "attentions" (one [B, H, 1 + N, 1 + N] map per layer) of the model on those pixel
  values (`output_attentions=True`, eager attention).

Set-up (pinned; what made the committed fixtures):
    pip install torch==2.15.0 transformers==5.25.0 safetensors==0.8.0 numpy==2.4.6 pillow==13.0.0
    python3 Scripts/vit/make-vit-fixtures.py            # rewrites the fixture directories
    python3 Scripts/vit/make-vit-fixtures.py --check    # regenerates in a temporary folder and compares

The image processor: transformers 5.25's `ViTImageProcessor` is the torchvision backend (tvF.resize with
antialias on tensors) and needs torchvision; `ViTImageProcessorPil` is the same processor on Pillow's
`Image.resize(BILINEAR)`, the resize TransformerCore's ImageResize reproduces, and what this script uses (its
saved preprocessor_config.json says "ViTImageProcessor"). ImageResize follows Pillow 12.0.0; Pillow 13.0.0
resizes a few size pairs differently by 1 in some samples. The image sizes below (40x36 and 20x24 to 32x32,
21x19 to 16x16) are resized alike by both: the Swift test compares ImageResize's result with these pixel values.

Weights are drawn larger than ViTConfig's initializer_range (0.02, which makes every attention map nearly
uniform and the logits nearly zero, so a comparison would prove little): matrices N(0, 1/fan_in), biases
N(0, 0.1^2), LayerNorm gains 1 + N(0, 0.1^2), [CLS] and positions N(0, 0.5^2). As a guard, the float64 logits
and attention maps must be within CONDITIONING of the float32 ones.
"""
import argparse
import json
import os
import sys
import tempfile

import numpy as np
import safetensors.torch
import torch
from PIL import Image
from transformers import ViTConfig, ViTForImageClassification, ViTImageProcessorPil

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "ViT")
CONDITIONING = 2e-5

# name, ViTConfig fields, labels, processor fields, dtype stored, naming, seed, image shapes (height, width, channels)
MODELS = [
    ("tiny-rgb-f32",
     dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64, image_size=32,
          patch_size=8, num_channels=3),
     ["cat", "dog", "ship", "truck", "frog"],
     dict(size={"height": 32, "width": 32}),
     torch.float32, "save_pretrained", 11, [(36, 40, 3), (24, 20, 3)]),
    ("tiny-rgb-bf16",
     dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=48, image_size=32,
          patch_size=8, num_channels=3),
     ["airplane", "automobile", "bird"],
     dict(size={"height": 32, "width": 32}, image_mean=[0.485, 0.456, 0.406], image_std=[0.229, 0.224, 0.225]),
     torch.bfloat16, "save_pretrained", 12, [(36, 40, 3)]),
    # A grey model, F16, stored as an older ViTModel-style export: no "vit." prefix, a pooler that
    # ViTForImageClassification does not have, and a processor with rescale_factor 1/127.5.
    ("tiny-grey-f16-legacy-names",
     dict(hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32, image_size=16,
          patch_size=4, num_channels=1),
     ["zero", "one", "two", "three"],
     dict(size={"height": 16, "width": 16}, image_mean=[0.5], image_std=[0.25], rescale_factor=1 / 127.5),
     torch.float16, "legacy", 13, [(19, 21, 1)]),
]


def image(shape, seed):
    """A smooth gradient plus noise, so that resizing has something to average."""
    h, w, c = shape
    g = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([(x * 255 / w + 60 * k) % 256 * 0.6 + (y * 255 / h) * 0.4 for k in range(c)], axis=-1)
    return np.clip(base + g.normal(0, 25, size=(h, w, c)), 0, 255).astype(np.uint8)


def build(fields, labels, seed, dtype):
    torch.manual_seed(seed)
    config = ViTConfig(**fields, id2label=dict(enumerate(labels)), label2id={l: i for i, l in enumerate(labels)})
    config._attn_implementation = "eager"
    model = ViTForImageClassification(config).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("cls_token") or name.endswith("position_embeddings"):
                p.copy_(0.5 * torch.randn_like(p))
            elif "layernorm" in name and name.endswith("weight"):
                p.copy_(1 + 0.1 * torch.randn_like(p))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn_like(p))
            else:
                fan_in = p[0].numel()
                p.copy_(torch.randn_like(p) / fan_in ** 0.5)
            # Round to the stored dtype, so the float32 reference sees exactly the stored values.
            p.copy_(p.to(dtype).to(torch.float32))
    return config, model


def run(model, pixels):
    with torch.no_grad():
        out = model(pixel_values=pixels, output_attentions=True)
    return out.logits, out.attentions


def make(root):
    for name, fields, labels, processor_fields, dtype, naming, seed, shapes in MODELS:
        directory = os.path.join(root, name)
        os.makedirs(directory, exist_ok=True)
        config, model = build(fields, labels, seed, dtype)
        processor = ViTImageProcessorPil(**processor_fields)
        if naming == "save_pretrained":
            (model.to(dtype) if dtype != torch.float32 else model).save_pretrained(directory)
            model = model.to(torch.float32)
        else:
            model.save_pretrained(directory)                     # config.json
            state = {k[len("vit."):] if k.startswith("vit.") else k: v for k, v in safetensors.torch.load_file(
                os.path.join(directory, "model.safetensors")).items()}
            width = fields["hidden_size"]
            g = torch.Generator().manual_seed(seed)
            state["pooler.dense.weight"] = torch.randn(width, width, generator=g)
            state["pooler.dense.bias"] = torch.randn(width, generator=g)
            state = {k: v.to(dtype).contiguous() for k, v in state.items()}
            safetensors.torch.save_file(state, os.path.join(directory, "model.safetensors"), metadata={"format": "pt"})
        processor.save_pretrained(directory)
        images = [image(shape, seed * 10 + i) for i, shape in enumerate(shapes)]
        pil = [Image.fromarray(im[:, :, 0] if im.shape[2] == 1 else im) for im in images]      # modes L and RGB
        pixels = processor(pil, return_tensors="pt")["pixel_values"]
        logits, attentions = run(model, pixels)
        logits64, attentions64 = run(model.to(torch.float64), pixels.to(torch.float64))
        spread = max([float((logits.double() - logits64).abs().max())]
                     + [float((a.double() - b).abs().max()) for a, b in zip(attentions, attentions64)])
        if spread > CONDITIONING:
            sys.exit(f"{name}: float32 and float64 differ by {spread:.2e} > {CONDITIONING}; pick another seed")
        expected = {
            "images": [{"height": int(im.shape[0]), "width": int(im.shape[1]), "channels": int(im.shape[2]),
                        "pixels": [int(v) for v in im.flatten()]} for im in images],
            "pixel_values_shape": list(pixels.shape), "pixel_values": [float(v) for v in pixels.flatten()],
            "logits_shape": list(logits.shape), "logits": [float(v) for v in logits.flatten()],
            "attention_shapes": [list(a.shape) for a in attentions],
            "attentions": [[float(v) for v in a.flatten()] for a in attentions],
        }
        with open(os.path.join(directory, "expected.json"), "w") as f:
            json.dump(expected, f, indent=None, separators=(",", ":"))
            f.write("\n")
        top = logits.softmax(-1).max(-1)
        print(f"{name}: logits {list(logits.shape)}, {len(attentions)} attention maps, top probabilities "
              f"{[round(float(v), 3) for v in top.values]}, float32 vs float64 {spread:.1e}")


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
            for file in ("config.json", "preprocessor_config.json", "model.safetensors", "expected.json"):
                with open(os.path.join(tmp, name, file), "rb") as a, open(os.path.join(OUT, name, file), "rb") as b:
                    if a.read() != b.read():
                        different.append(f"{name}/{file}")
        if different:
            sys.exit("differs from the committed fixtures: " + ", ".join(different))
        print("fixtures identical")


if __name__ == "__main__":
    main()
