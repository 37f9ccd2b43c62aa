/**
 * Step 2 of test-data/io/make_roundtrip.py: numts writes the round-trip inputs to
 * test-data/io/roundtrip/from-numts/ with its own writers. packages/io/test/roundtrip.test.ts
 * writes the same files again and checks that the bytes are these, which numpy has read back.
 *
 *     node --conditions=@numts/source --import tsx test-data/io/write_numts_roundtrip.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { numtsRoundtripFiles } from '../../packages/io/test/roundtrip-files.js';

const here = join(dirname(fileURLToPath(import.meta.url)), 'roundtrip');
const inputs = JSON.parse(readFileSync(join(here, 'inputs.json'), 'utf8'));
mkdirSync(join(here, 'from-numts'), { recursive: true });
for (const [name, bytes] of Object.entries(numtsRoundtripFiles(inputs)))
  writeFileSync(join(here, 'from-numts', name), bytes);
