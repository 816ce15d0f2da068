#!/usr/bin/env python3
"""PyTorch mirrors of difflow's image networks, and a benchmark worker.

`make_unet` is the class-conditional U-Net of src/models/unet.ts and
src/models/blocks.ts, `make_dit` the DiT of src/models/dit.ts, layer for
layer, with the same shapes and a one-to-one parameter-name mapping
(`difflow_names`, `difflow_state`, `load_difflow_state`); the parity test
src/models/torch_parity.test.ts checks that they compute the same functions
(fixtures written by scripts/torch_image_reference.py).

U-Net:
  emb = time2(SiLU(time1(sinusoid(t)))) + onehot(label) @ classEmbedding
  h   = in(x)                                   C   x 28^2
  s1  = down1(h)                                C   x 28^2
  s2  = down2(pool1(s1))                        2C  x 14^2
  m   = mid2(attn(mid1(pool2(s2))))             2C  x 7^2
  u2  = res2([up2(m), s2])                      2C  x 14^2
  u1  = res1([up1(u2), s1])                     C   x 28^2
  out = out(SiLU(outNorm(u1)))                  1   x 28^2

Res block: h = conv1(SiLU(norm1(x))) + emb(SiLU(emb)); out = skip(x) +
conv2(SiLU(norm2(h))), skip a 1x1 conv when the channel count changes.
pool = 3x3 stride-2 conv (pad 1); up = nearest x2 then 3x3 conv; attn =
single-head self-attention over the H*W positions (GN, 1x1 q/k/v/out,
softmax(q^T k / sqrt(C)), residual). GroupNorm eps 1e-5.

DiT: see `make_dit`.

Parameter names: difflow `a.b.W` / `a.b.b` are torch `a.b.weight` /
`a.b.bias` for Conv2d and Linear (Linear W transposed: difflow [in, out],
torch [out, in]; conv W [out, in, k, k] in both); GroupNorm `gamma`/`beta`
are `weight`/`bias`; torch `inp`, `out_norm`, `class_embedding`,
`label_embedding` are difflow `in`, `outNorm`, `classEmbedding`,
`labelEmbedding`.

Benchmark worker (same protocol as bench/torch_peer.py), for the default
image models of `difflow train` (U-Net C = 32; DiT patch 4, width 128, 6
blocks, 4 heads):
  python3 bench/torch_image_peer.py [--model unet|dit] [--batch 64]
      [--threads 2] [--coretype NAME|auto] [--layout nchw|nhwc]
      [--mkldnn 1|0] [--sample-mode eager|freeze|optimize]
  python3 bench/torch_image_peer.py --compare-configs [--model unet] [--rounds 3]
stdin commands, one JSON line answered each:
  train K        -> {"op":"train","steps":K,"seconds":s,"loss":l}
  forward N K    -> {"op":"forward","n":N,"calls":K,"seconds":s}
  quit
Train step: forward, loss sum_b w_b sum_j (o-target)^2/(B*784), backward,
clip_grad_norm_(1.0), AdamW(lr 1e-3, betas 0.9/0.999, eps 1e-8, wd 0,
foreach), EMA 0.999 of the parameters after the update. `forward N` is the
sampling forward of a separate copy of the network at batch N under
torch.inference_mode() in eval mode: eager, or traced and frozen
(torch.jit.freeze), optionally torch.jit.optimize_for_inference. Defaults
(nchw, mkldnn on, freeze) are the fastest configuration measured on the
benchmark VM (see bench/README-peer.md).
"""

import math
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import torch_peer  # noqa: E402  (helpers: BLAS kernel choice, re-exec under /usr/bin/python3)

SIDE = 28
DIM = SIDE * SIDE


# ------------------------------------------------------------------ the mirror

