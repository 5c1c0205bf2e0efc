"use client";

import { createContext, useContext, useState } from "react";
import type { IncidentDetailFragment, LookupsQuery } from "@/graphql/generated";
import { describeError, isConflict } from "@/lib/errors";

export interface IncidentCtx {
  incident: IncidentDetailFragment;
  lookups: LookupsQuery | null;
  meId: string | null;
  /** False for read-only roles (analysts): panels then show no control that changes anything. */
  canWrite: boolean;
  /** Replace the incident with what a mutation returned. */
  setIncident: (next: IncidentDetailFragment) => void;
  /** Fetch the incident again, keeping unsaved drafts (after adding a note, a task…). */
  refresh: () => Promise<void>;
  /** Fetch again and drop every draft: the answer to CONFLICT. */
  reload: () => Promise<void>;
  /** Goes up on every change seen (live or our own), for panels that load their own data. */
  changeTick: number;
  /** Marks the page as stale: a CONFLICT means the user must reload before changing anything. */
  reportConflict: () => void;
}

export const IncidentContext = createContext<IncidentCtx | null>(null);

export function useIncident(): IncidentCtx {
  const ctx = useContext(IncidentContext);
  if (!ctx) throw new Error("useIncident outside IncidentView");
  return ctx;
}

/** Runs one change: busy while it runs, CONFLICT goes to the page banner, other errors stay local. */
export function useAction() {
  const { reportConflict } = useIncident();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run(fn: () => Promise<void>, context: { attemptedStage?: string } = {}): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (err) {
      // CONFLICT is shown once, as the page banner with its reload button.
      if (isConflict(err)) reportConflict();
      else setError(describeError(err, context));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}

export function userName(lookups: LookupsQuery | null, id: string | null | undefined): string {
  if (!id) return "system";
  return lookups?.users.find((u) => u.id === id)?.name ?? "someone";
}
