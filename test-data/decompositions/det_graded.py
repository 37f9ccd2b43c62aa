#!/usr/bin/env python3
"""The exact determinant of the graded 8x8 test matrix of decompositions/test/scaling.test.ts:
A[i][i] = the doubles nearest to 1e-140, 1e-100, …, 1e140 (decimal literals: both languages round
them correctly, unlike 10 ** x), A[i][i+1] = 1, zero elsewhere. The matrix is upper triangular, so its
exact determinant is the product of the stored diagonal doubles, computed here in exact rationals
and printed rounded to the nearest double.

    python3 test-data/decompositions/det_graded.py
"""
from fractions import Fraction

diag = [1e-140, 1e-100, 1e-60, 1e-20, 1e20, 1e60, 1e100, 1e140]
exact = Fraction(1)
for d in diag:
    exact *= Fraction(d)
print(repr(float(exact)))
