#!/usr/bin/env python3
"""Median CPU milliseconds of numpy's float64 matmul for each size given on the command line.

Usage: python3 bench/numpy/gemm.py 128 256 512 1024
Prints one JSON object {"<n>": median_ms, ..., "numpy": version} as its last line. The caller sets
OPENBLAS_NUM_THREADS=1 (single-threaded comparison).
"""
import json
import sys
import time

import numpy as np


def median_cpu_ms(fn, min_time=0.5, min_reps=5):
    fn()  # warm-up
    times = []
    start = time.process_time()
    while len(times) < min_reps or time.process_time() - start < min_time:
        t0 = time.process_time()
        fn()
        times.append((time.process_time() - t0) * 1000)
        if len(times) > 1000:
            break
    times.sort()
    return times[len(times) // 2]


def main():
    rng = np.random.default_rng(1)
    out = {"numpy": np.__version__}
    for n in map(int, sys.argv[1:]):
        a = rng.standard_normal((n, n))
        b = rng.standard_normal((n, n))
        out[str(n)] = median_cpu_ms(lambda: a @ b)
    print(json.dumps(out))


main()
