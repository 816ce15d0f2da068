"""PyTorch mirrors of difflow's image networks (used by the torch backend, python/difflow_torch,
bench/torch_image_peer.py and scripts/torch_image_reference.py).

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
"""

import math

SIDE = 28
DIM = SIDE * SIDE


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
    """The default image models of `difflow train` (src/training/config.ts MODEL_DEFAULTS)."""
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
