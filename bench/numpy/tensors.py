#!/usr/bin/env python3
"""numpy timing of the tensors suite: the same algorithms as @numts/decompositions (and TensorLy):
HOOI with a gesdd-based truncated-HOSVD initialisation, svd_flip, tol 1e-4, at least 3 sweeps; and
CP-ALS (MTTKRP through the unfolding and an explicit Khatri-Rao product, LU solve), per iteration.

Usage: python3 bench/numpy/tensors.py
Prints one JSON object as its last line: median CPU ms per call and the sweeps run. The caller sets
OPENBLAS_NUM_THREADS=1. Data: a random Tucker (or CP) model of the target ranks plus 1% noise,
the same recipe as bench/suites/tensors.ts.
"""
import json
import time

import numpy as np


def median_cpu_ms(fn, reps=7):
    fn()
    times = []
    for _ in range(reps):
        t0 = time.process_time()
        fn()
        times.append((time.process_time() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]


def unfold(x, n):
    return np.reshape(np.moveaxis(x, n, 0), (x.shape[n], -1))


def fold(m, n, shape):
    full = [shape[n]] + [s for k, s in enumerate(shape) if k != n]
    return np.moveaxis(np.reshape(m, full), 0, n)


def mode_dot(x, m, n):
    shape = list(x.shape)
    shape[n] = m.shape[0]
    return fold(m @ unfold(x, n), n, shape)


def leading(x, n, r):
    u, s, vt = np.linalg.svd(unfold(x, n), full_matrices=False)
    idx = np.argmax(np.abs(u), axis=0)
    u = u * np.sign(u[idx, np.arange(u.shape[1])])
    return u[:, :r]


def hooi(x, ranks, tol=1e-4, max_iter=100):
    factors = [leading(x, n, r) for n, r in enumerate(ranks)]
    norm2 = np.sum(x * x)
    errors = []
    for it in range(max_iter):
        for n in range(x.ndim):
            y = x
            for k, u in enumerate(factors):
                if k != n:
                    y = mode_dot(y, u.T, k)
            factors[n] = leading(y, n, ranks[n])
        core = mode_dot(y, factors[-1].T, x.ndim - 1)
        errors.append(np.sqrt(abs(norm2 - np.sum(core * core))) / np.sqrt(norm2))
        if it > 1 and abs(errors[-2] - errors[-1]) < tol:
            break
    return len(errors)


def khatri_rao(ms):
    out = ms[0]
    for m in ms[1:]:
        out = np.einsum("ir,jr->ijr", out, m).reshape(-1, m.shape[1])
    return out


def cp_als(x, factors, iters):
    factors = [f.copy() for f in factors]
    for _ in range(iters):
        for n in range(x.ndim):
            v = np.ones((factors[0].shape[1],) * 2)
            for k, f in enumerate(factors):
                if k != n:
                    v *= f.T @ f
            kr = khatri_rao([f for k, f in enumerate(factors) if k != n])
            m = unfold(x, n) @ kr
            factors[n] = np.linalg.solve(v.T, m.T).T
    return factors


rng = np.random.default_rng(5)
out = {"numpy": np.__version__}
for name, shape, ranks in [("tucker64", (64, 64, 64), (8, 8, 8)), ("tucker128", (128, 128, 32), (16, 16, 8))]:
    x = rng.standard_normal(ranks)
    for n, (i, r) in enumerate(zip(shape, ranks)):
        x = mode_dot(x, rng.standard_normal((i, r)), n)
    x = x + 0.01 * np.linalg.norm(x) / np.sqrt(x.size) * rng.standard_normal(shape)
    out[name + "_sweeps"] = hooi(x, ranks)
    out[name] = median_cpu_ms(lambda: hooi(x, ranks))
shape, rank, iters = (50, 50, 50), 10, 10
truth = [rng.standard_normal((i, rank)) for i in shape]
x = np.einsum("ir,jr,kr->ijk", *truth)
x = x + 0.01 * np.linalg.norm(x) / np.sqrt(x.size) * rng.standard_normal(shape)
init = [rng.standard_normal((i, rank)) for i in shape]
out["cp50_per_iter"] = median_cpu_ms(lambda: cp_als(x, init, iters), reps=5) / iters
print(json.dumps(out))
