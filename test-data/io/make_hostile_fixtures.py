#!/usr/bin/env python3
"""Writes the scipy-made MAT-files of the hostile-input regression tests. Run from the repository root:

    python3 test-data/io/make_hostile_fixtures.py

- hostile/complex_sparse.mat: a 3x4 complex sparse matrix (scipy.io.savemat, uncompressed), whose
  imaginary parts an earlier reader dropped.
- hostile/unicode.mat: the char array 'héllo€' (scipy writes non-ASCII text as UTF-8).
- hostile.json: the expected values (dense real and imaginary parts in row-major order, the text).
"""
import json
import os

import numpy as np
import scipy.io as sio
import scipy.sparse as sp

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "hostile")
os.makedirs(out, exist_ok=True)

dense = np.array([[1 + 2j, 0, 0, 3 - 1j], [0, 0, -2.5j, 0], [4, 0, 0.5 + 0.25j, 0]])
sio.savemat(os.path.join(out, "complex_sparse.mat"), {"z": sp.csc_matrix(dense)}, do_compression=False)
text = "h\u00e9llo\u20ac"
sio.savemat(os.path.join(out, "unicode.mat"), {"s": text}, do_compression=True)

back = sio.loadmat(os.path.join(out, "complex_sparse.mat"))["z"].toarray()
assert np.array_equal(back, dense)
assert sio.loadmat(os.path.join(out, "unicode.mat"))["s"][0] == text

with open(os.path.join(here, "hostile.json"), "w") as f:
    json.dump(
        {
            "complex_sparse": {"shape": list(dense.shape), "real": dense.real.ravel().tolist(), "imag": dense.imag.ravel().tolist()},
            "unicode": {"text": text},
        },
        f,
        indent=1,
        ensure_ascii=False,
    )
