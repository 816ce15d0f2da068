#!/usr/bin/env python3
"""Write src/engine/fixtures/mlp_reference.json: float64 PyTorch reference
values for difflow's autodiff and optimizer tests.

Small MLP of the same family as the benchmark network:
  h = concat([z, emb(t)]) [B,18] -> Linear(18,8) SiLU Linear(8,8) SiLU Linear(8,2)
Parameters and inputs come from closed formulas (no RNG), recorded in the
JSON so TypeScript can rebuild them. Everything is in torch.float64.

Every number is also checked here against an independent pure-Python
computation (forward pass, central finite differences for the gradients,
hand-written clip/AdamW/EMA), so a BLAS or kernel problem cannot slip into
the fixture.

Run: /usr/bin/python3 scripts/torch_reference.py   (Debian python3-torch)
"""

import json
import math
import os
import sys

try:
    import torch
except ImportError:
    sys.stderr.write("needs PyTorch: apt-get install python3-torch "
                     "(run with /usr/bin/python3)\n")
    sys.exit(1)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src", "engine", "fixtures", "mlp_reference.json")

B = 4
ZDIM = 2
HALF = 8
HIDDEN = 8
DIMS = [ZDIM + 2 * HALF, HIDDEN, HIDDEN, 2]       # 18 -> 8 -> 8 -> 2
MAX_NORM = 1.0
CLIP_ACTIVE_MAX_NORM = 0.5          # extra record whose clipping is active
LR, BETA1, BETA2, EPS, WD = 1e-3, 0.9, 0.999, 1e-8, 0.01
EMA_DECAY = 0.999

FORMULA = {
    "params": "layer l = 0,1,2 with W of shape [in,out] (difflow layout, y = x W + b): "
              "W[i][j] = 0.3*sin(0.7*i + 1.3*j + 0.1*l), b[j] = 0.05*cos(0.9*j + l)",
    "inputs": "B = 4, b = 0..3: z[b][k] = sin(1.1*b + 0.5*k + 0.3), t[b][0] = (b + 0.5)/4, "
              "target[b][k] = cos(0.7*b - 0.4*k), weight[b][0] = 1 + 0.25*b",
    "time_embedding": "half = 8, freqs[k] = exp(-ln(10000)*k/half) for k = 0..7, "
                      "arg = 1000*t*freqs [B,8], emb = concat([cos(arg), sin(arg)], axis=1) [B,16], "
                      "h = concat([z, emb], axis=1) [B,18]",
    "network": "Linear(18,8) -> SiLU -> Linear(8,8) -> SiLU -> Linear(8,2) -> o [B,2]; "
               "SiLU(x) = x*sigmoid(x)",
    "loss": "L = sum_b weight[b] * sum_j (o[b][j] - target[b][j])^2 / (B*2)",
    "clip": "torch.nn.utils.clip_grad_norm_: norm = sqrt(sum of squares of all grads); "
            "coef = min(1, max_norm/(norm + 1e-6)); every grad *= coef",
    "adamw": "torch.optim.AdamW, step t = 1: p = p*(1 - lr*wd); m = b1*m + (1-b1)*g; "
             "v = b2*v + (1-b2)*g^2; p = p - (lr/(1-b1^t)) * m / (sqrt(v)/sqrt(1-b2^t) + eps) "
             "(g = clipped grad, m and v start at 0)",
    "ema": "ema starts at the initial params; after the AdamW update: ema = decay*ema + (1-decay)*p",
}


# ------------------------------------------------------------ closed forms

def param_lists():
    layers = []
    for l in range(3):
        din, dout = DIMS[l], DIMS[l + 1]
        W = [[0.3 * math.sin(0.7 * i + 1.3 * j + 0.1 * l) for j in range(dout)]
             for i in range(din)]
        b = [0.05 * math.cos(0.9 * j + l) for j in range(dout)]
        layers.append({"W": W, "b": b})
    return layers


