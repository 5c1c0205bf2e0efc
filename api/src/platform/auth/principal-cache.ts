import type { Principal } from "./roles";

/**
 * After a revocation nothing is cached for the longest TTL in use plus this long, so a lookup that
 * read the session before the revoking transaction committed cannot put it back (transactions that
 * revoke are short), and every entry made before the revocation has expired when caching resumes.
 */
const COMMIT_MARGIN_MS = 5_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  principal: Promise<Principal>;
  untilMs: number;
}

/**
 * Principals of recently checked access tokens, per database. A lookup in progress is shared, so
 * concurrent requests with one token make one lookup. Only successes stay, never past the token's
 * or session's own expiry. Logout, revocation, deactivation and role changes call
 * `forgetCachedPrincipals`, which empties every cache in this process and, through the listeners
 * the composition root adds, in every other replica.
 */
const caches = new WeakMap<object, Map<string, Entry>>();
let cachingResumesAtMs = 0;
let longestTtlMs = 0;
const forgetListeners = new Set<() => void>();

/**
 * The principal for `credential`: from the cache while fresh (at most `ttlMs` old), else from
 * `lookup`, which answers the principal and when it stops being valid (ms). Failures are never kept.
 */
export function rememberedPrincipal(database: object, credential: string, ttlMs: number, lookup: () => Promise<{ principal: Principal; expiresAtMs: number }>): Promise<Principal> {
  if (ttlMs <= 0) return lookup().then(({ principal }) => principal);
  longestTtlMs = Math.max(longestTtlMs, ttlMs);
  const nowMs = Date.now();
  let cache = caches.get(database);
  const known = cache?.get(credential);
  if (known && known.untilMs > nowMs && nowMs >= cachingResumesAtMs) return known.principal;
  if (known) cache!.delete(credential);
  const looked = lookup();
  const principal = looked.then(({ principal }) => Object.freeze({ ...principal }));
  if (nowMs < cachingResumesAtMs) return principal;
  if (!cache) caches.set(database, (cache = new Map()));
  // Plenty for the sessions seen within one TTL; past it start over rather than track ages.
  if (cache.size >= MAX_ENTRIES) cache.clear();
  const entry: Entry = { principal, untilMs: nowMs + ttlMs };
  cache.set(credential, entry);
  looked.then(
    ({ expiresAtMs }) => (entry.untilMs = Math.min(entry.untilMs, expiresAtMs)),
    () => cache!.get(credential) === entry && cache!.delete(credential),
  );
  return principal;
}

/**
 * Empties this process's caches and pauses caching; with `broadcast`, tells the listeners (other
 * replicas) too. Nothing is deleted here: every entry was cached before, so it expires (TTL) before
 * the pause ends, and `cachedPrincipal` answers nothing during the pause.
 */
export function forgetCachedPrincipals(broadcast = true): void {
  cachingResumesAtMs = Date.now() + longestTtlMs + COMMIT_MARGIN_MS;
  for (const listener of broadcast ? forgetListeners : []) listener();
}

/** Called on every `forgetCachedPrincipals` of this process (the composition root publishes it to the other replicas). */
export function onPrincipalsForgotten(listener: () => void): () => void {
  forgetListeners.add(listener);
  return () => forgetListeners.delete(listener);
}
