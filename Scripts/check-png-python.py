#!/usr/bin/env python3
"""Checks PNG files the way an independent reader would, with Python's standard library only.

Usage: python3 Scripts/check-png-python.py FILE.png [FILE.png ...]

For each file: the 8-byte signature; every chunk's length and CRC-32 (binascii.crc32 over type + data);
IHDR first (8-bit RGB, colour type 2, no interlace expected from TransformerCore), IEND last; the
concatenated IDAT data inflates with zlib (which also checks the zlib header and Adler-32 trailer) to
exactly height * (1 + 3 * width) bytes; every scanline filter type is 0-4. If Pillow is installed it
also opens and fully decodes the file and compares the size. Exit status 0 when every file passes.
"""
import binascii
import struct
import sys
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def check(path):
    with open(path, "rb") as handle:
        data = handle.read()
    if data[:8] != SIGNATURE:
        raise ValueError("bad signature")
    position, chunks, idat, header = 8, [], b"", None
    while position < len(data):
        if position + 12 > len(data):
            raise ValueError(f"truncated chunk header at byte {position}")
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        if len(body) != length or position + 12 + length > len(data):
            raise ValueError(f"truncated {kind!r} chunk")
        (stored,) = struct.unpack(">I", data[position + 8 + length:position + 12 + length])
        computed = binascii.crc32(kind + body) & 0xFFFFFFFF
        if stored != computed:
            raise ValueError(f"{kind.decode('latin-1')} CRC {stored:08x} != computed {computed:08x}")
        chunks.append(kind.decode("latin-1"))
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    if not chunks or chunks[0] != "IHDR" or chunks[-1] != "IEND" or header is None:
        raise ValueError(f"chunk order {chunks}")
    width, height, depth, colour, compression, filtering, interlace = header
    if (depth, colour, compression, filtering, interlace) != (8, 2, 0, 0, 0):
        raise ValueError(f"unexpected IHDR fields {header[2:]}")
    raw = zlib.decompress(idat)   # checks the zlib header and the Adler-32 trailer
    stride = width * CHANNELS[colour]
    if len(raw) != height * (1 + stride):
        raise ValueError(f"inflated {len(raw)} bytes, expected {height * (1 + stride)}")
    filters = {raw[row * (1 + stride)] for row in range(height)}
    if not filters <= {0, 1, 2, 3, 4}:
        raise ValueError(f"bad filter types {sorted(filters)}")
    summary = (f"{width}x{height}, {len(data)} bytes, chunks {chunks.count('IDAT')} IDAT, "
               f"inflated {len(raw)} bytes, filters {sorted(filters)}")
    try:
        from PIL import Image
    except ImportError:
        return summary + ", Pillow not installed"
    with Image.open(path) as image:
        image.load()
        if image.size != (width, height) or image.mode != "RGB":
            raise ValueError(f"Pillow reads {image.size} {image.mode}")
    return summary + ", Pillow decodes it"


def main(paths):
    if not paths:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    failures = 0
    for path in paths:
        try:
            print(f"ok   {path}: {check(path)}")
        except (OSError, ValueError, zlib.error, struct.error) as error:
            failures += 1
            print(f"FAIL {path}: {error}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
