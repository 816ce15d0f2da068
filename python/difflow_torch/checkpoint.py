"""Training state <-> difflow's checkpoint (src/node/checkpointing.ts, format 'difflow-train-1'):
tensors param.<name>, m.<name>, v.<name>, ema.<name> (flat float32, difflow's layout), rng (difflow's
generator state, U32), losses (float32, one per step); metadata format, step and config (the JSON text).

The torch backend draws its batches from torch generators seeded by (seed, step), so it keeps no generator
state: the `rng` tensor of the checkpoint it started from is written back unchanged (a run resumed on the
ONNX backend continues difflow's own stream from there).
"""

import os

import torch

from .safetensors import Tensor, read_checkpoint, write_checkpoint


class NonFiniteState(ValueError):
    """The state to save holds NaN or ±∞ (training diverged)."""

FORMAT = "difflow-train-1"
CHECKPOINT_FILE = "checkpoint.safetensors"
PREFIXES = {"params": "param.", "m": "m.", "v": "v.", "ema": "ema."}


def load_train_state(path, trainer):
    """Loads parameters, moments and EMA into `trainer`; returns {step, losses, rng}."""
    tensors, metadata = read_checkpoint(path)
    if metadata.get("format") != FORMAT:
        raise ValueError("%s is not a difflow training checkpoint (format %r)" % (path, metadata.get("format")))
    vectors = {}
    for key, prefix in PREFIXES.items():
        parts = []
        for (name, p, _) in trainer.layout:
            t = tensors.get(prefix + name)
            if t is None or t.dtype != "F32" or len(t.data) != 4 * p.numel():
                raise ValueError("%s: tensor %s%s is missing or has the wrong size" % (path, prefix, name))
            parts.append(t.torch().reshape(-1))
        vectors[key] = torch.cat(parts)
    step = int(metadata["step"])
    trainer.load(vectors, step)
    losses = tensors["losses"].torch().tolist()
    if len(losses) != step:
        raise ValueError("%s: step %d does not match the loss history" % (path, step))
    return {"step": step, "losses": losses, "rng": tensors["rng"]}


def save_train_state(run_dir, config_json, trainer, state):
    """Writes run_dir/checkpoint.safetensors as difflow's trainer would; a state with a non-finite number is
    refused (NonFiniteState), so the last good checkpoint stays, as on the ONNX backend."""
    vectors = trainer.vectors()
    for key, vector in vectors.items():
        if not bool(torch.isfinite(vector).all()):
            raise NonFiniteState("%s holds a non-finite value" % key)
    tensors = {}
    for key, prefix in PREFIXES.items():
        offset = 0
        for name, p, _ in trainer.layout:
            n = p.numel()
            tensors[prefix + name] = Tensor.of(vectors[key][offset:offset + n].cpu())
            offset += n
    tensors["rng"] = state["rng"]
    tensors["losses"] = Tensor.of(torch.tensor(state["losses"], dtype=torch.float32))
    write_checkpoint(os.path.join(run_dir, CHECKPOINT_FILE), tensors,
                     {"format": FORMAT, "step": str(state["step"]), "config": config_json})
