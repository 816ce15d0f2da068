"""The training recipe of a difflow run config: p(t), the output whose MSE is taken, w(lambda) and the
normalised per-example weight (src/core/training, src/core/outputs.ts, src/core/training/batch.ts), in float64.

`make_batch(recipe, x, t, eps)` is the half of difflow's trainingBatch (src/core/training/batch.ts) that follows the draws: the
clamped time, z = alpha x + sigma eps, the target of the output kind and the weight
w(lambda)/p(lambda)/mseWeight/scale. The scale (the mean raw weight under p(t)) is computed by difflow
and handed over in the run spec, so both backends divide by the same number.
"""

import math

import torch

from .schedules import SCHEDULES, logit, sigmoid

# Times are kept this far inside [0, 1] (src/core/timeRange.ts TIME_MARGINS.training).
T_MARGIN = 1e-5
EDM_P_MEAN, EDM_P_STD = -1.2, 1.2
COSINE_LAMBDA_RANGE = (-15.0, 15.0)


def _normal_pdf(x, mean, std):
    return math.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))


def weighting(name, bias=0.0):
    """w(lambda) of src/core/training/weighting.ts."""
    return {
        "fm": lambda l: 0.5 * math.exp(-l / 2),
        "eps-cosine": lambda l: 1 / (2 * math.pi * math.cosh(l / 2)),
        "v-cosine": lambda l: math.exp(-l / 2) / math.pi,
        "edm": lambda l: _normal_pdf(l, 2.4, 2.4) * (math.exp(-l) + 0.25),
        "sd3": lambda l: _normal_pdf(l, 0, 2) * (1 + math.exp(-l / 2)) ** 2,
        "sigmoid": lambda l: sigmoid(bias - l),
        "elbo": lambda l: 1.0,
    }[name]


def density(name):
    """(sample_t(uniform, normal, schedule), pdf_lambda(lambda, schedule)) of src/core/training/density.ts;
    `uniform` and `normal` are draws the caller makes (one of each kind per example)."""
    if name == "uniform":
        return (lambda u, n, s: u, lambda l, s: 1 / abs(s["d_lambda"](s["t_of_lambda"](l))))
    if name == "logit-normal":
        def pdf(l, s):
            t = s["t_of_lambda"](l)
            return _normal_pdf(logit(t), 0, 1) / (t * (1 - t) * abs(s["d_lambda"](t)))
        return (lambda u, n, s: sigmoid(n), pdf)
    if name == "edm":
        return (lambda u, n, s: s["t_of_lambda"](-2 * (EDM_P_MEAN + EDM_P_STD * n)),
                lambda l, s: _normal_pdf(l, -2 * EDM_P_MEAN, 2 * EDM_P_STD))
    lo_l, hi_l = COSINE_LAMBDA_RANGE

    def cdf(l):
        return (2 / math.pi) * math.atan(math.exp(l / 2))
    lo, hi = cdf(lo_l), cdf(hi_l)
    return (lambda u, n, s: s["t_of_lambda"](2 * math.log(math.tan((math.pi / 2) * (lo + (hi - lo) * u)))),
            lambda l, s: 0.0 if l < lo_l or l > hi_l else 1 / (2 * math.pi * math.cosh(l / 2) * (hi - lo)))


def mse_weight(kind, alpha, sigma):
    """||o_hat - o||^2 / ||eps_hat - eps||^2 for output `kind` (src/core/outputs.ts mseWeight)."""
    if kind == "eps":
        return 1.0
    if kind == "x":
        return (sigma / alpha) ** 2
    if kind == "v":
        return (alpha * alpha + sigma * sigma) ** 2 / (alpha * alpha)
    return (1 + sigma / alpha) ** 2


def target(kind, x, eps, alpha, sigma):
    """The output of `kind` from x and eps (outputs.ts fromXEps): eps, x, v = alpha eps - sigma x, u = eps - x."""
    if kind == "eps":
        return eps
    if kind == "x":
        return x
    if kind == "v":
        return alpha * eps - sigma * x
    return eps - x


class Recipe:
    """The maths of one run config (a dict as difflow stores it) plus the weight scale difflow computed."""

    def __init__(self, config, weight_scale):
        self.output = config["output"]
        self.schedule = SCHEDULES[config["schedule"]]()
        self.w = weighting(config["weighting"], config.get("bias", 0.0))
        self.sample_t, self.pdf_lambda = density(config["density"])
        self.weight_scale = weight_scale

    def raw_weight(self, t):
        """w(lambda)/p(lambda)/mseWeight at the clamped t (lossWeight.ts outputLossWeight)."""
        s = self.schedule
        t = min(1 - T_MARGIN, max(T_MARGIN, t))
        l = s["lambda"](t)
        return self.w(l) / self.pdf_lambda(l, s) / mse_weight(self.output, s["alpha"](t), s["sigma"](t))

    def clamp_t(self, u, n):
        """A training time from a uniform u and a normal n: p(t)'s draw, kept T_MARGIN inside [0, 1]."""
        return min(1 - T_MARGIN, max(T_MARGIN, self.sample_t(u, n, self.schedule)))


def make_batch(recipe, x, t, eps):
    """z, target [B, dim] float32 and weight [B, 1] float32 from x, eps [B, dim] and clamped t [B] (float64)."""
    s = recipe.schedule
    alpha = torch.tensor([s["alpha"](v) for v in t.tolist()], dtype=torch.float64)[:, None]
    sigma = torch.tensor([s["sigma"](v) for v in t.tolist()], dtype=torch.float64)[:, None]
    x, eps = x.to(torch.float64), eps.to(torch.float64)
    z = alpha * x + sigma * eps
    y = target(recipe.output, x, eps, alpha, sigma)
    weight = torch.tensor([recipe.raw_weight(v) / recipe.weight_scale for v in t.tolist()], dtype=torch.float64)[:, None]
    return z.float(), y.float(), weight.float()
