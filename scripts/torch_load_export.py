"""Loads a `difflow export --safetensors` file into difflow's PyTorch mirror with load_state_dict(strict=True)
and prints the mirror's output on given inputs, as JSON. The file is read byte by byte (no `safetensors`
package); its metadata 'network' (difflow's description of the architecture) picks the mirror:
python/difflow_torch/image_models.py's make_unet / make_dit, or bench/torch_peer.py's MLP.

  /usr/bin/python3 scripts/torch_load_export.py model.safetensors inputs.json [model2.safetensors inputs2.json …]
  inputs.json: {"z": [[...], ...] [B, dim], "t": [[t], ...] [B, 1], "labels": [l, ...] (class-conditional models)}
  prints one line {"out": [[...], ...], "parameters": P} per model (several per run: PyTorch loads once)
"""
import importlib.util
import json
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT / "python"))
from difflow_torch import image_models, safetensors  # noqa: E402  (after the path is set)



def bench_module(name):
    spec = importlib.util.spec_from_file_location(name, BENCH / (name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_safetensors(path):
    """({name: tensor}, metadata), read by the torch backend's reader of difflow's files."""
    tensors, metadata = safetensors.decode(Path(path).read_bytes(), path)
    return {name: t.torch() for name, t in tensors.items()}, metadata


def mirror(network):
    """The PyTorch mirror of difflow's network description (src/models/*.ts `describe`)."""
    kind = network["kind"]
    if kind == "unet":
        return image_models.make_unet(
            torch, classes=network["classes"], channels=network["channels"], embedding=network["embedding"],
            groups=network["groups"], time_frequencies=network["timeFrequencies"], attention=bool(network["attention"]))
    if kind == "dit":
        return image_models.make_dit(
            torch, classes=network["classes"], patch=network["patch"], width=network["width"], depth=network["depth"],
            heads=network["heads"], mlp_ratio=network["mlpRatio"], time_frequencies=network["timeFrequencies"])
    if kind == "mlp":
        fixed = {"dim": 2, "hidden": 256, "layers": 3, "embedding": 16}
        if any(network[k] != v for k, v in fixed.items()):
            raise SystemExit("bench/torch_peer.py mirrors only the default MLP %s, not %s" % (fixed, network))
        return bench_module("torch_peer").build(torch, 1, 1)[0]
    raise SystemExit("no PyTorch mirror for network kind %r" % kind)


def run(path, inputs_path):
    state, metadata = read_safetensors(path)
    inputs = json.loads(Path(inputs_path).read_text())
    network = json.loads(metadata["network"])
    model = mirror(network)
    model.load_state_dict(state, strict=True)
    model.eval()
    z = torch.tensor(inputs["z"], dtype=torch.float32)
    t = torch.tensor(inputs["t"], dtype=torch.float32)
    with torch.no_grad():
        if "classes" in network:
            label = torch.nn.functional.one_hot(torch.tensor(inputs["labels"]), network["classes"] + 1).float()
            out = model(z, t, label)
        else:
            out = model(z, t)
    print(json.dumps({"out": out.tolist(), "parameters": sum(p.numel() for p in model.parameters())}))


def main():
    args = sys.argv[1:]
    if not args or len(args) % 2:
        raise SystemExit(__doc__)
    for i in range(0, len(args), 2):
        run(args[i], args[i + 1])


if __name__ == "__main__":
    main()
