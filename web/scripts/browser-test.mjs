#!/usr/bin/env node
// Part of `npm test`: runs the browser test when Debian's chromium is there. A fresh machine
// without it still passes `npm test` (with a clear note); CI sets QUELL_REQUIRE_BROWSER=1 and
// installs chromium first, so there a missing browser is a failure, never a silent skip.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  const message = `browser test: chromium is not at ${chromium}; install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`;
  if (process.env.QUELL_REQUIRE_BROWSER === "1") {
    console.error(`${message} QUELL_REQUIRE_BROWSER=1, so this fails.`);
    process.exit(1);
  }
  console.warn(`${message} Skipping it.`);
  process.exit(0);
}
// `npm test` ran web:check (tsc over the app and Next's route types) before this, so the e2e build
// need not type-check the same files again (next.config.ts).
const run = spawnSync("npm", ["run", "test:browser"], { stdio: "inherit", env: { ...process.env, QUELL_WEB_TYPECHECKED: "1" } });
process.exit(run.status ?? 1);
