#!/usr/bin/env python3
"""Mean CPU seconds per fold (fit + predict) of the independent numpy HOMI
(../shared/reference/multilabel/homi_numpy.py, not the authors' code) on the folds, features and
initial matrices that the numts bench wrote as .npy files.

Usage: python3 bench/numpy/homi.py <dir with X.npy, Y.npy, train<f>.npy, test<f>.npy, W<f>.npy,
B<f>.npy, z<f>.npy, t<f>.npy> <folder of homi_numpy.py> <folds> [warmup]
Prints one JSON object {"cpu_s_per_fold": mean, "folds": k} as its last line; with `warmup`, after
one untimed fit of fold 0 (when the numts side is timed after a warm-up too). The caller sets
OPENBLAS_NUM_THREADS=1.
"""
import json
import os
import sys
import time

import numpy as np


def load_reference(module_dir):
    """Imports homi_numpy.py from the shared reference folder. numpy 2 no longer converts a 1×1
    array with float(), which the script does once per fit for a constant (`float(one.T @ Ls1)`);
    that one expression is read as `.item()` before the module is compiled — the computation and
    its cost are unchanged."""
    import importlib.util
    import types

    path = os.path.join(module_dir, 'homi_numpy.py')
    with open(path, encoding='utf-8') as f:
        source = f.read().replace('float(one.T @ Ls1)', '(one.T @ Ls1).item()')
    module = types.ModuleType('homi_numpy')
    module.__file__ = path
    exec(compile(source, path, 'exec'), module.__dict__)
    return module


def main():
    data_dir, module_dir, folds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    homi_numpy = load_reference(module_dir)

    X = np.load(os.path.join(data_dir, 'X.npy'))
    Y = np.load(os.path.join(data_dir, 'Y.npy'))
    times = []
    # With 'warmup': one untimed fit of fold 0 first, as the numts side warms up before it is timed.
    warmup = len(sys.argv) > 4 and sys.argv[4] == 'warmup'
    for f in ([0] if warmup else []) + list(range(folds)):
        load = lambda name: np.load(os.path.join(data_dir, f'{name}{f}.npy'))
        train, test = load('train').astype(int).ravel(), load('test').astype(int).ravel()
        init = (load('W'), load('t').reshape(-1, 1), load('z').reshape(-1, 1), load('B'))
        t0 = time.process_time()
        model = homi_numpy.fit(X[train], Y[train], init=init)
        homi_numpy.predict_scores(model, X[test])
        times.append(time.process_time() - t0)
    if warmup:
        times = times[1:]
    print(json.dumps({'cpu_s_per_fold': sum(times) / len(times), 'folds': folds}))


main()
