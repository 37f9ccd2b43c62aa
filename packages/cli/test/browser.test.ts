import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { announceSkip, CHROMIUM, CHROMIUM_REMEDY } from '@numts/testing';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('browser example (examples/browser)', () => {
  it.skipIf(!CHROMIUM)(
    'runs an SVD and a classifier from the packages in headless Chromium and renders the results',
    async () => {
      const { buildBrowserExample } = await import(
        pathToFileURL(join(ROOT, 'examples', 'browser', 'build.ts')).href
      );
      await buildBrowserExample();
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'] });
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(pathToFileURL(join(ROOT, 'examples', 'browser', 'index.html')).href);
        await page.waitForFunction(
          "document.getElementById('status')?.textContent !== 'running'",
          undefined,
          {
            timeout: 60_000,
          },
        );
        expect(errors).toEqual([]);
        expect(await page.textContent('#status')).toBe('done');
        // Chromium has WebAssembly SIMD, so the page runs on the wasm backend by default.
        expect(await page.textContent('#backend')).toMatch(/^wasm \(a 256×256 product in [\d.]+ ms\)$/);
        expect(await page.textContent('#svd')).toMatch(
          /verification passed \(max scaled residual \d+\.\d\d\)/,
        );
        const acc = Number(
          /test accuracy ([\d.]+) %/.exec((await page.textContent('#classifier')) ?? '')?.[1],
        );
        expect(acc).toBeGreaterThan(80);
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});
if (!CHROMIUM) announceSkip('the browser example test', 'Chromium (/usr/bin/chromium)', CHROMIUM_REMEDY);
