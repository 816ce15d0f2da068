#!/usr/bin/env python3
"""Writes test/fixtures/torch-parity/*.safetensors: one training step of the torch backend
(python/difflow_torch) on a fixed batch, for src/node/torchParity.test.ts to compare with difflow's
ONNX step (src/engine/optimizer.ts, src/models/denoiserGraph.ts).

Each case: a run config (every output kind with every weighting for the MLP, schedules and densities
cycled through; one MLP with Fourier features of z and a cosine learning rate; one U-Net and one DiT
case), random parameters, Adam's v and EMA (m = 0, step k = 3, so the bias corrections, weight decay,
clipping and EMA decay all act), a batch x, t, eps, labels; and
the results: loss, gradient norm, raw gradients, new parameters, m, v and EMA (tensors in difflow's
layout, float32; checksummed like a checkpoint). The weight scale is this script's own estimate (the
run hands difflow's to the workers); both sides divide by the number stored here.

  /usr/bin/python3 scripts/make_torch_parity_fixtures.py [--out DIR]
"""

import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))

from difflow_torch import require_torch  # noqa: E402

torch = require_torch(2)

from difflow_torch.image_models import difflow_names  # noqa: E402
from difflow_torch.networks import network_for  # noqa: E402
from difflow_torch.recipe import Recipe, make_batch  # noqa: E402
from difflow_torch.safetensors import Tensor, write_checkpoint  # noqa: E402
from difflow_torch.schedules import SCHEDULES  # noqa: E402
from difflow_torch.step import TrainStep  # noqa: E402

OUTPUTS = ["eps", "x", "v", "u"]
WEIGHTINGS = ["fm", "eps-cosine", "v-cosine", "edm", "sd3", "sigmoid", "elbo"]
DENSITIES = ["uniform", "logit-normal", "edm", "cosine"]
STEP = 3
BASE = {"lr": 1e-2, "weightDecay": 0.01, "eps": 1e-8, "warmup": 5, "emaDecay": 0.999, "bias": 0.5,
        "labelDropout": 0.1, "seed": 0, "steps": 10, "checkpointEvery": 10, "spinning": "auto"}


def cases():
    schedules = list(SCHEDULES)
    for i, (output, weighting) in enumerate((o, w) for o in OUTPUTS for w in WEIGHTINGS):
        yield "mlp-%s-%s" % (output, weighting), dict(
            BASE, data="moons", model="mlp", hidden=8, layers=2, batch=8, output=output, weighting=weighting,
            schedule=schedules[i % len(schedules)], density=DENSITIES[i % len(DENSITIES)])
    yield "unet", dict(BASE, data="fashion-mnist", model="unet", hidden=8, layers=0, batch=2, output="eps",
                       weighting="eps-cosine", schedule="cosine", density="uniform")
    yield "dit", dict(BASE, data="fashion-mnist", model="dit", hidden=16, layers=1, batch=2, output="v",
                      weighting="sd3", schedule="fm", density="logit-normal")
    # Fourier features of z, and a cosine learning rate half-way down at step 3 (warm-up 1 of 5 steps).
    yield "mlp-fourier-cosine", dict(
        BASE, data="checkerboard", model="mlp", hidden=8, layers=2, batch=8, output="u", weighting="fm",
        schedule="fm", density="uniform", fourier=2, lrSchedule="cosine", warmup=1, steps=5)


def weight_scale(recipe, gen):
    u, n = torch.rand(2000, generator=gen, dtype=torch.float64), torch.randn(2000, generator=gen, dtype=torch.float64)
    return sum(recipe.raw_weight(recipe.clamp_t(a, b)) for a, b in zip(u.tolist(), n.tolist())) / 2000


def make_case(config, seed):
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    image = config["model"] != "mlp"
    dim, classes = (784, 10) if image else (2, None)
    net = network_for(config, dim)
    with torch.no_grad():  # every parameter random, zero-initialised layers included
        for p in net.parameters():
            p.copy_(0.2 * torch.randn(p.shape, generator=gen))
    trainer = TrainStep(net, net, [n for n, _, _ in difflow_names(torch, net)], config)
    P = sum(p.numel() for p in net.parameters())
    start = {"params": trainer.vectors()["params"], "m": torch.zeros(P),
             "v": 1e-4 * torch.rand(P, generator=gen), "ema": 0.2 * torch.randn(P, generator=gen)}
    trainer.load(start, STEP - 1)
    recipe = Recipe(config, 1.0)
    recipe.weight_scale = weight_scale(recipe, gen)
    B = config["batch"]
    x = (2 * torch.rand(B, dim, generator=gen, dtype=torch.float64) - 1) if image else torch.randn(B, dim, generator=gen, dtype=torch.float64)
    eps = torch.randn(B, dim, generator=gen, dtype=torch.float64)
    u, n = torch.rand(B, generator=gen, dtype=torch.float64), torch.randn(B, generator=gen, dtype=torch.float64)
    t = torch.tensor([recipe.clamp_t(a, b) for a, b in zip(u.tolist(), n.tolist())], dtype=torch.float64)
    labels = torch.tensor([b % 11 for b in range(B)], dtype=torch.int32)  # the null class 10 included
    z, target, weight = make_batch(recipe, x, t, eps)
    label = torch.nn.functional.one_hot(labels.long(), 11).float() if image else None
    loss, norm = trainer.run(STEP, z, t[:, None].float(), target, weight, label)
    grad = trainer.vectors()["grad"] / min(1.0, 1.0 / (norm.item() + 1e-6))  # undo the clipping
    end = trainer.vectors()
    tensors = {"x": Tensor.of(x), "eps": Tensor.of(eps), "t": Tensor.of(t), "labels": Tensor.of(labels)}
    for key, vec in [("param", start["params"]), ("v", start["v"]), ("ema", start["ema"]), ("grad", grad),
                     ("new.param", end["params"]), ("new.m", end["m"]), ("new.v", end["v"]), ("new.ema", end["ema"])]:
        tensors[key] = Tensor.of(vec.float())
    metadata = {"config": json.dumps(config), "names": json.dumps([[nm, tr] for nm, _, tr in trainer.layout]),
                "step": str(STEP), "weightScale": repr(recipe.weight_scale), "loss": repr(loss.item()), "gradNorm": repr(norm.item())}
    return tensors, metadata


def main(argv):
    out = argv[argv.index("--out") + 1] if "--out" in argv else os.path.join(ROOT, "test", "fixtures", "torch-parity")
    os.makedirs(out, exist_ok=True)
    total = 0
    for i, (name, config) in enumerate(cases()):
        tensors, metadata = make_case(config, 1000 + i)
        path = os.path.join(out, name + ".safetensors")
        write_checkpoint(path, tensors, metadata)
        total += os.path.getsize(path)
    print("wrote %d fixtures, %.0f kB, to %s" % (i + 1, total / 1024, os.path.relpath(out, ROOT)))


if __name__ == "__main__":
    main(sys.argv[1:])
