"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { IncidentChangedSubscription, TypedDocument } from "../graphql/generated";
import { IncidentChangedDocument } from "../graphql/generated";
import { gql, subscribe } from "./client";
import { describeError, isConflict } from "./errors";

export interface QueryState<R> {
  data: R | null;
  error: unknown;
  loading: boolean;
  /** Fetches again; the current data stays on screen meanwhile. */
  reload: () => Promise<void>;
}

/** Runs a query whenever its variables change (compared as JSON) and on reload(). */
export function useQuery<R, V>(document: TypedDocument<R, V>, variables: V, skip = false): QueryState<R> {
  const [data, setData] = useState<R | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(!skip);
  const key = JSON.stringify(variables);
  const latest = useRef(0);

  const run = useCallback(async () => {
    if (skip) return;
    const ticket = ++latest.current;
    setLoading(true);
    try {
      const result = await gql(document, JSON.parse(key) as V);
      if (ticket === latest.current) {
        setData(result);
        setError(null);
      }
    } catch (err) {
      if (ticket === latest.current) setError(err);
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
  }, [document, key, skip]);

  useEffect(() => {
    void run();
  }, [run]);

  return { data, error, loading, reload: run };
}

/**
 * Listens to a subscription and calls onChange with the latest event, at most once per
 * `debounceMs`, so a burst of changes costs one refetch. Returns whether the socket is up.
 */
export function useLiveChanges<R, V>(document: TypedDocument<R, V>, variables: V, onChange: (data: R) => void, debounceMs = 250): boolean {
  const [live, setLive] = useState(false);
  const handler = useRef(onChange);
  handler.current = onChange;
  const key = JSON.stringify(variables);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last: R | null = null;
    const stop = subscribe(
      document,
      JSON.parse(key) as V,
      (data) => {
        last = data;
        if (timer) return;
        timer = setTimeout(() => {
          timer = null;
          if (last) handler.current(last);
        }, debounceMs);
      },
      setLive,
    );
    return () => {
      if (timer) clearTimeout(timer);
      stop();
    };
  }, [document, key, debounceMs]);

  return live;
}

/** incidentChanged for all incidents, or one. */
export function useIncidentChanges(
  incidentId: string | null,
  onChange: (change: IncidentChangedSubscription["incidentChanged"]) => void,
  debounceMs = 250,
): boolean {
  return useLiveChanges(IncidentChangedDocument, { incidentId }, (data) => onChange(data.incidentChanged), debounceMs);
}

/** Runs one change: busy while it runs, CONFLICT goes to the page's banner (onConflict), other errors stay with the panel. */
export function useChangeAction(onConflict: () => void) {
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
      if (isConflict(err)) onConflict();
      else setError(describeError(err, context));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}
