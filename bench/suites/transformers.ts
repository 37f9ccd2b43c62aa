/**
 * Suite `transformers`: training speed of a LLaMA-style model (d = 256, 4 layers, 4 heads,
 * SwiGLU MLP of 688, vocabulary 512, sequence 128, batch 8, float32, one thread) — forward and
 * backward of the causal LM loss, in tokens per second — numts beside TensorFlow.js (cpu backend)
 * running the same architecture in the same process, and PyTorch CPU (one thread) when
 * python3-torch is installed; the peak resident memory of the numts steps; and how many of the four
 * Hugging Face fixture families (../shared/reference/hf) numts matches within 1e-5.
 *
 * `--smoke`: d = 64, 2 layers, sequence 32, batch 2, one timed step each (a pipeline check).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@numts/core';
import { readNpy } from '@numts/io';
import { causalLmLoss, createModel, type LlamaForCausalLM, type PretrainedModel } from '@numts/models';
import { loadPretrained } from '@numts/models/node';
import { noGrad, setDefaultDtype, Variable } from '@numts/nn';
import * as tf from '@tensorflow/tfjs';
import { fmt, machineLine, mdTable, ROOT, type SuiteOptions, type SuiteResult } from '../lib/harness.js';

interface Shape {
  d: number;
  layers: number;
  heads: number;
  inner: number;
  vocab: number;
  seq: number;
  batch: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The same LLaMA-style network in TensorFlow.js ops (RMSNorm, RoPE, causal attention, SwiGLU). */
function tfjsLlama(c: Shape): { step: (ids: tf.Tensor2D) => number } {
  let seed = 1;
  const w = (shape: number[], std: number) => tf.variable(tf.randomNormal(shape, 0, std, 'float32', seed++));
  const ones = (n: number) => tf.variable(tf.ones([n]));
  const hd = c.d / c.heads;
  const emb = w([c.vocab, c.d], 1);
  const layers = Array.from({ length: c.layers }, () => ({
    n1: ones(c.d),
    wq: w([c.d, c.d], 0.05),
    wk: w([c.d, c.d], 0.05),
    wv: w([c.d, c.d], 0.05),
    wo: w([c.d, c.d], 0.05),
    n2: ones(c.d),
    gate: w([c.d, c.inner], 0.05),
    up: w([c.d, c.inner], 0.05),
    down: w([c.inner, c.d], 0.05),
  }));
  const nf = ones(c.d);
  const head = w([c.d, c.vocab], 0.05);
  const half = hd / 2;
  const angles = Array.from(
    { length: c.seq * half },
    (_, i) => Math.floor(i / half) * 10000 ** (-(2 * (i % half)) / hd),
  );
  const cos = tf.tile(tf.reshape(tf.cos(tf.tensor1d(angles)), [c.seq, half]), [1, 2]);
  const sin = tf.tile(tf.reshape(tf.sin(tf.tensor1d(angles)), [c.seq, half]), [1, 2]);
  const mask = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([c.seq, c.seq]), -1, 0)), -1e9);
  const rms = (x: tf.Tensor, g: tf.Tensor) =>
    tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-6))), g);
  const heads = (x: tf.Tensor, b: number) =>
    tf.transpose(tf.reshape(x, [b, c.seq, c.heads, hd]), [0, 2, 1, 3]);
  const rope = (x: tf.Tensor) => {
    const x1 = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, half]);
    const x2 = tf.slice(x, [0, 0, 0, half], [-1, -1, -1, half]);
    return tf.add(tf.mul(x, cos), tf.mul(tf.concat([tf.neg(x2), x1], -1), sin));
  };
  const loss = (ids: tf.Tensor2D) => {
    const b = ids.shape[0];
    let h = tf.gather(emb, ids) as tf.Tensor;
    for (const l of layers) {
      const x = tf.reshape(rms(h, l.n1), [b * c.seq, c.d]);
      const q = rope(heads(tf.matMul(x, l.wq), b));
      const k = rope(heads(tf.matMul(x, l.wk), b));
      const v = heads(tf.matMul(x, l.wv), b);
      const p = tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hd)), mask));
      const a = tf.reshape(tf.transpose(tf.matMul(p, v), [0, 2, 1, 3]), [b * c.seq, c.d]);
      h = tf.add(h, tf.reshape(tf.matMul(a, l.wo), [b, c.seq, c.d]));
      const n = tf.reshape(rms(h, l.n2), [b * c.seq, c.d]);
      const g = tf.matMul(n, l.gate);
      const m = tf.matMul(tf.mul(tf.mul(g, tf.sigmoid(g)), tf.matMul(n, l.up)), l.down);
      h = tf.add(h, tf.reshape(m, [b, c.seq, c.d]));
    }
    const logits = tf.reshape(tf.matMul(tf.reshape(rms(h, nf), [b * c.seq, c.d]), head), [b, c.seq, c.vocab]);
    const shifted = tf.reshape(tf.slice(logits, [0, 0, 0], [-1, c.seq - 1, -1]), [b * (c.seq - 1), c.vocab]);
    const targets = tf.reshape(tf.slice(ids, [0, 1], [-1, c.seq - 1]), [b * (c.seq - 1)]);
    return tf.losses.softmaxCrossEntropy(tf.oneHot(targets, c.vocab), shifted) as tf.Scalar;
  };
  return {
    step: (ids) =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => loss(ids));
        const v = value.dataSync()[0]!;
        for (const g of Object.values(grads)) g.dispose();
        return v;
      }),
  };
}