def make_unet(torch, classes=10, channels=32, embedding=None, groups=8,
              time_frequencies=16, attention=True):
    """The U-Net of src/models/unet.ts as a torch.nn.Module (float32, torch's init)."""
    nn = torch.nn
    F = torch.nn.functional
    C = channels
    E = embedding if embedding is not None else 4 * C
    if C % groups:
        raise ValueError("%d groups do not divide %d channels" % (groups, C))

    class ResBlock(nn.Module):
        def __init__(self, cin, cout):
            super().__init__()
            self.norm1 = nn.GroupNorm(groups, cin, eps=1e-5)
            self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
            self.emb = nn.Linear(E, cout)
            self.norm2 = nn.GroupNorm(groups, cout, eps=1e-5)
            self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
            self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

        def forward(self, x, emb):
            h = self.conv1(F.silu(self.norm1(x)))
            h = h + self.emb(F.silu(emb))[:, :, None, None]
            h = self.conv2(F.silu(self.norm2(h)))
            return (x if self.skip is None else self.skip(x)) + h

    class Down(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.conv = nn.Conv2d(c, c, 3, stride=2, padding=1)

        def forward(self, x):
            return self.conv(x)

    class Up(nn.Module):
        def __init__(self, cin, cout):
            super().__init__()
            self.conv = nn.Conv2d(cin, cout, 3, padding=1)

        def forward(self, x):
            return self.conv(F.interpolate(x, scale_factor=2, mode="nearest"))

    class Attention(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.norm = nn.GroupNorm(groups, c, eps=1e-5)
            self.q = nn.Conv2d(c, c, 1)
            self.k = nn.Conv2d(c, c, 1)
            self.v = nn.Conv2d(c, c, 1)
            self.out = nn.Conv2d(c, c, 1)
            self.scale = 1.0 / math.sqrt(c)

        def forward(self, x):
            n, c, hh, ww = x.shape
            h = self.norm(x)
            q = self.q(h).reshape(n, c, hh * ww)
            k = self.k(h).reshape(n, c, hh * ww)
            v = self.v(h).reshape(n, c, hh * ww)
            w = torch.softmax(torch.bmm(q.transpose(1, 2), k) * self.scale, dim=-1)  # [n, query, key]
            attended = torch.bmm(v, w.transpose(1, 2))  # [n, c, query]
            return x + self.out(attended.reshape(n, c, hh, ww))

    class UNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.config = {"classes": classes, "channels": C, "embedding": E, "groups": groups,
                           "timeFrequencies": time_frequencies, "attention": bool(attention)}
            freqs = [1000.0 * math.exp(-math.log(10000.0) * k / time_frequencies)
                     for k in range(time_frequencies)]
            self.register_buffer("freqs", torch.tensor(freqs, dtype=torch.float64).reshape(1, -1), persistent=False)
            self.time1 = nn.Linear(2 * time_frequencies, E)
            self.time2 = nn.Linear(E, E)
            self.class_embedding = nn.Parameter(torch.randn(classes + 1, E))
            self.inp = nn.Conv2d(1, C, 3, padding=1)
            self.down1 = ResBlock(C, C)
            self.pool1 = Down(C)
            self.down2 = ResBlock(C, 2 * C)
            self.pool2 = Down(2 * C)
            self.mid1 = ResBlock(2 * C, 2 * C)
            self.attn = Attention(2 * C) if attention else None
            self.mid2 = ResBlock(2 * C, 2 * C)
            self.up2 = Up(2 * C, 2 * C)
            self.res2 = ResBlock(4 * C, 2 * C)
            self.up1 = Up(2 * C, C)
            self.res1 = ResBlock(2 * C, C)
            self.out_norm = nn.GroupNorm(groups, C, eps=1e-5)
            self.out = nn.Conv2d(C, 1, 3, padding=1)
            nn.init.zeros_(self.out.weight)
            nn.init.zeros_(self.out.bias)

        def forward(self, z, t, label):
            """z [B, 784], t [B, 1], label one-hot [B, classes + 1] -> [B, 784]."""
            b = z.shape[0]
            arg = t * self.freqs.to(t.dtype)
            temb = torch.cat([torch.cos(arg), torch.sin(arg)], dim=1)
            emb = self.time2(F.silu(self.time1(temb))) + label @ self.class_embedding
            x = z.reshape(b, 1, SIDE, SIDE)
            memory_format = getattr(self, "memory_format", None)
            if memory_format is not None:
                x = x.contiguous(memory_format=memory_format)
            h = self.inp(x)
            s1 = self.down1(h, emb)
            s2 = self.down2(self.pool1(s1), emb)
            m = self.mid1(self.pool2(s2), emb)
            if self.attn is not None:
                m = self.attn(m)
            m = self.mid2(m, emb)
            u2 = self.res2(torch.cat([self.up2(m), s2], dim=1), emb)
            u1 = self.res1(torch.cat([self.up1(u2), s1], dim=1), emb)
            out = self.out(F.silu(self.out_norm(u1)))
            return out.reshape(b, DIM)

    return UNet()


def make_dit(torch, classes=10, patch=4, width=128, depth=6, heads=4, mlp_ratio=4, time_frequencies=16):
    """The DiT of src/models/dit.ts (adaLN-Zero) as a torch.nn.Module (float32).

    tokens = patchify(z) @ embed + pos; c = time.1(SiLU(time.0(sinusoid(t)))) + onehot(label) @ labelEmbedding;
    per block, with (shift1, scale1, gate1, shift2, scale2, gate2) = Linear_k(SiLU(c)):
      x += gate1 * attn(LN(x) * (1 + scale1) + shift1);  x += gate2 * fc2(SiLU(fc1(LN(x) * (1 + scale2) + shift2)))
    out = unpatchify(final.out(LN(x) * (1 + final.scale) + final.shift)); LN without affine, eps 1e-6.
    Modulation Linears and final.out start at zero; pos and labelEmbedding N(0, 0.02^2).
    """
    nn = torch.nn
    F = torch.nn.functional
    if SIDE % patch:
        raise ValueError("patch %d does not divide %d" % (patch, SIDE))
    if width % heads:
        raise ValueError("%d heads do not divide width %d" % (heads, width))
    G = SIDE // patch
    N = G * G
    d = width // heads
    mods = ["shift1", "scale1", "gate1", "shift2", "scale2", "gate2"]

    def zero_linear(a, b):
        lin = nn.Linear(a, b)
        nn.init.zeros_(lin.weight)
        nn.init.zeros_(lin.bias)
        return lin

    def ln(x, shift, scale):
        return F.layer_norm(x, (width,), eps=1e-6) * (1 + scale) + shift

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.q = nn.Linear(width, width)
            self.k = nn.Linear(width, width)
            self.v = nn.Linear(width, width)
            self.proj = nn.Linear(width, width)
            self.scale = 1.0 / math.sqrt(d)

        def forward(self, h):  # [B, N, W]
            b = h.shape[0]
            q, k, v = (lin(h).reshape(b, N, heads, d).transpose(1, 2) for lin in (self.q, self.k, self.v))
            w = torch.softmax((q * self.scale) @ k.transpose(2, 3), dim=-1)  # [B, heads, query, key]
            return self.proj((w @ v).transpose(1, 2).reshape(b, N, width))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            for m in mods:
                self.add_module(m, zero_linear(width, width))
            self.attn = Attention()
            self.fc1 = nn.Linear(width, mlp_ratio * width)
            self.fc2 = nn.Linear(mlp_ratio * width, width)

        def forward(self, x, silu_c):
            shift1, scale1, gate1, shift2, scale2, gate2 = (getattr(self, m)(silu_c)[:, None, :] for m in mods)
            x = x + gate1 * self.attn(ln(x, shift1, scale1))
            return x + gate2 * self.fc2(F.silu(self.fc1(ln(x, shift2, scale2))))

    class Final(nn.Module):
        def __init__(self):
            super().__init__()
            self.shift = zero_linear(width, width)
            self.scale = zero_linear(width, width)
            self.out = zero_linear(width, patch * patch)

    class DiT(nn.Module):
        def __init__(self):
            super().__init__()
            self.config = {"classes": classes, "patch": patch, "width": width, "depth": depth, "heads": heads,
                           "mlpRatio": mlp_ratio, "timeFrequencies": time_frequencies}
            freqs = [1000.0 * math.exp(-math.log(10000.0) * k / time_frequencies) for k in range(time_frequencies)]
            self.register_buffer("freqs", torch.tensor(freqs, dtype=torch.float64).reshape(1, -1), persistent=False)
            self.embed = nn.Linear(patch * patch, width)
            self.pos = nn.Parameter(0.02 * torch.randn(N, width))
            self.time = nn.ModuleList([nn.Linear(2 * time_frequencies, width), nn.Linear(width, width)])
            self.label_embedding = nn.Parameter(0.02 * torch.randn(classes + 1, width))
            for l in range(depth):
                self.add_module("block%d" % l, Block())
            self.final = Final()

        def forward(self, z, t, label):
            """z [B, 784], t [B, 1], label one-hot [B, classes + 1] -> [B, 784]."""
            b = z.shape[0]
            tokens = z.reshape(b, G, patch, G, patch).permute(0, 1, 3, 2, 4).reshape(b, N, patch * patch)
            x = self.embed(tokens) + self.pos
            arg = t * self.freqs.to(t.dtype)
            c = self.time[1](F.silu(self.time[0](torch.cat([torch.cos(arg), torch.sin(arg)], dim=1)))) + label @ self.label_embedding
            silu_c = F.silu(c)
            for l in range(depth):
                x = getattr(self, "block%d" % l)(x, silu_c)
            h = ln(x, self.final.shift(silu_c)[:, None, :], self.final.scale(silu_c)[:, None, :])
            out = self.final.out(h)  # [B, N, p*p]
            return out.reshape(b, G, G, patch, patch).permute(0, 1, 3, 2, 4).reshape(b, DIM)

    return DiT()


def make_model(torch, model):
    """The default image models of `difflow train` (src/train/config.ts MODEL_DEFAULTS)."""
    if model == "unet":
        return make_unet(torch)
    if model == "dit":
        return make_dit(torch)
    raise ValueError("unknown model %s (unet or dit)" % model)


_RENAME = {"inp": "in", "out_norm": "outNorm", "class_embedding": "classEmbedding",
           "label_embedding": "labelEmbedding"}


def difflow_names(torch, model):
    """[(difflow name, torch parameter, transposed?)] for every parameter of the mirror."""
    nn = torch.nn
    kinds = {name: type(m) for name, m in model.named_modules()}
    rows = []
    for name, p in model.named_parameters():
        module, _, leaf = name.rpartition(".")
        parts = [_RENAME.get(s, s) for s in (module.split(".") if module else [])]
        kind = kinds.get(module)
        if not module:
            rows.append((_RENAME.get(leaf, leaf), p, False))
            continue
        if kind is nn.GroupNorm:
            suffix = {"weight": "gamma", "bias": "beta"}[leaf]
        else:
            suffix = {"weight": "W", "bias": "b"}[leaf]
        rows.append((".".join(parts + [suffix]), p, kind is nn.Linear and leaf == "weight"))
    return rows


def difflow_state(torch, model):
    """{difflow name: tensor in difflow's layout} (Linear W as [in, out])."""
    return {n: (p.detach().t().contiguous() if tr else p.detach().clone()) for n, p, tr in difflow_names(torch, model)}


def load_difflow_state(torch, model, state):
    """Sets every parameter of the mirror from {difflow name: tensor in difflow's layout}."""
    names = difflow_names(torch, model)
    missing = sorted(set(n for n, _, _ in names) - set(state))
    extra = sorted(set(state) - set(n for n, _, _ in names))
    if missing or extra:
        raise KeyError("parameter names differ: missing %s, unexpected %s" % (missing, extra))
    with torch.no_grad():
        for n, p, tr in names:
            v = torch.as_tensor(state[n], dtype=p.dtype)
            p.copy_(v.t() if tr else v.reshape(p.shape))


# ------------------------------------------------------------------ benchmark

def build_bench(torch, batch, layout="nchw", model="unet"):
    torch.manual_seed(0)
    net = make_model(torch, model)
    memory_format = torch.channels_last if layout == "nhwc" else None
    if memory_format is not None:
        net = net.to(memory_format=memory_format)
        net.memory_format = memory_format
    params = list(net.parameters())
    opt = torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                            weight_decay=0.0, foreach=True)
    ema = [p.detach().clone() for p in params]
    g = torch.Generator().manual_seed(1)
    classes = net.config["classes"]
    data = {
        "z": torch.randn(batch, DIM, generator=g),
        "t": torch.rand(batch, 1, generator=g),
        "target": torch.randn(batch, DIM, generator=g),
        "weight": 0.5 + torch.rand(batch, 1, generator=g),
        "label": torch.nn.functional.one_hot(torch.randint(0, classes + 1, (batch,), generator=g), classes + 1).float(),
    }
    decay = 0.999

    def train_step():
        opt.zero_grad(set_to_none=True)
        o = net(data["z"], data["t"], data["label"])
        loss = (data["weight"] * (o - data["target"]).pow(2).sum(dim=1, keepdim=True)).sum() / (batch * DIM)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        with torch.no_grad():
            torch._foreach_mul_(ema, decay)
            torch._foreach_add_(ema, [p.detach() for p in params], alpha=1.0 - decay)
        return loss

    # The sampling network: a separate copy (as difflow bakes the EMA weights into its forward graph).
    sampler = make_model(torch, model)
    sampler.load_state_dict(net.state_dict())
    if memory_format is not None:
        sampler = sampler.to(memory_format=memory_format)
        sampler.memory_format = memory_format
    sampler.eval()
    for p in sampler.parameters():
        p.requires_grad_(False)
    return net, train_step, sampler, classes


class Worker:
    def __init__(self, torch, batch, layout, sample_mode, model="unet"):
        self.torch = torch
        self.net, self.train_step, self.sampler, self.classes = build_bench(torch, batch, layout, model)
        self.sample_mode = sample_mode
        self.trained = False
        self.inputs = {}
        self.compiled = {}

    def train(self, steps):
        if not self.trained:
            for _ in range(2):
                self.train_step()
            self.trained = True
        loss = None
        t0 = time.perf_counter()
        for _ in range(steps):
            loss = self.train_step()
        dt = time.perf_counter() - t0
        return {"op": "train", "steps": steps, "seconds": dt, "loss": float(loss.item()) if loss is not None else None}

    def _sampler_for(self, n):
        torch = self.torch
        if n not in self.inputs:
            g = torch.Generator().manual_seed(2)
            self.inputs[n] = (torch.randn(n, DIM, generator=g), torch.full((n, 1), 0.5),
                              torch.nn.functional.one_hot(torch.arange(n) % (self.classes + 1), self.classes + 1).float())
            fn = self.sampler
            if self.sample_mode in ("freeze", "optimize"):
                with torch.no_grad():
                    fn = torch.jit.freeze(torch.jit.trace(self.sampler, self.inputs[n]))
                    if self.sample_mode == "optimize":
                        fn = torch.jit.optimize_for_inference(fn)
            self.compiled[n] = fn
            with torch.inference_mode():
                for _ in range(2):
                    fn(*self.inputs[n])
        return self.compiled[n], self.inputs[n]

    def forward(self, n, calls):
        torch = self.torch
        fn, args = self._sampler_for(n)
        with torch.inference_mode():
            t0 = time.perf_counter()
            for _ in range(calls):
                fn(*args)
            dt = time.perf_counter() - t0
        return {"op": "forward", "n": n, "calls": calls, "seconds": dt}


def parse_args(argv):
    opts = {"model": "unet", "batch": 64, "threads": 2, "coretype": None, "layout": "nchw", "mkldnn": 1,
            "sample_mode": "freeze", "compare": False, "rounds": 3, "sample_batch": 256}
    i = 0
    while i < len(argv):
        a = argv[i]
        key, _, val = a[2:].partition("=") if a.startswith("--") else (a, "", "")
        if a in ("-h", "--help"):
            sys.stdout.write(__doc__)
            sys.exit(0)
        if key == "compare-configs":
            opts["compare"] = True
            i += 1
            continue
        if not val:
            i += 1
            val = argv[i]
        name = key.replace("-", "_")
        if name not in opts:
            raise SystemExit("unknown option %s" % a)
        opts[name] = val if name in ("model", "coretype", "layout", "sample_mode") else int(val)
        i += 1
    return opts


def serve(worker):
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        try:
            if parts[0] == "quit":
                break
            elif parts[0] == "train":
                torch_peer.emit(worker.train(int(parts[1]) if len(parts) > 1 else 1))
            elif parts[0] == "forward":
                torch_peer.emit(worker.forward(int(parts[1]) if len(parts) > 1 else 256,
                                               int(parts[2]) if len(parts) > 2 else 1))
            else:
                torch_peer.emit({"op": "error", "error": "unknown command: %s" % parts[0]})
        except Exception as e:
            torch_peer.emit({"op": "error", "error": "%s: %s" % (type(e).__name__, e)})


def compare_configs(torch, opts):
    """Alternating rounds over the configurations; medians of train steps/s and sampling calls/s."""
    configs = [(layout, mk, sm) for layout in ("nchw", "nhwc") for mk in (1, 0) for sm in ("eager", "freeze")]
    rates = {c: {"train": [], "forward": []} for c in configs}
    workers = {}
    for c in configs:
        torch.backends.mkldnn.enabled = bool(c[1])
        workers[c] = Worker(torch, opts["batch"], c[0], c[2], opts["model"])
    for r in range(opts["rounds"]):
        for c in configs:
            torch.backends.mkldnn.enabled = bool(c[1])
            w = workers[c]
            if c[2] == "eager":  # training does not depend on the sampling mode
                tr = w.train(2)
                rates[c]["train"].append(tr["steps"] / tr["seconds"])
            fw = w.forward(opts["sample_batch"], 2)
            rates[c]["forward"].append(fw["calls"] / fw["seconds"])
    med = lambda xs: sorted(xs)[len(xs) // 2] if xs else None  # noqa: E731
    for c in configs:
        torch_peer.emit({"op": "config", "layout": c[0], "mkldnn": c[1], "sample_mode": c[2],
                         "train_steps_per_s": med(rates[c]["train"]), "sample_calls_per_s": med(rates[c]["forward"]),
                         "train_all": [round(x, 3) for x in rates[c]["train"]],
                         "forward_all": [round(x, 3) for x in rates[c]["forward"]]})


def ensure_torch():
    """True when torch can be imported; a python without it (pyenv) re-executes this file under /usr/bin/python3."""
    import importlib.util
    import subprocess
    if importlib.util.find_spec("torch") is not None:
        return True
    system = torch_peer.SYSTEM_PYTHON
    if (os.path.exists(system) and os.path.realpath(sys.executable) != os.path.realpath(system)
            and not os.environ.get("DIFFLOW_PEER_REEXEC")):
        if subprocess.run([system, "-c", "import torch"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
            os.environ["DIFFLOW_PEER_REEXEC"] = "1"
            sys.stdout.flush()
            os.execv(system, [system, os.path.abspath(__file__)] + sys.argv[1:])
    return False


def main():
    opts = parse_args(sys.argv[1:])
    threads = opts["threads"]
    if not ensure_torch():
        torch_peer.emit({"ready": False, "missing": torch_peer.MISSING_HINT})
        return 0
    table = None
    if opts["coretype"]:
        choice = opts["coretype"]
    else:
        choice, table = torch_peer.choose_coretype(threads)
    os.environ.clear()
    os.environ.update(torch_peer.blas_env(choice, threads))

    import torch  # OpenBLAS reads OPENBLAS_CORETYPE now
    torch.set_num_threads(threads)
    torch.backends.mkldnn.enabled = bool(opts["mkldnn"])
    if opts["compare"]:
        compare_configs(torch, opts)
        return 0
    blas = torch_peer.blas_info()
    blas["chosen"] = choice
    if table is not None:
        blas["candidates"] = [{"candidate": r["candidate"], "gflops_1024": round(r["gflops"], 1) if "gflops" in r else None,
                               "correct": r.get("correct")} for r in table]
    worker = Worker(torch, opts["batch"], opts["layout"], opts["sample_mode"], opts["model"])
    torch_peer.emit({"ready": True, "model": opts["model"], "torch": torch.__version__, "blas": blas, "threads": torch.get_num_threads(),
                     "batch": opts["batch"], "layout": opts["layout"], "mkldnn": bool(torch.backends.mkldnn.enabled),
                     "sample_mode": opts["sample_mode"],
                     "params": sum(p.numel() for p in worker.net.parameters())})
    serve(worker)
    return 0


if __name__ == "__main__":
    sys.exit(main())
