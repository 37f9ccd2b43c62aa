#!/usr/bin/env python3
"""Writes test-data/core/fixtures.json: reference results for @numts/core computed by numpy.

Run from the repository root:  python3 test-data/core/make_fixtures.py
The tests read the committed JSON; they never run Python.

Contents
- gemm: inputs, options and numpy's alpha*op(A)@op(B) + beta*C (float64), for shapes that hit the
  small and the packed kernel paths, all transpose combinations, empty and 1x1 shapes. Inputs are
  dyadic (k/32), so the exact result is representable and must be matched bit for bit.
- norms: numpy.linalg.norm (fro, 1, inf) and max |a_ij| for ordinary and extreme-scale matrices.
- syrk: A @ A.T and A.T @ A.
- rng: the first outputs of an independent Python implementation of xoshiro128** seeded through
  SplitMix32 (the generator documented in packages/core/src/rng.ts), for several seeds, and after
  one jump (split).
"""
import json
import os

import numpy as np

rng = np.random.default_rng(20261127)
M32 = 0xFFFFFFFF


def mat(m, n, scale=1.0):
    return (rng.standard_normal((m, n)) * scale)


def dyadic(m, n):
    """Entries k/32 with |k| < 512: short in JSON, and every gemm result below is exact in float64
    (all partial sums are multiples of 2^-10 far below 2^53), so the tests can demand equality."""
    return rng.integers(-511, 512, size=(m, n)).astype(np.float64) / 32


def enc(a):
    a = np.asarray(a, dtype=np.float64)
    # json writes floats with repr(), which round-trips exactly through JSON.parse in JavaScript.
    return {"rows": int(a.shape[0]), "cols": int(a.shape[1]), "data": [float(x) for x in a.ravel()]}


gemm_cases = []
shapes = [(0, 3, 4), (3, 0, 4), (3, 4, 0), (1, 1, 1), (2, 3, 4), (5, 7, 3), (17, 13, 19),
          (37, 53, 29), (64, 64, 64), (97, 3, 260), (70, 40, 90), (4, 1030, 9)]
for (m, n, k) in shapes:
    for ta in (False, True):
        for tb in (False, True):
            if (m, n, k) in ((64, 64, 64), (97, 3, 260), (4, 1030, 9)) and (ta or tb) and not (ta and tb):
                continue
            A = dyadic(k, m) if ta else dyadic(m, k)
            B = dyadic(n, k) if tb else dyadic(k, n)
            C = dyadic(m, n)
            alpha, beta = (1.0, 0.0) if (m + n + k) % 2 else (-0.75, 1.5)
            opA = A.T if ta else A
            opB = B.T if tb else B
            out = alpha * (opA @ opB) + beta * C
            gemm_cases.append({"m": m, "n": n, "k": k, "transA": ta, "transB": tb, "alpha": alpha, "beta": beta,
                               "a": enc(A), "b": enc(B), "c": enc(C), "out": enc(out)})

def exact_frobenius(A):
    """Correctly rounded sqrt(sum a_ij^2): exact rational sum, 60-digit decimal square root.
    (numpy's norm squares naively and overflows for entries near 1e300.)"""
    from decimal import Decimal, getcontext
    from fractions import Fraction
    getcontext().prec = 60
    s = sum((Fraction(float(x)) ** 2 for x in A.ravel()), Fraction(0))
    if s == 0:
        return 0.0
    d = (Decimal(s.numerator) / Decimal(s.denominator)).sqrt()
    return float(d)


norm_cases = []
for name, A in [("random", mat(6, 4)), ("tiny", mat(5, 5, 1e-300)), ("huge", mat(4, 7, 1e300)),
                ("subnormal", np.full((3, 3), 5e-324)), ("mixed", np.array([[1e-200, 3.0], [-4.0, 1e200]])),
                ("empty", np.zeros((0, 3))), ("row", mat(1, 9)), ("col", mat(9, 1))]:
    fro = exact_frobenius(A)
    n1 = float(np.linalg.norm(A, 1)) if A.size else 0.0
    ninf = float(np.linalg.norm(A, np.inf)) if A.size else 0.0
    nmax = float(np.max(np.abs(A))) if A.size else 0.0
    norm_cases.append({"name": name, "a": enc(A), "fro": fro, "one": n1, "inf": ninf, "max": nmax})

syrk_cases = []
for (m, n) in [(3, 5), (40, 7), (135, 20), (20, 131)]:
    A = dyadic(m, n)
    syrk_cases.append({"a": enc(A), "aat": enc(A @ A.T), "ata": enc(A.T @ A)})


def splitmix32(state):
    state = (state + 0x9E3779B9) & M32
    z = state
    z = ((z ^ (z >> 16)) * 0x85EBCA6B) & M32
    z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M32
    return state, (z ^ (z >> 16)) & M32


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


class Xoshiro128ss:
    def __init__(self, seed):
        s = ((seed & M32) ^ ((seed >> 32) * 0x632BE5AB)) & M32
        st = []
        for _ in range(4):
            s, v = splitmix32(s)
            st.append(v)
        if not any(st):
            st[0] = 1
        self.s = st

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & M32, 7) * 9) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result

    def jump(self):
        J = [0x8764000B, 0xF542D2D3, 0x6FA035C3, 0x77F2DB5B]
        acc = [0, 0, 0, 0]
        for word in J:
            for b in range(32):
                if (word >> b) & 1:
                    acc = [x ^ y for x, y in zip(acc, self.s)]
                self.next()
        self.s = acc

    def uniform(self):
        hi = self.next() >> 5
        lo = self.next() >> 6
        return (hi * 67108864 + lo) / 9007199254740992.0


rng_cases = []
for seed in [0, 1, 42, 2**32 - 1, 2**32, 123456789012345]:
    g = Xoshiro128ss(seed)
    first = [g.next() for _ in range(8)]
    g2 = Xoshiro128ss(seed)
    uniforms = [g2.uniform().hex() for _ in range(4)]
    g3 = Xoshiro128ss(seed)
    child_first = None
    g3.jump()
    after_jump = [g3.next() for _ in range(4)]
    rng_cases.append({"seed": seed, "uint32": first, "uniform": [float.fromhex(u) for u in uniforms], "afterJump": after_jump})

out = {"generator": "test-data/core/make_fixtures.py", "numpy": np.__version__,
       "gemm": gemm_cases, "norms": norm_cases, "syrk": syrk_cases, "rng": rng_cases}
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "fixtures.json"), "w") as f:
    json.dump(out, f, separators=(",", ":"))
print("wrote", os.path.join(here, "fixtures.json"), len(gemm_cases), "gemm cases")
