import { gemm, Rng, getBackend } from '@numts/core';
const rng = new Rng(1);
const a = rng.normalMatrix(1024, 1024), b = rng.normalMatrix(1024, 1024);
for (let i = 0; i < 3; i++) gemm(a, b);
const t0 = performance.now();
const reps = 12;
for (let i = 0; i < reps; i++) gemm(a, b);
console.log(getBackend(), ((performance.now() - t0) / reps).toFixed(1), 'ms per gemm');
