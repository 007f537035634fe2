#!/usr/bin/env python3
"""Compares the tensors of two safetensors checkpoints (standard library only) and exits 1 when they differ.

    python3 Scripts/compare-checkpoints.py A.safetensors B.safetensors [--tolerance 1e-5] [--skip-key-bias]
        [--with-optimizer]

Prints the largest |a - b| and where it is. By default the model's tensors are compared (not the optimizer's
moments, optimizer.*). --tolerance 0 asks for bitwise equality. --skip-key-bias leaves out the attention key
projections' biases (names ending in "key.bias"): their gradient is zero by construction (softmax ignores a
shift shared by all of a query's scores), so what is computed is rounding noise, which Adam scales to steps
of +-lr; two runs that add the same numbers in another order (N ranks against one process) differ there by
about lr, and nowhere else by more than rounding (docs/distributed.md)."""
import argparse
import json
import struct
import sys
from array import array


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    body = data[8 + size:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            sys.exit(f"{path}: {name}: expected dtype F32, found {entry['dtype']}")
        start, end = entry["data_offsets"]
        values = array("f")
        values.frombytes(body[start:end])
        if sys.byteorder != "little":
            values.byteswap()
        tensors[name] = (entry["shape"], values)
    return tensors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--tolerance", type=float, default=1e-5)
    parser.add_argument("--skip-key-bias", action="store_true")
    parser.add_argument("--with-optimizer", action="store_true")
    args = parser.parse_args()
    a, b = read(args.a), read(args.b)
    if a.keys() != b.keys():
        sys.exit(f"error: different tensors: {sorted(a.keys() ^ b.keys())[:5]}")
    worst, where, compared = 0.0, "-", 0
    for name in sorted(a):
        if name.startswith("optimizer.") and not args.with_optimizer:
            continue
        if args.skip_key_bias and name.endswith("key.bias"):
            continue
        (shape_a, x), (shape_b, y) = a[name], b[name]
        if shape_a != shape_b:
            sys.exit(f"error: {name}: shape {shape_a} vs {shape_b}")
        compared += 1
        for i, (u, v) in enumerate(zip(x, y)):
            d = abs(u - v)
            if d > worst or d != d:
                worst, where = d, f"{name}[{i}] {u} vs {v}"
    same = worst == 0 if args.tolerance == 0 else worst <= args.tolerance
    print(f"{'same' if same else 'DIFFERENT'}: {compared} tensors, largest difference {worst:.3g} at {where} "
          f"(tolerance {args.tolerance:g})")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
