"use client";

import { useEffect, useRef, useState } from "react";

/**
 * A form's working copy of server values. While untouched it follows the server (live updates,
 * the user's own changes elsewhere on the page); once edited it keeps the version it started from,
 * so saving over someone else's newer change gets CONFLICT instead of overwriting it.
 */
export function useDraft<T extends Record<string, unknown>>(source: T, version: number) {
  const [draft, setDraft] = useState<T>(source);
  const [baseVersion, setBaseVersion] = useState(version);
  const [dirty, setDirty] = useState(false);
  const latest = useRef(source);
  latest.current = source;

  useEffect(() => {
    if (!dirty) {
      setDraft(latest.current);
      setBaseVersion(version);
    }
  }, [version, dirty]);

  return {
    draft,
    dirty,
    baseVersion,
    set<K extends keyof T>(key: K, value: T[K]) {
      setDraft((d) => ({ ...d, [key]: value }));
      setDirty(true);
    },
    /** Back to the server's values (after a save, or to discard). */
    reset() {
      setDirty(false);
      setDraft(latest.current);
      setBaseVersion(version);
    },
    /** Only the fields that differ from the server copy. */
    changes(): Partial<T> {
      const out: Partial<T> = {};
      for (const k of Object.keys(draft) as Array<keyof T>) if (draft[k] !== latest.current[k]) out[k] = draft[k];
      return out;
    },
  };
}
