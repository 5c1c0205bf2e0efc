import { defineConfig } from "vitest/config";
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
  },
});
