/**
 * The figure of the plateau checks of the PEFT reproduction v2: LoRA's validation accuracy along
 * every plateau run in the runs file (LoRA at the main rank, twice a task's budget, at every tenth
 * of its steps), the mean of the selection seeds, one line per bed, task and budget (the rate is
 * the one the table beside it names) — so a task whose budget registration 7 doubled shows each
 * of its checks.
 */
import { MAIN_RANK, PLATEAU, SELECTION_SEEDS, TASKS } from './peft-v2-plan.js';
import type { RecordV } from './peft-v2-stages.js';
import { lineChart, type Series } from './svg.js';

/** The plateau curves of one bed as series (x: training steps, y: validation accuracy in %). */
export function plateauSeries(runs: Map<string, RecordV>, bed: 'V' | 'T', smoke = false): Series[] {
  const seeds = smoke ? SELECTION_SEEDS.slice(0, 1) : SELECTION_SEEDS;
  const groups = new Map<string, { task: string; steps: number; lr: number; curves: number[][] }>();
  for (const r of runs.values()) {
    if (r.kind !== 'plateau' || r.bed !== bed || r.smoke !== smoke) continue;
    // Tasks the plan has replaced (registrations 4–6) are not on the figure.
    if (!TASKS[bed].some((t) => t.id === r.task)) continue;
    if (r.label !== PLATEAU.label || r.rank !== MAIN_RANK || !r.curve || !seeds.includes(r.seed)) continue;
    const steps = Number(/\/(\d+)x\d+$/.exec(r.key)?.[1]);
    if (!Number.isFinite(steps)) continue;
    const id = `${r.task}/${steps}/${r.lr}`;
    const g = groups.get(id) ?? { task: r.task, steps, lr: r.lr, curves: [] };
    g.curves.push(r.curve);
    groups.set(id, g);
  }
  return [...groups.values()]
    .filter((g) => g.curves.length === seeds.length)
    .sort((a, b) => (a.task !== b.task ? (a.task < b.task ? -1 : 1) : a.steps - b.steps))
    .map((g) => {
      const n = g.curves[0]!.length;
      return {
        name: `${g.task.replace(/^fashion-/, '').replace(/-n\d+$/, '')}: ${g.steps} steps`,
        points: Array.from({ length: n }, (_, i): [number, number] => [
          Math.round(((i + 1) * g.steps) / n),
          (100 * g.curves.reduce((a, c) => a + c[i]!, 0)) / g.curves.length,
        ]),
      };
    });
}

/** The figure: one chart per bed with plateau runs, stacked; null when there is none. */
export function plateauChart(runs: Map<string, RecordV>, smoke = false): string | null {
  const charts = (['V', 'T'] as const)
    .map((bed) => ({ bed, series: plateauSeries(runs, bed, smoke) }))
    .filter((c) => c.series.length > 0)
    .map((c) =>
      lineChart({
        title: `Plateau checks on ${c.bed}: LoRA r = ${MAIN_RANK}, validation accuracy`,
        xLabel: 'training step',
        yLabel: 'accuracy %',
        series: c.series,
        width: 760,
      }),
    );
  if (charts.length === 0) return null;
  if (charts.length === 1) return charts[0]!;
  // Stack the charts: each is a complete <svg>, nested at its offset.
  const H = 400;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="760" height="${H * charts.length}" viewBox="0 0 760 ${H * charts.length}">`,
    ...charts.map((svg, i) => svg.replace('<svg ', `<svg y="${i * H}" `)),
    '</svg>',
  ].join('\n');
}
