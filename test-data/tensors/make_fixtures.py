#!/usr/bin/env python3
"""Writes test-data/tensors/fixtures.json: reference values for the tensor half of
@numts/decompositions, computed with numpy. Run from the repository root:

    python3 test-data/tensors/make_fixtures.py

- unfoldings of small labelled tensors in TensorLy's C order and in Kolda & Bader's order;
- mode products X x_n M = fold(M @ unfold(X, n));
- truncated HOSVD and HOOI (written here from the published algorithm, following TensorLy's
  conventions: gesdd + svd_flip, tol 1e-4 on the change of the relative error, at least 3 sweeps)
  on a planted multilinear-rank tensor and on a random tensor: relative errors and core norms.
"""
import json
import os

import numpy as np

rng = np.random.default_rng(11)


def unfold_c(x, n):
    return np.reshape(np.moveaxis(x, n, 0), (x.shape[n], -1))


def unfold_kolda(x, n):
    return np.reshape(np.moveaxis(x, n, 0), (x.shape[n], -1), order="F")


def fold_c(m, n, shape):
    full = [shape[n]] + [s for k, s in enumerate(shape) if k != n]
    return np.moveaxis(np.reshape(m, full), 0, n)


def mode_dot(x, m, n):
    shape = list(x.shape)
    shape[n] = m.shape[0]
    return fold_c(m @ unfold_c(x, n), n, shape)


def svd_flip_u(u, v):
    idx = np.argmax(np.abs(u), axis=0)
    signs = np.sign(u[idx, np.arange(u.shape[1])])
    return u * signs, v * signs[:, None]


def leading(x, n, r):
    u, s, vt = np.linalg.svd(unfold_c(x, n), full_matrices=False)
    u, vt = svd_flip_u(u, vt)
    return u[:, :r]


def project(x, factors, skip=None):
    y = x
    for k, u in enumerate(factors):
        if k != skip:
            y = mode_dot(y, u.T, k)
    return y


def hooi(x, ranks, tol=1e-4, max_iter=100):
    factors = [leading(x, n, r) for n, r in enumerate(ranks)]
    norm2 = np.sum(x * x)
    core = project(x, factors)
    hosvd_err = float(np.sqrt(abs(norm2 - np.sum(core * core))) / np.sqrt(norm2))
    hosvd_core = float(np.linalg.norm(core))
    errors = []
    for it in range(max_iter):
        for n in range(x.ndim):
            y = project(x, factors, skip=n)
            factors[n] = leading(y, n, ranks[n])
        core = project(x, factors)
        errors.append(float(np.sqrt(abs(norm2 - np.sum(core * core))) / np.sqrt(norm2)))
        if it > 1 and abs(errors[-2] - errors[-1]) < tol:
            break
    return hosvd_err, hosvd_core, errors, float(np.linalg.norm(core))


labelled = []
for shape in [(2, 3, 4), (2, 3, 2, 3)]:
    x = np.arange(np.prod(shape), dtype=np.float64).reshape(shape) * 0.5
    entry = {"shape": list(shape), "data": x.ravel().tolist(), "tensorly": [], "kolda": [], "modeProducts": []}
    for n in range(len(shape)):
        entry["tensorly"].append(unfold_c(x, n).ravel().tolist())
        entry["kolda"].append(unfold_kolda(x, n).ravel().tolist())
        m = rng.integers(-8, 9, size=(n + 2, shape[n])).astype(np.float64) / 4
        y = mode_dot(x, m, n)
        entry["modeProducts"].append({"mode": n, "m": m.ravel().tolist(), "mRows": m.shape[0], "shape": list(y.shape), "out": y.ravel().tolist()})
    labelled.append(entry)

decomp = []
# planted multilinear rank (3, 4, 5) with orthonormal factors, plus 1e-10 noise
shape, ranks = (10, 12, 14), (3, 4, 5)
core = rng.standard_normal(ranks)
factors = [np.linalg.qr(rng.standard_normal((i, r)))[0] for i, r in zip(shape, ranks)]
x = core
for n, u in enumerate(factors):
    x = mode_dot(x, u, n)
x = x + 1e-10 * rng.standard_normal(shape)
decomp.append(("planted 10x12x14 ranks (3,4,5) + 1e-10 noise", x, ranks))
decomp.append(("random 8x9x10 ranks (3,3,3)", rng.standard_normal((8, 9, 10)), (3, 3, 3)))
decomp.append(("random 4-mode 5x6x4x7 ranks (2,3,2,3)", rng.standard_normal((5, 6, 4, 7)), (2, 3, 2, 3)))
tucker_cases = []
for name, x, r in decomp:
    he, hc, errs, cn = hooi(x, r)
    tucker_cases.append({"name": name, "shape": list(x.shape), "data": x.ravel().tolist(), "ranks": list(r),
                         "hosvdError": he, "hosvdCoreNorm": hc, "hooiErrors": errs, "hooiCoreNorm": cn})

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "fixtures.json"), "w") as f:
    json.dump({"generator": "test-data/tensors/make_fixtures.py", "numpy": np.__version__,
               "labelled": labelled, "tucker": tucker_cases}, f)
print("wrote", len(labelled), "labelled tensors and", len(tucker_cases), "Tucker cases")
