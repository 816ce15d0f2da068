#!/usr/bin/env python3
"""Benchmark worker for difflow's image networks, against their PyTorch mirrors
(python/difflow_torch/image_models.py, proven identical by src/models/torch_parity.test.ts).

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

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "python"))
import torch_peer  # noqa: E402  (helpers: BLAS kernel choice, re-exec under /usr/bin/python3)
from difflow_torch.image_models import DIM, make_model  # noqa: E402



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
