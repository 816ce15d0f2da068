"""difflow's data sets drawn with a torch.Generator (src/data/toy2d.ts, src/node/data.ts,
src/node/fashionMnist.ts): the same distributions, not the same random stream as difflow's Rng.

`dataset(name)` returns sample(n, gen) -> (x [n, dim] float64, labels [n] int64 or None).
"""

import gzip
import json
import math
import os
import struct

import torch

MOONS_NOISE = 0.1
RING_RADIUS, RING_STD = 2.0, 0.15
CURVE_NOISE = 0.1
DEBIAN_FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"
F64 = torch.float64


def _u(n, gen):
    return torch.rand(n, generator=gen, dtype=F64)


def _n(n, gen):
    return torch.randn(n, generator=gen, dtype=F64)


def moons(n, gen):
    theta, upper = math.pi * _u(n, gen), _u(n, gen) < 0.5
    x = torch.where(upper, torch.cos(theta), 1 - torch.cos(theta))
    y = torch.where(upper, torch.sin(theta), 0.5 - torch.sin(theta))
    return torch.stack([2 * (x + MOONS_NOISE * _n(n, gen) - 0.5), 2 * (y + MOONS_NOISE * _n(n, gen) - 0.25)], 1)


def eight_gaussians(n, gen):
    angle = 2 * math.pi * torch.floor(8 * _u(n, gen)) / 8
    return torch.stack([RING_RADIUS * torch.cos(angle), RING_RADIUS * torch.sin(angle)], 1) + RING_STD * torch.randn(n, 2, generator=gen, dtype=F64)


def checkerboard(n, gen):
    x = 4 * _u(n, gen) - 2
    row = torch.floor(2 * _u(n, gen))
    return torch.stack([x, _u(n, gen) + 2 * row - 2 + torch.remainder(torch.floor(x), 2)], 1)


def spirals(n, gen):
    s = 3 * math.pi * torch.sqrt(_u(n, gen))
    sign = torch.where(_u(n, gen) < 0.5, 1.0, -1.0).to(F64)
    r = s / 3
    return torch.stack([sign * -r * torch.cos(s), sign * r * torch.sin(s)], 1) + CURVE_NOISE * torch.randn(n, 2, generator=gen, dtype=F64)


def swissroll(n, gen):
    t = 1.5 * math.pi * (1 + 2 * _u(n, gen))
    return torch.stack([t * torch.cos(t) / 5, t * torch.sin(t) / 5], 1) + CURVE_NOISE * torch.randn(n, 2, generator=gen, dtype=F64)


TOY = {"moons": moons, "8gaussians": eight_gaussians, "gmm": eight_gaussians, "checkerboard": checkerboard,
       "spirals": spirals, "swissroll": swissroll}


def read_points(path):
    """[N, 2] from a .json array of pairs or a .csv of two columns (a header line is skipped)."""
    with open(path) as f:
        text = f.read()
    if path.lower().endswith(".json"):
        rows = json.loads(text)
    else:
        rows = []
        for line in text.splitlines():
            if line.strip():
                try:
                    rows.append([float(v) for v in line.replace(";", ",").replace(" ", ",").split(",") if v])
                except ValueError:
                    if rows:
                        raise
    return torch.tensor(rows, dtype=F64)


def _idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">%dI" % dims, data[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def fashion_mnist(folder=None):
    """The training split: pixels scaled to [-1, 1] as [N, 784], labels [N]."""
    folder = folder or os.environ.get("DIFFLOW_FASHION_MNIST") or DEBIAN_FASHION_MNIST_DIR
    images = _idx(os.path.join(folder, "train-images-idx3-ubyte.gz")).reshape(-1, 784)
    labels = _idx(os.path.join(folder, "train-labels-idx1-ubyte.gz")).long()
    return images.to(F64) / 127.5 - 1, labels


def dataset(name):
    """sample(n, gen) -> (x [n, dim] float64, labels [n] or None): built-in sets fresh, files with replacement."""
    if name in TOY:
        return lambda n, gen: (TOY[name](n, gen), None)
    if name == "fashion-mnist":
        images, labels = fashion_mnist()
    else:
        images, labels = read_points(name), None

    def draw(n, gen):
        i = torch.randint(0, images.shape[0], (n,), generator=gen)
        return images[i], None if labels is None else labels[i]
    return draw
