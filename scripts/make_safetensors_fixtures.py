"""Writes test/fixtures/safetensors/edge.safetensors: PyTorch's own F16, BF16, F64 and I64 tensors (with the
float32 values they were rounded from), written byte for byte without the `safetensors` package, so that
src/io/safetensors.test.ts checks difflow's reader and its round-to-nearest-even converters against PyTorch.

Run with Debian's PyTorch:  /usr/bin/python3 scripts/make_safetensors_fixtures.py
"""
import json
import math
import struct
from pathlib import Path

import torch

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "safetensors" / "edge.safetensors"
F32_MAX = struct.unpack("<f", struct.pack("<I", 0x7F7FFFFF))[0]

# Edge values of float32 → F16 and BF16: signed zeros, infinities, NaN, the largest finite values and the
# overflow thresholds, the smallest normals and subnormals, and exact ties between two neighbours.
EDGE = [
    0.0, -0.0, math.inf, -math.inf, math.nan, 1.0, -1.0, 0.1, 1 / 3, math.pi, -2.5, 1e-8,
    65504.0, 65519.0, 65520.0, -65520.0, 65536.0,  # F16 max, below and at the overflow tie
    2.0**-14, 2.0**-24, 2.0**-25, 3 * 2.0**-25, 2.0**-25 + 2.0**-40, 2.0**-26,  # F16 smallest normal, subnormal, ties
    1023 * 2.0**-24, 2.0**-14 - 2.0**-25,  # largest F16 subnormal; the tie that rounds up to the smallest normal
    1 + 2.0**-11, 1 + 3 * 2.0**-11, 1 + 2.0**-11 + 2.0**-20, 2049.0, 2051.0, -2051.0,  # F16 ties
    1 + 2.0**-8, 1 + 3 * 2.0**-8, 257.0, 259.0, -259.0,  # BF16 ties
    F32_MAX, -F32_MAX, 2.0**-126, 2.0**-149, 2.0**-133, 3 * 2.0**-134,  # float32 extremes; BF16 subnormals and a tie
    (2 - 2.0**-7) * 2.0**127, (2 - 2.0**-8) * 2.0**127, (2 - 2.0**-8 - 2.0**-23) * 2.0**127,  # BF16 max, overflow tie, below it
]
F64 = [0.0, -0.0, math.inf, -math.inf, 1 / 3, 1e300, -1e-300, 5e-324, 2.0**-1022, 1.7976931348623157e308, 0.1, -2.5]
I64 = [-(2**63), 2**63 - 1, 0, -1, 1, 2**53 + 1, -(2**53) - 1, 2**31, -(2**31) - 1, 1234567890123]

# The reference implementation's dtype order: the data of wider dtypes first, then by name.
RANK = {"I64": 7, "F64": 6, "F32": 5, "BF16": 2, "F16": 1}


def raw_bytes(t):
    """Little-endian bytes of a contiguous tensor (BF16 through its 16-bit pattern: numpy has no bfloat16)."""
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.contiguous().numpy().tobytes()


def write(path, tensors, metadata):
    """The safetensors layout: u64 header length, compact JSON header padded with spaces to 8, the data."""
    order = sorted(tensors, key=lambda name: (-RANK[tensors[name][0]], name))
    header, data, offset = {"__metadata__": metadata}, b"", 0
    for name in order:
        dtype, t = tensors[name]
        payload = raw_bytes(t)
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(payload)]}
        data += payload
        offset += len(payload)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
    text += b" " * (-len(text) % 8)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(struct.pack("<Q", len(text)) + text + data)


def main():
    torch.manual_seed(0)
    magnitudes = 10.0 ** (torch.rand(80) * 20 - 10)  # 1e-10 … 1e10
    random = (torch.randn(80) * magnitudes).tolist()
    source = torch.tensor(EDGE + random, dtype=torch.float32)
    source = torch.cat([source, torch.zeros(-len(source) % 8)]).reshape(-1, 8)
    half, bf16 = source.half(), source.bfloat16()
    tensors = {
        "source": ("F32", source),
        "f16": ("F16", half),
        "f16.values": ("F32", half.float()),
        "bf16": ("BF16", bf16),
        "bf16.values": ("F32", bf16.float()),
        "f64": ("F64", torch.tensor(F64, dtype=torch.float64).reshape(3, 4)),
        "i64": ("I64", torch.tensor(I64, dtype=torch.int64)),
    }
    write(OUT, tensors, {"format": "pt", "torch": torch.__version__})
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, torch {torch.__version__})")


if __name__ == "__main__":
    main()
