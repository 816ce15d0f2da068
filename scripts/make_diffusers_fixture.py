"""Builds test/fixtures/diffusers-tiny: two tiny diffusers-convention denoisers exported to ONNX, their
scheduler_config.json files and reference samples from a plain PyTorch loop of diffusers' updates.

Run with Debian's PyTorch (no diffusers needed): /usr/bin/python3 scripts/make_diffusers_fixture.py [OUT_DIR]

The models follow diffusers' UNet call convention, model(sample, timestep[, class_labels]) -> out_sample, with
integer DDPM timesteps 0..999 and a scaled_linear beta table:
- eps.onnx: epsilon-prediction, unconditional, symbolic batch, timestep int64 [batch];
  eps-fp16.onnx is the same network with float16 sample and output;
- v.onnx: v-prediction, class-conditional (class_labels int64 [8], two moons = two classes), a fixed batch of
  8 and a scalar int64 timestep, as a UNet exported for one batch size.
Both are trained for a few seconds on two moons. The scheduler updates below are written from diffusers'
DDIMScheduler, EulerDiscreteScheduler, DPMSolverMultistepScheduler (dpmsolver++, order 2, midpoint) and
HeunDiscreteScheduler (their default options unless the config says otherwise); the scheduler arithmetic is
float64, the network float32, as in difflow. reference.json holds the initial noise, the labels, and per
(model, scheduler) the timesteps the model saw and the final samples.
"""
import json
import math
import os
import sys

import numpy as np
import torch
from torch import nn

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'diffusers-tiny')
T = 1000
BETA_START, BETA_END = 0.00085, 0.012
STEPS = 10
N = 12  # samples in the reference runs (not a multiple of v.onnx's batch of 8: chunked and padded)
FIXED_BATCH = 8


def moons(n, gen):
    """Two moons in [-1, 1]-ish coordinates and the moon each point is on."""
    label = torch.randint(0, 2, (n,), generator=gen)
    angle = torch.rand(n, generator=gen) * math.pi
    x = torch.where(label == 0, torch.cos(angle), 1 - torch.cos(angle))
    y = torch.where(label == 0, torch.sin(angle), 0.5 - torch.sin(angle))
    points = torch.stack([x - 0.5, y - 0.25], 1) + 0.05 * torch.randn(n, 2, generator=gen)
    return points, label


def alphas_cumprod():
    betas = torch.linspace(BETA_START ** 0.5, BETA_END ** 0.5, T, dtype=torch.float64) ** 2
    return torch.cumprod(1 - betas, 0)


class TinyDenoiser(nn.Module):
    """MLP on (sample, sinusoidal embedding of the integer timestep[, class embedding])."""

    def __init__(self, classes=0, width=64):
        super().__init__()
        self.freqs = torch.exp(-math.log(10000) * torch.arange(8) / 8)
        self.label = nn.Embedding(classes, 16) if classes else None
        self.net = nn.Sequential(nn.Linear(2 + 16 + (16 if classes else 0), width), nn.SiLU(), nn.Linear(width, width), nn.SiLU(), nn.Linear(width, 2))

    def forward(self, sample, timestep, class_labels=None):
        t = timestep.to(torch.float32).reshape(-1, 1).expand(sample.shape[0], 1)
        emb = torch.cat([torch.sin(t * self.freqs), torch.cos(t * self.freqs)], 1)
        parts = [sample, emb] + ([self.label(class_labels)] if self.label is not None else [])
        return self.net(torch.cat(parts, 1))


