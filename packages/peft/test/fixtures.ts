import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** test-data/peft (reference values written by test-data/peft/make_fixtures.py with numpy). */
export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../test-data/peft');

export function readJson<T>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, name), 'utf8')) as T;
}

export const haveFixtures = existsSync(join(FIXTURE_DIR, 'fixtures.json'));
