#!/usr/bin/env python3
"""Classifies images with a ViTForImageClassification directory twice, with transformers (ViTImageProcessorPil
+ the PyTorch model, eager attention) and with `transformer-cli classify-image --model DIR --json`, and prints
the largest difference of the class probabilities and of their logarithms (every class, every image: the
log-probability difference is the logit difference up to one shift per image) and whether the top-5 agree.

    swift build -c release
    python3 Scripts/vit/compare-with-transformers.py DIR image.png [image.png ...] [--cli PATH]

Offline: DIR is a local directory (a fixture, or a model downloaded elsewhere, e.g.
`huggingface-cli download google/vit-base-patch16-224 --local-dir vit-base-patch16-224`).
With --random-base OUT it first writes a randomly initialised ViT-Base/16 (224 pixels, 1000 classes, weights
drawn as in make-vit-fixtures.py) to OUT and compares on it (for a full-size check without a download).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import torch
from PIL import Image
from transformers import ViTConfig, ViTForImageClassification, ViTImageProcessorPil

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))


def random_base(directory):
    torch.manual_seed(0)
    config = ViTConfig(id2label={i: f"class {i}" for i in range(1000)})
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
                p.copy_(torch.randn_like(p) / p[0].numel() ** 0.5)
    model.save_pretrained(directory)
    ViTImageProcessorPil().save_pretrained(directory)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("images", nargs="+")
    parser.add_argument("--cli", default=os.path.join(ROOT, ".build", "release", "transformer-cli"))
    parser.add_argument("--random-base", action="store_true", help="first write a random ViT-Base/16 to DIRECTORY")
    args = parser.parse_args()
    torch.set_num_threads(2)
    if args.random_base:
        random_base(args.directory)
    model = ViTForImageClassification.from_pretrained(args.directory, attn_implementation="eager").eval()
    processor = ViTImageProcessorPil.from_pretrained(args.directory)
    labels = [model.config.id2label[i] for i in range(len(model.config.id2label))]
    start = time.perf_counter()
    pixels = processor([Image.open(p).convert("RGB" if model.config.num_channels == 3 else "L") for p in args.images],
                       return_tensors="pt")["pixel_values"]
    with torch.no_grad():
        theirs = model(pixel_values=pixels).logits.softmax(-1)
    torch_seconds = time.perf_counter() - start
    start = time.perf_counter()
    out = subprocess.run([args.cli, "classify-image", "--model", args.directory, "--json", "--top", str(len(labels))] + args.images,
                         capture_output=True, text=True)
    cli_seconds = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(out.stderr.strip())
    worst, worst_log, agree = 0.0, 0.0, True
    import math
    for row, line in enumerate(out.stdout.splitlines()):
        ours = {entry["label"]: entry["probability"] for entry in json.loads(line)["top"]}
        worst = max([worst] + [abs(ours[labels[k]] - float(theirs[row, k])) for k in range(len(labels))])
        worst_log = max([worst_log] + [abs(math.log(max(ours[labels[k]], 1e-30)) - math.log(max(float(theirs[row, k]), 1e-30)))
                                       for k in range(len(labels))])
        top_theirs = [labels[k] for k in theirs[row].argsort(descending=True)[:5].tolist()]
        top_ours = [entry["label"] for entry in json.loads(line)["top"][:5]]
        agree = agree and top_theirs == top_ours
    print(f"{len(args.images)} images, {len(labels)} classes: largest probability difference {worst:.2e}, "
          f"log-probability {worst_log:.2e}, top-5 "
          f"{'identical' if agree else 'DIFFERENT'}; transformers {torch_seconds:.2f} s (in process), "
          f"transformer-cli {cli_seconds:.2f} s (a process: loading included)")


if __name__ == "__main__":
    main()
