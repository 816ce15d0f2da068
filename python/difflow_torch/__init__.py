"""difflow's torch backend: the training recipe, networks and checkpoints of difflow on PyTorch's distributed
engine (docs/scale-out.md). Importing the package itself needs no torch, so scripts can say how to get it."""

import sys

TORCH_HINT = "needs PyTorch: apt-get install python3-torch (run with /usr/bin/python3)"


def require_torch(status=2):
    """The torch module, or exit with one line saying how to install it."""
    try:
        import torch
    except ImportError:
        sys.stderr.write(TORCH_HINT + "\n")
        sys.exit(status)
    return torch
