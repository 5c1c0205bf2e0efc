import { defineConfig } from "vitest/config";

// Only the browser test; the root vitest run never picks up *.browser.ts.
export default defineConfig({
  test: {
    root: new URL("..", import.meta.url).pathname,
    include: ["test/**/*.browser.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: "forks",
    fileParallelism: false,
    // expect.poll waits as long as playwright's own waits (15 s), not vitest's 1 s default: a page that
    // renders after a reload on a loaded CI machine is slow, not wrong.
    expect: { poll: { timeout: 15_000 } },
  },
});
