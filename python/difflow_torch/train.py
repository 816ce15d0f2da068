"""The torch backend's worker: `torchrun ... -m difflow_torch.train SPEC.json` (launched by `difflow train
--backend torch`, src/node/torchBackend.ts).

The spec (written by difflow) holds the run config, difflow's parameter order, the data's shape, the loss
weight scale and the checkpoint to start from (difflow writes step 0 itself, so both backends start from the
same initial parameters). Every rank draws the whole global batch of step k from a generator seeded by
(seed, k) and keeps its B/N slice (DistributedSampler-style shards): the run is deterministic for a given seed
and N, a resumed run draws the batches an uninterrupted one would, and 1 and N processes see the same global
batch. Rank 0 prints one JSON line per step and writes difflow's checkpoint. A stop file (written by difflow on
SIGINT/SIGTERM), the end of that difflow process or a signal to a worker ends the run after the step in
flight, on every rank at once.
"""

import json
import os
import signal
import sys
import time

import torch
import torch.distributed as dist

from .checkpoint import NonFiniteState, load_train_state, save_train_state
from .data import dataset
from .networks import network_for
from .recipe import Recipe, make_batch
from .step import TrainStep


class UserError(Exception):
    """A mistake in the run's settings: reported as one line, exit status 2."""


def device_for(requested, local_rank, cuda_available):
    """(device, process-group backend) for --device: cpu -> gloo; cuda -> this rank's GPU and NCCL."""
    if requested == "cpu":
        return "cpu", "gloo"
    if not cuda_available:
        raise UserError("--device cuda: PyTorch sees no CUDA GPU on this machine (torch.cuda.is_available() is False)")
    return "cuda:%d" % local_rank, "nccl"


def step_seed(seed, k):
    """The generator seed of step k's global batch."""
    return (seed * 0x9E3779B1 + k * 0x85EBCA77) % (2 ** 63)


def global_batch(sample, recipe, config, classes, dim, k):
    """Step k's draws for all B examples: x, labels (after dropout), clamped t, eps."""
    B = config["batch"]
    gen = torch.Generator().manual_seed(step_seed(config["seed"], k))
    x, labels = sample(B, gen)
    drop = torch.rand(B, generator=gen, dtype=torch.float64) < config["labelDropout"]
    u, n = torch.rand(B, generator=gen, dtype=torch.float64), torch.randn(B, generator=gen, dtype=torch.float64)
    t = torch.tensor([recipe.clamp_t(a, b) for a, b in zip(u.tolist(), n.tolist())], dtype=torch.float64)
    eps = torch.randn(B, dim, generator=gen, dtype=torch.float64)
    if classes is not None:
        labels = torch.where(drop, torch.full_like(labels, classes), labels)
    return x, labels, t, eps


def should_stop(spec):
    """This node's difflow asked to stop (its stop file), or is gone (killed): end after this step and save."""
    try:
        os.kill(spec["launcherPid"], 0)
    except ProcessLookupError:
        return True
    return os.path.exists(spec["stopFile"])


def save_or_stop(spec, trainer, state, saved):
    """Saves the state and returns its step; a non-finite state stops the run and keeps the last good checkpoint."""
    try:
        save_train_state(spec["runDir"], spec["configJson"], trainer, state)
    except NonFiniteState as e:
        kept = "nothing was saved" if saved is None else "the checkpoint of step %d is kept" % saved
        raise UserError("training diverged at step %d: %s; %s; lower --lr or check the data" % (state["step"], e, kept))
    return state["step"]


def main(spec_path):
    with open(spec_path) as f:
        spec = json.load(f)
    config, classes, dim = spec["config"], spec["classes"], spec["dim"]
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank, local_rank = int(os.environ.get("RANK", "0")), int(os.environ.get("LOCAL_RANK", "0"))
    device, backend = device_for(spec["device"], local_rank, torch.cuda.is_available())
    if config["batch"] % world:
        raise UserError("--batch %d does not split over %d processes: choose a multiple of %d" % (config["batch"], world, world))
    torch.set_num_threads(max(1, int(spec.get("threads") or 1)))
    if world > 1:
        dist.init_process_group(backend)
    stop = {"flag": False}
    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, lambda *_: stop.update(flag=True))

    net = network_for(config, dim).to(device)
    module = torch.nn.parallel.DistributedDataParallel(net) if world > 1 else net
    trainer = TrainStep(net, module, [p[0] for p in spec["params"]], config)
    state = load_train_state(spec["checkpoint"], trainer)
    recipe = Recipe(config, spec["weightScale"])
    sample = dataset(spec["data"])
    share = config["batch"] // world
    lo, hi = rank * share, (rank + 1) * share
    started, first = time.perf_counter(), state["step"]
    saved = first if first > 0 else None
    while state["step"] < config["steps"]:
        flag = torch.tensor([1.0 if stop["flag"] or should_stop(spec) else 0.0])
        if world > 1:
            dist.all_reduce(flag, op=dist.ReduceOp.MAX)
        if flag.item() > 0:
            break
        k = state["step"] + 1
        x, labels, t, eps = global_batch(sample, recipe, config, classes, dim, k)
        z, target, weight = make_batch(recipe, x[lo:hi], t[lo:hi], eps[lo:hi])
        label = None if classes is None else torch.nn.functional.one_hot(labels[lo:hi], classes + 1).float().to(device)
        loss, _ = trainer.run(k, z.to(device), t[lo:hi, None].float().to(device), target.to(device), weight.to(device), label)
        if world > 1:
            dist.all_reduce(loss)
            loss = loss / world
        loss = loss.item()
        if loss != loss or loss in (float("inf"), float("-inf")):
            raise UserError("training diverged at step %d: the loss is %s; lower --lr or check the data" % (k, loss))
        state["step"] = k
        state["losses"].append(loss)
        if rank == 0:
            rate = (k - first) / (time.perf_counter() - started)
            print(json.dumps({"step": k, "steps": config["steps"], "loss": loss, "stepsPerSecond": rate}), flush=True)
            if k % config["checkpointEvery"] == 0 and k < config["steps"]:
                saved = save_or_stop(spec, trainer, state, saved)
    if rank == 0:
        save_or_stop(spec, trainer, state, saved)
    if world > 1:
        # Every rank waits here for rank 0's save, then leaves at once: torch 1.13's gloo teardown
        # (destroy_process_group, or the group's destructor at interpreter exit) could hang rank 0 at 100 % CPU
        # when the other ranks had already exited (seen in the tests). The checkpoint is written and flushed.
        dist.barrier()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except UserError as e:
        sys.stderr.write("difflow: %s\n" % e)
        sys.exit(2)
