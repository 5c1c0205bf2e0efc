"use client";

import { createClient, type Client } from "graphql-ws";
import { LogoutDocument, RefreshSessionDocument, type SessionTokensFragment, type TypedDocument } from "../graphql/generated";
import { ApiError, type ApiErrorShape } from "./errors";

const SESSION_KEY = "quell.session";
/** Refresh this long before the access token expires, so no request goes out with a dying token. */
const REFRESH_MARGIN_MS = 60_000;

export interface SessionUser {
  id: string;
  name: string;
  email: string | null;
  role: string;
}

interface StoredSession {
  token: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  user: SessionUser;
}

function readStored(): StoredSession | null {
  if (typeof window === "undefined") return null;
  const raw = window.localStorage.getItem(SESSION_KEY);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as StoredSession;
    return parsed.token && parsed.refreshToken && parsed.user ? parsed : null;
  } catch {
    return null;
  }
}

export function readSession(): { token: string; user: SessionUser } | null {
  const stored = readStored();
  return stored ? { token: stored.token, user: stored.user } : null;
}

/** Stores what login or refreshSession answered (access token, its expiry, refresh token, user). */
export function writeSession(session: SessionTokensFragment): void {
  // A refresh keeps the open socket (it re-checks on its own); another user needs a new one.
  const previousUser = readStored()?.user.id;
  const stored: StoredSession = { token: session.token, accessTokenExpiresAt: session.accessTokenExpiresAt, refreshToken: session.refreshToken, user: session.user };
  window.localStorage.setItem(SESSION_KEY, JSON.stringify(stored));
  if (previousUser !== session.user.id) resetSubscriptions();
}

export function clearSession(): void {
  window.localStorage.removeItem(SESSION_KEY);
  resetSubscriptions();
}

/** Pages react to this (redirect to /login) when the API says the session is over. */
export const SESSION_EXPIRED_EVENT = "quell:session-expired";

function expireSession(): void {
  clearSession();
  window.dispatchEvent(new Event(SESSION_EXPIRED_EVENT));
}

async function post<R>(document: string, variables: unknown, token: string | undefined, signal?: AbortSignal): Promise<{ data?: R | null; errors?: ApiErrorShape[] }> {
  const res = await fetch("/api/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: document, variables }),
    signal,
  });
  try {
    return (await res.json()) as { data?: R | null; errors?: ApiErrorShape[] };
  } catch {
    throw new ApiError([{ message: `The API answered ${res.status} ${res.statusText} without a GraphQL body.` }]);
  }
}

let refreshing: Promise<string | null> | null = null;

/**
 * Trades the refresh token for a new pair (one refresh at a time in this tab). The refresh token
 * is single-use: when another tab already used it, that tab's newer session is in storage.
 */
