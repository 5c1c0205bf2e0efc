#!/usr/bin/env node
import "reflect-metadata";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { closeOnSignals, exitOnStartupFailure, startPlatform, type Closable } from "@quell/api/main";
import { loadConfig } from "@quell/api/platform/config";
import { logger } from "@quell/api/platform/logger";
import { startWorkers } from "./index";

/**
 * `npm start`: the whole platform in one command. The workers package sits at the top of the
 * dependency graph (it depends on api and ml), so the all-in-one composition lives here:
 * API + demo seed, the workers in this process, and the web UI as a child process.
 * Set QUELL_WEB=0 to skip the web UI, QUELL_WORKERS=0 to run the workers elsewhere.
 */
const REPO_ROOT = path.resolve(__dirname, "../..");
const WEB_DIR = path.join(REPO_ROOT, "web");

function startWeb(apiUrl: string, port: number): Closable {
  const buildId = path.join(WEB_DIR, ".next", "BUILD_ID");
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NEXT_PUBLIC_QUELL_API_URL: apiUrl, QUELL_API_URL: apiUrl };
  if (!fs.existsSync(buildId)) {
    logger.info("building the web UI (first start only, about a minute)");
    const build = spawnSync("npm", ["run", "-w", "web", "build"], { cwd: REPO_ROOT, env, stdio: ["ignore", "inherit", "inherit"] });
    if (build.status !== 0) {
      logger.error("the web UI failed to build; the API keeps running (see the output above)");
      return { close: async () => undefined };
    }
  }
  const child: ChildProcess = spawn(process.execPath, [require.resolve("next/dist/bin/next", { paths: [WEB_DIR] }), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: WEB_DIR,
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  child.on("exit", (code, signal) => {
    if (signal !== "SIGTERM") logger.warn({ code, signal }, "web UI exited");
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const withWeb = process.env.QUELL_WEB !== "0" && fs.existsSync(path.join(WEB_DIR, "package.json"));
  const withWorkers = process.env.QUELL_WORKERS !== "0";
  const platform = await startPlatform(config, {
    extras: [
      ...(withWorkers ? [(api: Parameters<typeof startWorkers>[0]) => startWorkers(api)] : []),
      ...(withWeb ? [async (api: { http: { url: string } }) => startWeb(api.http.url, config.webPort)] : []),
    ],
    bannerLines: withWeb ? [`Web UI        http://127.0.0.1:${config.webPort}`] : [],
  });
  closeOnSignals(platform);
}

main().catch(exitOnStartupFailure);
