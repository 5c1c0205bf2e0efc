import { defineConfig } from "vitest/config";

// Only the browser test; the root vitest run never picks up *.browser.ts.
export default defineConfig({
  test: {
    root: new URL("..", import.meta.url).pathname,
    include: ["test/**/*.browser.ts"],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: "forks",
    fileParallelism: false,
  },
});
