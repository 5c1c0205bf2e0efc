import { defineConfig } from "vitest/config";
import os from "node:os";
import { fileURLToPath } from "node:url";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // graphql must be loaded once, or type-graphql and Apollo see two realms (STACK.md trap 2).
    alias: [
      { find: /^graphql$/, replacement: "graphql/index.js" },
      { find: /^@quell\/ml$/, replacement: here("./ml/src/index.ts") },
      { find: /^@quell\/ml\/(.*)$/, replacement: here("./ml/src/$1") },
      { find: /^@quell\/api\/(.*)$/, replacement: here("./api/src/$1") },
      { find: /^@quell\/migrations$/, replacement: here("./migrations/src/index.ts") },
      { find: /^@quell\/workers\/(.*)$/, replacement: here("./workers/src/$1") },
    ],
  },
  // Test files sit outside the packages' build tsconfig, so say the decorator settings here too.
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  test: {
    include: ["{api,ml,workers,migrations,web}/{src,test}/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // vitest's default is one worker fewer than the cores: on CI's 2 cores that is one file at a
    // time, with a core idle while a file waits on PostgreSQL, Redis or a child process. Every file
    // has its own schema (or PGlite), its own Redis prefixes and its own ports, so files can run side by side.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
  },
});
