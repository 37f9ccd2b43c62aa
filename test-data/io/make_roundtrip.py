#!/usr/bin/env python3
"""Round-trip fixtures numts <-> numpy/scipy for the dtypes where readers and writers most often
disagree: float16, bfloat16, int64, bool, Fortran order and complex. Run from the repository root,
in this order:

    python3 test-data/io/make_roundtrip.py          # 1. inputs.json and the files numpy/scipy write
    node --conditions=@numts/source --import tsx test-data/io/write_numts_roundtrip.ts   # 2. numts writes
    python3 test-data/io/make_roundtrip.py          # 3. numpy reads what numts wrote

Outputs in test-data/io/roundtrip/:
- inputs.json: the values of every case (floats as JSON numbers; every value is exactly
  representable in its dtype, so equality is exact).
- from-numpy/*.npy (numpy.save), from-numpy/vars.mat (scipy.io.savemat), from-numpy/tensors.safetensors
  (written here with numpy and json following the safetensors format: a u64 header length, a JSON
  header with dtype, shape and data_offsets, padded with spaces to 8 bytes, then the data; the
  Python safetensors package is not installable on these machines).
- from-numts/*: written by write_numts_roundtrip.ts.
- numpy_reads_numts.json: what numpy/this reader found in each from-numts file.
"""
import json
import os
import struct

import numpy as np
import scipy.io as sio

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "roundtrip")
os.makedirs(os.path.join(here, "from-numpy"), exist_ok=True)

# every value exactly a float16 (0.1 and -1/3 rounded to half precision first)
half = [float(np.float16(v)) for v in [0.0, 1.0, -2.5, 65504.0, 2.0**-14, 2.0**-24, 0.1, -1 / 3]]
bf16 = [1.0, -2.0, 0.10009765625, 3.3895313892515355e38, 9.183549615799121e-41, -0.0]
int64 = [-(2**53 - 1), -1, 0, 1, 2**53 - 1, 123456789012345]
boolean = [[True, False, True], [True, False, False]]
fortran = [[1.5, -2.0, 3.25, 4.0], [5.0, 6.5, -7.0, 8.0], [9.0, 10.0, 11.0, -12.5]]
c16 = [[1 + 2j, -3.5 - 0.25j], [0j, 1e-300j]]
c8 = [1 + 1j, -2j, 0.5 - 0.5j]


def cplx(values):
    a = np.asarray(values)
    return {"real": a.real.ravel().tolist(), "imag": a.imag.ravel().tolist(), "shape": list(a.shape)}


inputs = {
    "f16": half,
    "bf16": bf16,
    "i64": int64,
    "bool": {"shape": [2, 3], "values": [int(v) for row in boolean for v in row]},
    "fortran": {"shape": [3, 4], "values": [v for row in fortran for v in row]},
    "c16": cplx(c16),
    "c8": cplx(c8),
}
assert all(float(np.float16(v)) == v for v in half)
assert np.array_equal(np.asarray(c8, dtype=np.complex64), np.asarray(c8))
with open(os.path.join(here, "inputs.json"), "w") as f:
    json.dump(inputs, f, indent=1)

out = os.path.join(here, "from-numpy")
np.save(os.path.join(out, "f16.npy"), np.asarray(half, dtype="<f2"))
np.save(os.path.join(out, "f16_be.npy"), np.asarray(half, dtype=">f2"))
np.save(os.path.join(out, "i64.npy"), np.asarray(int64, dtype="<i8"))
np.save(os.path.join(out, "bool.npy"), np.asarray(boolean, dtype=bool))
np.save(os.path.join(out, "fortran.npy"), np.asfortranarray(np.asarray(fortran)))
np.save(os.path.join(out, "c16.npy"), np.asarray(c16, dtype="<c16"))
np.save(os.path.join(out, "c16_fortran.npy"), np.asfortranarray(np.asarray(c16, dtype="<c16")))
np.save(os.path.join(out, "c16_be.npy"), np.asarray(c16, dtype=">c16"))
np.save(os.path.join(out, "c8.npy"), np.asarray(c8, dtype="<c8"))
sio.savemat(
    os.path.join(out, "vars.mat"),
    {"cpx": np.asarray(c16), "lgc": np.asarray(boolean), "i64": np.asarray([int64], dtype=np.int64), "f": np.asarray(fortran)},
)


def bf16_bits(values):
    """float32 bits rounded to bfloat16 (round to nearest even), as uint16."""
    u = np.asarray(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


assert np.array_equal(bf16_bits(bf16).astype(np.uint32) << 16, np.asarray(bf16, dtype=np.float32).view(np.uint32))
write_safetensors(
    os.path.join(out, "tensors.safetensors"),
    {
        "f16": ("F16", [len(half)], np.asarray(half, dtype="<f2").tobytes()),
        "bf16": ("BF16", [len(bf16)], bf16_bits(bf16).astype("<u2").tobytes()),
        "i64": ("I64", [2, 3], np.asarray(int64, dtype="<i8").tobytes()),
        "bool": ("BOOL", [2, 3], np.asarray(boolean, dtype=bool).tobytes()),
    },
)


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    body = data[8 + n :]
    result = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        raw = body[e["data_offsets"][0] : e["data_offsets"][1]]
        dt = e["dtype"]
        if dt == "BF16":
            a = (np.frombuffer(raw, "<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            a = np.frombuffer(raw, {"F16": "<f2", "F32": "<f4", "F64": "<f8", "I64": "<i8", "BOOL": bool, "U8": "u1", "I32": "<i4"}[dt])
        result[name] = {"dtype": dt, "shape": e["shape"], "values": encode(a.reshape(e["shape"]))}
    return result


def encode(a):
    a = np.asarray(a)
    if a.dtype.kind == "c":
        return {"real": a.real.ravel().tolist(), "imag": a.imag.ravel().tolist()}
    if a.dtype.kind == "b":
        return [int(v) for v in a.ravel()]
    if a.dtype.kind in "iu":
        return [int(v) for v in a.ravel()]
    return [float(v) for v in a.ravel()]


numts_dir = os.path.join(here, "from-numts")
if os.path.isdir(numts_dir):
    found = {}
    for name in sorted(os.listdir(numts_dir)):
        path = os.path.join(numts_dir, name)
        if name.endswith(".npy"):
            a = np.load(path)
            found[name] = {"dtype": a.dtype.str, "shape": list(a.shape), "values": encode(a)}
        elif name.endswith(".safetensors"):
            found[name] = read_safetensors(path)
    with open(os.path.join(here, "numpy_reads_numts.json"), "w") as f:
        json.dump(found, f, indent=1)
    print("numpy read", len(found), "numts files")
print("wrote inputs.json and the numpy/scipy files")
