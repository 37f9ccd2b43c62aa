import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Resolve workspace packages to their TypeScript source (no build needed before tests).
export default defineConfig({
  ssr: { resolve: { conditions: ['@numts/source', ...defaultServerConditions] } },
  test: { include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
