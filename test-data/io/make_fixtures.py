#!/usr/bin/env python3
"""Writes the @numts/io fixtures with numpy and scipy. Run from the repository root:

    python3 test-data/io/make_fixtures.py

- npy/*.npy: arrays of every supported dtype, C and Fortran order, both byte orders, 0-d and empty
  shapes, written by numpy.save; expected.json lists each file's dtype, shape and values in C order
  (floats as exact JSON numbers, int64 as decimal strings).
- arrays.npz: two arrays, one stored and one deflated entry (numpy.savez_compressed writes deflate;
  the stored one is added with zipfile).
- mat/*.mat: MATLAB v5 files written by scipy.io.savemat, compressed and not: double, single, int,
  logical, complex, sparse, char, cell and struct variables; expected values in expected.json.
"""
import io
import json
import os
import zipfile

import numpy as np
import scipy.io as sio
import scipy.sparse as sp

here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(os.path.join(here, "npy"), exist_ok=True)
os.makedirs(os.path.join(here, "mat"), exist_ok=True)
rng = np.random.default_rng(3)
expected = {"npy": {}, "mat": {}}


def c_values(a):
    flat = np.ascontiguousarray(a).ravel()
    if a.dtype.kind == "b":
        return [int(v) for v in flat]
    if a.dtype.itemsize == 8 and a.dtype.kind in "iu":
        return [str(int(v)) for v in flat]
    if a.dtype.kind == "f":
        return [float(v) for v in flat]
    return [int(v) for v in flat]


cases = {
    "f8_c": rng.standard_normal((3, 4)),
    "f8_f": np.asfortranarray(rng.standard_normal((3, 4, 2))),
    "f8_be": rng.standard_normal((5,)).astype(">f8"),
    "f4_c": rng.standard_normal((2, 3)).astype("<f4"),
    "f4_be": rng.standard_normal((2, 2)).astype(">f4"),
    "i4_c": rng.integers(-2**31, 2**31 - 1, size=(4, 3)).astype("<i4"),
    "i4_be": rng.integers(-1000, 1000, size=(3,)).astype(">i4"),
    "i8_c": rng.integers(-2**53, 2**53, size=(2, 3)).astype("<i8"),
    "u1_c": rng.integers(0, 256, size=(2, 5)).astype("u1"),
    "b1_c": rng.integers(0, 2, size=(3, 3)).astype(bool),
    "scalar": np.array(2.5),
    "empty": np.zeros((0, 3)),
    "vector": np.arange(7, dtype=np.float64) / 8,
}
for name, a in cases.items():
    np.save(os.path.join(here, "npy", name + ".npy"), a)
    expected["npy"][name] = {"dtype": a.dtype.str, "shape": list(a.shape), "values": c_values(a), "fortran": bool(a.flags.f_contiguous and not a.flags.c_contiguous)}
# an int64 value that does not fit a double exactly
np.save(os.path.join(here, "npy", "i8_big.npy"), np.array([2**60 + 1], dtype="<i8"))

buf = io.BytesIO()
np.savez_compressed(buf, alpha=np.arange(6, dtype=np.float64).reshape(2, 3), beta=np.array([1, 2, 3], dtype=np.int32))
with zipfile.ZipFile(buf, "a", compression=zipfile.ZIP_STORED) as z:
    inner = io.BytesIO()
    np.save(inner, np.array([[1.5, -2.0]], dtype=np.float32))
    z.writestr("gamma.npy", inner.getvalue())
with open(os.path.join(here, "arrays.npz"), "wb") as f:
    f.write(buf.getvalue())

mat_vars = {
    "dbl": rng.standard_normal((3, 4)),
    "sgl": rng.standard_normal((2, 2)).astype(np.float32),
    "i16": rng.integers(-300, 300, size=(2, 3)).astype(np.int16),
    "u8": rng.integers(0, 256, size=(1, 4)).astype(np.uint8),
    "lgc": np.array([[True, False, True]]),
    "cpx": np.array([[1 + 2j, 3 - 1j]]),
    "spm": sp.csc_matrix(np.array([[0, 1.5, 0], [2.0, 0, 0], [0, 0, -3.0], [0, 4.0, 0]])),
    "txt": "hello numts",
    "cel": np.array([np.array([[1.0, 2.0]]), "x"], dtype=object),
    "st": {"a": np.array([[7.0]]), "b": "bee"},
}
for compress in (False, True):
    name = "vars_compressed.mat" if compress else "vars_plain.mat"
    sio.savemat(os.path.join(here, "mat", name), mat_vars, do_compression=compress)
expected["mat"] = {
    "dbl": {"shape": [3, 4], "rows": mat_vars["dbl"].tolist()},
    "sgl": {"shape": [2, 2], "rows": mat_vars["sgl"].astype(np.float64).tolist()},
    "i16": {"shape": [2, 3], "rows": mat_vars["i16"].tolist()},
    "u8": {"shape": [1, 4], "rows": mat_vars["u8"].tolist()},
    "lgc": {"shape": [1, 3], "rows": mat_vars["lgc"].astype(int).tolist()},
    "cpx": {"real": [1.0, 3.0], "imag": [2.0, -1.0]},
    "spm": {"shape": [4, 3], "rows": mat_vars["spm"].toarray().tolist()},
    "txt": "hello numts",
}
with open(os.path.join(here, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
print("wrote", len(cases) + 1, "npy files, 1 npz, 2 mat files")
