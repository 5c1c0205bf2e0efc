export interface Writable {
  write(chunk: string): unknown;
}

/**
 * A one-line progress bar for stderr ("[#######-------]  47% training"). Redraws with \r at most
 * once per percent or stage change, so a log file that captures it stays short.
 */
export function createProgressBar(out: Writable, width = 30): { update(percent: number, stage: string): void; done(): void } {
  let last = "";
  let drawn = false;
  return {
    update(percent: number, stage: string) {
      const p = Math.max(0, Math.min(100, Math.floor(percent)));
      const key = `${p}|${stage}`;
      if (key === last) return;
      last = key;
      const filled = Math.round((p / 100) * width);
      out.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(p).padStart(3)}% ${stage.padEnd(24)}`);
      drawn = true;
    },
    done() {
      if (drawn) out.write("\n");
      drawn = false;
    },
  };
}
