"""Fixtures for the `numts` command tests, written with numpy/scipy (independent of numts).

  svd/   A.npy and numpy.linalg.svd's U.npy, S.npy, Vt.npy (thin)
  qr/    A.npy and numpy.linalg.qr's Q.npy, R.npy
  eigh/  A.npy (symmetric) and numpy.linalg.eigh's W.npy, V.npy
  tucker/ X.npy (a 6×5×4 tensor of multilinear rank (3,3,2) plus nothing else) and a Tucker model
         core.npy, U1.npy, U2.npy, U3.npy computed by a numpy HOSVD
  pll-small.mat   a partial-label data set (scipy.io.savemat): data 90×4, partial_target 3×90, target 3×90

Run: python3 test-data/cli/make_fixtures.py
"""
import os

import numpy as np
import scipy.io

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(11)


def save(sub, **arrays):
    d = os.path.join(HERE, sub)
    os.makedirs(d, exist_ok=True)
    for k, v in arrays.items():
        np.save(os.path.join(d, f"{k}.npy"), v)


A = rng.standard_normal((7, 5))
U, S, Vt = np.linalg.svd(A, full_matrices=False)
save("svd", A=A, U=U, S=S, Vt=Vt)
Q, R = np.linalg.qr(A)
save("qr", A=A, Q=Q, R=R)
M = rng.standard_normal((6, 6))
M = M + M.T
W, V = np.linalg.eigh(M)
save("eigh", A=M, W=W, V=V)

G = rng.standard_normal((3, 3, 2))
F = [np.linalg.qr(rng.standard_normal((n, r)))[0] for n, r in [(6, 3), (5, 3), (4, 2)]]
X = np.einsum("abc,ia,jb,kc->ijk", G, *F)
# HOSVD: leading left singular vectors of each unfolding, core = X ×ₙ Uₙᵀ.
Us = []
for mode, r in enumerate([3, 3, 2]):
    unf = np.moveaxis(X, mode, 0).reshape(X.shape[mode], -1)
    Us.append(np.linalg.svd(unf, full_matrices=False)[0][:, :r])
core = np.einsum("ijk,ia,jb,kc->abc", X, *Us)
save("tucker", X=X, core=core, U1=Us[0], U2=Us[1], U3=Us[2])

# Partial-label data: 3 Gaussian classes in 4-d, each instance with its true label plus one random other.
n, d, q = 90, 4, 3
truth = np.arange(n) % q
x = rng.standard_normal((n, d)) + 2.5 * np.eye(q, d)[truth]
cand = np.zeros((q, n))
cand[truth, np.arange(n)] = 1
other = (truth + 1 + rng.integers(0, q - 1, n)) % q
cand[other, np.arange(n)] = 1
target = np.zeros((q, n))
target[truth, np.arange(n)] = 1
scipy.io.savemat(os.path.join(HERE, "pll-small.mat"), {"data": x, "partial_target": cand, "target": target})
scipy.io.savemat(os.path.join(HERE, "pll-no-candidates.mat"), {"data": x, "target": target})
print("written")

# A small MULAN multi-label pair: 80 rows, 4 numeric features, 3 labels driven by the features.
n = 80
feats = rng.standard_normal((n, 4))
labels = np.stack([feats[:, 0] > 0, feats[:, 1] + feats[:, 2] > 0.3, feats[:, 3] < -0.2], axis=1).astype(int)
with open(os.path.join(HERE, "toy.arff"), "w") as f:
    f.write("@relation toy\n")
    for j in range(4):
        f.write(f"@attribute f{j + 1} numeric\n")
    for name in ("la", "lb", "lc"):
        f.write(f"@attribute {name} {{0,1}}\n")
    f.write("@data\n")
    for i in range(n):
        f.write(",".join([f"{v:.4f}" for v in feats[i]] + [str(v) for v in labels[i]]) + "\n")
with open(os.path.join(HERE, "toy.xml"), "w") as f:
    f.write('<?xml version="1.0" encoding="utf-8"?>\n<labels xmlns="http://mulan.sourceforge.net/labels">\n')
    for name in ("la", "lb", "lc"):
        f.write(f'  <label name="{name}"></label>\n')
    f.write("</labels>\n")
print("written toy.arff/xml")
