"use client";

import { createContext, useContext } from "react";
import type { IncidentDetailFragment, LookupsQuery } from "@/graphql/generated";
import { useChangeAction } from "@/lib/hooks";

export interface IncidentCtx {
  incident: IncidentDetailFragment;
  lookups: LookupsQuery | null;
  meId: string | null;
  /** False for read-only roles (analysts): panels then show no control that changes anything. */
  canWrite: boolean;
  /**
   * canWrite, and the incident is not closed or cancelled (the API's readOnlyReason): details,
   * assignment, roles, report, new tasks and suggestion decisions show only then. Notes, reopening
   * and completing leftover tasks need canWrite alone.
   */
  canEdit: boolean;
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
  return useChangeAction(useIncident().reportConflict);
}

export function userName(lookups: LookupsQuery | null, id: string | null | undefined): string {
  if (!id) return "system";
  return lookups?.users.find((u) => u.id === id)?.name ?? "someone";
}
