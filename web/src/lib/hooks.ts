"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { IncidentChangedSubscription, TypedDocument } from "../graphql/generated";
import { IncidentChangedDocument } from "../graphql/generated";
import { gql, subscribe } from "./client";

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
 * Listens to incidentChanged (all incidents, or one) and calls onChange, at most once per
 * `debounceMs`, so a burst of changes costs one refetch. Returns whether the socket is up.
 */
export function useIncidentChanges(
  incidentId: string | null,
  onChange: (change: IncidentChangedSubscription["incidentChanged"]) => void,
  debounceMs = 250,
): boolean {
  const [live, setLive] = useState(false);
  const handler = useRef(onChange);
  handler.current = onChange;

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last: IncidentChangedSubscription["incidentChanged"] | null = null;
    const stop = subscribe(
      IncidentChangedDocument,
      { incidentId },
      (data) => {
        last = data.incidentChanged;
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
  }, [incidentId, debounceMs]);

  return live;
}