class HalfIO(nn.Module):
    """The same network with float16 sample and output (the export diffusers users make with fp16=True)."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, sample, timestep):
        return self.inner(sample.float(), timestep).half()


def train(model, prediction, gen, steps=3000):
    ac = alphas_cumprod().float()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for _ in range(steps):
        x, label = moons(256, gen)
        t = torch.randint(0, T, (256,), generator=gen)
        eps = torch.randn(x.shape, generator=gen)
        a, s = ac[t].sqrt()[:, None], (1 - ac[t]).sqrt()[:, None]
        target = eps if prediction == 'epsilon' else a * eps - s * x
        out = model(a * x + s * eps, t, label if model.label is not None else None)
        loss = ((out - target) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()


# ---- diffusers' timesteps and updates, float64 (sample) around a float32 network ----

def x0_from(prediction, model_output, sample, alpha, sigma):
    """x̂ from the model output at a VP sample z = αx + σε (diffusers' pred_original_sample)."""
    if prediction == 'epsilon':
        return (sample - sigma * model_output) / alpha
    return alpha * sample - sigma * model_output


def ddim(model, noise, prediction):
    """DDIMScheduler, eta 0, timestep_spacing leading, steps_offset 1, set_alpha_to_one false."""
    ac = alphas_cumprod()
    ratio = T // STEPS
    timesteps = [int(k) for k in (np.arange(0, STEPS) * ratio).round()[::-1] + 1]
    sample, seen = noise.clone(), []
    for t in timesteps:
        out = model(sample, t)
        seen.append(t)
        prev = t - ratio
        a_t, a_prev = ac[t], (ac[prev] if prev >= 0 else ac[0])
        x0 = x0_from(prediction, out, sample, a_t.sqrt(), (1 - a_t).sqrt())
        eps = (sample - a_t.sqrt() * x0) / (1 - a_t).sqrt()
        sample = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
    return sample, seen


def karras_free_sigmas(timesteps):
    """σ = sqrt((1 − ᾱ)/ᾱ) at (integer-valued) timesteps, then a final 0."""
    ac = alphas_cumprod()
    s = ((1 - ac) / ac).sqrt()
    return [float(s[int(t)]) for t in timesteps] + [0.0]


def euler(model, noise, prediction):
    """EulerDiscreteScheduler, timestep_spacing linspace (σ-space sample, scale_model_input 1/sqrt(σ² + 1))."""
    timesteps = np.linspace(0, T - 1, STEPS, dtype=np.float32)[::-1]
    assert all(float(t).is_integer() for t in timesteps)
    sigmas = karras_free_sigmas(timesteps)
    sample, seen = noise * max(sigmas), []
    for i, t in enumerate(timesteps):
        sigma = sigmas[i]
        c = 1 / math.sqrt(sigma ** 2 + 1)
        out = model(sample * c, int(t))
        seen.append(int(t))
        x0 = sample - sigma * out if prediction == 'epsilon' else out * (-sigma * c) + sample * c * c
        sample = sample + (sample - x0) / sigma * (sigmas[i + 1] - sigma)
    return sample, seen


def heun(model, noise, prediction):
    """HeunDiscreteScheduler, timestep_spacing linspace: 2·steps − 1 evaluations, the last step Euler."""
    timesteps = np.linspace(0, T - 1, STEPS, dtype=np.float64)[::-1]
    s = karras_free_sigmas(timesteps)
    sample, seen = noise * max(s), []

    def denoised(x, i, sigma):
        c = 1 / math.sqrt(sigma ** 2 + 1)
        out = model(x * c, int(timesteps[i]))
        seen.append(int(timesteps[i]))
        return x - sigma * out if prediction == 'epsilon' else out * (-sigma * c) + x * c * c

    for i in range(STEPS):
        d = (sample - denoised(sample, i, s[i])) / s[i]
        dt = s[i + 1] - s[i]
        if s[i + 1] == 0:
            sample = sample + d * dt
            break
        proposal = sample + d * dt
        d2 = (proposal - denoised(proposal, i + 1, s[i + 1])) / s[i + 1]
        sample = sample + (d + d2) / 2 * dt
    return sample, seen


def dpmpp2m(model, noise, prediction):
    """DPMSolverMultistepScheduler: dpmsolver++, solver_order 2, midpoint, timestep_spacing linspace,
    final_sigmas_type zero (so the last step is first order), VP sample (init_noise_sigma 1)."""
    timesteps = np.linspace(0, T - 1, STEPS + 1).round()[::-1][:-1].astype(np.int64)
    sigmas = karras_free_sigmas(timesteps)
    alpha = [1 / math.sqrt(s ** 2 + 1) for s in sigmas]
    sig = [s * a for s, a in zip(sigmas, alpha)]
    lam = [math.log(a) - math.log(s) if s > 0 else math.inf for a, s in zip(alpha, sig)]
    sample, seen, previous = noise.clone(), [], None
    for i, t in enumerate(timesteps):
        out = model(sample, int(t))
        seen.append(int(t))
        x0 = x0_from(prediction, out, sample, alpha[i], sig[i])
        h = lam[i + 1] - lam[i]
        first_order = previous is None or i == STEPS - 1
        D = x0 if first_order else x0 + 0.5 * (x0 - previous) * h / (lam[i] - lam[i - 1])
        sample = (sig[i + 1] / sig[i]) * sample - alpha[i + 1] * math.expm1(-h) * D
        previous = x0
    return sample, seen


SCHEDULERS = {
    'ddim': ('DDIMScheduler', ddim, {'clip_sample': False, 'set_alpha_to_one': False, 'steps_offset': 1, 'timestep_spacing': 'leading'}),
    'euler': ('EulerDiscreteScheduler', euler, {'timestep_spacing': 'linspace'}),
    'heun': ('HeunDiscreteScheduler', heun, {'timestep_spacing': 'linspace'}),
    'dpmpp2m': ('DPMSolverMultistepScheduler', dpmpp2m, {'algorithm_type': 'dpmsolver++', 'solver_order': 2, 'solver_type': 'midpoint', 'lower_order_final': True, 'final_sigmas_type': 'zero', 'timestep_spacing': 'linspace'}),
}


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    eps_model, v_model = TinyDenoiser(), TinyDenoiser(classes=2)
    losses = {'eps': train(eps_model, 'epsilon', gen), 'v': train(v_model, 'v_prediction', gen)}
    eps_model.eval()
    v_model.eval()
    noise = torch.randn(N, 2, generator=gen, dtype=torch.float64)
    labels = torch.arange(N) % 2
    with torch.no_grad():
        torch.onnx.export(eps_model, (torch.zeros(3, 2), torch.zeros(3, dtype=torch.int64)), os.path.join(OUT, 'eps.onnx'),
                          input_names=['sample', 'timestep'], output_names=['out_sample'], opset_version=17,
                          dynamic_axes={'sample': {0: 'batch'}, 'timestep': {0: 'batch'}, 'out_sample': {0: 'batch'}})
        torch.onnx.export(HalfIO(eps_model), (torch.zeros(3, 2, dtype=torch.float16), torch.zeros(3, dtype=torch.int64)), os.path.join(OUT, 'eps-fp16.onnx'),
                          input_names=['sample', 'timestep'], output_names=['out_sample'], opset_version=17,
                          dynamic_axes={'sample': {0: 'batch'}, 'timestep': {0: 'batch'}, 'out_sample': {0: 'batch'}})
        torch.onnx.export(v_model, (torch.zeros(FIXED_BATCH, 2), torch.tensor(0, dtype=torch.int64), torch.zeros(FIXED_BATCH, dtype=torch.int64)),
                          os.path.join(OUT, 'v.onnx'), input_names=['sample', 'timestep', 'class_labels'], output_names=['out_sample'], opset_version=17)

    models = {
        'eps': ('epsilon', lambda x, t: eps_model(x.float(), torch.full((x.shape[0],), t)).double()),
        'v': ('v_prediction', lambda x, t: v_model(x.float(), torch.tensor(t), labels).double()),
    }
    reference = {'noise': noise.flatten().tolist(), 'shape': [N, 2], 'class_labels': labels.tolist(), 'steps': STEPS, 'runs': {}, 'train_loss': losses}
    with torch.no_grad():
        for name, (prediction, model) in models.items():
            for key, (cls, loop, options) in SCHEDULERS.items():
                config = {'_class_name': cls, 'num_train_timesteps': T, 'beta_start': BETA_START, 'beta_end': BETA_END,
                          'beta_schedule': 'scaled_linear', 'prediction_type': prediction, **options}
                with open(os.path.join(OUT, f'{name}-{key}.json'), 'w') as f:
                    json.dump(config, f, indent=2)
                sample, seen = loop(model, noise, prediction)
                reference['runs'][f'{name}-{key}'] = {'timesteps': seen, 'sample': sample.flatten().tolist()}
    with open(os.path.join(OUT, 'reference.json'), 'w') as f:
        json.dump(reference, f, indent=1)
    print('train losses', losses)


if __name__ == '__main__':
    main()
