import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests spawn the built binary; two cores, so keep the pool small and the timeouts generous.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
