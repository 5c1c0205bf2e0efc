import { monitorEventLoopDelay, performance } from "node:perf_hooks";

/**
 * How long the event loop was blocked while something ran: Node's event-loop delay histogram
 * (max, p99) and a timer that records the gap between its ticks, each gap tagged with the stages
 * the work went through meanwhile. A gap far above the timer's
 * period is time in which nothing else in the process (API requests, queue lock renewals, other
 * jobs) could run. An optional probe does a real round trip (e.g. SELECT 1) every period and
 * records how long each took, i.e. what a request arriving then would have waited.
 */
export class LoopMonitor {
  private readonly histogram = monitorEventLoopDelay({ resolution: 10 });
  private timer: NodeJS.Timeout | null = null;
  private probeTimer: NodeJS.Timeout | null = null;
  private last = 0;
  private stage = "";
  private lastStage = "";
  private ticks = 0;
  /** Largest resident set seen (sampled every 100 ticks; worker threads share the process's). */
  private rssMax = 0;
  /** Stages entered since the timer last ran: the work a long gap was made of. */
  private enteredSinceTick: string[] = [];
  private readonly gaps: Array<{ ms: number; stages: string[] }> = [];
  private readonly probes: number[] = [];

  constructor(
    private readonly tickMs = 10,
    private readonly probe?: () => Promise<unknown>,
    private readonly probeEveryMs = 250,
  ) {}

  start(): void {
    this.histogram.enable();
    this.last = performance.now();
    this.lastStage = this.stage;
    this.timer = setInterval(() => {
      const now = performance.now();
      if (this.ticks++ % 100 === 0) this.rssMax = Math.max(this.rssMax, process.memoryUsage.rss());
      this.gaps.push({ ms: now - this.last, stages: [this.lastStage, ...this.enteredSinceTick] });
      this.enteredSinceTick = [];
      this.last = now;
      this.lastStage = this.stage;
    }, this.tickMs);
    if (this.probe) {
      const probe = this.probe;
      // Probes are due at a fixed rate and each is timed from when it was due, not from when the
      // blocked loop got round to sending it: what a request arriving then would have waited.
      let due = performance.now() + this.probeEveryMs;
      this.probeTimer = setInterval(() => {
        for (const now = performance.now(); due <= now; due += this.probeEveryMs) {
          const dueAt = due;
          probe().then(
            () => this.probes.push(performance.now() - dueAt),
            () => this.probes.push(NaN),
          );
        }
      }, this.probeEveryMs);
    }
  }

  enter(stage: string): void {
    if (stage !== this.stage) this.enteredSinceTick.push(stage);
    this.stage = stage;
  }

  stop(): LoopReport {
    if (this.timer) clearInterval(this.timer);
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.histogram.disable();
    const ms = (ns: number) => +(ns / 1e6).toFixed(1);
    const sorted = this.gaps.slice().sort((a, b) => b.ms - a.ms);
    const byStage = new Map<string, { max_ms: number; over_1s: number; blocked_s: number }>();
    for (const g of this.gaps) {
      // A gap is charged to every stage the work went through while it held the loop.
      for (const stage of new Set(g.stages)) {
        const s = byStage.get(stage) ?? { max_ms: 0, over_1s: 0, blocked_s: 0 };
        s.max_ms = Math.max(s.max_ms, +g.ms.toFixed(0));
        if (g.ms > 1000) s.over_1s++;
        if (g.ms > 100) s.blocked_s = +(s.blocked_s + g.ms / 1000).toFixed(1);
        byStage.set(stage, s);
      }
    }
    const probes = this.probes.filter((p) => Number.isFinite(p)).sort((a, b) => a - b);
    const pct = (p: number) => +(probes[Math.min(probes.length - 1, Math.floor((p / 100) * probes.length))] ?? 0).toFixed(1);
    return {
      delay_max_ms: ms(this.histogram.max),
      delay_p99_ms: ms(this.histogram.percentile(99)),
      delay_p50_ms: ms(this.histogram.percentile(50)),
      timer_period_ms: this.tickMs,
      timer_ticks: this.ticks,
      gap_max_ms: +(sorted[0]?.ms ?? 0).toFixed(0),
      rss_max_mb: Math.round(Math.max(this.rssMax, process.memoryUsage.rss()) / 1024 / 1024),
      gaps_over_1s: this.gaps.filter((g) => g.ms > 1000).length,
      gaps_over_100ms: this.gaps.filter((g) => g.ms > 100).length,
      worst_gaps: sorted.slice(0, 12).map((g) => ({ ms: +g.ms.toFixed(0), stages: g.stages.join(" > ") })),
      by_stage: Object.fromEntries(byStage),
      ...(this.probe ? { probe_ms: { n: probes.length, failed: this.probes.length - probes.length, p50: pct(50), p95: pct(95), p99: pct(99), max: +(probes[probes.length - 1] ?? 0).toFixed(1) } } : {}),
    };
  }
}

export interface LoopReport {
  delay_max_ms: number;
  delay_p99_ms: number;
  delay_p50_ms: number;
  timer_period_ms: number;
  timer_ticks: number;
  gap_max_ms: number;
  rss_max_mb: number;
  gaps_over_1s: number;
  gaps_over_100ms: number;
  /** The longest gaps, each with the stages its work went through. */
  worst_gaps: Array<{ ms: number; stages: string }>;
  by_stage: Record<string, { max_ms: number; over_1s: number; blocked_s: number }>;
  probe_ms?: { n: number; failed: number; p50: number; p95: number; p99: number; max: number };
}
