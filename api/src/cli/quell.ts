#!/usr/bin/env node
import "reflect-metadata";
import { COMMANDS, usage } from "./commands";
import "./admin.command";
import "./import.command";
import "./ml.command";

/**
 * `npm run quell -- <command>`: the operator's CLI. Exit codes: 0 success, 1 the check failed
 * (stale schema, broken audit chain...), 2 bad usage or input.
 */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = COMMANDS.find((c) => c.name === name || (c.name.includes(" ") && `${name} ${rest[0]}` === c.name));
  if (!command || name === "help" || name === "--help") {
    process.stderr.write(usage());
    return name && name !== "help" && name !== "--help" ? 2 : 0;
  }
  const args = command.name.includes(" ") ? rest.slice(1) : rest;
  return command.run(args, { stdout: process.stdout, stderr: process.stderr });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`quell: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