def input_lists():
    z = [[math.sin(1.1 * b + 0.5 * k + 0.3) for k in range(ZDIM)] for b in range(B)]
    t = [[(b + 0.5) / 4] for b in range(B)]
    target = [[math.cos(0.7 * b - 0.4 * k) for k in range(ZDIM)] for b in range(B)]
    weight = [[1 + 0.25 * b] for b in range(B)]
    return {"z": z, "t": t, "target": target, "weight": weight}


# ------------------------------------------------------------ pure Python

def py_embed(inputs):
    freqs = [math.exp(-math.log(10000.0) * k / HALF) for k in range(HALF)]
    rows = []
    for b in range(B):
        arg = [1000.0 * inputs["t"][b][0] * f for f in freqs]
        rows.append(inputs["z"][b] + [math.cos(a) for a in arg] + [math.sin(a) for a in arg])
    return rows


def py_loss(layers, inputs, h0=None):
    h = h0 if h0 is not None else py_embed(inputs)
    for l, layer in enumerate(layers):
        W, bias = layer["W"], layer["b"]
        nxt = []
        for row in h:
            y = [sum(row[i] * W[i][j] for i in range(len(row))) + bias[j]
                 for j in range(len(bias))]
            if l < len(layers) - 1:
                y = [v / (1.0 + math.exp(-v)) for v in y]
            nxt.append(y)
        h = nxt
    loss = sum(inputs["weight"][b][0] *
               sum((h[b][j] - inputs["target"][b][j]) ** 2 for j in range(2))
               for b in range(B)) / (B * 2)
    return h, loss


def max_rel(a, b, floor=1e-12):
    fa, fb = flatten(a), flatten(b)
    assert len(fa) == len(fb)
    return max(abs(x - y) / max(abs(y), floor) for x, y in zip(fa, fb))


def max_abs(a, b):
    fa, fb = flatten(a), flatten(b)
    assert len(fa) == len(fb)
    return max(abs(x - y) for x, y in zip(fa, fb))


def flatten(x):
    if isinstance(x, dict):  # a layer: W then b
        return flatten(x["W"]) + flatten(x["b"])
    if isinstance(x, (list, tuple)):
        out = []
        for v in x:
            out.extend(flatten(v))
        return out
    return [float(x)]


def train_step(layers0, grads, max_norm, checks, tag):
    """One step from the initial params with the given grads: clip_grad_norm_,
    AdamW, EMA (torch, float64), checked against a pure-Python version."""
    dt = torch.float64
    params = []
    for l in range(3):
        w = torch.tensor(layers0[l]["W"], dtype=dt).t().contiguous().requires_grad_()
        b = torch.tensor(layers0[l]["b"], dtype=dt).requires_grad_()
        w.grad = torch.tensor(grads[l]["W"], dtype=dt).t().contiguous()
        b.grad = torch.tensor(grads[l]["b"], dtype=dt)
        params += [w, b]
    ema = [p.detach().clone() for p in params]
    grad_norm = torch.nn.utils.clip_grad_norm_(params, max_norm).item()
    clip_coef = min(1.0, max_norm / (grad_norm + 1e-6))
    clipped = layer_view([p.grad.clone() for p in params])
    opt = torch.optim.AdamW(params, lr=LR, betas=(BETA1, BETA2), eps=EPS, weight_decay=WD)
    opt.step()
    with torch.no_grad():
        for e, p in zip(ema, params):
            e.mul_(EMA_DECAY).add_(p, alpha=1.0 - EMA_DECAY)
    out = {
        "max_norm": max_norm,
        "grad_norm_pre_clip": grad_norm,
        "clip_coef": clip_coef,
        "clip_active": clip_coef < 1.0,
        "clipped_grads": clipped,
        "adamw": {"lr": LR, "betas": [BETA1, BETA2], "eps": EPS,
                  "weight_decay": WD, "step": 1},
        "ema_decay": EMA_DECAY,
        "params": layer_view([p.detach().clone() for p in params]),
        "m": layer_view([opt.state[p]["exp_avg"].clone() for p in params]),
        "v": layer_view([opt.state[p]["exp_avg_sq"].clone() for p in params]),
        "ema": layer_view(ema),
    }

    flat_g = flatten(grads)
    norm_py = math.sqrt(sum(g * g for g in flat_g))
    coef_py = min(1.0, max_norm / (norm_py + 1e-6))
    checks[tag + "grad_norm_vs_python_abs"] = abs(norm_py - grad_norm)
    assert checks[tag + "grad_norm_vs_python_abs"] < 1e-12, checks
    p0, gc = flatten(layers0), [g * coef_py for g in flat_g]
    m_py = [(1 - BETA1) * g for g in gc]
    v_py = [(1 - BETA2) * g * g for g in gc]
    bc1, bc2 = 1 - BETA1, 1 - BETA2
    p_py = [p * (1 - LR * WD) - (LR / bc1) * mm / (math.sqrt(vv) / math.sqrt(bc2) + EPS)
            for p, mm, vv in zip(p0, m_py, v_py)]
    ema_py = [EMA_DECAY * a + (1 - EMA_DECAY) * b for a, b in zip(p0, p_py)]
    for key, ref in (("clipped_grads", gc), ("m", m_py), ("v", v_py),
                     ("params", p_py), ("ema", ema_py)):
        err = max_abs(out[key], ref)
        checks[tag + key + "_vs_python_max_abs"] = err
        assert err < 1e-14, (key, checks)
    return out


