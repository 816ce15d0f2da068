"""One training step in PyTorch, the same maths as difflow's ONNX step (src/engine/optimizer.ts, src/models/denoiserGraph.ts):

  L = sum_b w_b sum_j (o_bj - y_bj)^2 / (B dim)
  g <- g min(1, clip/(||g|| + 1e-6))                          torch.nn.utils.clip_grad_norm_
  p <- p (1 - lr wd) - lr/(1 - b1^k) m/(sqrt(v/(1 - b2^k)) + eps)   torch.optim.AdamW
  e <- e + (1 - d_k)(p - e),  d_k = min(decay, (1 + k)/(10 + k))

with lr_k of lr_schedule.py (a linear warm-up, then constant or a cosine decay to 0). Under
DistributedDataParallel each rank's loss is the mean over its B/N examples and DDP averages the gradients,
which is the gradient of the global mean.
The state crosses to and from difflow as flat float32 vectors in difflow's parameter order.
"""

import torch

from .lr_schedule import learning_rate
from .networks import difflow_layout, from_difflow, to_difflow

BETAS = (0.9, 0.999)
CLIP = 1.0


def ema_decay_at(k, decay):
    return min(decay, (1 + k) / (10 + k))


def weighted_mse(out, target, weight):
    return (weight * (out - target).square()).sum() / out.numel()


class TrainStep:
    """A network (possibly DDP-wrapped as `module`), its AdamW and its EMA, addressed in difflow's layout."""

    def __init__(self, net, module, order, config):
        self.net = net
        self.module = module
        self.config = config
        self.layout = difflow_layout(net, order)
        self.params = [p for _, p, _ in self.layout]
        self.opt = torch.optim.AdamW(self.params, lr=config["lr"], betas=BETAS, eps=config["eps"],
                                     weight_decay=config["weightDecay"])
        self.ema = [p.detach().clone() for p in self.params]

    def lr_at(self, k):
        return learning_rate(k, self.config)

    def run(self, k, z, t, target, weight, label=None):
        """Step k (>= 1) on a batch; returns (loss, gradient norm) as tensors (the loss of this rank's share)."""
        for group in self.opt.param_groups:
            group["lr"] = self.lr_at(k)
        self.opt.zero_grad(set_to_none=True)
        loss = weighted_mse(self.module(z, t, label), target, weight)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(self.params, CLIP)
        self.opt.step()
        d = ema_decay_at(k, self.config["emaDecay"])
        with torch.no_grad():
            for e, p in zip(self.ema, self.params):
                e.add_((p - e) * (1 - d))
        return loss.detach(), norm.detach()

    def vectors(self):
        """{'params', 'm', 'v', 'ema', 'grad'?}: flat [P] float32 vectors in difflow's order."""
        def flat(tensors):
            return torch.cat([to_difflow(x, tr) for x, (_, _, tr) in zip(tensors, self.layout)])
        out = {"params": flat(self.params), "ema": flat(self.ema)}
        states = [self.opt.state.get(p, {}) for p in self.params]
        zeros = [torch.zeros_like(p) for p in self.params]
        out["m"] = flat([s.get("exp_avg", z) for s, z in zip(states, zeros)])
        out["v"] = flat([s.get("exp_avg_sq", z) for s, z in zip(states, zeros)])
        if all(p.grad is not None for p in self.params):
            out["grad"] = flat([p.grad for p in self.params])
        return out

    def load(self, vectors, step):
        """Sets parameters, Adam moments (after `step` steps) and the EMA from difflow's flat vectors."""
        sizes = [p.numel() for p in self.params]
        parts = {k: torch.split(vectors[k].to(torch.float32), sizes) for k in ("params", "m", "v", "ema")}
        with torch.no_grad():
            for i, (_, p, tr) in enumerate(self.layout):
                p.copy_(from_difflow(parts["params"][i], p, tr))
                self.ema[i].copy_(from_difflow(parts["ema"][i], p, tr))
                if step > 0:
                    self.opt.state[p] = {"step": torch.tensor(float(step)),
                                         "exp_avg": from_difflow(parts["m"][i], p, tr).to(p.dtype),
                                         "exp_avg_sq": from_difflow(parts["v"][i], p, tr).to(p.dtype)}
