/**
 * Suite `peft-v2`: the PEFT reproduction v2 on the transformer test beds (plan, pre-registered:
 * bench/lib/peft-v2-plan.ts; stages: peft-v2-stages.ts; page: peft-v2-report.ts).
 *
 * - `--smoke` (CI): every stage — both test beds pretrained at toy size, the learning-rate search,
 *   the final runs, the page — for LoRA and LoRA-Dash on one task of each bed, in temporary files.
 * - `--small` (minutes): a reproduction check — the final runs of LoRA and LoRA-Dash at r = 4 on
 *   MNIST trained again at the committed rates, each compared bit for bit with its committed
 *   record (peft-v2-small.ts); writes docs/results/peft-small.md, never the runs file.
 * - `--repro`: pretrains V and T when bench/checkpoints lacks them, and runs what
 *   docs/results/peft-v2-runs.jsonl still lacks, two processes at a time — selection, plateau
 *   check, final and equal-LR runs, then the explanation experiments of every claim not held —
 *   then writes the page; stopped, it resumes where it was.
 * - no flag: rewrites the page from the runs file as it stands, training nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine, ROOT, type SuiteOptions, type SuiteResult, skipped } from '../lib/harness.js';

export default async function peftV2(options: SuiteOptions): Promise<SuiteResult> {
  const tier = options.smoke
    ? 'smoke'
    : options.flags?.includes('--repro')
      ? 'repro'
      : options.flags?.includes('--small')
        ? 'small'
        : 'page';
  const { fashionMnistAvailable } = await import('@numts/nn/node');
  if (tier !== 'page' && !fashionMnistAvailable())
    return skipped('Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)');
  let scratch: string | null = null;
  if (tier === 'smoke') {
    // Read when the modules below are first imported (here and in any child process).
    scratch = mkdtempSync(join(tmpdir(), 'numts-peft-v2-smoke-'));
    process.env.NUMTS_PEFT_RUNS = join(scratch, 'runs.jsonl');
    process.env.NUMTS_BENCH_CACHE = scratch;
  }
  if (tier === 'small') {
    // A reproduction check (peft-v2-small.ts): the committed records minus the small cells' final
    // runs, in a temporary runs file that the stages (imported below) and their workers read.
    const { prepareSmallRunsFile } = await import('../lib/peft-v2-small.js');
    scratch = mkdtempSync(join(tmpdir(), 'numts-peft-v2-small-'));
    process.env.NUMTS_PEFT_RUNS = join(scratch, 'runs.jsonl');
    prepareSmallRunsFile(process.env.NUMTS_PEFT_RUNS);
  }
  const { runStagesV, readRunsV, runPending } = await import('../lib/peft-v2-stages.js');
  const { chosenRates, decideClaim, explanationJobs } = await import('../lib/peft-v2-claims.js');
  const { CLAIMS, FINAL_SEEDS, TEACHER } = await import('../lib/peft-v2-plan.js');
  /**
   * The explanation experiments (registration 3) of every claim the final runs leave not held; the
   * smoke tier runs claim 1's whatever its verdict, to check the pipeline.
   */
  const runExplanations = async (smoke: boolean) => {
    const runs = readRunsV();
    const chosen = await chosenRates(runs, smoke);
    const seeds = smoke ? FINAL_SEEDS.slice(0, 1) : FINAL_SEEDS;
    const claims = CLAIMS.filter((c) => c.bed !== 'teacher').filter((c) =>
      smoke
        ? c.key === 'dash_minus_lora_ci'
        : decideClaim(c, runs, chosen, { comparison: 'tuned', seeds, smoke }).verdict === 'not held',
    );
    await runPending(claims.flatMap((c) => explanationJobs(c, chosen, smoke)));
  };
  const { buildPeftReport, PLATEAU_FIGURE } = await import('../lib/peft-v2-report.js');
  const { pretrainedT } = await import('../lib/peft-v2-testbed-t.js');
  const { pretrainedV, pretrainRecordV } = await import('../lib/peft-v2-testbed-v.js');
  const t0 = Date.now();
  try {
    const smoke = tier === 'smoke';
    if (tier !== 'page') {
      const log = (s: string) => console.error(s);
      pretrainedV({ smoke, log });
      if (tier !== 'small') pretrainedT({ smoke, log });
      await runStagesV('final', smoke, tier === 'small');
      if (tier === 'small') {
        const { compareSmallRuns, smallMarkdown } = await import('../lib/peft-v2-small.js');
        const rows = compareSmallRuns(process.env.NUMTS_PEFT_RUNS!);
        const minutes = (Date.now() - t0) / 60000;
        return {
          report: 'peft-small',
          markdown: smallMarkdown(rows, machineLine(), minutes),
          summary: {
            tier,
            minutes,
            runs: rows.length,
            identical: rows.filter((r) => r.identical).length,
          },
        };
      }
      await runExplanations(smoke);
    }
    // Claim 8: the synthetic teacher (a fraction of a second per seed, recomputed every time).
    const { tsdMechanism } = await import('../lib/peft-teacher.js');
    const teacherPrecision = tsdMechanism(
      smoke ? FINAL_SEEDS.slice(0, 1) : FINAL_SEEDS,
      [TEACHER.t],
      TEACHER.t,
    )[0]!.perSeed;
    const report = await buildPeftReport(readRunsV(), {
      teacherPrecision,
      smoke,
      command: `npm run bench -- peft-v2${tier === 'page' ? '' : ` --${tier}`}`,
      machine: machineLine(),
      pretrainV: pretrainRecordV()?.test ?? null,
    });
    if (!smoke && report.plateauSvg)
      writeFileSync(join(ROOT, 'docs', 'results', PLATEAU_FIGURE), report.plateauSvg);
    const summary: SuiteResult['summary'] = { tier, minutes: (Date.now() - t0) / 60000 };
    for (const [k, v] of Object.entries(report.summary)) summary[k] = v as SuiteResult['summary'][string];
    return { report: 'peft', markdown: report.markdown, summary };
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}
