import { defineConfig } from 'vitest/config';

// The core and decompositions suites (every kernel property, accuracy test and hostile fixture)
// run a second time on the pure TypeScript backend (NUMTS_BACKEND=js); the package projects use
// the default backend (WebAssembly SIMD where the runtime supports it).
const onJsBackend = (pkg: string) => ({
  extends: `./packages/${pkg}/vitest.config.ts`,
  test: {
    name: `@numts/${pkg} [js backend]`,
    root: `./packages/${pkg}`,
    env: { NUMTS_BACKEND: 'js' },
  },
});

export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'examples/workbench',
      'bench',
      onJsBackend('core'),
      onJsBackend('decompositions'),
    ],
    reporters: ['default', './vitest.summary-reporter.ts'],
  },
});
