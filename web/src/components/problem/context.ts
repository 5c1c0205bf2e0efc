"use client";

import { createContext, useContext } from "react";
import type { LookupsQuery, ProblemDetailFragment } from "@/graphql/generated";
import { useChangeAction } from "@/lib/hooks";

export interface ProblemCtx {
  problem: ProblemDetailFragment;
  lookups: LookupsQuery | null;
  /** Problem managers and admins: analysis, stages, tasks. */
  canOwn: boolean;
  /** Agents too: linking incidents. */
  canLink: boolean;
  meId: string | null;
  setProblem: (next: ProblemDetailFragment) => void;
  refresh: () => Promise<void>;
  reportConflict: () => void;
}

export const ProblemContext = createContext<ProblemCtx | null>(null);

export function useProblem(): ProblemCtx {
  const ctx = useContext(ProblemContext);
  if (!ctx) throw new Error("useProblem outside ProblemView");
  return ctx;
}

/** Runs one change: busy while it runs, CONFLICT goes to the page banner, other errors stay with the panel. */
export function useProblemAction() {
  return useChangeAction(useProblem().reportConflict);
}
