#!/usr/bin/env python3
"""Median CPU milliseconds of numpy/scipy (LAPACK) for the decompositions suite.

Usage: python3 bench/numpy/decompositions.py <case> ...   with cases like svd:512, svd:2000x200,
qr:512, eigh:512, chol:512. Prints one JSON object {case: median_ms, ...} as its last line. The
caller sets OPENBLAS_NUM_THREADS=1.
"""
import json
import sys
import time

import numpy as np
import scipy.linalg as sla


def median_cpu_ms(fn, min_time=0.5, min_reps=5):
    fn()
    times = []
    start = time.process_time()
    while len(times) < min_reps or time.process_time() - start < min_time:
        t0 = time.process_time()
        fn()
        times.append((time.process_time() - t0) * 1000)
        if len(times) > 500:
            break
    times.sort()
    return times[len(times) // 2]


def shape(spec):
    if "x" in spec:
        m, n = spec.split("x")
        return int(m), int(n)
    return int(spec), int(spec)


rng = np.random.default_rng(3)
out = {"numpy": np.__version__, "scipy": __import__("scipy").__version__}
for case in sys.argv[1:]:
    kind, spec = case.split(":")
    m, n = shape(spec)
    a = rng.standard_normal((m, n))
    if kind == "svd":
        fn = lambda: np.linalg.svd(a, full_matrices=False)
    elif kind == "qr":
        fn = lambda: np.linalg.qr(a)
    elif kind == "eigh":
        s = a + a.T
        fn = lambda: np.linalg.eigh(s)
    elif kind == "chol":
        spd = a @ a.T + n * np.eye(n)
        b = np.ones(n)
        fn = lambda: sla.cho_solve(sla.cho_factor(spd, lower=True), b)
    else:
        raise SystemExit(f"unknown case {case}")
    out[case] = median_cpu_ms(fn)
print(json.dumps(out))
