import { describe, expect, it } from 'vitest';
import { SELECTION_SEEDS, TASK_STEPS } from '../lib/peft-v2-plan.js';
import { plateauChart, plateauSeries } from '../lib/peft-v2-plateau-chart.js';
import { keyOf, type RecordV } from '../lib/peft-v2-stages.js';

function plateau(task: string, seed: number, curve: number[], extra: Partial<RecordV> = {}): RecordV {
  const j = {
    kind: 'plateau' as const,
    bed: 'V' as const,
    task,
    label: 'LoRA',
    rank: 4,
    lr: 0.01,
    seed,
    smoke: false,
    ...extra,
  };
  return { ...j, key: keyOf(j), accuracy: curve.at(-1)!, curve, losses: [], trainable: 1, seconds: 1 };
}

describe('the plateau figure', () => {
  const [s0, s1] = SELECTION_SEEDS as unknown as [number, number];
  const runs = new Map<string, RecordV>();
  const add = (r: RecordV) => runs.set(r.key, r);
  add(plateau('mnist', s0, [0.5, 0.7, 0.8, 0.9]));
  add(plateau('mnist', s1, [0.7, 0.7, 0.8, 0.7]));
  // Only one selection seed: left out until the other one is recorded.
  add(plateau('fashion-noise-blur', s0, [0.1, 0.2, 0.3, 0.4]));
  // Another label, rank or bed is not a plateau check of this figure.
  add(plateau('mnist', s0, [0.1, 0.1, 0.1, 0.1], { label: 'LoRA-Dash' }));
  add(plateau('mnist', s0, [0.1, 0.1, 0.1, 0.1], { rank: 2 }));

  it('averages the selection seeds at every tenth of the run, in training steps', () => {
    const series = plateauSeries(runs, 'V');
    expect(series).toHaveLength(1);
    expect(series[0]!.name).toBe('mnist: 600 steps');
    // Four points of a 600-step run: steps 150, 300, 450, 600; accuracy in %.
    expect(series[0]!.points.map(([x]) => x)).toEqual([150, 300, 450, 600]);
    expect(series[0]!.points.map(([, y]) => y)).toEqual([60, 70, 80, 80]);
    expect(plateauSeries(runs, 'T')).toEqual([]);
    // T's task ids lose their training-size suffix in the legend; the steps are the key's.
    const t = new Map<string, RecordV>();
    for (const seed of [s0, s1]) {
      const r = plateau('reverse-8-14-n200', seed, [0, 0.5, 0.75, 0.75], { bed: 'T' });
      t.set(r.key, r);
    }
    const steps = 2 * TASK_STEPS['reverse-8-14-n200']!;
    expect(plateauSeries(t, 'T').map((x) => x.name)).toEqual([`reverse-8-14: ${steps} steps`]);
  });

  it('draws an SVG when a bed has a complete check and nothing otherwise', () => {
    const svg = plateauChart(runs)!;
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('mnist: 600 steps');
    expect(svg).not.toContain('noise-blur');
    expect(plateauChart(new Map())).toBeNull();
  });
});