function refreshSession(staleToken: string): Promise<string | null> {
  refreshing ??= (async () => {
    const stored = readStored();
    if (!stored) return null;
    if (stored.token !== staleToken) return stored.token;
    const body = await post<{ refreshSession: SessionTokensFragment }>(RefreshSessionDocument, { input: { refreshToken: stored.refreshToken } }, undefined);
    if (body.data?.refreshSession) {
      writeSession(body.data.refreshSession);
      return body.data.refreshSession.token;
    }
    const latest = readStored();
    return latest && latest.token !== staleToken ? latest.token : null;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** The access token to send: renewed first when it is about to expire. Null when signed out. */
export async function freshToken(): Promise<string | null> {
  const stored = readStored();
  if (!stored) return null;
  if (Date.parse(stored.accessTokenExpiresAt) - Date.now() > REFRESH_MARGIN_MS) return stored.token;
  const token = await refreshSession(stored.token);
  if (!token) expireSession();
  return token;
}

/** Ends the session on the server too (its tokens stop working), then forgets it here. */
export async function signOutSession(): Promise<void> {
  // A refresh in flight would rotate the refresh token under us and store a new session after sign-out.
  if (refreshing) await refreshing.catch(() => null);
  const stored = readStored();
  clearSession();
  if (!stored) return;
  await post(LogoutDocument, { input: { refreshToken: stored.refreshToken } }, stored.token).catch(() => undefined);
}

/** Sends one operation through the same-origin proxy (/api/graphql). */
export async function gql<R, V>(document: TypedDocument<R, V>, variables: V, init?: { signal?: AbortSignal }): Promise<R> {
  let token = (await freshToken()) ?? undefined;
  let body = await post<R>(document, variables, token, init?.signal);
  // The access token can be refused early (clock skew, revoked elsewhere): one refresh, one retry.
  if (token && body.errors?.[0]?.extensions?.code === "UNAUTHENTICATED") {
    const renewed = await refreshSession(token);
    if (!renewed) {
      expireSession();
      throw new ApiError(body.errors);
    }
    token = renewed;
    body = await post<R>(document, variables, token, init?.signal);
    if (body.errors?.[0]?.extensions?.code === "UNAUTHENTICATED") expireSession();
  }
  if (body.errors && body.errors.length > 0) throw new ApiError(body.errors);
  if (!body.data) throw new ApiError([{ message: "The API answered with no data." }]);
  return body.data;
}

let wsClient: Client | null = null;
let wsUrl: string | null = null;
let wsConnected = false;

/** Set once from the server-rendered layout, which reads NEXT_PUBLIC_QUELL_API_URL at run time. */
export function configureSubscriptions(url: string): void {
  if (url === wsUrl) return;
  wsUrl = url;
  resetSubscriptions();
}

/** The API's own base URL (for links to its GraphQL IDE), from the WebSocket URL the layout configured. */
export function apiBaseUrl(): string | null {
  return wsUrl ? wsUrl.replace(/^ws/, "http").replace(/\/graphql$/, "") : null;
}

function resetSubscriptions(): void {
  wsClient?.dispose();
  wsClient = null;
  wsConnected = false;
}

function subscriptionClient(): Client | null {
  if (!wsUrl) return null;
  if (!wsClient) {
    wsClient = createClient({
      url: wsUrl,
      lazy: true,
      retryAttempts: Infinity,
      shouldRetry: () => true,
      connectionParams: async () => {
        const token = await freshToken();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
    });
    wsClient.on("connected", () => {
      wsConnected = true;
    });
    wsClient.on("closed", () => {
      wsConnected = false;
    });
  }
  return wsClient;
}

/** Subscribes over graphql-ws; returns the function that stops it. */
export function subscribe<R, V>(
  document: TypedDocument<R, V>,
  variables: V,
  onData: (data: R) => void,
  onState?: (connected: boolean) => void,
): () => void {
  let stopped = false;
  let stopCurrent: () => void = () => undefined;
  const start = () => {
    const client = subscriptionClient();
    if (!client || stopped) return;
    const offConnected = client.on("connected", () => onState?.(true));
    const offClosed = client.on("closed", () => onState?.(false));
    onState?.(wsConnected);
    const stop = client.subscribe<R>(
      { query: document, variables: variables as Record<string, unknown> },
      {
        next: (msg) => {
          if (msg.data) onData(msg.data);
        },
        error: (err) => {
          onState?.(false);
          // 4401: the server closed the socket because the access token expired or the session
          // ended. Renew and subscribe again; if the session is really over, sign out.
          if ((err as { code?: number } | null)?.code === 4401) {
            const stale = readSession()?.token;
            void (stale ? refreshSession(stale) : Promise.resolve(null)).then((token) => {
              if (!token) return expireSession();
              // The closed socket is gone; subscribing again opens a new one with the new token.
              start();
            });
          }
        },
        complete: () => undefined,
      },
    );
    stopCurrent = () => {
      stop();
      offConnected();
      offClosed();
    };
  };
  start();
  return () => {
    stopped = true;
    stopCurrent();
  };
}
