import { defineConfig } from 'vitest/config';

// Integration tests spawn real processes; on a loaded 2-core machine they need room.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
