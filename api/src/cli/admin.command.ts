import readline from "node:readline";
import { loadConfig } from "../platform/config";
import { closeDatabase, openDatabase } from "../platform/database/data-source";
import { QuellError } from "../platform/errors";
import { bootstrapAdmin } from "../modules/user/user.service";
import { registerCommand, type CliIo } from "./commands";

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

/** Reads a password without echoing it (a terminal), or the first line of piped stdin (scripts). */
async function readPassword(io: CliIo): Promise<string> {
  const input = io.stdin ?? process.stdin;
  if ((input as { isTTY?: boolean }).isTTY) {
    const first = await promptHidden(input, io.stderr, "Password: ");
    const again = await promptHidden(input, io.stderr, "Repeat it: ");
    if (first !== again) throw new Error("the two passwords differ");
    return first;
  }
  let text = "";
  for await (const chunk of input) text += String(chunk);
  return text.split(/\r?\n/)[0] ?? "";
}

function promptHidden(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, question: string): Promise<string> {
  const rl = readline.createInterface({ input, output, terminal: true });
  // readline echoes what is typed through _writeToOutput; print the question only.
  (rl as unknown as { _writeToOutput(s: string): void })._writeToOutput = (s: string) => {
    if (s.startsWith(question)) output.write(question);
  };
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      output.write("\n");
      rl.close();
      resolve(answer);
    });
  });
}

registerCommand({
  name: "admin create",
  summary: "create the first administrator: --email E [--name N] [--force]; password from the prompt or stdin",
  async run(args, io) {
    const email = option(args, "--email");
    if (!email) {
      io.stderr.write("admin create needs --email you@example.org (the password is prompted for, or read from stdin)\n");
      return 2;
    }
    const name = option(args, "--name") ?? email.split("@")[0]!;
    const password = await readPassword(io);
    const dataSource = await openDatabase(io.config ?? loadConfig());
    try {
      const user = await bootstrapAdmin(dataSource, { email, name, password }, { force: args.includes("--force") });
      io.stdout.write(`created administrator ${user.email} (${user.id}); sign in with the password you gave\n`);
      return 0;
    } catch (err) {
      if (!(err instanceof QuellError)) throw err;
      io.stderr.write(`admin create: ${err.message}\n`);
      return 1;
    } finally {
      await closeDatabase(dataSource);
    }
  },
});