def layer_view(tensors):
    """[W(out,in), b, ...] torch tensors -> difflow [{W: [in][out], b: [out]}]"""
    return [{"W": tensors[2 * l].detach().t().tolist(),
             "b": tensors[2 * l + 1].detach().tolist()} for l in range(3)]


def dumps_compact(obj, indent=0):
    """JSON with one line per innermost list of numbers (exact float repr)."""
    pad = " " * indent
    if isinstance(obj, dict):
        items = ["%s %s: %s" % (pad, json.dumps(k), dumps_compact(v, indent + 1))
                 for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and obj and any(isinstance(v, (list, dict)) for v in obj):
        items = [pad + " " + dumps_compact(v, indent + 1) for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(obj)


# ------------------------------------------------------------ torch

def main():
    torch.set_default_dtype(torch.float64)
    dt = torch.float64
    layers0 = param_lists()
    inputs = input_lists()

    z = torch.tensor(inputs["z"], dtype=dt)
    t = torch.tensor(inputs["t"], dtype=dt)
    target = torch.tensor(inputs["target"], dtype=dt)
    weight = torch.tensor(inputs["weight"], dtype=dt)

    linears = []
    for l in range(3):
        lin = torch.nn.Linear(DIMS[l], DIMS[l + 1]).to(dt)
        with torch.no_grad():
            # PyTorch stores weight as [out, in]: transpose difflow's [in, out]
            lin.weight.copy_(torch.tensor(layers0[l]["W"], dtype=dt).t())
            lin.bias.copy_(torch.tensor(layers0[l]["b"], dtype=dt))
        linears.append(lin)
    mlp = torch.nn.Sequential(linears[0], torch.nn.SiLU(), linears[1],
                              torch.nn.SiLU(), linears[2])
    params = []
    for lin in linears:
        params += [lin.weight, lin.bias]

    freqs = torch.exp(-math.log(10000.0) * torch.arange(HALF, dtype=dt) / HALF)
    arg = 1000.0 * t * freqs
    emb = torch.cat([torch.cos(arg), torch.sin(arg)], dim=1)
    h = torch.cat([z, emb], dim=1)
    o = mlp(h)
    loss = (weight * (o - target).pow(2).sum(dim=1, keepdim=True)).sum() / (B * 2)
    loss.backward()

    grads = layer_view([p.grad.clone() for p in params])
    params_out = layer_view([p.detach().clone() for p in params])

    # ---- independent checks of forward, loss and gradients
    h_py = py_embed(inputs)
    o_py, loss_py = py_loss(layers0, inputs)
    checks = {
        "h_vs_python_max_abs": max_abs(h.tolist(), h_py),
        "o_vs_python_max_abs": max_abs(o.tolist(), o_py),
        "loss_vs_python_abs": abs(loss.item() - loss_py),
    }
    assert checks["h_vs_python_max_abs"] < 1e-12, checks
    assert checks["o_vs_python_max_abs"] < 1e-12, checks
    assert checks["loss_vs_python_abs"] < 1e-12, checks
    assert max_abs(params_out, layers0) == 0.0

    fd_worst = 0.0
    step = 1e-6
    for l in range(3):
        for key in ("W", "b"):
            shape = (DIMS[l], DIMS[l + 1]) if key == "W" else (DIMS[l + 1],)
            idxs = [(i, j) for i in range(shape[0]) for j in range(shape[1])] \
                if key == "W" else [(j,) for j in range(shape[0])]
            for idx in idxs:
                def shifted(delta):
                    lay = json.loads(json.dumps(layers0))
                    if key == "W":
                        lay[l]["W"][idx[0]][idx[1]] += delta
                    else:
                        lay[l]["b"][idx[0]] += delta
                    return py_loss(lay, inputs, h_py)[1]
                fd = (shifted(step) - shifted(-step)) / (2 * step)
                g = grads[l][key][idx[0]][idx[1]] if key == "W" else grads[l][key][idx[0]]
                fd_worst = max(fd_worst, abs(fd - g))
    # central differences in float64 with step 1e-6: round-off ~1e-10
    checks["grads_vs_central_fd_max_abs"] = fd_worst
    checks["grads_max_abs"] = max(abs(g) for g in flatten(grads))
    assert fd_worst < 1e-8, checks

    # ---- one train step (clip, AdamW, EMA), checked against pure Python
    step_main = train_step(layers0, grads, MAX_NORM, checks, "")
    # max_norm 1.0 may leave the gradients unclipped; this variant always clips
    step_clip = train_step(layers0, grads, CLIP_ACTIVE_MAX_NORM, checks, "clip_active_")
    assert step_clip["clip_active"]

    ordered_names = ["layers[%d].%s" % (l, k) for l in range(3) for k in ("W", "b")]
    doc = {
        "description": "float64 PyTorch reference for difflow's MLP autodiff and train step "
                       "(written by scripts/torch_reference.py; do not edit by hand)",
        "formula": FORMULA,
        "dtype": "float64",
        "torch_version": torch.__version__,
        "layout": "params/grads/m/v/ema are lists of 3 layers {W: [in][out], b: [out]} "
                  "(difflow layout, y = x W + b; PyTorch's Linear.weight is W transposed)",
        "shapes": {
            "B": B, "z": [B, ZDIM], "t": [B, 1], "target": [B, ZDIM], "weight": [B, 1],
            "emb": [B, 2 * HALF], "h": [B, DIMS[0]], "o": [B, 2],
            "params": {name: ([DIMS[i // 2], DIMS[i // 2 + 1]] if i % 2 == 0 else [DIMS[i // 2 + 1]])
                       for i, name in enumerate(ordered_names)},
        },
        "inputs": inputs,
        "params": params_out,
        "emb": emb.tolist(),
        "h": h.tolist(),
        "output": o.tolist(),
        "loss": loss.item(),
        "grads": grads,
        "train_step": step_main,
        "train_step_clip_active": step_clip,
        "checks": checks,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(dumps_compact(doc) + "\n")
    print("wrote %s (loss %.17g, grad norm %.17g, clip coef %.17g / %.17g)"
          % (os.path.relpath(OUT, ROOT), loss.item(), step_main["grad_norm_pre_clip"],
             step_main["clip_coef"], step_clip["clip_coef"]))
    print("checks: " + json.dumps(checks))


if __name__ == "__main__":
    main()
