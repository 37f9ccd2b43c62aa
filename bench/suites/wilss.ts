/**
 * Suite `wilss`: the weakly incremental segmentation benchmark v2 (spec §D, `../shared/specs/wilss.md`)
 * on procedurally generated Shapes-WILSS scenes; plan, stages and page in bench/lib/wilss-v2-*.ts.
 *
 * - `--smoke` (CI): every stage — bases, the tuning search, every method, the page — on tiny data
 *   with one seed, in temporary files; nothing is written to docs/.
 * - `--repro`: runs what the runs file `docs/results/wilss-runs.jsonl` still lacks (7-3: tuning on
 *   seeds 100–101, then every method on seeds 0–4, the TME-lite ablation rows and the OB+PF
 *   diagnosis on seeds 0–2;
 *   4-2-2-2 and 5-5 on seeds 0–2 with 7-3's constants), two processes at a time; then writes
 *   docs/results/wilss.md/.json, wilss-curves.svg and wilss-grid.svg. Stopped, it resumes where it
 *   was (≈ 20–40 CPU-minutes per base model, kept in bench/checkpoints/wilss-v2; ≈ 5–10 per step
 *   method and ≈ 20 per Joint at these sizes).
 * - no flag: rewrites the page from the runs file as it stands, training nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine, ROOT, type SuiteOptions, type SuiteResult } from '../lib/harness.js';

/** The settings of the reproduction, in page order. */
const SETTINGS_RUN = ['7-3', '4-2-2-2', '5-5'];

export default async function wilss(options: SuiteOptions): Promise<SuiteResult> {
  const tier = options.smoke ? 'smoke' : options.flags?.includes('--repro') ? 'repro' : 'page';
  let scratch: string | null = null;
  if (tier === 'smoke') {
    // The plan module reads these when first imported (here, and in every child process).
    scratch = mkdtempSync(join(tmpdir(), 'numts-wilss-smoke-'));
    process.env.NUMTS_WILSS_TIER = 'smoke';
    process.env.NUMTS_WILSS_RUNS = join(scratch, 'runs.jsonl');
    process.env.NUMTS_BENCH_CACHE = scratch;
  }
  const { runStage, tuneAll } = await import('../lib/wilss-v2-run.js');
  const { readRuns } = await import('../lib/wilss-store.js');
  const { buildReport } = await import('../lib/wilss-v2-report.js');
  const { ABLATION_SEEDS, ABLATION_SETTING, diagnosesOf, diagnosisSeeds } = await import(
    '../lib/wilss-v2-plan.js'
  );
  const t0 = Date.now();
  try {
    if (tier === 'smoke') await runStage('final', '7-3');
    if (tier === 'repro') {
      await runStage('final', '7-3');
      await runStage('ablation', ABLATION_SETTING, ABLATION_SEEDS);
      await runStage('diagnosis', ABLATION_SETTING, [...diagnosisSeeds(ABLATION_SETTING)]);
      for (const s of SETTINGS_RUN.slice(1)) {
        await runStage('final', s);
        if (diagnosesOf(s).length) await runStage('diagnosis', s, [...diagnosisSeeds(s)]);
      }
    }
    const runs = readRuns();
    const settings = tier === 'smoke' ? ['7-3'] : SETTINGS_RUN;
    // The search re-reads its runs (all recorded by now on the other tiers); on the page tier it
    // trains nothing and shows the searches as far as the recorded runs take them.
    const tuned = { '7-3': await tuneAll(undefined, tier !== 'page') };
    const report = buildReport({
      runs,
      tuned,
      settings,
      command: `npm run bench -- wilss${tier === 'repro' ? ' --repro' : tier === 'smoke' ? ' --smoke' : ''}`,
      machine: machineLine(),
    });
    if (tier !== 'smoke') {
      if (report.curves) writeFileSync(join(ROOT, 'docs', 'results', 'wilss-curves.svg'), report.curves);
      if (report.picture) writeFileSync(join(ROOT, 'docs', 'results', 'wilss-grid.svg'), report.picture);
    }
    const s = report.summary;
    const summary: SuiteResult['summary'] = { tier, runs: runs.size, minutes: (Date.now() - t0) / 60000 };
    for (const [k, v] of Object.entries(s)) summary[k] = v as SuiteResult['summary'][string];
    return { report: 'wilss', markdown: report.markdown, summary };
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}
