#!/usr/bin/env python3
"""Writes test-data/nn/fixtures.json: reference values for @numts/nn computed by Python's math
module (the C library's erf), independent of numts.

Run from the repository root:  python3 test-data/nn/make_fixtures.py
The tests read the committed JSON; they never run Python.

Contents
- erf: erf(x) at 2 001 points of [-7, 7] (a grid offset by a sine so that points fall between the
  nodes of numts' table) and at special points (0, ±1e-300, ±1e-8, the table's end 6, ±30).
- gelu: x * Phi(x) = 0.5 * x * (1 + erf(x / sqrt(2))) at 201 points of [-8, 8].
"""
import json
import math
import os

xs = [-7 + 14 * i / 2000 + 1e-4 * math.sin(i) for i in range(2001)]
xs += [0.0, 1e-300, -1e-300, 1e-8, -1e-8, 6.0, -6.0, 5.999999, 30.0, -30.0]
gx = [-8 + 16 * i / 200 for i in range(201)]
out = {
    'erf': [[x, math.erf(x)] for x in xs],
    'gelu': [[x, 0.5 * x * (1 + math.erf(x / math.sqrt(2)))] for x in gx],
}
path = os.path.join(os.path.dirname(__file__), 'fixtures.json')
with open(path, 'w', encoding='utf-8') as f:
    json.dump(out, f)
print('wrote', path)