/** PyTorch CPU (one thread) on the same shapes, when python3 can import torch; null otherwise. */
function torchMsPerStep(c: Shape, steps: number): number | null {
  const probe = spawnSync('python3', ['-c', 'import torch'], { stdio: 'ignore' });
  if (probe.status !== 0) return null;
  const script = `
import time, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(1); torch.manual_seed(0)
d, L, H, M, V, T, B = ${c.d}, ${c.layers}, ${c.heads}, ${c.inner}, ${c.vocab}, ${c.seq}, ${c.batch}
hd = d // H
class RMSNorm(nn.Module):  # torch < 2.4 has no nn.RMSNorm
    def __init__(s):
        super().__init__(); s.w = nn.Parameter(torch.ones(d))
    def forward(s, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * s.w
causal = torch.full((T, T), float('-inf')).triu(1)
def attention(q, k, v):  # no F.scaled_dot_product_attention before torch 2.0
    return torch.softmax(q @ k.transpose(-1, -2) / hd ** 0.5 + causal, -1) @ v
class Block(nn.Module):
    def __init__(s):
        super().__init__(); s.q, s.k, s.v, s.o = [nn.Linear(d, d, bias=False) for _ in range(4)]
        s.g, s.u, s.dn = nn.Linear(d, M, bias=False), nn.Linear(d, M, bias=False), nn.Linear(M, d, bias=False)
        s.n1, s.n2 = RMSNorm(), RMSNorm()
    def forward(s, h, cos, sin):
        def rope(x):
            x1, x2 = x[..., :hd // 2], x[..., hd // 2:]
            return x * cos + torch.cat([-x2, x1], -1) * sin
        x = s.n1(h)
        sh = lambda y: y.view(B, T, H, hd).transpose(1, 2)
        a = attention(rope(sh(s.q(x))), rope(sh(s.k(x))), sh(s.v(x)))
        h = h + s.o(a.transpose(1, 2).reshape(B, T, d))
        x = s.n2(h)
        return h + s.dn(F.silu(s.g(x)) * s.u(x))
emb, blocks, nf, head = nn.Embedding(V, d), nn.ModuleList([Block() for _ in range(L)]), RMSNorm(), nn.Linear(d, V, bias=False)
inv = 10000 ** (-torch.arange(0, hd, 2).float() / hd)
ang = torch.arange(T).float()[:, None] * inv[None]
cos, sin = torch.cat([ang, ang], -1).cos(), torch.cat([ang, ang], -1).sin()
ids = torch.randint(0, V, (B, T))
def step():
    h = emb(ids)
    for b in blocks: h = b(h, cos, sin)
    logits = head(nf(h))
    loss = F.cross_entropy(logits[:, :-1].reshape(-1, V), ids[:, 1:].reshape(-1))
    loss.backward()
step()
ts = []
for _ in range(${steps}):
    t0 = time.perf_counter(); step(); ts.append(time.perf_counter() - t0)
ts.sort(); print(ts[len(ts) // 2] * 1000)
`;
  const r = spawnSync('python3', ['-c', script], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (r.status !== 0) return null;
  return Number(r.stdout.trim());
}

/** How many fixture families numts matches within 1e-5, and the worst logits difference. */
function fixtureMatch(): { matched: number | null; worst: number | null } {
  const hf = join(ROOT, '..', 'shared', 'reference', 'hf');
  if (!existsSync(join(hf, 'manifest.json'))) return { matched: null, worst: null };
  const npy = (f: string, n: string) => readNpy(readFileSync(join(hf, f, `${n}.npy`)));
  let matched = 0;
  let worst = 0;
  for (const family of ['gpt2', 'llama', 'vit', 'bert']) {
    const model = loadPretrained(join(hf, family)) as PretrainedModel;
    const logits = noGrad(() => {
      if (family === 'vit') {
        const px = npy(family, 'pixel_values');
        return (model as { run(x: Variable): { logits: Variable } }).run(Variable.from(px.data, px.shape))
          .logits;
      }
      const ids = npy(family, 'input_ids');
      const mask = family === 'bert' ? { attentionMask: npy(family, 'attention_mask').data } : {};
      return (model as LlamaForCausalLM).run({
        inputIds: ids.data,
        shape: ids.shape as [number, number],
        ...mask,
      }).logits;
    }).data;
    const ref = npy(family, 'logits').data;
    let d = 0;
    for (let i = 0; i < ref.length; i++) d = Math.max(d, Math.abs(logits[i]! - ref[i]!));
    worst = Math.max(worst, d);
    if (d <= 1e-5) matched++;
  }
  return { matched, worst };
}

export default async function transformers({ smoke }: SuiteOptions): Promise<SuiteResult> {
  const log = (s: string) => console.error(s);
  setDefaultDtype('float32');
  await tf.setBackend('cpu');
  const c: Shape = smoke
    ? { d: 64, layers: 2, heads: 4, inner: 172, vocab: 128, seq: 32, batch: 2 }
    : { d: 256, layers: 4, heads: 4, inner: 688, vocab: 512, seq: 128, batch: 8 };
  const steps = smoke ? 1 : 5;
  const tokens = c.batch * c.seq;
  const rng = new Rng(0);
  const ids = Array.from({ length: tokens }, () => rng.int(0, c.vocab));

  log('transformers: numts …');
  const model = createModel({
    model_type: 'llama',
    vocab_size: c.vocab,
    hidden_size: c.d,
    intermediate_size: c.inner,
    num_hidden_layers: c.layers,
    num_attention_heads: c.heads,
    num_key_value_heads: c.heads,
    max_position_embeddings: c.seq,
  }) as LlamaForCausalLM;
  model.train();
  const batch = { inputIds: ids, shape: [c.batch, c.seq] as [number, number] };
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const numtsStep = () => {
    model.zeroGrad();
    const loss = causalLmLoss(model.run(batch).logits, ids);
    peak = Math.max(peak, process.memoryUsage().rss);
    loss.backward();
    peak = Math.max(peak, process.memoryUsage().rss);
    return loss.item();
  };
  numtsStep(); // warm-up
  const ours: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    numtsStep();
    ours.push(performance.now() - t0);
  }
  log('transformers: TensorFlow.js (cpu) …');
  const tfm = tfjsLlama(c);
  const tids = tf.tensor2d(ids, [c.batch, c.seq], 'int32');
  tfm.step(tids);
  const theirs: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    tfm.step(tids);
    theirs.push(performance.now() - t0);
  }
  log('transformers: PyTorch (if installed) …');
  const torchMs = torchMsPerStep(c, steps);
  log('transformers: fixtures …');
  const fixtures = fixtureMatch();
  const oursMs = median(ours);
  const tfMs = median(theirs);
  const summary = {
    llama_train_tokens_per_s: (tokens / oursMs) * 1000,
    llama_train_tfjs_tokens_per_s: (tokens / tfMs) * 1000,
    llama_train_ratio_vs_tfjs: tfMs / oursMs,
    llama_train_ratio_vs_torch: torchMs === null ? null : torchMs / oursMs,
    llama_train_peak_mb: Math.round(peak / 2 ** 20),
    hf_families_matched: fixtures.matched,
    hf_logits_max_abs_diff: fixtures.worst,
  };
  const markdown = [
    `# Transformers${smoke ? ' (smoke tier)' : ''}`,
    '',
    `Generated by \`npm run bench -- transformers${smoke ? ' --smoke' : ''}\`. ${machineLine()}; TensorFlow.js ${tf.version_core} (cpu backend).`,
    '',
    `One forward and backward pass of the causal LM loss of a LLaMA-style model (d = ${c.d}, ${c.layers} layers, ${c.heads} heads,`,
    `SwiGLU ${c.inner}, vocabulary ${c.vocab}, RMSNorm, RoPE), batch ${c.batch} × sequence ${c.seq}, float32, one thread; median of ${steps}`,
    'steps after one warm-up, each library in the same process (PyTorch in a child process with one thread).',
    '',
    mdTable(
      ['library', 'ms per step', 'tokens/s', 'numts speed-up'],
      [
        ['numts', fmt(oursMs, 0), fmt(summary.llama_train_tokens_per_s, 0), '1'],
        [
          'TensorFlow.js (cpu)',
          fmt(tfMs, 0),
          fmt(summary.llama_train_tfjs_tokens_per_s, 0),
          fmt(tfMs / oursMs),
        ],
        [
          'PyTorch CPU (1 thread)',
          torchMs === null ? 'not installed' : fmt(torchMs, 0),
          torchMs === null ? '—' : fmt((tokens / torchMs) * 1000, 0),
          torchMs === null ? '—' : fmt(torchMs / oursMs),
        ],
      ],
    ),
    '',
    `Peak resident memory during the numts steps: ${summary.llama_train_peak_mb} MB.`,
    '',
    `Hugging Face fixtures matched within 1e-5: ${fixtures.matched === null ? 'n/a (../shared absent)' : `${fixtures.matched} of 4`}; worst |Δ logits| ${fixtures.worst === null ? 'n/a' : fixtures.worst.toExponential(2)}.`,
    '',
  ].join('\n');
  return { summary, markdown };
}
