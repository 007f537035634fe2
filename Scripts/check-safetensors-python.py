#!/usr/bin/env python3
"""Opens a TransformerCore checkpoint with Python's `safetensors` (and PyTorch when installed).

Usage:
    Scripts/check-safetensors-python.py [FILE.safetensors]

With no FILE, writes a sample checkpoint first (a small seeded model plus Adam moments) by running
the Swift test `writeSampleCheckpointForPython` with TRANSFORMERCORE_SAMPLE_CHECKPOINT set, from
the package root. Prints every tensor's name, dtype and shape and the metadata keys, checks that the
values are finite and that the TransformerCore metadata is present, and exits non-zero on any failure.

Needs: pip install safetensors numpy   (torch optional: also checks safetensors.torch.load_file)
No Swift code is involved in the reading: this is the interoperability check of the format.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

try:
    import numpy as np
    from safetensors import safe_open
    from safetensors.numpy import load_file
except ImportError as error:
    sys.exit(f"check-safetensors-python: {error}; install with: pip install safetensors numpy")


def write_sample(path):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    environment = dict(os.environ, TRANSFORMERCORE_SAMPLE_CHECKPOINT=path)
    command = ["swift", "test", "--filter", "CheckpointTests/writeSampleCheckpointForPython"]
    scratch = os.environ.get("SCRATCH_PATH")
    if scratch:
        command += ["--scratch-path", scratch]
    print("$ TRANSFORMERCORE_SAMPLE_CHECKPOINT=" + path + " " + " ".join(command), flush=True)
    result = subprocess.run(command, cwd=root, env=environment, stdout=subprocess.DEVNULL)
    if result.returncode != 0 or not os.path.exists(path):
        sys.exit("check-safetensors-python: could not write the sample checkpoint with swift test")


def main():
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and sys.argv[1] in ("-h", "--help")):
        sys.exit(__doc__)
    if len(sys.argv) == 2:
        path = sys.argv[1]
    else:
        path = os.path.join(tempfile.mkdtemp(prefix="tc-safetensors-"), "sample.safetensors")
        write_sample(path)

    # The raw layout: u64 header length, JSON header padded to 8 bytes.
    with open(path, "rb") as file:
        (length,) = struct.unpack("<Q", file.read(8))
        header = json.loads(file.read(length))
    print(f"{path}: {os.path.getsize(path)} bytes, header {length} bytes (8-byte aligned: {length % 8 == 0})")

    with safe_open(path, framework="numpy") as file:
        metadata = file.metadata() or {}
        names = list(file.keys())
    tensors = load_file(path)
    problems = []
    print(f"{len(names)} tensors (safetensors.numpy):")
    for name in sorted(names, key=lambda n: header[n]["data_offsets"][0]):
        array = tensors[name]
        finite = bool(np.isfinite(array).all())
        print(f"  {name:60s} {str(array.dtype):8s} {list(array.shape)}" + ("" if finite else "  NOT FINITE"))
        if not finite:
            problems.append(f"{name} has non-finite values")
    print("metadata keys:", ", ".join(sorted(metadata)))
    if metadata.get("format") != "transformercore-checkpoint":
        problems.append(f"metadata format is {metadata.get('format')!r}, expected 'transformercore-checkpoint'")
    configuration = json.loads(metadata.get("configuration", "null"))
    print("configuration:", json.dumps(configuration, sort_keys=True))

    try:
        import torch
        from safetensors.torch import load_file as torch_load_file
    except ImportError:
        print("torch: not installed (skipped safetensors.torch.load_file)")
    else:
        loaded = torch_load_file(path)
        same = all(torch.equal(loaded[n], torch.from_numpy(tensors[n].copy())) for n in names)
        print(f"torch {torch.__version__}: safetensors.torch.load_file read {len(loaded)} tensors, "
              f"equal to numpy's: {same}")
        if not same:
            problems.append("torch and numpy loads differ")

    if problems:
        sys.exit("check-safetensors-python: FAILED: " + "; ".join(problems))
    print("OK: Python safetensors reads the file")


if __name__ == "__main__":
    main()
