"""The networks of a run config as torch modules whose parameters map one-to-one onto difflow's.

MLP: src/models/mlp.ts — [z, fourier(z), embed(t)] -> Linear -> SiLU -> ... -> Linear, its parameters W0, b0, W1, ...
held under difflow's own names and layouts (W [in, out]). U-Net and DiT: the mirrors in image_models.py.
`difflow_layout(model)` lists (difflow name, parameter, transposed?) in difflow's declaration order, the
order of its flat parameter vector (src/engine/params.ts paramLayout).
"""

import math

import torch

from .image_models import difflow_names, make_dit, make_unet

FASHION_MNIST_CLASSES = 10
MLP_EMBEDDING = 16
# The lowest Fourier-feature frequency (src/models/mlp.ts FOURIER_BASE).
FOURIER_BASE = math.pi / 2


def time_embedding(t, half):
    """[cos(arg), sin(arg)], arg = 1000 t exp(-ln(10000) k/half) (src/models/timeEmbedding.ts). t [B, 1]."""
    freqs = torch.tensor([1000 * math.exp((-math.log(10000) * k) / half) for k in range(half)], dtype=t.dtype)
    arg = t * freqs[None, :]
    return torch.cat([torch.cos(arg), torch.sin(arg)], dim=1)


def fourier_features(z, count):
    """[sin(f_k z), cos(f_k z)] for f_k = 2^k FOURIER_BASE, k < count (src/models/mlp.ts fourierFeatures)."""
    out = []
    for k in range(count):
        arg = z * (2 ** k * FOURIER_BASE)
        out += [torch.sin(arg), torch.cos(arg)]
    return out


class MLP(torch.nn.Module):
    """difflow's MLP denoiser; parameters W{l} [in, out] and b{l} [out], PyTorch Linear's uniform init."""

    def __init__(self, dim=2, hidden=256, layers=3, embedding=MLP_EMBEDDING, fourier=0):
        super().__init__()
        self.widths = [dim + 2 * fourier * dim + embedding] + [hidden] * layers + [dim]
        self.embedding = embedding
        self.fourier = fourier
        for l in range(len(self.widths) - 1):
            fan_in, fan_out = self.widths[l], self.widths[l + 1]
            bound = 1 / math.sqrt(fan_in)
            setattr(self, "W%d" % l, torch.nn.Parameter(torch.empty(fan_in, fan_out).uniform_(-bound, bound)))
            setattr(self, "b%d" % l, torch.nn.Parameter(torch.empty(fan_out).uniform_(-bound, bound)))

    def forward(self, z, t, label=None):
        h = torch.cat([z, *fourier_features(z, self.fourier), time_embedding(t, self.embedding // 2)], dim=1)
        last = len(self.widths) - 2
        for l in range(last + 1):
            h = h @ getattr(self, "W%d" % l) + getattr(self, "b%d" % l)
            if l < last:
                h = torch.nn.functional.silu(h)
        return h


def network_for(config, dim):
    """The network of a difflow config dict (src/training/trainer.ts networkFor); image models are Fashion-MNIST's."""
    if config["model"] == "unet":
        return make_unet(torch, classes=FASHION_MNIST_CLASSES, channels=config["hidden"])
    if config["model"] == "dit":
        return make_dit(torch, classes=FASHION_MNIST_CLASSES, width=config["hidden"], depth=config["layers"])
    return MLP(dim=dim, hidden=config["hidden"], layers=config["layers"], fourier=config.get("fourier", 0))


def difflow_layout(model, order):
    """[(difflow name, parameter, transposed?)] in `order` (difflow's parameter names, declaration order)."""
    rows = {name: (name, p, tr) for name, p, tr in difflow_names(torch, model)}
    missing = sorted(set(order) - set(rows))
    extra = sorted(set(rows) - set(order))
    if missing or extra:
        raise KeyError("parameter names differ from difflow's: missing %s, unexpected %s" % (missing, extra))
    return [rows[name] for name in order]


def to_difflow(p, transposed):
    """A parameter (or its gradient, or an optimiser moment) as difflow's flat float32 vector."""
    return (p.detach().t() if transposed else p.detach()).contiguous().reshape(-1).float()


def from_difflow(flat, p, transposed):
    """difflow's flat vector as a tensor shaped and laid out like parameter `p`."""
    if transposed:
        return flat.reshape(p.shape[1], p.shape[0]).t().contiguous()
    return flat.reshape(p.shape).clone()
