#!/usr/bin/env python3
"""Print the reference Fréchet distance for the non-commuting 3×3 case of
src/core/metrics/frechet.test.ts, computed two independent ways in float64:

  1. PyTorch: the symmetric square root S = Σ1^{1/2} from torch.linalg.eigh,
     then tr (S Σ2 S)^{1/2} from the eigenvalues of S Σ2 S;
  2. NumPy: tr (Σ1 Σ2)^{1/2} = Σ_k sqrt(λ_k) over the eigenvalues of the
     non-symmetric Σ1 Σ2 (similar to S Σ2 S, so real and ≥ 0), from
     numpy.linalg.eigvals (LAPACK's general eigensolver).

d² = |μ1 − μ2|² + tr Σ1 + tr Σ2 − 2 tr (Σ1^{1/2} Σ2 Σ1^{1/2})^{1/2}.

Run: /usr/bin/python3 scripts/frechet_reference.py   (Debian python3-torch)
"""

import sys

try:
    import numpy as np
    import torch
except ImportError:
    sys.stderr.write("needs NumPy and PyTorch: apt-get install python3-torch "
                     "(run with /usr/bin/python3)\n")
    sys.exit(1)

MU1 = [0.0, 1.0, 2.0]
MU2 = [0.5, -1.0, 2.5]
COV1 = [[2.0, 0.5, 0.1], [0.5, 1.0, 0.3], [0.1, 0.3, 0.5]]
COV2 = [[1.0, -0.4, 0.2], [-0.4, 1.5, 0.0], [0.2, 0.0, 0.8]]


def by_torch():
    mu1, mu2 = torch.tensor(MU1, dtype=torch.float64), torch.tensor(MU2, dtype=torch.float64)
    c1, c2 = torch.tensor(COV1, dtype=torch.float64), torch.tensor(COV2, dtype=torch.float64)
    lam, q = torch.linalg.eigh(c1)
    s = q @ torch.diag(lam.clamp(min=0).sqrt()) @ q.T
    m = s @ c2 @ s
    cross = torch.linalg.eigvalsh((m + m.T) / 2).clamp(min=0).sqrt().sum()
    return float(((mu1 - mu2) ** 2).sum() + c1.trace() + c2.trace() - 2 * cross)


def by_numpy():
    mu1, mu2 = np.array(MU1), np.array(MU2)
    c1, c2 = np.array(COV1), np.array(COV2)
    lam = np.linalg.eigvals(c1 @ c2)
    assert np.all(np.abs(lam.imag) < 1e-12) and np.all(lam.real > 0), lam
    cross = np.sqrt(lam.real).sum()
    return float(((mu1 - mu2) ** 2).sum() + np.trace(c1) + np.trace(c2) - 2 * cross)


a, b = by_torch(), by_numpy()
assert abs(a - b) < 1e-13, (a, b)
# The two matrices do not commute, so no shortcut formula applies.
c1, c2 = np.array(COV1), np.array(COV2)
assert np.abs(c1 @ c2 - c2 @ c1).max() > 0.1
print(repr(a))
print(repr(b))
