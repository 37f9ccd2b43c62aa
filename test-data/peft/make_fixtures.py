"""Reference values for @numts/peft, computed with numpy/scipy (independent of the TS code).

Writes:
  fixtures.json     task-specific directions, principal angles and spectra of fixed matrices
  hf_lora/          an adapter directory laid out as HuggingFace peft writes a LoRA adapter
  hf_dora/          the same with use_dora (lora_magnitude_vector)
  base.safetensors  the base MLP weights (fc1, fc2, head) the adapters apply to
  expected.json     inputs and the adapted outputs of the MLP computed here with numpy

The safetensors files are written by hand (8-byte little-endian header length, JSON header padded
with spaces to a multiple of 8, little-endian F32 data) because the `safetensors` Python package
is not installed on these machines.

Run: python3 test-data/peft/make_fixtures.py
"""
import json
import os
import struct

import numpy as np
from scipy.linalg import subspace_angles

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261127)


def write_safetensors(path, tensors, metadata=None):
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    # Reference writer order: descending alignment (all F32 here), then name.
    names = sorted(tensors)
    offset = 0
    blobs = []
    for n in names:
        a = np.ascontiguousarray(tensors[n], dtype="<f4")
        b = a.tobytes()
        header[n] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


# ---- analysis fixtures ------------------------------------------------------------------------
fixtures = {}
W = rng.standard_normal((8, 6))
dW = 0.1 * rng.standard_normal((8, 6))
U, S, Vt = np.linalg.svd(W, full_matrices=False)
coords = np.array([U[:, i] @ dW @ Vt[i, :] for i in range(6)])
rates = np.abs(coords) / S
fixtures["tsd"] = {
    "W": W.ravel().tolist(), "dW": dW.ravel().tolist(), "shape": [8, 6], "s": 3,
    "sigma": S.tolist(), "rates": rates.tolist(), "indices": np.argsort(-rates, kind="stable")[:3].tolist(),
}
U1 = rng.standard_normal((7, 3))
U2 = rng.standard_normal((7, 2))
ang = np.sort(subspace_angles(U1, U2))
q1, _ = np.linalg.qr(U1)
q2, _ = np.linalg.qr(U2)
fixtures["subspace"] = {
    "U1": U1.ravel().tolist(), "U2": U2.ravel().tolist(), "rows": 7, "k1": 3, "k2": 2,
    "angles": ang.tolist(), "similarity": float(np.linalg.norm(q1.T @ q2) ** 2 / 2),
}
M = rng.standard_normal((5, 3)) @ rng.standard_normal((3, 9))
sv = np.linalg.svd(M, compute_uv=False)
p = sv / sv.sum()
fixtures["spectrum"] = {
    "M": M.ravel().tolist(), "shape": [5, 9], "values": sv.tolist(),
    "stableRank": float((sv ** 2).sum() / sv[0] ** 2),
    "effectiveRank": float(np.exp(-(p[p > 0] * np.log(p[p > 0])).sum())),
    "rank": int(np.linalg.matrix_rank(M)),
}
with open(os.path.join(HERE, "fixtures.json"), "w") as f:
    json.dump(fixtures, f)

# ---- an HF-layout adapter on a 6 -> 5 -> 5 -> 3 MLP ---------------------------------------------
din, dh, dout, r, alpha = 6, 5, 3, 2, 4.0
base = {
    "fc1.weight": rng.standard_normal((dh, din)) * 0.4, "fc1.bias": rng.standard_normal(dh) * 0.1,
    "fc2.weight": rng.standard_normal((dh, dh)) * 0.4, "fc2.bias": rng.standard_normal(dh) * 0.1,
    "head.weight": rng.standard_normal((dout, dh)) * 0.4, "head.bias": rng.standard_normal(dout) * 0.1,
}
base = {k: f32(v) for k, v in base.items()}
write_safetensors(os.path.join(HERE, "base.safetensors"), base, {"format": "pt"})
lora = {}
for name, (o, i) in {"fc1": (dh, din), "fc2": (dh, dh)}.items():
    lora[name] = (f32(rng.standard_normal((r, i)) * 0.3), f32(rng.standard_normal((o, r)) * 0.3))
mag = {name: f32(np.linalg.norm(base[f"{name}.weight"], axis=1) * (1 + 0.2 * rng.standard_normal(dh)))
       for name in lora}
x = rng.standard_normal((4, din))
scale = alpha / r


def forward(weights):
    h = np.maximum(x @ weights["fc1.weight"].T + base["fc1.bias"], 0)
    h = np.maximum(h @ weights["fc2.weight"].T + base["fc2.bias"], 0)
    return h @ base["head.weight"].T + base["head.bias"]


lora_w = {f"{n}.weight": base[f"{n}.weight"] + scale * B @ A for n, (A, B) in lora.items()}
dora_w = {}
for n, (A, B) in lora.items():
    full = base[f"{n}.weight"] + scale * B @ A
    dora_w[f"{n}.weight"] = (mag[n] / np.linalg.norm(full, axis=1))[:, None] * full

for kind in ("lora", "dora"):
    d = os.path.join(HERE, f"hf_{kind}")
    os.makedirs(d, exist_ok=True)
    tensors = {}
    for n, (A, B) in lora.items():
        tensors[f"base_model.model.{n}.lora_A.weight"] = A
        tensors[f"base_model.model.{n}.lora_B.weight"] = B
        if kind == "dora":
            tensors[f"base_model.model.{n}.lora_magnitude_vector"] = mag[n]
    write_safetensors(os.path.join(d, "adapter_model.safetensors"), tensors, {"format": "pt"})
    # The fields HF peft's LoraConfig writes (peft_type LORA), including some this package ignores.
    config = {
        "alpha_pattern": {}, "auto_mapping": None, "base_model_name_or_path": "tiny-mlp", "bias": "none",
        "eva_config": None, "exclude_modules": None, "fan_in_fan_out": False, "inference_mode": True,
        "init_lora_weights": True, "layer_replication": None, "layers_pattern": None,
        "layers_to_transform": None, "loftq_config": {}, "lora_alpha": alpha, "lora_bias": False,
        "lora_dropout": 0.05, "megatron_config": None, "megatron_core": "megatron.core",
        "modules_to_save": None, "peft_type": "LORA", "r": r, "rank_pattern": {}, "revision": None,
        "target_modules": ["fc2", "fc1"], "task_type": None, "trainable_token_indices": None,
        "use_dora": kind == "dora", "use_rslora": False,
    }
    with open(os.path.join(d, "adapter_config.json"), "w") as f:
        json.dump(config, f, indent=2)

expected = {
    "x": x.ravel().tolist(), "xShape": list(x.shape),
    "lora": forward({**base, **lora_w}).ravel().tolist(),
    "dora": forward({**base, **dora_w}).ravel().tolist(),
    "loraDelta": {n: (scale * B @ A).ravel().tolist() for n, (A, B) in lora.items()},
    "loraSpectrum": {n: np.linalg.svd(scale * B @ A, compute_uv=False).tolist() for n, (A, B) in lora.items()},
    "loraRates": {},
}
for n, (A, B) in lora.items():
    Wn = base[f"{n}.weight"]
    U, S, Vt = np.linalg.svd(Wn, full_matrices=False)
    dWn = scale * B @ A
    expected["loraRates"][n] = (np.abs(np.einsum("ri,rc,ic->i", U, dWn, Vt)) / S).tolist()
with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump(expected, f)
print("wrote", sorted(os.listdir(HERE)))
