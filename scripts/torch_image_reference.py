#!/usr/bin/env python3
"""Write src/models/fixtures/{unet,dit}_torch_reference.json: the PyTorch
mirrors of difflow's U-Net and DiT (python/difflow_torch/image_models.py `make_unet`,
`make_dit`) at small configurations, evaluated in float64, for
src/models/torch_parity.test.ts.

Every parameter (norm scales and the zero-initialised layers included)
and the input z are drawn from a seeded torch generator as small integers
times a power of two, q * 2^-s, so they are exact in float32 as well as in
float64 and the fixture stores them compactly as integers. They are stored
by difflow name in difflow's layout (Linear W as [in, out]; conv W as
[out, in, k, k], as in PyTorch). Also recorded: the output for given z, t
and labels, and gradients of L = sum(out^2) with respect to a few
parameters (torch autograd, float64).

Run: /usr/bin/python3 scripts/torch_image_reference.py [unet] [dit]   (Debian python3-torch)
"""

import json
import math
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))

from difflow_torch import require_torch  # noqa: E402

torch = require_torch(1)

from difflow_torch.image_models import difflow_names, difflow_state, load_difflow_state, make_dit, make_unet  # noqa: E402

MODELS = {
    "unet": {
        "config": {"classes": 10, "channels": 8, "embedding": 32, "groups": 2, "timeFrequencies": 16, "attention": True},
        "make": lambda c: make_unet(torch, classes=c["classes"], channels=c["channels"], embedding=c["embedding"],
                                    groups=c["groups"], time_frequencies=c["timeFrequencies"], attention=c["attention"]),
        "grads": ["in.W", "out.W", "attn.q.W", "res1.skip.W", "mid1.emb.b", "outNorm.gamma", "classEmbedding", "time1.b"],
        "seed": 20240611,
    },
    "dit": {
        "config": {"classes": 10, "patch": 7, "width": 16, "depth": 2, "heads": 2, "mlpRatio": 2, "timeFrequencies": 4},
        "make": lambda c: make_dit(torch, classes=c["classes"], patch=c["patch"], width=c["width"], depth=c["depth"],
                                   heads=c["heads"], mlp_ratio=c["mlpRatio"], time_frequencies=c["timeFrequencies"]),
        "grads": ["embed.W", "pos", "block0.attn.q.W", "block0.shift1.W", "block1.gate2.b", "final.out.b", "labelEmbedding", "time.0.b"],
        "seed": 20240612,
    },
}
B = 2
T = [0.3125, 0.84375]          # dyadic: exact in float32
LABELS = [3, 10]               # the second row is the null class
Q = 32                         # |q| <= 32 (6 bits): exact in float32


def quantised(g, shape, bound):
    """q * 2^-s with q uniform in [-Q, Q] and 2^-s * Q the power of two nearest `bound`."""
    s = round(math.log2(Q / bound))
    q = torch.randint(-Q, Q + 1, shape, generator=g, dtype=torch.int64)
    return q, s


def write(kind):
    spec = MODELS[kind]
    config = spec["config"]
    grad_of = spec["grads"]
    out_path = os.path.join(ROOT, "src", "models", "fixtures", "%s_torch_reference.json" % kind)
    net = spec["make"](config).double()
    g = torch.Generator().manual_seed(spec["seed"])
    stored = {}
    state = {}
    for name, p, transposed in difflow_names(torch, net):
        shape = list(p.shape[::-1]) if transposed else list(p.shape)
        if name.endswith(".gamma"):                      # scales near 1
            q = torch.randint(24, 41, shape, generator=g, dtype=torch.int64)
            s = 5
        elif name.endswith(".beta"):
            q, s = quantised(g, shape, 0.25)
        elif name in ("classEmbedding", "labelEmbedding"):
            q, s = quantised(g, shape, 1.0)
        else:                                            # conv and linear: PyTorch's bound 1/sqrt(fan_in)
            fan_in = p.shape[1] * (p.shape[2] * p.shape[3] if p.dim() == 4 else 1) if p.dim() > 1 else None
            if fan_in is None:                           # a bias: the fan-in of its weight
                weight = dict((n, w) for n, w, _ in difflow_names(torch, net))[name[:-2] + ".W"]
                fan_in = weight.shape[1] * (weight.shape[2] * weight.shape[3] if weight.dim() == 4 else 1)
            q, s = quantised(g, shape, 1.0 / math.sqrt(fan_in))
        state[name] = q.double() * 2.0 ** -s
        stored[name] = {"shape": shape, "exp": -s, "q": q.flatten().tolist()}
    load_difflow_state(torch, net, state)
    # Round trip: the mirror's parameters read back in difflow's layout are the stored ones.
    back = difflow_state(torch, net)
    assert all(torch.equal(back[n], state[n]) for n in state)

    zq = torch.randint(-96, 97, (B, 784), generator=g, dtype=torch.int64)
    z = zq.double() * 2.0 ** -6
    t = torch.tensor(T, dtype=torch.float64).reshape(B, 1)
    label = torch.nn.functional.one_hot(torch.tensor(LABELS), config["classes"] + 1).double()
    out = net(z, t, label)
    loss = out.pow(2).sum()
    params = {n: p for n, p, _ in difflow_names(torch, net)}
    transposed = {n: tr for n, _, tr in difflow_names(torch, net)}
    grads = torch.autograd.grad(loss, [params[n] for n in grad_of])

    # Float32 run of the same network: how far float32 arithmetic alone moves the output (context for the
    # ONNX Runtime tolerance).
    net32 = spec["make"](config)
    load_difflow_state(torch, net32, {n: v.float() for n, v in state.items()})
    with torch.no_grad():
        out32 = net32(z.float(), t.float(), label.float()).double()
    f32_err = ((out32 - out).abs().max() / out.abs().max().clamp(min=1)).item()

    fixture = {
        "about": "PyTorch float64 reference for difflow's %s (src/models/%s.ts), written by "
                 "scripts/torch_image_reference.py with the mirror in python/difflow_torch/image_models.py. "
                 "Parameter and z values are q * 2^exp (exact in float32), by difflow name in difflow's layout "
                 "(Linear W [in, out]; conv W [out, in, k, k]). label is one-hot [B, classes + 1] of `labels` "
                 "(class `classes` is the null class). grads: d/dp of L = sum(out^2)." % (kind, kind),
        "model": kind,
        "torch": torch.__version__,
        "config": config,
        "batch": B,
        "params": stored,
        "inputs": {"z": {"shape": [B, 784], "exp": -6, "q": zq.flatten().tolist()}, "t": T, "labels": LABELS},
        "output": out.detach().flatten().tolist(),
        "loss": loss.item(),
        "grads": {n: (gr.t() if transposed[n] else gr).contiguous().flatten().tolist() for n, gr in zip(grad_of, grads)},
        "float32_output_error": f32_err,
    }
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print("wrote %s (%d bytes): %d parameters, |out| max %.3g, loss %.6g, float32 rel. error %.2g"
          % (os.path.relpath(out_path, ROOT), os.path.getsize(out_path), sum(p.numel() for p in params.values()),
             out.abs().max().item(), loss.item(), f32_err))


def main():
    torch.set_num_threads(1)
    for kind in sys.argv[1:] or list(MODELS):
        write(kind)


if __name__ == "__main__":
    main()
