"""safetensors files as difflow writes and reads them (src/io/safetensors.ts, src/io/checkpoint.ts).

Tensors are laid out by dtype (I64, F64, F32, U32, I32, BF16, F16, U8, as src/io/safetensors.ts) then by
name; the header is compact JSON padded with spaces to a multiple of 8. A checkpoint carries `__metadata__.sha256`: SHA-256 of the
JSON text {"tensors":[[name, dtype, shape], ...],"metadata":[[key, value], ...]} (metadata keys sorted,
'sha256' left out), a newline, then every tensor's little-endian bytes in layout order. Writes are atomic:
a temporary file in the same folder, fsynced, renamed over the target.
"""

import hashlib
import json
import os
import struct
import tempfile

import torch

DTYPES = {"F64": torch.float64, "I64": torch.int64, "F32": torch.float32, "U32": None, "I32": torch.int32,
          "F16": torch.float16, "BF16": torch.bfloat16, "U8": torch.uint8}
RANK = {"I64": 7, "F64": 6, "F32": 5, "U32": 4, "I32": 3, "BF16": 2, "F16": 1, "U8": 0}
SIZES = {"F64": 8, "I64": 8, "F32": 4, "U32": 4, "I32": 4, "F16": 2, "BF16": 2, "U8": 1}


class Tensor:
    """A tensor as raw little-endian bytes with its dtype and shape (U32 has no torch dtype in 1.13)."""

    def __init__(self, dtype, shape, data):
        self.dtype, self.shape, self.data = dtype, list(shape), bytes(data)

    @staticmethod
    def of(t):
        """From a float32/float64/int32/uint8 torch tensor."""
        dtype = {v: k for k, v in DTYPES.items() if v is not None}[t.dtype]
        return Tensor(dtype, t.shape, t.contiguous().numpy().astype("<" + t.numpy().dtype.str[1:]).tobytes())

    def torch(self):
        if self.dtype == "U32":
            return torch.tensor(struct.unpack("<%dI" % (len(self.data) // 4), self.data), dtype=torch.int64).reshape(self.shape)
        if not self.data:
            return torch.zeros(self.shape, dtype=DTYPES[self.dtype])
        return torch.frombuffer(bytearray(self.data), dtype=DTYPES[self.dtype]).reshape(self.shape).clone()


def _dumps(x):
    return json.dumps(x, separators=(",", ":"), ensure_ascii=False)


def order(tensors):
    return sorted(tensors, key=lambda n: (-RANK[tensors[n].dtype], n))


def digest(tensors, metadata):
    description = _dumps({
        "tensors": [[n, tensors[n].dtype, tensors[n].shape] for n in order(tensors)],
        "metadata": [[k, metadata[k]] for k in sorted(metadata) if k != "sha256"],
    })
    h = hashlib.sha256((description + "\n").encode("utf-8"))
    for n in order(tensors):
        h.update(tensors[n].data)
    return h.hexdigest()


def encode(tensors, metadata):
    entries = ['"__metadata__":' + _dumps(metadata)] if metadata else []
    offset = 0
    for n in order(tensors):
        t = tensors[n]
        end = offset + len(t.data)
        entries.append(_dumps(n) + ":" + _dumps({"dtype": t.dtype, "shape": t.shape, "data_offsets": [offset, end]}))
        offset = end
    header = ("{" + ",".join(entries) + "}").encode("utf-8")
    padded = header + b" " * (-len(header) % 8)
    return struct.pack("<Q", len(padded)) + padded + b"".join(tensors[n].data for n in order(tensors))


def decode(data, source):
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        if info["dtype"] not in SIZES:
            raise ValueError("%s: tensor %s has dtype %s, which difflow does not read" % (source, name, info["dtype"]))
        start, end = info["data_offsets"]
        tensors[name] = Tensor(info["dtype"], info["shape"], data[base + start:base + end])
    return tensors, metadata


def write_checkpoint(path, tensors, metadata):
    """Writes tensors {name: Tensor} and string metadata with the checksum, atomically."""
    full = dict(metadata, sha256=digest(tensors, metadata))
    data = encode(tensors, full)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_checkpoint(path):
    """(tensors, metadata without sha256); refuses a file whose checksum does not match."""
    with open(path, "rb") as f:
        data = f.read()
    tensors, metadata = decode(data, path)
    stored = metadata.pop("sha256", None)
    if stored is None or digest(tensors, metadata) != stored:
        raise ValueError("checkpoint %s is corrupt or was altered: checksum mismatch" % path)
    return tensors, metadata
