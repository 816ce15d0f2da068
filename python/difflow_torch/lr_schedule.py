"""The learning rate of step k (1-based) of an n-step run (src/training/learningRate.ts), torch-free:

  lr_k = lr min(1, k/max(1, warmup)) c(p),  p = clamp((k - warmup)/max(1, n - warmup), 0, 1),
  c(p) = 1 (constant) or (1 + cos(pi p))/2 (cosine).
"""

import math

DECAY = {
    "constant": lambda p: 1,
    "cosine": lambda p: 0.5 * (1 + math.cos(math.pi * p)),
}


def learning_rate(k, config):
    """lr_k of a difflow config dict (lr, warmup, steps, lrSchedule; constant when lrSchedule is absent)."""
    warmup, steps = config["warmup"], config["steps"]
    p = min(1, max(0, (k - warmup) / max(1, steps - warmup)))
    return config["lr"] * min(1, k / max(1, warmup)) * DECAY[config.get("lrSchedule", "constant")](p)
