/**
 * The browser workbench driven in headless Chromium with real files: numpy-written SVD fixtures,
 * a 500×500 matrix, the shared PLL and multi-label data sets, a stock peft adapter, and bad files.
 * Figures are compared with the `numts` command on the same files, folds and seed. Screenshots of
 * each screen go to docs/workbench/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '@numts/core';
import { readNpy, writeNpy } from '@numts/io';
import { announceSkip, CHROMIUM, CHROMIUM_REMEDY, SHARED_DATA, SHARED_REMEDY } from '@numts/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorkbench } from '../build.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const APP = join(HERE, '..');
const ROOT = join(APP, '..', '..');
const SHOTS = join(ROOT, 'docs', 'workbench');
const SVD = join(ROOT, 'test-data', 'cli', 'svd');
const LOST = join(SHARED_DATA, 'pll', 'lost.mat');
const EMOTIONS = join(SHARED_DATA, 'multilabel', 'emotions');
const HF = join(SHARED_DATA, '..', 'reference', 'hf');

if (!CHROMIUM) announceSkip('the browser workbench test', 'Chromium (/usr/bin/chromium)', CHROMIUM_REMEDY);
if (!existsSync(LOST)) announceSkip('the workbench on lost.mat', LOST, SHARED_REMEDY);
if (!existsSync(`${EMOTIONS}.arff`))
  announceSkip('the workbench on emotions', `${EMOTIONS}.arff`, SHARED_REMEDY);
if (!existsSync(join(HF, 'gpt2_lora')))
  announceSkip('the workbench on a stock peft adapter', join(HF, 'gpt2_lora'), SHARED_REMEDY);

/** `numts …args --json` from the sources; its parsed output. */
function numts(...args: string[]): unknown {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'packages', 'cli', 'bin', 'numts.js'), ...args, '--json', '--quiet'],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`numts ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };

describe.skipIf(!CHROMIUM)('the browser workbench (examples/workbench)', () => {
  let server: Server;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let bytes: number;
  const tmp = mkdtempSync(join(tmpdir(), 'numts-workbench-'));

  beforeAll(async () => {
    ({ bytes } = await buildWorkbench());
    server = createServer((req, res) => {
      const path = join(
        APP,
        decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/\/$/, '/index.html'),
      );
      if (!path.startsWith(APP) || !existsSync(path)) {
        res.writeHead(404).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' })
        .end(readFileSync(path));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'] });
    context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  const pageErrors = new WeakMap<Page, string[]>();

  async function open(): Promise<Page> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    pageErrors.set(page, errors);
    await page.goto(url);
    await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
    return page;
  }

  async function errorBox(page: Page): Promise<string> {
    await page.waitForSelector('#error:not([hidden])', { timeout: 30_000 });
    return (await page.textContent('#error')) ?? '';
  }

  it('builds to one script of at most 1.5 MB that runs on the wasm backend', async () => {
    console.log(`workbench: dist/app.js is ${(bytes / 1024).toFixed(0)} KiB`);
    expect(bytes).toBeLessThanOrEqual(1.5 * 1024 * 1024);
    const page = await open();
    expect(await page.textContent('#backend')).toBe('wasm');
    await page.close();
  });

  it('verifies numpy’s SVD, and names the ratio that fails for a corrupted factor', async () => {
    const page = await open();
    await page.setInputFiles(
      '#verify-input',
      ['A', 'U', 'S', 'Vt'].map((n) => join(SVD, `${n}.npy`)),
    );
    expect(await page.textContent('#verify-list')).toMatch(/4 files, .*A\.npy \(\d+ B\)/);
    await page.click('#verify-run');
    await page.waitForSelector('#verify-verdict');
    expect(await page.textContent('#verify-verdict')).toBe('PASS: the SVD reproduces A');
    expect(await page.locator('#verify-checks tbody tr').count()).toBe(5);
    await page.screenshot({ path: join(SHOTS, 'verify.png'), fullPage: true });

    // U with one entry changed in the 4th digit: U is no longer orthogonal and UΣVᵀ ≠ A.
    const u = readNpy(readFileSync(join(SVD, 'U.npy')));
    (u.data as Float64Array)[3]! *= 1.001;
    const bad = join(tmp, 'U.npy');
    writeFileSync(bad, writeNpy(u));
    await page.setInputFiles('#verify-input', [
      join(SVD, 'A.npy'),
      bad,
      join(SVD, 'S.npy'),
      join(SVD, 'Vt.npy'),
    ]);
    await page.click('#verify-run');
    await page.waitForSelector('#verify-verdict.fail');
    const verdict = (await page.textContent('#verify-verdict')) ?? '';
    expect(verdict).toMatch(/^FAIL: reconstruction = [\d.e+]+ ≥ 30; orthogonalityU = [\d.e+]+ ≥ 30$/);
    expect(pageErrors.get(page)).toEqual([]);
    await page.close();
  });

  it('factorizes a 500×500 matrix and shows the first result in under 3 s', async () => {
    const a = new Rng(5).normalMatrix(500, 500);
    const path = join(tmp, 'A.npy');
    writeFileSync(path, writeNpy(a));
    const page = await open();
    await page.setInputFiles('#verify-input', path);
    const t0 = Date.now();
    await page.click('#verify-run');
    await page.waitForSelector('#verify-verdict', { timeout: 30_000 });
    const seconds = (Date.now() - t0) / 1000;
    console.log(`workbench: 500×500 SVD, first result after ${seconds.toFixed(2)} s`);
    expect(await page.textContent('#verify-verdict')).toBe('PASS: the SVD reproduces A');
    expect(await page.textContent('#verify-results')).toContain('Computed by numts');
    expect(seconds).toBeLessThan(3);
    await page.close();
  });

  it('shows the error of a truncated .npy with its file name and what was expected', async () => {
    const full = readFileSync(join(SVD, 'A.npy'));
    const path = join(tmp, 'truncated.npy');
    writeFileSync(path, full.subarray(0, full.length - 20));
    const page = await open();
    await page.setInputFiles('#verify-input', path);
    await page.click('#verify-run');
    const text = await errorBox(page);
    expect(text).toMatch(/^truncated\.npy: readNpy: .*Expected: a NumPy \.npy file/);
    await page.screenshot({ path: join(SHOTS, 'error.png') });
    await page.close();
  });

  it.skipIf(!existsSync(LOST))(
    'evaluates PL-CL on lost.mat with the accuracy of numts pll eval, and downloads the model',
    async () => {
      const cli = numts('pll', 'eval', '--data', LOST, '--folds', '5', '--seed', '3') as {
        accuracy: number[];
        mean: number;
      };
      const page = await open();
      await page.click('#tab-learn');
      await page.setInputFiles('#learn-input', LOST);
      await page.waitForSelector('#learn-form:not([hidden])');
      expect(await page.textContent('#dataset')).toBe(
        'Partial-label data: 1122 rows, 108 features, 16 labels.',
      );
      await page.fill('#folds', '5');
      await page.fill('#seed', '3');
      await page.click('#learn-run');
      await page.waitForSelector('#learn-summary', { timeout: 120_000 });
      const perFold = JSON.parse((await page.getAttribute('#learn-summary', 'data-per-fold'))!) as {
        accuracy: number;
      }[];
      expect(perFold.map((f) => f.accuracy)).toEqual(cli.accuracy);
      expect(await page.textContent('#learn-summary')).toContain(`accuracy ${cli.mean.toFixed(4)} ±`);
      expect(await page.locator('#confusion tbody tr').count()).toBe(16);
      await page.screenshot({ path: join(SHOTS, 'learn.png'), fullPage: true });

      const download = page.waitForEvent('download');
      await page.click('#fit-run');
      const file = await (await download).path();
      const model = JSON.parse(readFileSync(file, 'utf8'));
      expect(model.format).toBe('numts.workbench.model');
      expect(model.learner.format).toBe('numts.pll.PlCl');
      expect(model.preprocessing.mean).toHaveLength(108);
      expect(pageErrors.get(page)).toEqual([]);
      await page.close();
    },
    300_000,
  );

  it.skipIf(!existsSync(LOST))(
    'stays responsive during a 10-fold PL-CL run and stops the worker on cancel',
    async () => {
      const page = await open();
      await page.click('#tab-learn');
      await page.setInputFiles('#learn-input', LOST);
      await page.waitForSelector('#learn-form:not([hidden])');
      await page.click('#learn-run');
      await page.waitForSelector('#fold-rows tr', { timeout: 120_000 });
      // The page answers while the worker computes: a round trip and a tab switch take milliseconds.
      const t0 = Date.now();
      await page.evaluate(() => 1);
      await page.click('#tab-verify');
      await page.click('#tab-learn');
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(await page.getAttribute('#progress', 'value')).not.toBe('0');
      await page.click('#cancel');
      expect(await page.textContent('#status')).toBe('cancelled: the worker was stopped');
      const rows = await page.locator('#fold-rows tr').count();
      await page.waitForTimeout(4000);
      expect(await page.locator('#fold-rows tr').count()).toBe(rows);
      expect(rows).toBeLessThan(10);
      expect(await page.isDisabled('#cancel')).toBe(true);
      expect(await page.isEnabled('#learn-run')).toBe(true);
      await page.close();
    },
    300_000,
  );

  it.skipIf(!existsSync(`${EMOTIONS}.arff`))(
    'evaluates HOMI on emotions with the figures of numts multilabel eval, per label',
    async () => {
      const cli = numts(
        'multilabel',
        'eval',
        '--data',
        `${EMOTIONS}.arff`,
        '--labels',
        `${EMOTIONS}.xml`,
      ) as {
        perFold: Record<string, number>[];
      };
      const page = await open();
      await page.click('#tab-learn');
      await page.setInputFiles('#learn-input', [`${EMOTIONS}.arff`, `${EMOTIONS}.xml`]);
      await page.waitForSelector('#learn-form:not([hidden])');
      expect(await page.inputValue('#folds')).toBe('5');
      await page.click('#learn-run');
      await page.waitForSelector('#learn-summary', { timeout: 120_000 });
      const perFold = JSON.parse((await page.getAttribute('#learn-summary', 'data-per-fold'))!);
      expect(perFold).toEqual(cli.perFold);
      expect(await page.locator('#per-label tbody tr').count()).toBe(6);
      await page.close();
    },
    300_000,
  );

  it('shows the error of a text file renamed .mat', async () => {
    const path = join(tmp, 'notes.mat');
    writeFileSync(path, 'these are my notes, not a MAT-file\n'.repeat(10));
    const page = await open();
    await page.click('#tab-learn');
    await page.setInputFiles('#learn-input', path);
    const text = await errorBox(page);
    expect(text).toMatch(/^notes\.mat: readMat: .*Expected: a partial-label MAT-file/);
    await page.close();
  });

  it.skipIf(!existsSync(join(HF, 'gpt2_lora')))(
    'inspects a stock peft adapter with the ranks and norms of numts peft inspect',
    async () => {
      const dir = join(HF, 'gpt2_lora');
      const base = join(HF, 'gpt2', 'model.safetensors');
      const cli = numts('peft', 'inspect', dir, '--base', base) as {
        path: string;
        rank: number;
        normDelta: number;
        directions: number[];
      }[];
      const page = await open();
      await page.click('#tab-inspect');
      await page.setInputFiles('#inspect-input', [
        join(dir, 'adapter_config.json'),
        join(dir, 'adapter_model.safetensors'),
        base,
      ]);
      await page.click('#inspect-run');
      await page.waitForSelector('#inspect-table');
      const rows = await page.$$eval('#inspect-table tbody tr', (trs) =>
        trs.map((tr) => ({
          path: tr.getAttribute('data-path'),
          rank: Number(tr.getAttribute('data-rank')),
          normDelta: Number(tr.getAttribute('data-norm-delta')),
          directions: tr.lastElementChild?.textContent,
        })),
      );
      expect(rows.map((r) => r.path)).toEqual(cli.map((m) => m.path));
      expect(rows.map((r) => r.rank)).toEqual(cli.map((m) => m.rank));
      expect(rows.map((r) => r.normDelta)).toEqual(cli.map((m) => m.normDelta));
      for (const [i, r] of rows.entries())
        expect(r.directions).toMatch(new RegExp(`^${cli[i]!.directions[0]}: `));
      await page.screenshot({ path: join(SHOTS, 'inspect.png'), fullPage: true });
      await page.close();
    },
    120_000,
  );

  it('shows the error of an adapter folder without its config', async () => {
    const dir = join(tmp, 'my_adapter');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'adapter_model.safetensors'), new Uint8Array(16));
    const page = await open();
    await page.click('#tab-inspect');
    await page.setInputFiles('#inspect-input', join(dir, 'adapter_model.safetensors'));
    await page.click('#inspect-run');
    const text = await errorBox(page);
    expect(text).toMatch(
      /^adapter_model\.safetensors: adapter_config\.json is missing beside it.*Expected: an adapter folder/,
    );
    await page.close();
  });

  it('is keyboard operable, labels every control and reads at 200 % zoom', async () => {
    const page = await open();
    await page.focus('#tab-verify');
    await page.keyboard.press('ArrowRight');
    expect(await page.getAttribute('#tab-learn', 'aria-selected')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-learn');
    expect(await page.isHidden('#panel-verify')).toBe(true);
    const unlabelled = await page.$$eval('input, select', (els) =>
      els
        .filter(
          (e) => !e.id || (!document.querySelector(`label[for="${e.id}"]`) && !e.getAttribute('aria-label')),
        )
        .map((e) => e.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    // 200 % zoom of a 1280-px window: the page fits 640 CSS pixels without sideways scrolling.
    await page.setViewportSize({ width: 640, height: 800 });
    for (const tab of ['#tab-verify', '#tab-learn', '#tab-inspect']) {
      await page.click(tab);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    }
    await page.close();
  });

  it('works offline once loaded', async () => {
    const page = await open();
    // The service worker takes over once it is active (at most a few seconds on a fresh profile).
    expect(
      await page.evaluate(() =>
        Promise.race([
          navigator.serviceWorker.ready.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000)),
        ]),
      ),
    ).toBe(true);
    await context.setOffline(true);
    try {
      await page.reload();
      await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
      await page.setInputFiles(
        '#verify-input',
        ['A', 'U', 'S', 'Vt'].map((n) => join(SVD, `${n}.npy`)),
      );
      await page.click('#verify-run');
      await page.waitForSelector('#verify-verdict');
      expect(await page.textContent('#verify-verdict')).toBe('PASS: the SVD reproduces A');
    } finally {
      await context.setOffline(false);
      await page.close();
    }
  });
});
