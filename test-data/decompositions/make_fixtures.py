#!/usr/bin/env python3
"""Writes test-data/decompositions/fixtures.json: reference values for @numts/decompositions from
numpy/scipy (LAPACK). Run from the repository root:

    python3 test-data/decompositions/make_fixtures.py

Each case stores the input matrix exactly (JSON floats round-trip) and, where they apply:
singular values (numpy.linalg.svd, gesdd), eigenvalues of symmetric inputs (numpy.linalg.eigvalsh),
det and slogdet, a solution of A x = b, numerical rank (matrix_rank), 2-norm condition number,
the pseudo-inverse and the minimum-norm least-squares solution, and the 2-norm condition number
that tells the tests which tolerance applies.
"""
import json
import os

import numpy as np
import scipy.linalg as sla

rng = np.random.default_rng(7)
cases = []


def add(name, a, symmetric=False, spd=False):
    a = np.asarray(a, dtype=np.float64)
    m, n = a.shape
    c = {"name": name, "rows": m, "cols": n, "data": a.ravel().tolist(), "symmetric": symmetric, "spd": spd}
    if a.size:
        s = np.linalg.svd(a, compute_uv=False)
        c["s"] = s.tolist()
        c["rank"] = int(np.linalg.matrix_rank(a))
        c["cond"] = float(s[0] / s[-1]) if s[-1] > 0 else None
        c["pinv"] = np.linalg.pinv(a).ravel().tolist()
        b = np.arange(1, m + 1, dtype=np.float64)
        c["b"] = b.tolist()
        c["lstsq"] = np.linalg.lstsq(a, b, rcond=None)[0].tolist()
    else:
        c["s"] = []
        c["rank"] = 0
    if m == n and m > 0:
        c["det"] = float(np.linalg.det(a))
        sign, logabs = np.linalg.slogdet(a)
        c["slogdet"] = [float(sign), float(logabs)]
        if c["rank"] == n:
            c["solve"] = np.linalg.solve(a, np.arange(1, n + 1, dtype=np.float64)).tolist()
    if symmetric:
        c["eigvalsh"] = np.linalg.eigvalsh(a).tolist()
    if spd:
        c["cholesky"] = np.linalg.cholesky(a).ravel().tolist()
    cases.append(c)


for (m, n) in [(6, 6), (10, 4), (4, 10), (1, 7), (7, 1), (40, 40), (1, 1)]:
    add(f"random {m}x{n}", rng.standard_normal((m, n)))
for n in (4, 8, 12):
    add(f"hilbert {n}", sla.hilbert(n), symmetric=True, spd=n <= 8)
g = np.diag(10.0 ** -np.arange(0, 13, 2)) @ rng.standard_normal((7, 7))
add("graded 7x7 (cond ~1e12)", g)
add("rank 3 of 10x8", rng.standard_normal((10, 3)) @ rng.standard_normal((3, 8)))
add("zero 3x4", np.zeros((3, 4)))
add("identity 5", np.eye(5), symmetric=True, spd=True)
x = rng.standard_normal((9, 9))
add("spd 9", x @ x.T + 9 * np.eye(9), symmetric=True, spd=True)
y = rng.standard_normal((12, 12))
add("symmetric indefinite 12", (y + y.T) / 2, symmetric=True)
q, _ = np.linalg.qr(rng.standard_normal((8, 8)))
add("repeated eigenvalues 8", q @ np.diag([1, 1, 1, 2, 2, -3, -3, 5.0]) @ q.T, symmetric=True)

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "fixtures.json"), "w") as f:
    json.dump({"generator": "test-data/decompositions/make_fixtures.py", "numpy": np.__version__, "cases": cases}, f)
print("wrote", len(cases), "cases")
